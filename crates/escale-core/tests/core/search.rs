//! The desk search's index file (`escale.db-search`): what a one-shot
//! process (`escale search`) and the desk read at start instead of loading
//! every visitor. Its answers must be the in-memory index's.

use crate::support::{desk, person, walk_in};
use escale_core::search::cache_path;
use escale_core::store::DB_FILE;
use escale_core::Escale;

async fn answers(
    app: &Escale,
    event: &str,
    queries: &[&str],
) -> Vec<Vec<(uuid::Uuid, String, bool)>> {
    let mut out = vec![];
    for q in queries {
        let hits = app.search(Some(event), q, 10).await.unwrap();
        out.push(
            hits.into_iter()
                .map(|h| (h.visitor.id, h.quality, h.registered))
                .collect(),
        );
    }
    out
}

const QUERIES: &[&str] = &[
    "mar",
    "martin",
    "amrtin",
    "eloise",
    "ndiaye",
    "le g",
    "chloe dub",
    "0699",
    "lukasz nowak",
];

#[tokio::test]
async fn a_one_shot_process_reads_the_index_file_and_answers_as_the_in_memory_index() {
    let d = desk().await;
    let demo = d.app.demo(400, 0.0, 8).await.unwrap();
    let ev = demo.event.id.to_string();
    let file = cache_path(&d.dir.path().join(DB_FILE));
    assert!(!file.exists());
    let first = answers(&d.app, &ev, QUERIES).await;
    assert!(file.exists(), "the first build writes the index's file");
    assert!(
        first.iter().filter(|a| !a.is_empty()).count() >= 6,
        "{first:?}"
    );

    // A later process (the CLI) reads the file: same answers.
    let one_shot = Escale::open(d.dir.path()).await.unwrap();
    assert_eq!(answers(&one_shot, &ev, QUERIES).await, first);

    // Writes after the file: a walk-in, an edit by merge; the next process
    // reads the file and the changes since.
    d.app
        .register_walk_in(&walk_in(&ev, person("Łukasz", "Nowak"), false))
        .await
        .unwrap();
    let later = Escale::open(d.dir.path()).await.unwrap();
    let with_file = answers(&later, &ev, QUERIES).await;
    std::fs::remove_file(&file).unwrap();
    let rebuilt = Escale::open(d.dir.path()).await.unwrap();
    let without = answers(&rebuilt, &ev, QUERIES).await;
    assert_eq!(with_file, without, "file + changes since = a full build");
    assert_eq!(with_file.last().unwrap().len(), 1, "the walk-in is found");
    assert_eq!(
        answers(&d.app, &ev, QUERIES).await,
        without,
        "the long-running process agrees"
    );
}

#[tokio::test]
async fn an_erasure_removes_the_index_file_and_nobody_finds_the_erased_person() {
    let d = desk().await;
    let w = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Zéphyrine", "Quatremère"), false))
        .await
        .unwrap();
    d.app.demo(50, 0.0, 1).await.unwrap();
    assert_eq!(
        d.app
            .search(Some(&d.event), "quatremere", 5)
            .await
            .unwrap()
            .len(),
        1
    );
    let file = cache_path(&d.dir.path().join(DB_FILE));
    assert!(file.exists());
    let cli = Escale::open(d.dir.path()).await.unwrap();
    cli.erase(&w.visitor.id.to_string()).await.unwrap();
    assert!(
        !file.exists(),
        "the file held her name: it goes with the erasure"
    );
    for app in [&d.app, &Escale::open(d.dir.path()).await.unwrap()] {
        assert!(app
            .search(Some(&d.event), "quatremere", 5)
            .await
            .unwrap()
            .is_empty());
        assert!(app
            .search(Some(&d.event), "zephyrine", 5)
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn an_index_file_of_another_store_or_damaged_is_not_read() {
    let a = desk().await;
    a.app
        .register_walk_in(&walk_in(&a.event, person("Awa", "Traoré"), false))
        .await
        .unwrap();
    assert_eq!(a.app.search(None, "traore", 5).await.unwrap().len(), 1);
    let b = desk().await;
    b.app
        .register_walk_in(&walk_in(&b.event, person("Piotr", "Kowalski"), false))
        .await
        .unwrap();
    // Another store's file copied over this one's.
    let file_a = cache_path(&a.dir.path().join(DB_FILE));
    let file_b = cache_path(&b.dir.path().join(DB_FILE));
    std::fs::copy(&file_a, &file_b).unwrap();
    let other = Escale::open(b.dir.path()).await.unwrap();
    assert!(other.search(None, "traore", 5).await.unwrap().is_empty());
    assert_eq!(other.search(None, "kowalski", 5).await.unwrap().len(), 1);
    // A damaged file is rebuilt, not trusted.
    let bytes = std::fs::read(&file_a).unwrap();
    std::fs::write(&file_a, &bytes[..bytes.len() / 2]).unwrap();
    let again = Escale::open(a.dir.path()).await.unwrap();
    assert_eq!(again.search(None, "traore", 5).await.unwrap().len(), 1);
}
