//! `escale mediation add|list|delete|codes`: the mediation log.

use crate::args::{MediationAddArgs, MediationCommand, MediationListArgs};
use crate::output::{fields, or_dash, table, Failure, Reply, Ui};
use escale_core::app::{MediationFilter, MediationInput, MediationView};
use escale_core::fields::{choice_label, AUTONOMY, EQUIPMENT, PLACE_KINDS, REFERRALS, THEMES};
use escale_core::Escale;

pub async fn run(app: &Escale, c: MediationCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        MediationCommand::Add(a) => add(app, &a, ui).await,
        MediationCommand::List(a) => list(app, &a, ui).await,
        MediationCommand::Delete(id) => {
            app.delete_mediation(&id.id).await?;
            Reply::new(
                &serde_json::json!({ "deleted": id.id }),
                ui.t("Aide supprimée du journal.", "Entry deleted from the log.")
                    .to_string(),
            )
        }
        MediationCommand::Codes => codes(ui),
    }
}

async fn add(app: &Escale, a: &MediationAddArgs, ui: Ui) -> Result<Reply, Failure> {
    let input = MediationInput {
        visitor_id: a.visitor.clone(),
        event_id: a.event.clone(),
        session_id: a.session.clone(),
        at: a.at.clone(),
        minutes: a.minutes,
        themes: a.themes.clone(),
        tags: a.tags.clone(),
        autonomy: a.autonomy.clone(),
        referral: a.referral.clone(),
        equipment: a.equipment.clone(),
        place_kind: a.place.clone(),
        commune_code: a.commune_code.clone(),
        note: a.note.clone(),
    };
    let m = app.add_mediation(&input).await?;
    let text = fields(
        ui,
        &[
            (
                ui.t("Aide enregistrée", "Help recorded"),
                m.at_local.clone(),
            ),
            (ui.t("Personne", "Person"), person(&m, ui)),
            (ui.t("Thèmes", "Themes"), labels(THEMES, &m.themes, ui)),
            (
                ui.t("Durée", "Duration"),
                format!("{} min", m.minutes.unwrap_or(0)),
            ),
            ("ID", m.id.to_string()),
        ],
    );
    Reply::new(&m, text)
}

fn person(m: &MediationView, ui: Ui) -> String {
    match (&m.visitor_name, m.visitor_id) {
        (Some(name), _) => name.clone(),
        (None, Some(id)) => id.to_string(),
        (None, None) => ui.t("anonyme", "anonymous").to_string(),
    }
}

fn labels(list: &[escale_core::fields::Choice], codes: &[String], ui: Ui) -> String {
    codes
        .iter()
        .map(|c| choice_label(list, c, ui.lang))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn list(app: &Escale, a: &MediationListArgs, ui: Ui) -> Result<Reply, Failure> {
    let entries = app
        .mediations(&MediationFilter {
            visitor_id: a.visitor.clone(),
            event_id: a.event.clone(),
            from: a.from.clone(),
            to: a.to.clone(),
            limit: a.limit,
        })
        .await?;
    let text = if entries.is_empty() {
        ui.t("Aucune aide enregistrée.", "No help recorded.")
            .to_string()
    } else {
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(|m| {
                vec![
                    m.at_local.clone(),
                    person(m, ui),
                    labels(THEMES, &m.themes, ui),
                    format!("{} min", m.minutes.unwrap_or(0)),
                    or_dash(
                        m.autonomy
                            .as_deref()
                            .map(|a| choice_label(AUTONOMY, a, ui.lang))
                            .as_deref(),
                    ),
                    or_dash(
                        m.referral
                            .as_deref()
                            .map(|r| choice_label(REFERRALS, r, ui.lang))
                            .as_deref(),
                    ),
                    or_dash(m.mediator.as_deref()),
                ]
            })
            .collect();
        table(
            &[
                ui.t("Date", "Date"),
                ui.t("Personne", "Person"),
                ui.t("Thèmes", "Themes"),
                ui.t("Durée", "Duration"),
                ui.t("Autonomie", "Autonomy"),
                ui.t("Orientation", "Referral"),
                ui.t("Médiateur·rice", "Mediator"),
            ],
            &rows,
        )
    };
    Reply::new(&entries, text)
}

fn codes(ui: Ui) -> Result<Reply, Failure> {
    let lists = [
        (
            "themes",
            ui.t("Thèmes (--themes)", "Themes (--themes)"),
            THEMES,
        ),
        (
            "autonomy",
            ui.t("Autonomie (--autonomy)", "Autonomy (--autonomy)"),
            AUTONOMY,
        ),
        (
            "referral",
            ui.t("Orientation (--referral)", "Referral (--referral)"),
            REFERRALS,
        ),
        (
            "equipment",
            ui.t("Matériel (--equipment)", "Equipment (--equipment)"),
            EQUIPMENT,
        ),
        (
            "place",
            ui.t("Lieu (--place)", "Place (--place)"),
            PLACE_KINDS,
        ),
    ];
    let mut text = String::new();
    let mut data = serde_json::Map::new();
    for (key, title, list) in lists {
        text.push_str(title);
        text.push('\n');
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|c| vec![c.value.to_string(), c.label.get(ui.lang).to_string()])
            .collect();
        text.push_str(&table(
            &[ui.t("Code", "Code"), ui.t("Libellé", "Label")],
            &rows,
        ));
        text.push_str("\n\n");
        data.insert(
            key.into(),
            serde_json::to_value(list).map_err(|e| Failure::Core(e.into()))?,
        );
    }
    Reply::new(&data, text.trim_end().to_string())
}
