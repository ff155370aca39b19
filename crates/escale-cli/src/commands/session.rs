//! `escale session add|list`: conferences and workshops inside an event.

use crate::args::{SessionAddArgs, SessionCommand};
use crate::output::{fields, or_dash, table, Failure, Reply, Ui};
use escale_core::app::{SessionInput, SessionView};
use escale_core::Escale;

pub async fn run(app: &Escale, c: SessionCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        SessionCommand::Add(a) => add(app, &a, ui).await,
        SessionCommand::List(e) => list(app, &e.event, ui).await,
    }
}

async fn add(app: &Escale, a: &SessionAddArgs, ui: Ui) -> Result<Reply, Failure> {
    let input = SessionInput {
        title: a.title.clone(),
        room: a.room.clone(),
        starts_at: a.start.clone(),
        ends_at: a.end.clone(),
        capacity: a.capacity,
        themes: (!a.themes.is_empty()).then(|| a.themes.clone()),
    };
    let s = app.add_session(&a.event.event, &input).await?;
    let text = fields(
        ui,
        &[
            (ui.t("Séance créée", "Session created"), s.title.clone()),
            (ui.t("Salle", "Room"), or_dash(Some(&s.room))),
            (
                ui.t("Horaire", "Time"),
                span(&s.starts_local, &s.ends_local),
            ),
            (ui.t("Capacité", "Capacity"), capacity(s.capacity, ui)),
            ("ID", s.id.to_string()),
        ],
    );
    Reply::new(&s, text)
}

async fn list(app: &Escale, event: &str, ui: Ui) -> Result<Reply, Failure> {
    let sessions = app.sessions(event).await?;
    let text = if sessions.is_empty() {
        ui.t(
            "Aucune séance pour cet événement.",
            "This event has no sessions.",
        )
        .to_string()
    } else {
        sessions_table(&sessions, ui)
    };
    Reply::new(&sessions, text)
}

pub fn sessions_table(sessions: &[SessionView], ui: Ui) -> String {
    let headers = [
        ui.t("Horaire", "Time"),
        ui.t("Titre", "Title"),
        ui.t("Salle", "Room"),
        ui.t("Capacité", "Capacity"),
        "ID",
    ];
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|s| {
            vec![
                span(&s.starts_local, &s.ends_local),
                s.title.clone(),
                s.room.clone(),
                capacity(s.capacity, ui),
                s.id.to_string(),
            ]
        })
        .collect();
    table(&headers, &rows)
}

/// "2026-12-03 14:00 → 15:00" (the end's date only when it differs).
fn span(start: &str, end: &str) -> String {
    match (start.split_once(' '), end.split_once(' ')) {
        (Some((d1, _)), Some((d2, t2))) if d1 == d2 => format!("{start} → {t2}"),
        _ => format!("{start} → {end}"),
    }
}

fn capacity(c: Option<i64>, ui: Ui) -> String {
    c.map(|c| c.to_string())
        .unwrap_or_else(|| ui.t("illimitée", "unlimited").to_string())
}
