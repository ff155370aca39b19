//! Duplicates across devices: the same person registered on two laptops
//! while offline is proposed for merge on both after sync; a merge or a
//! "not the same person" on one laptop stops the proposal everywhere;
//! namesakes are not proposed.

use super::support::{person, walk_in};
use super::sync_net::{full_sync, org, Node};
use escale_core::app::{DuplicatePair, EventInput, VisitorInput};
use uuid::Uuid;

async fn register(n: &Node, ev: &str, v: VisitorInput) -> Uuid {
    n.app
        .register_walk_in(&walk_in(ev, v, false))
        .await
        .unwrap()
        .visitor
        .id
}

async fn pairs(n: &Node) -> Vec<DuplicatePair> {
    n.app.duplicate_candidates(None, 100).await.unwrap()
}

fn ids(p: &DuplicatePair) -> (Uuid, Uuid) {
    (p.a.id, p.b.id)
}

fn sorted(x: Uuid, y: Uuid) -> (Uuid, Uuid) {
    (x.min(y), x.max(y))
}

fn with(email: &str, phone: &str, year: Option<i64>, v: VisitorInput) -> VisitorInput {
    v.with("email", email).with("phone", phone).with(
        "birth_year",
        year.map_or(serde_json::Value::Null, serde_json::Value::from),
    )
}

#[tokio::test]
async fn the_same_person_registered_on_two_laptops_is_proposed_on_both_until_merged() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let xa = register(
        a,
        &ev,
        with(
            "elodie.martin@example.org",
            "",
            None,
            person("Élodie", "Martin"),
        ),
    )
    .await;
    let xb = register(
        b,
        &ev,
        with(
            "Elodie.Martin@example.org",
            "",
            None,
            person("elodie", "MARTIN"),
        ),
    )
    .await;
    assert!(
        pairs(a).await.is_empty() && pairs(b).await.is_empty(),
        "offline, each laptop knows one record"
    );
    full_sync(&nodes, 7).await;
    for n in &nodes {
        let p = pairs(n).await;
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            ids(&p[0]),
            sorted(xa, xb),
            "the smaller id first, on every laptop"
        );
        assert_eq!(p[0].reason, "name_email");
        assert_eq!(p[0].score, 95);
        let at_event = n.app.duplicate_candidates(Some(&ev), 100).await.unwrap();
        assert_eq!(at_event, p, "both are registered at the event");
    }
    // B merges; once A has the merge, neither proposes the pair.
    b.app.merge(&xb.to_string(), &xa.to_string()).await.unwrap();
    assert!(pairs(b).await.is_empty(), "merged on B");
    assert_eq!(pairs(a).await.len(), 1, "A has not heard of the merge yet");
    full_sync(&nodes, 7).await;
    for n in &nodes {
        assert!(
            pairs(n).await.is_empty(),
            "a merged-away record is not live"
        );
        assert_eq!(n.app.visitor(&xb.to_string()).await.unwrap().id, xa);
    }
    assert_eq!(a.hash().await, b.hash().await);
}

#[tokio::test]
async fn a_dismissal_travels_with_sync_and_survives_later_merges() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let x = register(
        a,
        &ev,
        with("", "06 12 34 56 78", None, person("Karim", "Haddad")),
    )
    .await;
    let y = register(
        b,
        &ev,
        with("", "+33 6 12 34 56 78", None, person("Karim", "Haddad")),
    )
    .await;
    full_sync(&nodes, 5).await;
    let p = pairs(b).await;
    assert_eq!(
        (p.len(), p[0].reason.as_str()),
        (1, "name_phone"),
        "same digits, written two ways: {p:?}"
    );
    let d = a
        .app
        .not_duplicate(&y.to_string(), &x.to_string())
        .await
        .unwrap();
    assert_eq!((d.a.id, d.b.id), sorted(x, y));
    assert!(pairs(a).await.is_empty(), "dismissed on A");
    assert_eq!(pairs(b).await.len(), 1, "B has not heard of it yet");
    full_sync(&nodes, 5).await;
    assert!(pairs(b).await.is_empty(), "the dismissal reached B");
    let kinds: Vec<String> = b
        .store()
        .all_ops()
        .await
        .unwrap()
        .iter()
        .map(|o| o.body.kind())
        .collect();
    assert!(
        kinds.iter().any(|k| k == "not_duplicate"),
        "as an op of its own: {kinds:?}"
    );
    // A third record of the same person: new pairs are proposed, the
    // dismissed one stays dismissed, even once the third is merged into x.
    let z = register(
        b,
        &ev,
        with("", "0612345678", None, person("KARIM", "HADDAD")),
    )
    .await;
    full_sync(&nodes, 5).await;
    let p: Vec<(Uuid, Uuid)> = pairs(a).await.iter().map(ids).collect();
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.contains(&sorted(x, z)) && p.contains(&sorted(y, z)) && !p.contains(&sorted(x, y)));
    a.app.merge(&z.to_string(), &x.to_string()).await.unwrap();
    full_sync(&nodes, 5).await;
    for n in &nodes {
        assert!(
            pairs(n).await.is_empty(),
            "x (standing for z too) and y were said to differ"
        );
    }
    // Dismissing a record against itself, or against what it was merged into, is refused.
    let e = a
        .app
        .not_duplicate(&z.to_string(), &x.to_string())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "input.invalid");
    assert_eq!(a.hash().await, b.hash().await);
    assert!(
        a.app.verify().await.unwrap().equal,
        "the dismissal table is what the log says"
    );
}

