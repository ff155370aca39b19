//! Staff accounts, the lock and the role check (`app::staff`).

use crate::support::{desk, person, walk_in};
use escale_core::app::{
    CheckInTarget, MediationFilter, RegistrationFilter, StaffChange, StaffInput,
};
use escale_core::model::{Direction, Method};
use escale_core::report::ReportQuery;
use escale_core::roles::{Action, Role};
use escale_core::{Error, Escale, Lang};

fn account(name: &str, role: Role, pin: &str) -> StaffInput {
    StaffInput {
        name: name.into(),
        role,
        pin: pin.into(),
        badge: None,
    }
}

/// A store with one account per role (all PIN 2468 but the coordinator's,
/// 1357), left locked.
async fn team(app: &Escale) {
    app.add_staff(&account("Camille", Role::Coordinator, "1357"))
        .await
        .unwrap();
    for (name, role) in [
        ("Mehdi", Role::Mediator),
        ("Vera", Role::Volunteer),
        ("Borne", Role::Kiosk),
    ] {
        app.add_staff(&account(name, role, "2468")).await.unwrap();
    }
    app.lock();
}

#[tokio::test]
async fn the_first_account_is_a_coordinators_and_closes_the_store() {
    let d = desk().await;
    let app = &d.app;
    // An open store (no account yet) runs every use case.
    assert!(!app.has_staff().await.unwrap());
    app.events().await.unwrap();
    let err = app
        .add_staff(&account("Vera", Role::Volunteer, "2468"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "staff.first_coordinator");
    let me = app
        .add_staff(&account("Camille", Role::Coordinator, "1357"))
        .await
        .unwrap();
    assert_eq!(
        app.current_session().map(|s| s.staff_id),
        Some(me.id),
        "the first coordinator is signed in at once"
    );
    app.lock();
    assert_eq!(app.events().await.unwrap_err().code(), "auth.locked");
    assert_eq!(
        app.unlock("Camille", "9999").await.unwrap_err().code(),
        "auth.wrong_pin"
    );
    assert_eq!(
        app.unlock("Personne", "1357").await.unwrap_err().code(),
        "auth.wrong_pin",
        "an unknown name is told the same as a wrong PIN"
    );
    let s = app.unlock("camille", "1357").await.unwrap();
    assert_eq!((s.name.as_str(), s.role), ("Camille", Role::Coordinator));
    assert_eq!(s.lock_minutes, 5, "the default idle delay");
    app.events().await.unwrap();
    let state = app.lock_state().await.unwrap();
    assert_eq!(state.names, vec!["Camille".to_string()]);
    assert!(!state.needs_first_account);
}

#[tokio::test]
async fn wrong_pins_are_throttled_with_growing_delays_that_survive_a_restart() {
    let d = desk().await;
    team(&d.app).await;
    for _ in 0..2 {
        assert_eq!(
            d.app.unlock("Mehdi", "0000").await.unwrap_err().code(),
            "auth.wrong_pin"
        );
    }
    match d.app.unlock("Mehdi", "0000").await.unwrap_err() {
        Error::Throttled(s) => assert_eq!(s, 5, "the third wrong try starts a 5 s wait"),
        e => panic!("expected a wait, got {e:?}"),
    }
    // Even the right PIN waits, and a restart does not reset the wait.
    d.app.store().close().await;
    let again = Escale::open(d.dir.path()).await.unwrap();
    assert_eq!(
        again.unlock("Mehdi", "2468").await.unwrap_err().code(),
        "auth.throttled"
    );
    // Another name is not held up by Mehdi's wrong tries.
    again.unlock("Vera", "2468").await.unwrap();
}

#[tokio::test]
async fn a_staff_badge_unlocks_and_is_kept_only_as_a_hash() {
    let d = desk().await;
    let app = &d.app;
    app.add_staff(&StaffInput {
        badge: Some("STAFF-0042".into()),
        ..account("Camille", Role::Coordinator, "1357")
    })
    .await
    .unwrap();
    app.lock();
    assert_eq!(
        app.unlock_badge("STAFF-0043").await.unwrap_err().code(),
        "auth.wrong_pin"
    );
    assert_eq!(
        app.unlock_badge(" STAFF-0042\n").await.unwrap().name,
        "Camille"
    );
    let stored: Vec<Option<String>> = sqlx::query_scalar("SELECT badge FROM staff")
        .fetch_all(app.store().pool())
        .await
        .unwrap();
    assert!(stored[0]
        .as_deref()
        .is_some_and(|b| b.len() == 64 && !b.contains("0042")));
    let pin: Vec<Option<String>> = sqlx::query_scalar("SELECT pin_hash FROM staff")
        .fetch_all(app.store().pool())
        .await
        .unwrap();
    assert!(pin[0].as_deref().unwrap().starts_with("$argon2id$"));
}

#[tokio::test]
async fn the_last_coordinator_cannot_be_demoted_or_disabled() {
    let d = desk().await;
    let app = &d.app;
    team(app).await;
    app.unlock("Camille", "1357").await.unwrap();
    for change in [
        StaffChange {
            role: Some(Role::Mediator),
            ..Default::default()
        },
        StaffChange {
            archived: Some(true),
            ..Default::default()
        },
    ] {
        assert_eq!(
            app.update_staff("Camille", &change)
                .await
                .unwrap_err()
                .code(),
            "staff.last_coordinator"
        );
    }
    assert_eq!(
        app.add_staff(&account("mehdi", Role::Volunteer, "1111"))
            .await
            .unwrap_err()
            .code(),
        "staff.name_taken"
    );
    // A volunteer changes their own PIN, and nothing else.
    app.unlock("Vera", "2468").await.unwrap();
    app.update_staff(
        "Vera",
        &StaffChange {
            pin: Some("8642".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let promote = StaffChange {
        role: Some(Role::Coordinator),
        ..Default::default()
    };
    assert_eq!(
        app.update_staff("Vera", &promote).await.unwrap_err().code(),
        "auth.forbidden"
    );
    app.lock();
    app.unlock("Vera", "8642").await.unwrap();
    // A disabled account no longer unlocks.
    app.unlock("Camille", "1357").await.unwrap();
    app.update_staff(
        "Vera",
        &StaffChange {
            archived: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        app.unlock("Vera", "8642").await.unwrap_err().code(),
        "auth.wrong_pin"
    );
}

/// Runs a use case and keeps whether the role check let it through: a
/// refusal is `auth.forbidden`; anything else (success, or a not-found for
/// the made-up ids given) got past the check.
macro_rules! case {
    ($out:ident, $action:expr, $call:expr) => {{
        let r = $call.await.map(|_| ());
        $out.push((stringify!($call), $action, r));
    }};
}

#[tokio::test]
async fn every_role_may_do_what_its_table_says_and_is_refused_the_rest() {
    let d = desk().await;
    let app = &d.app;
    let ev = d.event.clone();
    let alice = app
        .register_walk_in(&walk_in(&ev, person("Alice", "Martin"), true))
        .await
        .unwrap()
        .visitor
        .id
        .to_string();
    team(app).await;
    let tmp = tempfile::tempdir().unwrap();
    let out_csv = tmp.path().join("export.csv");
    let none = "00000000-0000-7000-8000-000000000000";
    for (name, pin, role) in [
        ("Camille", "1357", Role::Coordinator),
        ("Mehdi", "2468", Role::Mediator),
        ("Vera", "2468", Role::Volunteer),
        ("Borne", "2468", Role::Kiosk),
    ] {
        app.unlock(name, pin).await.unwrap();
        let mut r: Vec<(&str, Action, Result<(), Error>)> = vec![];
        use Action::*;
        case!(r, ViewEvents, app.events());
        case!(r, ViewEvents, app.event(&ev));
        case!(r, ViewEvents, app.stats(&ev));
        case!(r, ViewEvents, app.org_identity());
        case!(
            r,
            CheckIn,
            app.check_in(
                &ev,
                CheckInTarget::Visitor(alice.clone()),
                None,
                Method::Search
            )
        );
        case!(
            r,
            CheckIn,
            app.scan(
                &ev,
                CheckInTarget::Code("NOPE".into()),
                None,
                Method::Scan,
                Direction::In
            )
        );
        case!(
            r,
            CheckIn,
            app.register_walk_in(&walk_in(&ev, person("Bruno", "Petit"), false))
        );
        case!(r, SearchEvent, app.search(Some(ev.as_str()), "mar", 10));
        case!(r, SearchEvent, app.search_at(&ev, None, "mar", 10));
        case!(r, SearchAll, app.search(None, "mar", 10));
        case!(r, ViewVisitor, app.visitor(&alice));
        case!(r, ViewVisitor, app.visitor_detail(&alice));
        case!(r, EditVisitor, app.update_visitor(none, &person("X", "Y")));
        case!(
            r,
            ListPeople,
            app.registrations(
                &ev,
                &RegistrationFilter {
                    show: Default::default(),
                    session_id: None,
                    query: String::new(),
                    sort: Default::default(),
                    offset: 0,
                    limit: 10,
                }
            )
        );
        case!(r, ListPeople, app.duplicate_page(None, 0, 10));
        case!(r, ListPeople, app.badges(&ev, &[]));
        case!(r, Merge, app.merge(none, &alice));
        case!(r, Merge, app.not_duplicate(none, &alice));
        case!(
            r,
            Import,
            app.import_preview(&ev, &tmp.path().join("none.csv"), None)
        );
        case!(r, ExportPeople, app.export_table(&ev, Lang::Fr));
        case!(
            r,
            ExportPeople,
            app.export(
                &ev,
                escale_core::export::ExportFormat::Csv,
                &out_csv,
                Lang::Fr
            )
        );
        case!(
            r,
            ExportPeople,
            app.export_bundle(&tmp.path().join("b.escale"), None)
        );
        case!(r, Erase, app.erase(none));
        case!(r, ManageEvents, app.archive_event(none));
        case!(r, ManageEvents, app.set_event_certificate(none, None, None));
        case!(r, Certificates, app.certificates(Some(ev.as_str()), None));
        case!(r, Certificates, app.issue_certificate(&alice, &ev));
        case!(r, Certificates, app.revoke_certificate("ESC-NOPE", "test"));
        case!(r, VerifyCertificate, app.verify_certificate("not a code"));
        case!(
            r,
            Mediation,
            app.mediations(&MediationFilter {
                visitor_id: None,
                event_id: None,
                from: None,
                to: None,
                limit: None,
            })
        );
        case!(r, Mediation, app.delete_mediation(none));
        case!(r, Stations, app.board());
        case!(r, Stations, app.queue());
        case!(r, Stations, app.print_quota(&alice));
        case!(r, Stations, app.coworker(&alice));
        case!(r, Stations, app.end_station_use(none));
        case!(
            r,
            Reports,
            app.report(&ReportQuery {
                event_id: Some(ev.clone()),
                series: None,
                from: None,
                to: None,
            })
        );
        case!(r, Settings, app.set_lock_minutes(5));
        case!(r, Settings, app.retention_preview());
        case!(r, Settings, app.set_retention(36, 12));
        case!(r, Erase, app.anonymise_due());
        case!(r, Settings, app.retire_station("Poste 99"));
        case!(r, ManageStaff, app.staff());
        case!(r, SyncSetup, app.rebuild_into(&tmp.path().join("rebuilt")));
        for (call, action, result) in r {
            let refused = matches!(result, Err(Error::Forbidden { .. }));
            if let Err(e @ Error::Forbidden { .. }) = &result {
                let fr = e.message(Lang::Fr);
                assert!(
                    fr.contains(action.label().fr) && fr.contains(role.label().fr),
                    "the refusal says who may not do what, in words: {fr}"
                );
            }
            assert_eq!(
                refused,
                !role.allows(action),
                "{role} → {call} ({action:?}): {result:?}"
            );
        }
        app.lock();
    }
}

#[tokio::test]
async fn a_volunteer_finds_the_events_people_by_name_without_their_contact_details() {
    let d = desk().await;
    let app = &d.app;
    let mut input = person("Alice", "Martin");
    input.set("email", "alice.martin@example.org");
    app.register_walk_in(&walk_in(&d.event, input, false))
        .await
        .unwrap();
    // Another Martin in the base, never registered at this event.
    let other = app
        .create_event(&escale_core::app::EventInput {
            kind: None,
            title: "Atelier CV".into(),
            place: "Médiathèque".into(),
            timezone: None,
            starts_at: "2026-12-10 09:00".into(),
            ends_at: "2026-12-10 12:00".into(),
            series: None,
            coworking: None,
        })
        .await
        .unwrap();
    app.register_walk_in(&walk_in(
        &other.id.to_string(),
        person("Bernard", "Martin"),
        false,
    ))
    .await
    .unwrap();
    team(app).await;
    app.unlock("Mehdi", "2468").await.unwrap();
    let all = app
        .search(Some(d.event.as_str()), "martin", 10)
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "a mediator sees both Martins");
    assert!(all.iter().any(|h| h.visitor.text("email").is_some()));
    app.unlock("Vera", "2468").await.unwrap();
    let hits = app
        .search(Some(d.event.as_str()), "martin", 10)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].visitor.first_name(), "Alice");
    assert_eq!(hits[0].visitor.text("email"), None, "no contact details");
    assert!(app
        .similar(&person("Bernard", "Martin"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_log_says_which_staff_member_made_each_op() {
    let d = desk().await;
    let app = &d.app;
    team(app).await;
    let vera = app.unlock("Vera", "2468").await.unwrap();
    app.register_walk_in(&walk_in(&d.event, person("Alice", "Martin"), true))
        .await
        .unwrap();
    app.register_walk_in(&walk_in(&d.event, person("Bruno", "Petit"), true))
        .await
        .unwrap();
    let ops = app.store().all_ops().await.unwrap();
    let markers: Vec<(i64, Option<String>)> = ops
        .iter()
        .filter_map(|op| match &op.body {
            escale_core::op::OpBody::Set {
                entity: escale_core::model::Entity::Device,
                fields,
                ..
            } => fields
                .get("staff_id")
                .map(|v| (op.seq, v.as_str().map(str::to_string))),
            _ => None,
        })
        .collect();
    let last = markers.last().expect("a marker names the staff member");
    assert_eq!(last.1.as_deref(), Some(vera.staff_id.to_string().as_str()));
    let after: Vec<_> = ops.iter().filter(|o| o.seq > last.0).collect();
    assert!(
        after.iter().any(|o| o.body.kind() == "check_in"),
        "Vera's two check-ins come after the one marker"
    );
    assert_eq!(
        markers
            .iter()
            .filter(|m| m.1.as_deref() == Some(&vera.staff_id.to_string()))
            .count(),
        1,
        "one marker for consecutive writes by the same person"
    );
}

#[tokio::test]
async fn a_session_token_signs_in_again_until_it_ends() {
    let d = desk().await;
    team(&d.app).await;
    d.app.unlock("Mehdi", "2468").await.unwrap();
    let token = d.app.issue_session_token(15).await.unwrap();
    let other = Escale::open(d.dir.path()).await.unwrap();
    assert_eq!(other.events().await.unwrap_err().code(), "auth.locked");
    assert_eq!(other.resume_session(&token).await.unwrap().name, "Mehdi");
    other.events().await.unwrap();
    other.end_session_token(&token).await.unwrap();
    let third = Escale::open(d.dir.path()).await.unwrap();
    assert_eq!(
        third.resume_session(&token).await.unwrap_err().code(),
        "auth.locked"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = desk().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // An older version left them readable by everyone: tightened on open.
    let db = d.dir.path().join("escale.db");
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    d.app.store().close().await;
    let _again = Escale::open(d.dir.path()).await.unwrap();
    assert_eq!(mode(d.dir.path()), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&d.dir.path().join("escale.db-wal")), 0o600);
}

/// Every public use case of [`Escale`] checks the role first, or is on
/// this list with the reason it needs no check.
#[test]
fn every_use_case_checks_the_role() {
    const EXEMPT: &[(&str, &str)] = &[
        ("require", "the check itself"),
        ("open", "opens the store"),
        ("open_with", "opens the store"),
        ("identity", "the organisation's and device's ids"),
        ("init", "first run, before any account can exist"),
        ("info", "names and counts, no personal data"),
        ("warm_search", "builds the index; shows nothing"),
        (
            "settle_stations",
            "the app moving its own displaced sessions",
        ),
        ("has_staff", "the lock screen"),
        ("lock_state", "the lock screen: staff names only"),
        ("unlock", "signing in"),
        ("unlock_badge", "signing in"),
        ("resume_session", "signing in"),
        ("end_session_token", "signing out"),
        ("lock_minutes", "the idle delay"),
        ("add_staff", "checks itself: the first account needs no one"),
        ("update_staff", "checks itself: one's own PIN"),
        ("upkeep", "the app's own daily upkeep: shows nothing"),
        ("audit_retention_days", "a setting's value"),
        ("retention", "a setting's value"),
    ];
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = vec![];
    let mut seen = 0;
    for file in walk(&src) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut in_escale = false;
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("impl ") {
                in_escale = line.starts_with("impl Escale ");
            }
            let Some(rest) = line.strip_prefix("    pub async fn ") else {
                continue;
            };
            if !in_escale {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            seen += 1;
            if EXEMPT.iter().any(|(n, _)| *n == name) {
                continue;
            }
            // The body's first statement, after the signature.
            let body_start = lines[i..].iter().position(|l| l.ends_with('{')).unwrap() + i + 1;
            // Up to the end of the first statement (`let role = self
            // .require(…)` may spread over several lines).
            let mut first = String::new();
            for l in lines[body_start..]
                .iter()
                .filter(|l| !l.trim().starts_with("//"))
            {
                first.push_str(l.trim());
                if l.trim_end().ends_with(';') {
                    break;
                }
            }
            let checks = first.starts_with("self.require(")
                || (first.starts_with("let role = self") && first.contains(".require("));
            if !checks {
                missing.push(format!("{}: {name}", file.display()));
            }
        }
    }
    assert!(seen > 100, "the scan found the use cases ({seen})");
    assert!(
        missing.is_empty(),
        "use cases without a role check: {missing:#?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn every_access_to_personal_data_is_in_the_audit_log_and_erasure_names_no_one() {
    let d = desk().await;
    let app = &d.app;
    let alice = app
        .register_walk_in(&walk_in(&d.event, person("Alice", "Martin"), true))
        .await
        .unwrap()
        .visitor
        .id;
    let twin = app
        .register_walk_in(&walk_in(&d.event, person("Alice", "Martin"), false))
        .await
        .unwrap()
        .visitor
        .id;
    team(app).await;
    let mehdi = app.unlock("Mehdi", "2468").await.unwrap();
    app.visitor_detail(&alice.to_string()).await.unwrap();
    let mut change = person("Alice", "Martin-Durand");
    change.set("email", "alice@example.org");
    app.update_visitor(&alice.to_string(), &change)
        .await
        .unwrap();
    app.issue_certificate(&alice.to_string(), &d.event)
        .await
        .unwrap();
    app.merge(&twin.to_string(), &alice.to_string())
        .await
        .unwrap();
    assert_eq!(
        app.audit_log(&Default::default()).await.unwrap_err().code(),
        "auth.forbidden",
        "only a coordinator reads the log"
    );
    app.unlock("Camille", "1357").await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    app.export(
        &d.event,
        escale_core::export::ExportFormat::Csv,
        &tmp.path().join("liste.csv"),
        Lang::Fr,
    )
    .await
    .unwrap();
    let log = app.audit_log(&Default::default()).await.unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    for k in [
        "view_visitor",
        "edit_visitor",
        "certificate",
        "merge",
        "export",
        "staff",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    let viewed = log.iter().find(|e| e.action == "view_visitor").unwrap();
    assert_eq!(viewed.staff, "Mehdi");
    assert_eq!(viewed.device, "Portable 1");
    assert_eq!(viewed.visitor_id, Some(alice));
    assert_eq!(viewed.visitor_name.as_deref(), Some("Alice Martin-Durand"));
    let export = log.iter().find(|e| e.action == "export").unwrap();
    assert_eq!(export.staff, "Camille");
    assert_eq!(export.event.as_deref(), Some("Forum de l'emploi"));
    // Filters: by person, by staff member, by kind.
    let about = app
        .audit_log(&escale_core::app::AuditFilter {
            visitor_id: Some(alice.to_string()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(about.len(), 4, "{about:?}");
    let by_mehdi = app
        .audit_log(&escale_core::app::AuditFilter {
            staff: Some(mehdi.name.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(by_mehdi.iter().all(|e| e.staff == "Mehdi") && by_mehdi.len() == 4);

    app.erase(&alice.to_string()).await.unwrap();
    let after = app.audit_log(&Default::default()).await.unwrap();
    assert_eq!(after.len(), log.len() + 1, "entries stay after an erasure");
    let erase = after.iter().find(|e| e.action == "erase").unwrap();
    assert_eq!((erase.visitor_id, &erase.detail), (None, &String::new()));
    assert!(
        after
            .iter()
            .all(|e| e.visitor_id.is_none() && e.visitor_name.is_none()),
        "no entry names the erased person any more"
    );
    let bodies: Vec<String> = app
        .store()
        .all_ops()
        .await
        .unwrap()
        .iter()
        .filter_map(|o| o.body_json())
        .collect();
    assert!(!bodies
        .iter()
        .any(|b| b.contains(&alice.to_string()) && b.contains("\"audit\"")));
}

#[tokio::test]
async fn a_person_gets_everything_held_on_them_and_a_consent_withdrawn_counts() {
    let d = desk().await;
    let app = &d.app;
    let mut input = person("Alice", "Martin");
    input.set("email", "alice@example.org");
    let alice = app
        .register_walk_in(&walk_in(&d.event, input, true))
        .await
        .unwrap()
        .visitor
        .id;
    let twin = app
        .register_walk_in(&walk_in(&d.event, person("Alice", "Martin"), false))
        .await
        .unwrap()
        .visitor
        .id;
    team(app).await;
    app.unlock("Mehdi", "2468").await.unwrap();
    app.merge(&twin.to_string(), &alice.to_string())
        .await
        .unwrap();
    app.issue_certificate(&alice.to_string(), &d.event)
        .await
        .unwrap();
    app.set_consent(
        &alice.to_string(),
        &escale_core::app::ConsentInput {
            purpose: "newsletter".into(),
            granted: false,
        },
    )
    .await
    .unwrap();
    let detail = app.visitor_detail(&alice.to_string()).await.unwrap();
    assert!(
        detail
            .consents
            .iter()
            .any(|c| c.purpose == "newsletter" && !c.granted),
        "the latest answer counts: {:?}",
        detail.consents
    );
    assert_eq!(
        app.access_report(&alice.to_string())
            .await
            .unwrap_err()
            .code(),
        "auth.forbidden",
        "handing data over is a coordinator's export"
    );
    app.unlock("Camille", "1357").await.unwrap();
    let r = app.access_report(&alice.to_string()).await.unwrap();
    assert_eq!(r.name, "Alice Martin");
    assert_eq!(r.merged_ids, vec![twin]);
    let section = |k: &str| r.sections.iter().find(|s| s.key == k).unwrap();
    let record = section("record");
    assert!(record.rows.iter().any(|row| row[1] == "alice@example.org"));
    assert_eq!(
        section("registrations").rows.len(),
        2,
        "both records' registrations"
    );
    assert_eq!(section("arrivals").rows.len(), 1);
    let consents = &section("consents").rows;
    assert!(consents
        .iter()
        .any(|c| c[1] == "newsletter" && c[2].starts_with("non") && c[3] == "2026-11"));
    assert_eq!(section("certificates").rows.len(), 1);
    let audit = &section("audit").rows;
    assert!(audit
        .iter()
        .any(|a| a[1].starts_with("Attestation délivrée") && a[2] == "Mehdi"));
    assert!(audit.iter().any(|a| a[1].starts_with("Fiche consultée")));
    // Handing the data over is itself in the log.
    let log = app
        .audit_log(&escale_core::app::AuditFilter {
            action: Some("access".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].visitor_id, Some(alice));
}

#[tokio::test]
async fn audit_entries_older_than_the_retention_go_with_their_op_bodies() {
    let d = desk().await;
    let app = &d.app;
    let alice = app
        .register_walk_in(&walk_in(&d.event, person("Alice", "Martin"), true))
        .await
        .unwrap()
        .visitor
        .id;
    team(app).await;
    app.unlock("Camille", "1357").await.unwrap();
    app.visitor_detail(&alice.to_string()).await.unwrap();
    app.visitor_detail(&alice.to_string()).await.unwrap();
    assert_eq!(app.audit_retention_days().await.unwrap(), 365);
    assert_eq!(
        app.set_audit_retention_days(7).await.unwrap_err().code(),
        "input.invalid"
    );
    app.set_audit_retention_days(90).await.unwrap();
    // One of the two views is made 100 days old.
    let log = app.audit_log(&Default::default()).await.unwrap();
    let views: Vec<_> = log.iter().filter(|e| e.action == "view_visitor").collect();
    assert_eq!(views.len(), 2);
    sqlx::query("UPDATE audit SET at = '2020-01-01T00:00:00Z' WHERE id = ?")
        .bind(views[0].id)
        .execute(app.store().pool())
        .await
        .unwrap();
    let bodies_before = app
        .store()
        .all_ops()
        .await
        .unwrap()
        .iter()
        .filter(|o| o.body.kind() == "set.audit" && o.body_json().is_some())
        .count();
    assert_eq!(app.purge_audit().await.unwrap(), 1);
    let left = app.audit_log(&Default::default()).await.unwrap();
    assert_eq!(left.len(), log.len() - 1);
    assert!(left.iter().all(|e| e.id != views[0].id));
    let bodies_after = app
        .store()
        .all_ops()
        .await
        .unwrap()
        .iter()
        .filter(|o| o.body.kind() == "set.audit" && o.body_json().is_some())
        .count();
    assert_eq!(
        bodies_after,
        bodies_before - 2,
        "the entry's two ops lost their bodies"
    );
    assert_eq!(app.purge_audit().await.unwrap(), 0);
    assert!(
        app.verify().await.unwrap().equal,
        "the log still rebuilds the state"
    );
}
