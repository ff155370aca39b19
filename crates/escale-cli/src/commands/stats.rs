//! `escale stats`: the core's figures for an event, as a short report with
//! a bar per hour of arrivals.

use crate::output::{fields, table, Failure, Reply, Ui};
use escale_core::app::{EventStats, HourCount, SessionStats};
use escale_core::Escale;

const BAR_WIDTH: i64 = 40;

pub async fn run(app: &Escale, event: &str, ui: Ui) -> Result<Reply, Failure> {
    let ev = app.event(event).await?;
    let s = app.stats(event).await?;
    let mut text = format!("{} — {}\n\n", ev.title, ui.t("statistiques", "figures"));
    text += &totals(&s, ui);
    if !s.sessions.is_empty() {
        text += &format!(
            "\n{}\n{}",
            ui.t("Séances :", "Sessions:"),
            sessions(&s.sessions, ui)
        );
    }
    if !s.per_hour.is_empty() {
        text += &format!(
            "\n{}\n{}",
            ui.t("Arrivées par heure :", "Arrivals per hour:"),
            hours(&s.per_hour)
        );
    }
    Reply::new(&s, text)
}

fn totals(s: &EventStats, ui: Ui) -> String {
    fields(
        ui,
        &[
            (ui.t("Inscrit·e·s", "Registered"), s.registered.to_string()),
            (
                ui.t("  dont pré-inscrit·e·s", "  pre-registered"),
                s.pre_registered.to_string(),
            ),
            (
                ui.t("  dont sur place", "  walk-ins"),
                s.walk_ins.to_string(),
            ),
            (ui.t("Arrivé·e·s", "Arrived"), s.arrived.to_string()),
            (
                ui.t("  dont pré-inscrit·e·s", "  of them pre-registered"),
                s.arrived_pre_registered.to_string(),
            ),
            (
                ui.t("Absent·e·s (pré-inscrit·e·s)", "No-shows (pre-registered)"),
                s.no_shows.to_string(),
            ),
        ],
    )
}

fn sessions(list: &[SessionStats], ui: Ui) -> String {
    let headers = [
        ui.t("Titre", "Title"),
        ui.t("Capacité", "Capacity"),
        ui.t("Venu·e·s", "Attended"),
        ui.t("Présent·e·s", "Inside"),
    ];
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                s.title.clone(),
                s.capacity
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "—".into()),
                s.attended.to_string(),
                s.inside.to_string(),
            ]
        })
        .collect();
    table(&headers, &rows)
}

fn hours(list: &[HourCount]) -> String {
    let max = list.iter().map(|h| h.arrivals).max().unwrap_or(0).max(1);
    let w = list
        .iter()
        .map(|h| h.arrivals.to_string().len())
        .max()
        .unwrap_or(1);
    list.iter()
        .map(|h| {
            let bar = "█".repeat(((h.arrivals * BAR_WIDTH + max - 1) / max) as usize);
            format!("  {}  {:>w$}  {bar}\n", h.hour, h.arrivals)
        })
        .collect()
}
