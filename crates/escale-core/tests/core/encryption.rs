//! The store encrypted at rest (`store::key`): SQLCipher with a raw key.

use crate::support::{person, state_hash, walk_in};
use escale_core::app::EventInput;
use escale_core::store::key::{is_plain, StoreKey};
use escale_core::store::{OpenOptions, DB_FILE};
use escale_core::Escale;

fn keyed(key: &StoreKey) -> OpenOptions {
    OpenOptions {
        key: Some(key.clone()),
        ..Default::default()
    }
}

async fn populate(app: &Escale, people: usize) -> String {
    app.init("Association Passerelle Numérique", "Portable 1")
        .await
        .unwrap();
    let ev = app
        .create_event(&EventInput {
            kind: None,
            title: "Forum de l'emploi".into(),
            place: "Gymnase".into(),
            timezone: None,
            starts_at: "2026-12-03 09:00".into(),
            ends_at: "2026-12-03 17:00".into(),
            series: None,
            coworking: None,
        })
        .await
        .unwrap()
        .id
        .to_string();
    for i in 0..people {
        let mut p = person("Zéphyrine", &format!("Quintavalle{i}"));
        p.set("email", format!("zephyrine.q{i}@example.org"));
        app.register_walk_in(&walk_in(&ev, p, i % 2 == 0))
            .await
            .unwrap();
    }
    ev
}

/// Every file Escale left in the directory, as bytes.
fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn an_encrypted_store_shows_no_name_and_opens_with_its_key_only() {
    let dir = tempfile::tempdir().unwrap();
    let key = StoreKey::random();
    let app = Escale::open_with(dir.path(), &keyed(&key)).await.unwrap();
    let ev = populate(&app, 50).await;
    // The search index's file is written, sealed.
    let hits = app
        .search(Some(ev.as_str()), "quintavalle1", 5)
        .await
        .unwrap();
    assert!(!hits.is_empty());
    assert!(app.store().encrypted());
    let hash = state_hash(&app).await;
    app.store().close().await;
    assert!(!is_plain(&dir.path().join(DB_FILE)));
    for (name, bytes) in files(dir.path()) {
        for needle in ["Quintavalle", "zephyrine", "Passerelle", "SQLite format 3"] {
            assert!(!holds(&bytes, needle), "{needle} readable in {name}");
        }
    }
    // Without the key, or with another, it does not open, and says why.
    let none = Escale::open(dir.path()).await.err().expect("no key");
    assert_eq!(none.code(), "store.key_wrong");
    let other = Escale::open_with(dir.path(), &keyed(&StoreKey::random()))
        .await
        .err()
        .expect("another key");
    assert_eq!(other.code(), "store.key_wrong");
    // With it, everything is there, and the sealed index answers.
    let again = Escale::open_with(dir.path(), &keyed(&key)).await.unwrap();
    assert_eq!(state_hash(&again).await, hash);
    let hits = again
        .search(Some(ev.as_str()), "quintavalle1", 5)
        .await
        .unwrap();
    assert_eq!(hits[0].visitor.last_name(), "Quintavalle1");
}

#[tokio::test]
async fn a_plain_populated_store_is_converted_once_in_place_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(dir.path()).await.unwrap();
    let ev = populate(&app, 120).await;
    app.search(Some(ev.as_str()), "quintavalle", 5)
        .await
        .unwrap();
    let hash = state_hash(&app).await;
    let ops = app.store().op_count().await.unwrap();
    let stats = app.stats(&ev).await.unwrap();
    app.store().close().await;
    let db = dir.path().join(DB_FILE);
    assert!(is_plain(&db));
    assert!(files(dir.path())
        .iter()
        .any(|(_, b)| holds(b, "Quintavalle")));

    let key = StoreKey::random();
    let app = Escale::open_with(dir.path(), &keyed(&key)).await.unwrap();
    assert!(!is_plain(&db), "converted");
    assert_eq!(state_hash(&app).await, hash, "the same state");
    assert_eq!(app.store().op_count().await.unwrap(), ops, "the same log");
    assert_eq!(
        serde_json::to_value(app.stats(&ev).await.unwrap()).unwrap(),
        serde_json::to_value(&stats).unwrap()
    );
    assert!(app.verify().await.unwrap().equal, "ops verify");
    let hits = app
        .search(Some(ev.as_str()), "quintavalle7", 5)
        .await
        .unwrap();
    assert!(!hits.is_empty());
    // New writes go to the encrypted store.
    app.register_walk_in(&walk_in(&ev, person("Yolande", "Ravachol"), true))
        .await
        .unwrap();
    let after = app.store().op_count().await.unwrap();
    assert!(after > ops);
    app.store().close().await;
    for (name, bytes) in files(dir.path()) {
        for needle in ["Quintavalle", "Ravachol"] {
            assert!(!holds(&bytes, needle), "{needle} readable in {name}");
        }
    }
    // Opened again with the key: no second conversion, everything there.
    let app = Escale::open_with(dir.path(), &keyed(&key)).await.unwrap();
    assert_eq!(app.store().op_count().await.unwrap(), after);
}

#[tokio::test]
async fn a_snapshot_of_an_encrypted_store_is_encrypted_and_starts_a_laptop_with_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = StoreKey::random();
    let app = Escale::open_with(dir.path(), &keyed(&key)).await.unwrap();
    let ev = populate(&app, 20).await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("stand.snapshot");
    app.store().export_snapshot(&file).await.unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert!(!holds(&bytes, "Quintavalle") && !holds(&bytes, "SQLite format 3"));
    let second = tempfile::tempdir().unwrap();
    let store = escale_core::store::Store::import_snapshot(
        second.path(),
        &file,
        "Portable 2",
        &keyed(&key),
    )
    .await
    .unwrap();
    store.close().await;
    let two = Escale::open_with(second.path(), &keyed(&key))
        .await
        .unwrap();
    assert_eq!(two.stats(&ev).await.unwrap().registered, 20);
}