#[tokio::test]
async fn namesakes_are_not_proposed_but_a_bare_name_or_a_close_name_with_one_email_is() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    // Different birth years: two people, whatever else they share.
    register(
        a,
        &ev,
        with(
            "famille.dupont@example.org",
            "",
            Some(1961),
            person("Jean", "Dupont"),
        ),
    )
    .await;
    register(
        b,
        &ev,
        with(
            "famille.dupont@example.org",
            "",
            Some(1994),
            person("Jean", "Dupont"),
        ),
    )
    .await;
    // Same name, each with an email of their own: two people.
    register(
        a,
        &ev,
        with("nour.1@example.org", "", None, person("Nour", "Benali")),
    )
    .await;
    register(
        b,
        &ev,
        with("nour.2@example.net", "", None, person("Nour", "Benali")),
    )
    .await;
    // One family email, two first names: two people.
    register(
        a,
        &ev,
        with("diallo@example.org", "", None, person("Mamadou", "Diallo")),
    )
    .await;
    register(
        b,
        &ev,
        with(
            "diallo@example.org",
            "",
            None,
            person("Fatoumata", "Diallo"),
        ),
    )
    .await;
    // Same name and nothing to compare: worth a look.
    let s1 = register(a, &ev, person("Sofia", "Garcia")).await;
    let s2 = register(
        b,
        &ev,
        with(
            "sofia@example.org",
            "",
            Some(1990),
            person("Sofia", "GARCÍA"),
        ),
    )
    .await;
    // Same email, and a second last name on one side.
    let e1 = register(
        a,
        &ev,
        with(
            "eloise.nd@example.org",
            "",
            None,
            person("Éloïse", "N'Diaye"),
        ),
    )
    .await;
    let e2 = register(
        b,
        &ev,
        with(
            "eloise.nd@example.org",
            "",
            None,
            person("Eloise", "Ndiaye Lefevre"),
        ),
    )
    .await;
    full_sync(&nodes, 11).await;
    for n in &nodes {
        let p = pairs(n).await;
        let got: Vec<((Uuid, Uuid), &str, u8)> = p
            .iter()
            .map(|p| (ids(p), p.reason.as_str(), p.score))
            .collect();
        assert_eq!(
            got,
            vec![
                (sorted(e1, e2), "email_close_name", 75),
                (sorted(s1, s2), "name", 50)
            ],
            "most certain first, namesakes left out"
        );
    }
    // Another event where nobody is registered proposes nothing.
    let other = event(&a.app, "Atelier CV").await;
    assert!(a
        .app
        .duplicate_candidates(Some(&other), 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        a.app.duplicate_candidates(None, 1).await.unwrap().len(),
        1,
        "the limit holds"
    );
}

/// At 100,000 people a common name has a few dozen bearers born each
/// year: a shared name and birth year is weak, and two records that each
/// have their own email and their own phone are two people.
#[tokio::test]
async fn namesakes_born_the_same_year_with_their_own_email_and_phone_are_not_proposed() {
    let (nodes, ev) = org(1).await;
    let n = &nodes[0];
    // Same name and year, different email and different phone: namesakes.
    register(
        n,
        &ev,
        with(
            "jean.dupont.1@example.org",
            "06 11 11 11 11",
            Some(1980),
            person("Jean", "Dupont"),
        ),
    )
    .await;
    register(
        n,
        &ev,
        with(
            "jdupont@example.net",
            "06 22 22 22 22",
            Some(1980),
            person("Jean", "DUPONT"),
        ),
    )
    .await;
    // Same name, year and email, different phones: still one person.
    let l1 = register(
        n,
        &ev,
        with(
            "lea.petit@example.org",
            "06 33 33 33 33",
            Some(1985),
            person("Léa", "Petit"),
        ),
    )
    .await;
    let l2 = register(
        n,
        &ev,
        with(
            "Lea.Petit@example.org",
            "07 44 44 44 44",
            Some(1985),
            person("Lea", "Petit"),
        ),
    )
    .await;
    // Same name, year and phone, different emails: still one person.
    let m1 = register(
        n,
        &ev,
        with(
            "moussa.k@example.org",
            "06 55 55 55 55",
            Some(1979),
            person("Moussa", "Keita"),
        ),
    )
    .await;
    let m2 = register(
        n,
        &ev,
        with(
            "keita.moussa@example.net",
            "06 55 55 55 55",
            Some(1979),
            person("Moussa", "Keïta"),
        ),
    )
    .await;
    // Same name and year, different emails, a phone on one side only:
    // proposed, below the pairs that share a contact.
    let a1 = register(
        n,
        &ev,
        with(
            "anais.roux@example.org",
            "06 66 66 66 66",
            Some(1992),
            person("Anaïs", "Roux"),
        ),
    )
    .await;
    let a2 = register(
        n,
        &ev,
        with(
            "a.roux@example.net",
            "",
            Some(1992),
            person("Anais", "Roux"),
        ),
    )
    .await;
    let got: Vec<((Uuid, Uuid), String, u8)> = pairs(n)
        .await
        .iter()
        .map(|p| (ids(p), p.reason.clone(), p.score))
        .collect();
    assert_eq!(
        got,
        vec![
            (sorted(l1, l2), "name_email".to_string(), 97),
            (sorted(m1, m2), "name_phone".to_string(), 92),
            (sorted(a1, a2), "name_birth_year".to_string(), 70),
        ],
        "the Dupont namesakes are left out"
    );
    assert_eq!(n.app.duplicate_count(None).await.unwrap(), 3, "nor counted");
    let page = n.app.duplicate_page(None, 1, 1).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.offset, 1);
    assert_eq!(
        page.pairs
            .iter()
            .map(|p| sorted(p.a.visitor.id, p.b.visitor.id))
            .collect::<Vec<_>>(),
        vec![sorted(m1, m2)],
        "the second pair, on a page of one"
    );
    let past = n.app.duplicate_page(None, 7, 2).await.unwrap();
    assert_eq!(
        (past.offset, past.pairs.len()),
        (2, 1),
        "past the end: the last page"
    );
}

