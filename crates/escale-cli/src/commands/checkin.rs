//! The desk from a terminal: `escale search`, `checkin`, `checkout`, `undo`.
//!
//! A second check-in is the core's "already arrived" answer, shown as such;
//! the CLI never counts anything itself.

use crate::args::{ScanArgs, SearchArgs, UndoArgs};
use crate::commands::visitor::name;
use crate::output::{or_dash, table, Failure, Reply, Ui};
use escale_core::app::{CheckInOutcome, CheckInStatus, CheckInTarget, SearchHit};
use escale_core::model::{Direction, Method};
use escale_core::{Escale, Lang};
use serde_json::json;

pub async fn search(app: &Escale, a: &SearchArgs, ui: Ui) -> Result<Reply, Failure> {
    let hits = app.search(Some(&a.event.event), &a.query, a.limit).await?;
    let text = if hits.is_empty() {
        ui.t(
            "Personne ne correspond à cette recherche.",
            "Nobody matches this search.",
        )
        .to_string()
    } else {
        hits_table(&hits, ui)
    };
    Reply::new(&hits, text)
}

fn hits_table(hits: &[SearchHit], ui: Ui) -> String {
    let headers = [
        ui.t("Nom", "Name"),
        ui.t("E-mail", "Email"),
        ui.t("Inscrit·e", "Registered"),
        ui.t("Arrivé·e à", "Arrived at"),
        ui.t("Correspondance", "Match"),
        ui.t("Badge", "Badge"),
        "ID",
    ];
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                name(&h.visitor),
                or_dash(h.visitor.text("email")),
                ui.t(
                    if h.registered { "oui" } else { "non" },
                    if h.registered { "yes" } else { "no" },
                )
                .into(),
                or_dash(h.arrived_at.as_deref()),
                quality(&h.quality, ui).into(),
                or_dash(h.visitor.text("badge_code")),
                h.visitor.id.to_string(),
            ]
        })
        .collect();
    table(&headers, &rows)
}

fn quality(q: &str, ui: Ui) -> &str {
    match q {
        "exact" => ui.t("exacte", "exact"),
        "prefix" => ui.t("début de mot", "prefix"),
        "typo" => ui.t("approchée (faute de frappe)", "close (typo)"),
        "code" => ui.t("code badge / billet", "badge / ticket code"),
        other => other,
    }
}

/// `checkin` when `arriving`, else `checkout`.
pub async fn scan(app: &Escale, a: &ScanArgs, ui: Ui, arriving: bool) -> Result<Reply, Failure> {
    let target = CheckInTarget::Either(a.who.clone());
    let session = a.session.as_deref();
    let direction = if arriving {
        Direction::In
    } else {
        Direction::Out
    };
    let outcome = app
        .scan(&a.event.event, target, session, Method::Cli, direction)
        .await?;
    let text = render_scan(&outcome, ui);
    Reply::new(&outcome, text)
}

fn render_scan(o: &CheckInOutcome, ui: Ui) -> String {
    let who = name(&o.visitor);
    let mut text = match o.status {
        CheckInStatus::Welcome => match ui.lang {
            Lang::Fr => format!(
                "Bienvenue, {who} ! Arrivée enregistrée à {}\n",
                o.arrived_at
            ),
            Lang::En => format!("Welcome, {who}! Checked in at {}\n", o.arrived_at),
        },
        CheckInStatus::AlreadyArrived => format!(
            "{who} : {} {} {}\n",
            ui.t("déjà arrivé·e à", "already arrived at"),
            o.arrived_at,
            ui.t("(non compté·e deux fois).", "(not counted twice).")
        ),
        CheckInStatus::CheckedOut => {
            format!("{} {who}\n", ui.t("Sortie enregistrée :", "Checked out:"))
        }
    };
    if o.walk_in_created {
        text += ui.t(
            "Pas d'inscription préalable : inscription sur place créée.\n",
            "Not registered beforehand: a walk-in registration was created.\n",
        );
    }
    if let Some(n) = o.session_count {
        let cap = o
            .session_capacity
            .map(|c| format!(" / {c}"))
            .unwrap_or_default();
        text += &format!(
            "{} {n}{cap}\n",
            ui.t("Présent·e·s dans la séance :", "People in the session:")
        );
    }
    text
}

pub async fn undo(app: &Escale, a: &UndoArgs, ui: Ui) -> Result<Reply, Failure> {
    let id = app
        .undo_last_check_in(&a.event.event, a.session.as_deref())
        .await?;
    let text = format!(
        "{} ({id})\n",
        ui.t("Dernier pointage annulé", "Latest check-in undone")
    );
    Reply::new(&json!({ "voided_checkin_id": id }), text)
}
