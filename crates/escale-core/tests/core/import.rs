//! Importing pre-registrations: every format through the store, re-imports,
//! dry runs, matching existing people, two laptops importing the same file.

use crate::support::*;
use escale_core::app::{CheckInStatus, CheckInTarget};
use escale_core::import::{ImportOptions, ImportReport};
use escale_core::model::Method;
use escale_core::Escale;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../escale-import/tests/fixtures")
        .join(name)
}

async fn import(d: &Desk, file: &std::path::Path, dry_run: bool) -> ImportReport {
    d.app
        .import_file(
            &d.event,
            file,
            &ImportOptions {
                dry_run,
                mapping: None,
            },
            &|_| {},
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn every_fixture_imports_and_a_second_import_adds_nothing() {
    for (file, format) in [
        ("helloasso_billetterie.csv", "hello_asso"),
        ("helloasso_adhesions.csv", "hello_asso"),
        ("google_forms.csv", "google_forms"),
        ("framaforms.csv", "framaforms"),
        ("eventbrite_attendees.csv", "eventbrite"),
        ("pretix_orders.csv", "pretix"),
        ("excel_fr_windows1252.csv", "generic"),
    ] {
        let d = desk().await;
        let first = import(&d, &fixture(file), false).await;
        let got = serde_json::to_value(first.detected.format).unwrap();
        assert_eq!(got, format, "{file}: detected format");
        let imported = first.new_visitors + first.known_visitors;
        assert!(
            imported >= 2,
            "{file}: at least two people imported, got {first:?}"
        );
        let stats = d.app.stats(&d.event).await.unwrap();
        assert_eq!(
            stats.pre_registered as usize, first.new_visitors,
            "{file}: one pre-registration per new person"
        );
        let ops = d.app.store().op_count().await.unwrap();
        let again = import(&d, &fixture(file), false).await;
        assert_eq!(
            (again.new_visitors, again.known_visitors),
            (0, 0),
            "{file}: re-import creates nobody"
        );
        assert_eq!(
            again.already_imported, imported,
            "{file}: every record is recognised as already imported"
        );
        assert_eq!(
            d.app.store().op_count().await.unwrap(),
            ops,
            "{file}: re-import writes no op"
        );
        assert!(
            d.app.verify().await.unwrap().equal,
            "{file}: state is still the fold of the log"
        );
    }
}

#[tokio::test]
async fn cancelled_refunded_and_draft_rows_are_skipped_with_reasons() {
    let d = desk().await;
    let r = import(&d, &fixture("helloasso_billetterie.csv"), false).await;
    assert!(
        r.skipped > 0,
        "the HelloAsso fixture has refunded/cancelled rows: {r:?}"
    );
    assert_eq!(r.skipped, r.skipped_by_reason.values().sum::<usize>());
    assert!(
        r.issues
            .iter()
            .filter(|i| i.kind == "skipped")
            .all(|i| i.line > 1),
        "skips point at their line"
    );
}

#[tokio::test]
async fn a_dry_run_reports_what_a_commit_would_do_and_writes_nothing() {
    let d = desk().await;
    let before = d.app.store().op_count().await.unwrap();
    let dry = import(&d, &fixture("eventbrite_attendees.csv"), true).await;
    assert_eq!(
        d.app.store().op_count().await.unwrap(),
        before,
        "a dry run writes nothing"
    );
    let real = import(&d, &fixture("eventbrite_attendees.csv"), false).await;
    assert_eq!(
        (
            dry.new_visitors,
            dry.known_visitors,
            dry.skipped,
            dry.merges_proposed
        ),
        (
            real.new_visitors,
            real.known_visitors,
            real.skipped,
            real.merges_proposed
        ),
        "the preview must match the commit"
    );
}

#[tokio::test]
async fn rows_matching_existing_people_are_attached_not_duplicated() {
    let d = desk().await;
    // Same email, different case: the same person.
    let by_email = d
        .app
        .register_walk_in(&walk_in(
            &d.event,
            person("Eloise", "Ndiaye").with("email", "ELOISE.NDIAYE@example.org"),
            false,
        ))
        .await
        .unwrap();
    // Same name, no corroborating field: a new record and a proposed merge.
    d.app
        .register_walk_in(&walk_in(&d.event, person("Chloé", "Martin"), false))
        .await
        .unwrap();
    let r = import(&d, &fixture("eventbrite_attendees.csv"), false).await;
    assert!(r.known_visitors >= 1, "Éloïse matched by email: {r:?}");
    let detail = d
        .app
        .visitor_detail(&by_email.visitor.id.to_string())
        .await
        .unwrap();
    assert_eq!(
        detail.registrations.len(),
        2,
        "her import row became a second registration on her record"
    );
    let hits = d.app.search(Some(&d.event), "eloise", 10).await.unwrap();
    assert_eq!(hits.len(), 1, "no duplicate Éloïse");
}

#[tokio::test]
async fn a_name_only_match_is_proposed_for_merge() {
    let d = desk().await;
    let chloe = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Chloé", "Martin"), false))
        .await
        .unwrap();
    let r = import(&d, &fixture("helloasso_billetterie.csv"), false).await;
    let proposal = r.issues.iter().find(|i| i.kind == "merge_proposed");
    assert!(
        proposal.is_some_and(|p| p.candidates.contains(&chloe.visitor.id)),
        "Chloé Martin without email or birth year: propose, don't guess. {r:?}"
    );
}

#[tokio::test]
async fn imported_ticket_codes_check_people_in() {
    let d = desk().await;
    import(&d, &fixture("eventbrite_attendees.csv"), false).await;
    let out = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Code("987654321011223344010001".into()),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
    assert_eq!(out.status, CheckInStatus::Welcome);
    assert_eq!(
        out.visitor.last_name(),
        "N'Diaye-Lefèvre",
        "the Eventbrite barcode leads to its attendee"
    );
    assert!(!out.walk_in_created, "she was pre-registered");
}

#[tokio::test]
async fn two_laptops_importing_the_same_file_converge_without_duplicates() {
    let a = desk().await;
    let b = escale_core::Escale::open(&a.dir.path().join("laptop-b"))
        .await
        .unwrap();
    b.init("Association Passerelle Numérique", "Portable 2")
        .await
        .unwrap();
    // Laptop B learns the event from A first (as sync will do), then both import.
    let mut tx = b.store().write().await.unwrap();
    tx.ingest(&a.app.store().all_ops().await.unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    import(&a, &fixture("pretix_orders.csv"), false).await;
    b.import_file(
        &a.event,
        &fixture("pretix_orders.csv"),
        &ImportOptions::default(),
        &|_| {},
    )
    .await
    .unwrap();
    for (from, to) in [(&a.app, &b), (&b, &a.app)] {
        let mut tx = to.store().write().await.unwrap();
        tx.ingest(&from.store().all_ops().await.unwrap())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let (sa, sb) = (
        a.app.stats(&a.event).await.unwrap(),
        b.stats(&a.event).await.unwrap(),
    );
    assert_eq!(sa.registered, sb.registered);
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM visitor")
        .fetch_one(b.store().pool())
        .await
        .unwrap();
    assert_eq!(
        people, sa.registered,
        "the same rows got the same ids on both laptops: nobody is duplicated"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_spreadsheet_is_refused_and_nothing_is_written() {
    let d = desk().await;
    let png = d.dir.path().join("photo.csv");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10").unwrap();
    let before = d.app.store().op_count().await.unwrap();
    let err = d
        .app
        .import_file(&d.event, &png, &ImportOptions::default(), &|_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), "import.not_a_spreadsheet");
    assert!(err.message(escale_core::Lang::Fr).contains("tableur"));
    let empty = d.dir.path().join("vide.csv");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(
        d.app
            .import_file(&d.event, &empty, &ImportOptions::default(), &|_| {})
            .await
            .unwrap_err()
            .code(),
        "import.empty"
    );
    let missing = d
        .app
        .import_file(
            &d.event,
            &d.dir.path().join("absent.csv"),
            &ImportOptions::default(),
            &|_| {},
        )
        .await
        .unwrap_err();
    assert!(
        missing
            .message(escale_core::Lang::Fr)
            .contains("introuvable"),
        "{}",
        missing.message(escale_core::Lang::Fr)
    );
    assert_eq!(d.app.store().op_count().await.unwrap(), before);
}

#[tokio::test]
async fn invalid_cells_become_warnings_and_the_person_is_still_imported() {
    let d = desk().await;
    let f = d.dir.path().join("inscrits.csv");
    std::fs::write(&f, "\u{feff}Nom;Prénom;E-mail;Téléphone\r\nRoux;Anne;anne.roux@@exemple;06 12 34 56 78\r\nPetit;Zoé;zoe@example.org;appelez-moi\r\n").unwrap();
    let r = import(&d, &f, false).await;
    assert_eq!(r.new_visitors, 2);
    let codes: Vec<&str> = r
        .issues
        .iter()
        .filter(|i| i.kind == "warning")
        .map(|i| i.code.as_str())
        .collect();
    assert_eq!(codes, vec!["invalid_email", "invalid_phone"]);
    let anne = &d.app.search(Some(&d.event), "anne roux", 1).await.unwrap()[0].visitor;
    assert_eq!(
        (anne.text("email"), anne.text("phone")),
        (None, Some("+33612345678"))
    );
}

/// `escale import` is killed (SIGKILL) half-way: the store holds whole
/// slices and agrees with its log; importing the same file again carries on
/// and its report counts the whole file, as one uninterrupted import would.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_half_way_carries_on_and_reports_the_whole_file() {
    let Some(bin) = super::sync::escale_binary() else {
        return;
    };
    const N: usize = 12_000;
    let csv_dir = tempfile::tempdir().unwrap();
    let csv = csv_dir.path().join("inscrits.csv");
    let mut text = String::from("Prénom;Nom;E-mail;Code postal\r\n");
    for i in 0..N {
        text.push_str(&format!(
            "Prénom{i};Nom{};personne{i}@example.org;{:05}\r\n",
            i % 977,
            75001 + i % 20
        ));
    }
    std::fs::write(&csv, text).unwrap();
    for attempt in 0..2 {
        let d = desk().await;
        d.app.store().close().await;
        let run = |args: &[&str]| {
            std::process::Command::new(&bin)
                .args(["--json", "--lang", "en", "--data-dir"])
                .arg(d.dir.path())
                .args(args)
                .arg(&csv)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        // Waited for below: killed and reaped, or `wait_with_output`.
        #[allow(clippy::zombie_processes)]
        let mut child = run(&["import", "--event", &d.event]);
        let killed = if attempt == 0 {
            // Kill once some slices are in: the store holds registrations.
            let started = std::time::Instant::now();
            loop {
                let app = Escale::open(d.dir.path()).await.unwrap();
                let regs = app
                    .registrations(&d.event, &Default::default())
                    .await
                    .unwrap()
                    .total;
                app.store().close().await;
                if regs > 0 || child.try_wait().unwrap().is_some() {
                    break;
                }
                assert!(started.elapsed().as_secs() < 120, "the import must start");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            child.kill().unwrap();
            let status = child.wait().unwrap();
            let killed = std::os::unix::process::ExitStatusExt::signal(&status) == Some(9);
            assert!(killed, "the import was stopped half-way ({status})");
            killed
        } else {
            false
        };
        let out = if killed {
            let app = Escale::open(d.dir.path()).await.unwrap();
            let held = app
                .registrations(&d.event, &Default::default())
                .await
                .unwrap()
                .total;
            let v = app.verify().await.unwrap();
            assert!(v.equal, "the state agrees with the log: {:?}", v.differing);
            // Each slice commits its rows with the place it got to: the
            // saved place counts exactly the rows that are in.
            let place: Vec<String> =
                sqlx::query_scalar("SELECT text_value FROM local WHERE key LIKE 'import/%'")
                    .fetch_all(app.store().pool())
                    .await
                    .unwrap();
            app.store().close().await;
            assert!(
                held > 0 && (held as usize) < N,
                "killed half-way, {held} of {N} in"
            );
            assert_eq!(place.len(), 1, "one import's place is saved: {place:?}");
            let place: serde_json::Value = serde_json::from_str(&place[0]).unwrap();
            assert_eq!(
                place["new_visitors"].as_i64(),
                Some(held),
                "whole slices, each with its place: {place}"
            );
            run(&["import", "--event", &d.event])
                .wait_with_output()
                .unwrap()
        } else {
            child.wait_with_output().unwrap()
        };
        assert!(out.status.success(), "the import ends well");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let r = &report["data"];
        assert_eq!(r["rows"], N, "{r}");
        assert_eq!(
            (r["new_visitors"].as_u64(), r["already_imported"].as_u64()),
            (Some(N as u64), Some(0)),
            "the report counts the whole file, carried on or not: {r}"
        );
        let app = Escale::open(d.dir.path()).await.unwrap();
        let v = app.verify().await.unwrap();
        assert!(v.equal, "the state agrees with the log: {:?}", v.differing);
        let total = app
            .registrations(&d.event, &Default::default())
            .await
            .unwrap()
            .total;
        assert_eq!(total as usize, N);
        let left: Vec<String> =
            sqlx::query_scalar("SELECT key FROM local WHERE key LIKE 'import/%'")
                .fetch_all(app.store().pool())
                .await
                .unwrap();
        assert!(
            left.is_empty(),
            "a finished import leaves no place saved: {left:?}"
        );
    }
}

/// A desk checking people in while a big import runs on the same laptop is
/// served between two slices of the import, not after it: when the import
/// shares the desk's store (the desktop app: the in-process queue) and when
/// it has its own (the CLI next to the app: the file locks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_during_an_import_is_served_before_the_import_ends() {
    const N: usize = 8_000;
    let csv_dir = tempfile::tempdir().unwrap();
    let csv = csv_dir.path().join("inscrits.csv");
    let mut text = String::from("Prénom;Nom;E-mail\r\n");
    for i in 0..N {
        text.push_str(&format!(
            "Prénom{i};Nom{};personne{i}@example.org\r\n",
            i % 977
        ));
    }
    std::fs::write(&csv, text).unwrap();
    for shared in [true, false] {
        let d = desk().await;
        let desk_app = std::sync::Arc::new(Escale::open(d.dir.path()).await.unwrap());
        let importer = if shared {
            desk_app.clone()
        } else {
            std::sync::Arc::new(Escale::open(d.dir.path()).await.unwrap())
        };
        let mut walk_ins = vec![];
        for i in 0..5 {
            let w = desk_app
                .register_walk_in(&walk_in(
                    &d.event,
                    person("Avant", &format!("Import{i}")),
                    false,
                ))
                .await
                .unwrap();
            walk_ins.push(w.visitor.id.to_string());
        }
        let (event, path) = (d.event.clone(), csv.clone());
        let import = tokio::spawn(async move {
            importer
                .import_file(&event, &path, &ImportOptions::default(), &|_| {})
                .await
                .unwrap()
        });
        // Once the import has committed a slice, check five people in.
        loop {
            let regs = desk_app
                .registrations(&d.event, &Default::default())
                .await
                .unwrap()
                .total;
            if regs > 5 {
                break;
            }
            assert!(
                !import.is_finished(),
                "the import has not ended before its first slice"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        for id in &walk_ins {
            let out = desk_app
                .check_in(
                    &d.event,
                    CheckInTarget::Visitor(id.clone()),
                    None,
                    Method::Search,
                )
                .await
                .unwrap();
            assert_eq!(out.status, CheckInStatus::Welcome);
        }
        assert!(
            !import.is_finished(),
            "shared store: {shared}: the check-ins were served between slices, while the import still ran"
        );
        let report = import.await.unwrap();
        assert_eq!(report.new_visitors, N);
        assert_eq!(desk_app.stats(&d.event).await.unwrap().arrived, 5);
    }
}
