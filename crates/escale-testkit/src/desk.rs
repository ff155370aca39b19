//! Shared set-up: a fresh initialised store in a temp dir, and small builders.

use escale_core::app::{ConsentInput, EventInput, VisitorInput, WalkIn};
use escale_core::Escale;

pub struct Desk {
    pub app: Escale,
    pub dir: tempfile::TempDir,
    pub event: String,
}

pub async fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(dir.path()).await.unwrap();
    app.init("Association Passerelle Numérique", "Portable 1")
        .await
        .unwrap();
    let ev = app
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
    Desk {
        app,
        dir,
        event: ev.id.to_string(),
    }
}

pub fn person(first: &str, last: &str) -> VisitorInput {
    VisitorInput::named(first, last)
}

pub fn walk_in(event: &str, v: VisitorInput, check_in: bool) -> WalkIn {
    WalkIn {
        event_id: event.into(),
        visitor: v,
        consents: vec![ConsentInput {
            purpose: "processing".into(),
            granted: true,
        }],
        check_in,
    }
}

pub async fn state_hash(app: &Escale) -> String {
    let mut conn = app.store().pool().acquire().await.unwrap();
    escale_core::store::canonical::state_hash(&mut conn)
        .await
        .unwrap()
        .total
}