#[tokio::test]
async fn a_bundle_import_counts_the_duplicates_it_brought() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    register(
        a,
        &ev,
        with("zoe.martin@example.org", "", None, person("Zoé", "Martin")),
    )
    .await;
    register(a, &ev, person("Ana", "Roux")).await;
    register(
        b,
        &ev,
        with(
            "zoe.martin@example.org",
            "",
            Some(1990),
            person("Zoe", "Martin"),
        ),
    )
    .await;
    register(b, &ev, person("Inès", "Moreau")).await;
    let usb = tempfile::tempdir().unwrap();
    let file = usb.path().join("a.escale");
    a.store().export_bundle(&file, None).await.unwrap();
    let r = b.store().import_bundle(&file).await.unwrap();
    assert_eq!(
        r.duplicates_proposed, 1,
        "Zoé came with the bundle and matches B's Zoe"
    );
    let again = b.store().import_bundle(&file).await.unwrap();
    assert_eq!(
        again.duplicates_proposed, 0,
        "a replayed bundle brings nothing new"
    );
}

/// Figures at 100,000 visitors (run with `--ignored --nocapture`).
#[tokio::test]
#[ignore]
async fn duplicate_candidates_at_100_000_visitors() {
    let (nodes, _ev) = org(1).await;
    let app = &nodes[0].app;
    let t = std::time::Instant::now();
    app.demo(100_000, 0.0, 7).await.unwrap();
    eprintln!("demo of 100,000 visitors: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let all = app.duplicate_candidates(None, usize::MAX).await.unwrap();
    eprintln!(
        "duplicate_candidates over 100,000 visitors: {} pairs in {:?}",
        all.len(),
        t.elapsed()
    );
    let t = std::time::Instant::now();
    let top = app.duplicate_candidates(None, 50).await.unwrap();
    eprintln!("the first 50: {:?}", t.elapsed());
    assert_eq!(top[..], all[..50]);
    // Around a few people (what a sync does with the visitors it brought):
    // 100 walk-ins at a small event, looked up by index among the 100,000.
    let small = event(app, "Atelier CV").await;
    let mut rng = 0u64;
    for _ in 0..100 {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let first = escale_core::demo::FIRST_NAMES
            [(rng >> 33) as usize % escale_core::demo::FIRST_NAMES.len()];
        let last = escale_core::demo::LAST_NAMES
            [(rng >> 40) as usize % escale_core::demo::LAST_NAMES.len()];
        app.register_walk_in(&walk_in(&small, person(first, last), false))
            .await
            .unwrap();
    }
    let t = std::time::Instant::now();
    let around = app
        .duplicate_candidates(Some(&small), usize::MAX)
        .await
        .unwrap();
    eprintln!(
        "around 100 walk-ins among 100,000: {} pairs in {:?}",
        around.len(),
        t.elapsed()
    );
    assert!(
        !around.is_empty(),
        "bare names among 100,000 find namesakes"
    );
}

async fn event(app: &escale_core::Escale, title: &str) -> String {
    let ev = app
        .create_event(&EventInput {
            kind: None,
            title: title.into(),
            place: String::new(),
            timezone: None,
            starts_at: "2026-12-10 14:00".into(),
            ends_at: "2026-12-10 16:00".into(),
            series: None,
            coworking: None,
        })
        .await
        .unwrap();
    ev.id.to_string()
}
