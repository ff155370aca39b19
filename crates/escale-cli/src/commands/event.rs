//! `escale event create|list|show|edit`: events, shown in their local time.

use crate::args::{EventCommand, EventCreateArgs, EventEditArgs};
use crate::commands::session::sessions_table;
use crate::output::{fields, or_dash, table, Failure, Reply, Ui};
use escale_core::app::{EventInput, EventView};
use escale_core::Escale;
use serde_json::json;

pub async fn run(app: &Escale, c: EventCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        EventCommand::Create(a) => create(app, &a, ui).await,
        EventCommand::List => list(app, ui).await,
        EventCommand::Show(a) => show(app, &a.id, ui).await,
        EventCommand::Edit(a) => edit(app, &a, ui).await,
    }
}

async fn create(app: &Escale, a: &EventCreateArgs, ui: Ui) -> Result<Reply, Failure> {
    let input = EventInput {
        kind: a.kind,
        title: a.title.clone(),
        place: a.place.clone(),
        timezone: a.timezone.clone(),
        starts_at: a.start.clone(),
        ends_at: a.end.clone(),
        series: a.series.clone(),
        coworking: None,
    };
    let ev = app.create_event(&input).await?;
    let head = ui.t("Événement créé.\n", "Event created.\n");
    Reply::new(&ev, format!("{head}{}", render(&ev, ui)))
}

/// Starts from the stored event so that only the given flags change. Times
/// are re-read as local wall times, so fixing a wrong time zone keeps them.
async fn edit(app: &Escale, a: &EventEditArgs, ui: Ui) -> Result<Reply, Failure> {
    let ev = app.event(&a.id).await?;
    let input = EventInput {
        kind: a.kind.or_else(|| ev.kind.parse().ok()),
        title: a.title.clone().unwrap_or(ev.title),
        place: a.place.clone().unwrap_or(ev.place),
        timezone: a.timezone.clone().or(Some(ev.timezone)),
        starts_at: a.start.clone().unwrap_or(ev.starts_local),
        ends_at: a.end.clone().unwrap_or(ev.ends_local),
        series: a.series.clone().or(ev.series),
        coworking: None,
    };
    let ev = app.update_event(&a.id, &input).await?;
    app.set_event_certificate(&a.id, a.partner.as_deref(), a.certificate_text.as_deref())
        .await?;
    let head = ui.t("Événement modifié.\n", "Event updated.\n");
    Reply::new(&ev, format!("{head}{}", render(&ev, ui)))
}

async fn list(app: &Escale, ui: Ui) -> Result<Reply, Failure> {
    let events = app.events().await?;
    if events.is_empty() {
        let text = ui.t(
            "Aucun événement. Créez-en un avec « escale event create ».",
            "No events yet. Create one with `escale event create`.",
        );
        return Reply::new(&events, text.to_string());
    }
    let headers = [
        ui.t("Début", "Start"),
        ui.t("Fin", "End"),
        ui.t("Titre", "Title"),
        ui.t("Lieu", "Place"),
        ui.t("Type", "Kind"),
        "ID",
    ];
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.starts_local.clone(),
                e.ends_local.clone(),
                e.title.clone(),
                e.place.clone(),
                kind_label(&e.kind, ui).into(),
                e.id.to_string(),
            ]
        })
        .collect();
    Reply::new(&events, table(&headers, &rows))
}

async fn show(app: &Escale, id: &str, ui: Ui) -> Result<Reply, Failure> {
    let ev = app.event(id).await?;
    let sessions = app.sessions(id).await?;
    let mut text = render(&ev, ui);
    text += "\n";
    if sessions.is_empty() {
        text += ui.t("Aucune séance.\n", "No sessions.\n");
    } else {
        text += &format!(
            "{}\n{}",
            ui.t("Séances :", "Sessions:"),
            sessions_table(&sessions, ui)
        );
    }
    Reply::new(&json!({ "event": ev, "sessions": sessions }), text)
}

pub fn render(ev: &EventView, ui: Ui) -> String {
    fields(
        ui,
        &[
            (ui.t("Titre", "Title"), ev.title.clone()),
            (ui.t("Type", "Kind"), kind_label(&ev.kind, ui).into()),
            (ui.t("Lieu", "Place"), or_dash(Some(&ev.place))),
            (ui.t("Début", "Start"), ev.starts_local.clone()),
            (ui.t("Fin", "End"), ev.ends_local.clone()),
            (ui.t("Fuseau horaire", "Time zone"), ev.timezone.clone()),
            (ui.t("Série", "Series"), or_dash(ev.series.as_deref())),
            ("ID", ev.id.to_string()),
        ],
    )
}

fn kind_label(kind: &str, ui: Ui) -> &str {
    match kind {
        "fair" => ui.t("Forum / salon", "Fair"),
        "workshop" => ui.t("Atelier", "Workshop"),
        "info_day" => ui.t("Journée d'information", "Information day"),
        "jobcamp_series" => ui.t("Série JobCamp", "JobCamp series"),
        "other" => ui.t("Autre", "Other"),
        other => other,
    }
}
