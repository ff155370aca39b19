//! The store: durability settings, rebuild equality, bad data directories,
//! a full disk, cloned devices, concurrent processes.

use crate::support::*;
use escale_core::hlc::Hlc;
use escale_core::model::Entity;
use escale_core::op::{Fields, Op, OpBody, Value};
use escale_core::store::OpenOptions;
use escale_core::{Error, Escale};
use uuid::Uuid;

#[tokio::test]
async fn the_store_runs_in_wal_with_full_sync_and_foreign_keys() {
    let d = desk().await;
    let pool = d.app.store().pool();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await
        .unwrap();
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal", "WAL lets the CLI read while the app writes");
    assert_eq!(
        sync, 2,
        "synchronous=FULL: an acknowledged check-in survives a power cut"
    );
    assert_eq!(fk, 1);
}

#[tokio::test]
async fn rebuilding_from_the_log_gives_an_identical_state() {
    let d = desk().await;
    d.app.demo(300, 0.4, 7).await.unwrap();
    let a = d
        .app
        .register_walk_in(&walk_in(
            &d.event,
            person("Éloïse", "N'Diaye-Lefèvre"),
            true,
        ))
        .await
        .unwrap();
    let b = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Eloise", "Ndiaye Lefevre"), true))
        .await
        .unwrap();
    d.app
        .merge(&b.visitor.id.to_string(), &a.visitor.id.to_string())
        .await
        .unwrap();
    let c = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Ömer", "Yılmaz"), true))
        .await
        .unwrap();
    d.app.erase(&c.visitor.id.to_string()).await.unwrap();
    let report = d.app.verify().await.unwrap();
    assert!(
        report.equal,
        "state must be exactly the fold of the log; differing: {:?}",
        report.differing
    );
    assert!(
        report.ops > 900,
        "the demo wrote its ops to the log ({} ops)",
        report.ops
    );
    let leftovers: Vec<_> = std::fs::read_dir(d.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("verify-"))
        .collect();
    assert!(leftovers.is_empty(), "verify cleans up its scratch store");
}

#[tokio::test]
async fn an_uninitialised_store_refuses_writes_with_a_clear_code() {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(dir.path()).await.unwrap();
    let err = app
        .events()
        .await
        .map(|_| ())
        .and(app.info().await.map(|_| ()))
        .unwrap_err();
    assert_eq!(err.code(), "store.not_initialised");
    assert!(
        app.init("  ", "Portable").await.is_err(),
        "an organisation name is required"
    );
    app.init("Asso", "Portable").await.unwrap();
    assert_eq!(
        app.init("Asso", "Portable").await.unwrap_err().code(),
        "store.already_initialised"
    );
}

#[tokio::test]
async fn a_data_dir_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    match Escale::open(&file).await {
        Err(e) => assert_eq!(e.code(), "store.data_dir"),
        Ok(_) => panic!("a file cannot be a data directory"),
    }
}

