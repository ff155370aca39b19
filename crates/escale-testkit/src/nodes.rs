//! Sync test set-up: several devices of one organisation (each a real store
//! in its own temp dir) and the exchanges between them, driven through the
//! node API exactly as a transport would (pull pages, pushes), including
//! partial, shuffled, duplicated and lost deliveries.

use escale_core::app::EventInput;
use escale_core::store::OpenOptions;
use escale_core::sync::VersionVector;
use escale_core::Escale;
use escale_protocol::wire::{PullRequest, PullResponse, PushRequest, WireOp, PROTOCOL_VERSION};
use uuid::Uuid;

pub struct Node {
    pub app: Escale,
    pub dir: tempfile::TempDir,
}

impl Node {
    pub fn store(&self) -> &escale_core::store::Store {
        self.app.store()
    }
    pub async fn device(&self) -> Uuid {
        self.app.identity().await.unwrap().device_id
    }
    pub async fn hash(&self) -> String {
        crate::desk::state_hash(&self.app).await
    }
    pub async fn op_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self
            .store()
            .all_ops()
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        ids.sort();
        ids
    }
}

/// Durability is relaxed in tests: the crash test uses the real settings.
pub fn opts() -> OpenOptions {
    OpenOptions {
        relaxed_durability: true,
        ..Default::default()
    }
}

/// The first device of a new organisation.
pub async fn founder() -> Node {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open_with(dir.path(), &opts()).await.unwrap();
    app.init("Association Passerelle Numérique", "Portable 1")
        .await
        .unwrap();
    Node { app, dir }
}

/// Another device of `of`'s organisation (empty until it syncs).
pub async fn joiner(of: &Node, name: &str) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open_with(dir.path(), &opts()).await.unwrap();
    let ident = of.app.identity().await.unwrap();
    let key = of.store().sync_key().await.unwrap();
    app.store()
        .join_org(ident.org_id, Uuid::now_v7(), &key, name)
        .await
        .unwrap();
    Node { app, dir }
}

/// `n` devices of one organisation sharing one event; returns the event id.
pub async fn org(n: usize) -> (Vec<Node>, String) {
    let mut nodes = vec![founder().await];
    for i in 1..n {
        let j = joiner(&nodes[0], &format!("Portable {}", i + 1)).await;
        nodes.push(j);
    }
    let ev = nodes[0]
        .app
        .create_event(&EventInput {
            kind: None,
            title: "Forum de l'emploi".into(),
            place: "Gymnase Jean-Moulin".into(),
            timezone: None,
            starts_at: "2026-12-03 09:00".into(),
            ends_at: "2026-12-03 17:00".into(),
            series: None,
            coworking: None,
        })
        .await
        .unwrap();
    full_sync(&nodes, 50).await;
    (nodes, ev.id.to_string())
}

/// `to` pulls from `from` page by page until nothing is left; returns the
/// number of pages. Bounded: paging by vector must always make progress.
pub async fn pull(from: &Node, to: &Node, limit: usize) -> usize {
    let mut pages = 0;
    loop {
        let req = PullRequest {
            protocol: PROTOCOL_VERSION,
            vector: to.store().vector().await.unwrap(),
            limit,
            max_bytes: None,
        };
        let resp = from.store().serve_pull(&req).await.unwrap();
        let more = resp.more;
        let before = to.store().vector().await.unwrap();
        let n = resp.ops.len();
        to.store().apply_pull(resp).await.unwrap();
        pages += 1;
        if !more {
            return pages;
        }
        assert!(n > 0, "a page announcing more must not be empty");
        assert_ne!(
            to.store().vector().await.unwrap(),
            before,
            "every page advances the puller's vector (no loop)"
        );
        assert!(pages < 1_000_000);
    }
}

/// `from` pushes to `to` what `to` lacks, page by page (as a laptop pushes to
/// the hub: it asks for the receiver's vector, then sends pages).
pub async fn push(from: &Node, to: &Node, limit: usize) {
    loop {
        let theirs = to.store().vector().await.unwrap();
        let (ops, more) = from.store().ops_for(&theirs, limit).await.unwrap();
        let resp = to
            .store()
            .apply_push(PushRequest {
                protocol: PROTOCOL_VERSION,
                device_id: from.device().await,
                ops,
            })
            .await
            .unwrap();
        assert_eq!(
            resp.vector,
            to.store().vector().await.unwrap(),
            "the response carries the receiver's vector"
        );
        if !more {
            return;
        }
    }
}

/// Every node ends with every op: all into node 0, then node 0 to all.
pub async fn full_sync(nodes: &[Node], limit: usize) {
    for n in &nodes[1..] {
        pull(n, &nodes[0], limit).await;
    }
    for n in &nodes[1..] {
        pull(&nodes[0], n, limit).await;
    }
}

/// The pages `from` would serve to `to`, computed ahead (as if `to` had
/// asked for each page while earlier ones were still in flight).
pub async fn pages_ahead(
    from: &Node,
    to: &Node,
    limit: usize,
    max_pages: usize,
) -> Vec<Vec<WireOp>> {
    let mut v: VersionVector = to.store().vector().await.unwrap();
    let mut pages = Vec::new();
    while pages.len() < max_pages {
        let (ops, more) = from.store().ops_for(&v, limit).await.unwrap();
        for op in &ops {
            let e = v.entry(op.origin).or_insert(0);
            assert_eq!(
                op.seq,
                *e + 1,
                "a page continues each origin right after the vector"
            );
            *e = op.seq;
        }
        pages.push(ops);
        if !more {
            break;
        }
    }
    pages
}

/// Delivers pages to `to` in the given order (indices may repeat: duplicate
/// deliveries; may be missing: lost pages).
pub async fn deliver(
    to: &Node,
    pages: &[Vec<WireOp>],
    order: &[usize],
    sender: Uuid,
    via_push: bool,
) {
    for &i in order {
        let ops = pages[i % pages.len()].clone();
        if via_push {
            to.store()
                .apply_push(PushRequest {
                    protocol: PROTOCOL_VERSION,
                    device_id: sender,
                    ops,
                })
                .await
                .unwrap();
        } else {
            to.store()
                .apply_pull(PullResponse {
                    ops,
                    more: false,
                    vector: VersionVector::new(),
                })
                .await
                .unwrap();
        }
    }
}