/// Root ignores permission bits, so the test makes the directory immutable
/// (ext4 `chattr +i`) when running as root, and read-only otherwise.
#[tokio::test]
async fn a_read_only_data_dir_says_so_and_changes_nothing() {
    let base = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ro-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&base).unwrap();
    {
        let app = Escale::open(&base).await.unwrap();
        app.init("Asso", "Portable").await.unwrap();
        app.store().close().await;
    }
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let lock = |on: bool| {
        if is_root {
            let flag = if on { "+i" } else { "-i" };
            for entry in std::fs::read_dir(&base).unwrap() {
                let _ = std::process::Command::new("chattr")
                    .arg(flag)
                    .arg(entry.unwrap().path())
                    .status();
            }
            let st = std::process::Command::new("chattr")
                .arg(flag)
                .arg(&base)
                .status()
                .expect("chattr must exist");
            assert!(
                st.success(),
                "chattr {flag} failed: the target dir must be on ext4"
            );
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                &base,
                std::fs::Permissions::from_mode(if on { 0o555 } else { 0o755 }),
            )
            .unwrap();
        }
    };
    lock(true);
    let result = Escale::open(&base).await;
    lock(false);
    match result {
        Err(e) => assert_eq!(e.code(), "store.read_only", "got {e:?}"),
        Ok(_) => panic!("opening a read-only data dir for writing must fail clearly"),
    }
    let app = Escale::open(&base).await.unwrap();
    assert_eq!(
        app.info().await.unwrap().org_name,
        "Asso",
        "the store is intact afterwards"
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[tokio::test]
async fn a_full_disk_fails_the_whole_write_and_leaves_the_log_intact() {
    let dir = tempfile::tempdir().unwrap();
    {
        let app = Escale::open(dir.path()).await.unwrap();
        app.init("Asso", "Portable").await.unwrap();
        app.store().close().await;
    }
    let pages = {
        let app = Escale::open(dir.path()).await.unwrap();
        let n: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(app.store().pool())
            .await
            .unwrap();
        app.store().close().await;
        n as u64
    };
    let app = Escale::open_with(
        dir.path(),
        &OpenOptions {
            max_page_count: Some(pages + 30),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let before = app.store().op_count().await.unwrap();
    let err = app.demo(5_000, 0.5, 1).await.unwrap_err();
    assert_eq!(err.code(), "store.disk_full", "got {err:?}");
    let after = app.store().op_count().await.unwrap();
    assert!(
        after - before <= 4,
        "only the event and its sessions (separate writes) may have landed: {before} -> {after}"
    );
    let visitors: i64 = sqlx::query_scalar("SELECT count(*) FROM visitor")
        .fetch_one(app.store().pool())
        .await
        .unwrap();
    assert_eq!(visitors, 0, "the failed batch left no visitor behind");
    assert!(
        app.verify().await.map(|r| r.equal).unwrap_or(true),
        "the log and the state still agree"
    );
}

fn foreign_op(origin: Uuid, seq: i64, name: &str) -> Op {
    let mut f = Fields::new();
    f.insert("first_name".into(), Value::String(name.into()));
    Op {
        id: Uuid::now_v7(),
        origin,
        seq,
        hlc: Hlc::new(1_700_000_000_000, 0),
        body: OpBody::Set {
            entity: Entity::Visitor,
            id: Uuid::from_u128(77),
            fields: f,
        },
    }
}

#[tokio::test]
async fn two_different_ops_with_the_same_origin_and_seq_reveal_a_cloned_device() {
    let d = desk().await;
    let origin = Uuid::now_v7();
    let mut tx = d.app.store().write().await.unwrap();
    tx.ingest(&[foreign_op(origin, 1, "Anne")]).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = d.app.store().write().await.unwrap();
    let err = tx
        .ingest(&[foreign_op(origin, 1, "Annie")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::CloneDetected { seq: 1, .. }),
        "got {err:?}"
    );
    drop(tx);
    assert_eq!(
        d.app
            .visitor(&Uuid::from_u128(77).to_string())
            .await
            .unwrap()
            .first_name()
            .to_string(),
        "Anne",
        "the rejected batch changed nothing"
    );
}

#[tokio::test]
async fn replaying_a_batch_changes_nothing() {
    let d = desk().await;
    let ops: Vec<Op> = (1..=5)
        .map(|i| foreign_op(Uuid::from_u128(5), i, &format!("N{i}")))
        .collect();
    for _ in 0..2 {
        let mut tx = d.app.store().write().await.unwrap();
        tx.ingest(&ops).await.unwrap();
        tx.commit().await.unwrap();
    }
    let before = state_hash(&d.app).await;
    let mut tx = d.app.store().write().await.unwrap();
    let r = tx.ingest(&ops).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((r.applied, r.duplicates), (0, 5));
    assert_eq!(
        before,
        state_hash(&d.app).await,
        "a replayed batch is a no-op"
    );
}

#[tokio::test]
async fn the_version_vector_holds_the_highest_contiguous_seq() {
    let d = desk().await;
    let o = Uuid::from_u128(9);
    let ops: Vec<Op> = [1, 2, 4, 5]
        .iter()
        .map(|s| foreign_op(o, *s, "X"))
        .collect();
    let mut tx = d.app.store().write().await.unwrap();
    tx.ingest(&ops).await.unwrap();
    tx.commit().await.unwrap();
    let vv = || async {
        sqlx::query_scalar::<_, i64>("SELECT seq FROM version_vector WHERE origin = ?")
            .bind(o)
            .fetch_one(d.app.store().pool())
            .await
            .unwrap()
    };
    assert_eq!(
        vv().await,
        2,
        "seq 3 is missing: the vector must not claim 4 and 5"
    );
    let mut tx = d.app.store().write().await.unwrap();
    tx.ingest(&[foreign_op(o, 3, "X")]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(vv().await, 5, "the gap filled, the vector jumps to 5");
}

#[tokio::test]
async fn a_write_by_another_process_is_visible_to_the_next_search() {
    let d = desk().await;
    assert!(d
        .app
        .search(Some(&d.event), "nowak", 5)
        .await
        .unwrap()
        .is_empty());
    // A second handle on the same directory stands for the CLI next to the app.
    let cli = Escale::open(d.dir.path()).await.unwrap();
    cli.register_walk_in(&walk_in(&d.event, person("Łukasz", "Nowak"), false))
        .await
        .unwrap();
    let hits = d.app.search(Some(&d.event), "nowak", 5).await.unwrap();
    assert_eq!(
        hits.len(),
        1,
        "the app's index must pick up the other process's write"
    );
    assert!(hits[0].registered);
}

/// Writers take turns: a check-in waiting while another writer commits
/// page after page (a sync, a bundle) gets the store after that writer's
/// current page, not after all of them — in the same process (one store
/// shared by both) and from another store on the same file (another
/// process: the file locks).
#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn writers_take_turns_so_a_check_in_waits_for_one_page_not_for_all() {
    for shared in [true, false] {
        let d = desk().await;
        let desk_app = std::sync::Arc::new(Escale::open(d.dir.path()).await.unwrap());
        let writer = if shared {
            desk_app.clone()
        } else {
            std::sync::Arc::new(Escale::open(d.dir.path()).await.unwrap())
        };
        let w = desk_app
            .register_walk_in(&walk_in(&d.event, person("Awa", "Traoré"), false))
            .await
            .unwrap();
        let pages_done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        const PAGES: usize = 60;
        let done = pages_done.clone();
        let origin = Uuid::now_v7();
        let sync = tokio::spawn(async move {
            // Back-to-back transactions of 2,000 ops each.
            for page in 0..PAGES {
                let ops: Vec<Op> = (1..=2_000)
                    .map(|i| {
                        let seq = (page * 2_000 + i) as i64;
                        let mut op = foreign_op(origin, seq, "Page");
                        if let OpBody::Set { id, .. } = &mut op.body {
                            *id = Uuid::from_u128(seq as u128);
                        }
                        op
                    })
                    .collect();
                let mut tx = writer.store().write().await.unwrap();
                tx.ingest(&ops).await.unwrap();
                tx.commit().await.unwrap();
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        while pages_done.load(std::sync::atomic::Ordering::SeqCst) < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let before = pages_done.load(std::sync::atomic::Ordering::SeqCst);
        let out = desk_app
            .check_in(
                &d.event,
                escale_core::app::CheckInTarget::Visitor(w.visitor.id.to_string()),
                None,
                escale_core::model::Method::Search,
            )
            .await
            .unwrap();
        let seen = pages_done.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(out.status, escale_core::app::CheckInStatus::Welcome);
        // Asked while page `before + 1` was being written: served once it is
        // (and maybe the page after it had begun), not at the end.
        assert!(
            seen <= before + 2,
            "shared store: {shared}: asked after {before} pages, served after {seen} of {PAGES}"
        );
        sync.await.unwrap();
    }
}
