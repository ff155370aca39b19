//! `escale visitor add|show|edit|duplicates|not-duplicate`, `escale merge`
//! and `escale erase`.
//!
//! Walk-ins go through the core's `register_walk_in` (with the processing
//! consent the person gave at the desk); possible duplicates are only
//! reported, never merged here: merging is staff's explicit decision.

use crate::args::{
    EraseArgs, MergeArgs, NotDuplicateArgs, VisitorAddArgs, VisitorCommand, VisitorDuplicatesArgs,
    VisitorEditArgs,
};
use crate::output::{fields, full_name, or_dash, table, Failure, Reply, Ui};
use escale_core::app::{
    ConsentInput, DuplicatePair, RegistrationView, Similar, VisitorView, WalkIn,
};
use escale_core::fields::{choice_label, Ask, Kind};
use escale_core::model::{Entity, CONSENT_PROCESSING};
use escale_core::op::Value;
use escale_core::validate::Warning;
use escale_core::{Escale, Lang};
use escale_protocol::catalogue::{m, Problem};
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};

pub async fn run(app: &Escale, c: VisitorCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        VisitorCommand::Add(a) => add(app, &a, ui).await,
        VisitorCommand::Show(a) => show(app, &a.id, ui).await,
        VisitorCommand::Edit(a) => edit(app, &a, ui).await,
        VisitorCommand::Duplicates(a) => duplicate_pairs(app, &a, ui).await,
        VisitorCommand::NotDuplicate(a) => not_duplicate(app, &a, ui).await,
        VisitorCommand::ExportData(a) => export_data(app, &a, ui).await,
        VisitorCommand::Consent(a) => set_consent(app, &a, ui).await,
        VisitorCommand::Anonymise(a) => anonymise(app, &a, ui).await,
    }
}

async fn export_data(
    app: &Escale,
    a: &crate::args::ExportDataArgs,
    ui: Ui,
) -> Result<Reply, Failure> {
    let report = app.access_report(&a.id).await?;
    let dest = a.output.clone().unwrap_or_else(|| {
        let short: String = report
            .visitor_id
            .simple()
            .to_string()
            .chars()
            .take(8)
            .collect();
        std::path::PathBuf::from(format!("donnees-{short}.pdf"))
    });
    escale_print::access::save_as(&report, &dest, ui.lang).map_err(escale_core::Error::Export)?;
    let rows: usize = report.sections.iter().map(|s| s.rows.len()).sum();
    let text = fields(
        ui,
        &[
            (
                ui.t("Données remises", "Data handed over"),
                report.name.clone(),
            ),
            (ui.t("Fichier", "File"), dest.display().to_string()),
            (ui.t("Lignes", "Rows"), rows.to_string()),
        ],
    );
    Reply::new(
        &serde_json::json!({ "path": dest.display().to_string(), "report": report }),
        text,
    )
}

async fn set_consent(app: &Escale, a: &crate::args::ConsentArgs, ui: Ui) -> Result<Reply, Failure> {
    let input = escale_core::app::ConsentInput {
        purpose: a.purpose.clone(),
        granted: a.grant,
    };
    app.set_consent(&a.id, &input).await?;
    let text = if a.grant {
        ui.t("Consentement donné :", "Consent given:")
    } else {
        ui.t("Consentement retiré :", "Consent withdrawn:")
    };
    Reply::new(&input, format!("{text} {}", a.purpose))
}

async fn duplicate_pairs(
    app: &Escale,
    a: &VisitorDuplicatesArgs,
    ui: Ui,
) -> Result<Reply, Failure> {
    let pairs = app
        .duplicate_candidates(a.event.as_deref(), a.limit)
        .await?;
    let mut text = match pairs.len() {
        0 => ui
            .t("Aucun doublon possible.", "No possible duplicates.")
            .to_string(),
        1 => ui
            .t(
                "1 doublon possible à vérifier :",
                "1 possible duplicate to check:",
            )
            .to_string(),
        n => format!(
            "{n} {}",
            ui.t(
                "doublons possibles à vérifier :",
                "possible duplicates to check:"
            )
        ),
    };
    text.push('\n');
    for p in &pairs {
        text += &duplicate_pair(p, ui);
    }
    Reply::new(&pairs, text)
}

fn duplicate_pair(p: &DuplicatePair, ui: Ui) -> String {
    let who = |v: &VisitorView| {
        let details: Vec<String> = [
            v.text("email").map(str::to_string),
            v.text("phone").map(str::to_string),
            v.int("birth_year").map(|y| y.to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if details.is_empty() {
            name(v)
        } else {
            format!("{} ({})", name(v), details.join(", "))
        }
    };
    format!(
        "\n{} ↔ {}\n  {} — {} %\n  ID {} / {}\n  {} escale merge {} {}\n  {} escale visitor not-duplicate {} {}\n",
        who(&p.a),
        who(&p.b),
        reason(&p.reason, ui),
        p.score,
        p.a.id,
        p.b.id,
        ui.t("Pour fusionner :", "To merge:"),
        p.b.id,
        p.a.id,
        ui.t("Pas la même personne :", "Not the same person:"),
        p.a.id,
        p.b.id,
    )
}

fn reason(code: &str, ui: Ui) -> &'static str {
    match code {
        "email" => ui.t("même e-mail", "same email"),
        "name_email" => ui.t("même nom et même e-mail", "same name and email"),
        "name_birth_year" => ui.t(
            "même nom et même année de naissance",
            "same name and birth year",
        ),
        "name_phone" => ui.t("même nom et même téléphone", "same name and phone"),
        "email_close_name" => ui.t("même e-mail et nom proche", "same email and a close name"),
        _ => ui.t("même nom", "same name"),
    }
}

async fn not_duplicate(app: &Escale, a: &NotDuplicateArgs, ui: Ui) -> Result<Reply, Failure> {
    let r = app.not_duplicate(&a.first, &a.second).await?;
    let text = format!(
        "{} {} ({}) / {} ({})\n{}\n",
        ui.t(
            "Personnes différentes, noté :",
            "Recorded as different people:"
        ),
        name(&r.a),
        r.a.id,
        name(&r.b),
        r.b.id,
        ui.t(
            "Cette paire ne sera plus proposée comme doublon, sur aucun poste.",
            "This pair will not be proposed as a duplicate again, on any device."
        ),
    );
    Reply::new(&r, text)
}

async fn add(app: &Escale, a: &VisitorAddArgs, ui: Ui) -> Result<Reply, Failure> {
    let input = a.person.0.clone();
    let walk_in = WalkIn {
        event_id: a.event.event.clone(),
        visitor: input.clone(),
        consents: vec![ConsentInput {
            purpose: CONSENT_PROCESSING.into(),
            granted: !a.no_consent,
        }],
        check_in: a.checkin,
    };
    let r = app.register_walk_in(&walk_in).await?;
    let similar: Vec<Similar> = app
        .similar(&input)
        .await?
        .into_iter()
        .filter(|s| s.visitor.id != r.visitor.id)
        .collect();
    let mut text = format!(
        "{} {}\n",
        ui.t("Inscription enregistrée :", "Registered:"),
        name(&r.visitor)
    );
    text += &identity_fields(&r.visitor, ui);
    text += &warnings(&r.warnings, ui);
    if let Some(c) = &r.check_in {
        text += &format!(
            "{} {}\n",
            ui.t("Arrivée enregistrée à", "Checked in at"),
            c.arrived_at
        );
    }
    text += &duplicates(&r.visitor, &similar, ui);
    let mut data = serde_json::to_value(&r).map_err(|e| Failure::Core(e.into()))?;
    data["similar"] = serde_json::to_value(&similar).map_err(|e| Failure::Core(e.into()))?;
    Ok(Reply { data, text })
}

async fn show(app: &Escale, id: &str, ui: Ui) -> Result<Reply, Failure> {
    let d = app.visitor_detail(id).await?;
    let mut text = format!("{}\n", name(&d.visitor));
    text += &person_fields(&d.visitor, ui);
    if !d.merged_ids.is_empty() {
        let ids: Vec<String> = d.merged_ids.iter().map(|i| i.to_string()).collect();
        text += &format!(
            "{} {}\n",
            ui.t("Fiches fusionnées :", "Merged records:"),
            ids.join(", ")
        );
    }
    text += &format!("\n{}\n", ui.t("Inscriptions :", "Registrations:"));
    text += &registrations(&d.registrations, ui);
    let consents: Vec<String> = d.consents.iter().map(|c| consent(c, ui)).collect();
    text += &format!(
        "\n{} {}\n",
        ui.t("Consentements :", "Consents:"),
        or_dash(Some(&consents.join(", ")))
    );
    Reply::new(&d, text)
}

/// Only the given flags change.
async fn edit(app: &Escale, a: &VisitorEditArgs, ui: Ui) -> Result<Reply, Failure> {
    let (v, w) = app.update_visitor(&a.id, &a.person.0).await?;
    let mut text = format!(
        "{} {}\n",
        ui.t("Fiche modifiée :", "Record updated:"),
        name(&v)
    );
    text += &person_fields(&v, ui);
    text += &warnings(&w, ui);
    Reply::new(&json!({ "visitor": v, "warnings": w }), text)
}

pub async fn merge(app: &Escale, a: &MergeArgs, ui: Ui) -> Result<Reply, Failure> {
    let r = app.merge(&a.loser, &a.winner).await?;
    let mut text = format!(
        "{} {} → {} ({})\n",
        ui.t("Fiches fusionnées :", "Records merged:"),
        r.loser_id,
        r.winner.id,
        name(&r.winner)
    );
    if !r.fields_copied.is_empty() {
        text += &format!(
            "{} {}\n",
            ui.t(
                "Champs repris du doublon :",
                "Fields taken from the duplicate:"
            ),
            r.fields_copied.join(", ")
        );
    }
    Reply::new(&r, text)
}

pub async fn erase(app: &Escale, a: &EraseArgs, ui: Ui) -> Result<Reply, Failure> {
    // Refused as an erasure, not as the record shown before confirming.
    app.require(escale_core::roles::Action::Erase).await?;
    let v = app.visitor(&a.visitor).await?;
    if !a.yes {
        confirm_erase(&v, ui)?;
    }
    let ids = app.erase(&a.visitor).await?;
    let records = match (ids.len(), ui.lang) {
        (1, Lang::Fr) => "1 fiche".to_string(),
        (1, Lang::En) => "1 record".to_string(),
        (n, _) => format!("{n} {}", ui.t("fiches", "records")),
    };
    let text = format!(
        "{} {} ({records})\n",
        ui.t("Données effacées définitivement :", "Data erased for good:"),
        name(&v)
    );
    Reply::new(&json!({ "erased_ids": ids }), text)
}

pub async fn anonymise(app: &Escale, a: &EraseArgs, ui: Ui) -> Result<Reply, Failure> {
    app.require(escale_core::roles::Action::Erase).await?;
    let v = app.visitor(&a.visitor).await?;
    if !a.yes {
        let who = format!("{} ({})", name(&v), v.id);
        confirm(
            ui,
            &format!(
                "Anonymiser {who} ? Nom, coordonnées, codes et notes disparaissent ; les chiffres restent. C'est irréversible. Tapez « oui » pour confirmer : "
            ),
            &format!(
                "Anonymise {who}? Name, contact details, codes and notes go; the figures stay. This cannot be undone. Type \"yes\" to confirm: "
            ),
        )?;
    }
    let id = app.anonymise(&a.visitor).await?;
    let text = format!(
        "{} {}\n",
        ui.t("Personne anonymisée :", "Person anonymised:"),
        id
    );
    Reply::new(&json!({ "anonymised_id": id }), text)
}

/// Asks on the terminal; without one, `--yes` is required.
fn confirm_erase(v: &VisitorView, ui: Ui) -> Result<(), Failure> {
    let who = format!("{} ({})", name(v), v.id);
    confirm(
        ui,
        &format!(
            "Effacer définitivement {who} ? C'est irréversible. Tapez « oui » pour confirmer : "
        ),
        &format!("Erase {who} for good? This cannot be undone. Type \"yes\" to confirm: "),
    )
}

/// Asks a yes/no question on the terminal; without one, `--yes` is required.
fn confirm(ui: Ui, fr: &str, en: &str) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Problem(Problem::new(
            &m::USAGE_CONFIRMATION_REQUIRED,
        )));
    }
    eprint!("{}", ui.t(fr, en));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    match answer.trim().to_lowercase().as_str() {
        "oui" | "o" | "yes" | "y" => Ok(()),
        _ => Err(Failure::Problem(Problem::new(&m::CANCELLED))),
    }
}

pub fn name(v: &VisitorView) -> String {
    full_name(v.first_name(), v.last_name())
}

fn identity_fields(v: &VisitorView, ui: Ui) -> String {
    fields(
        ui,
        &[
            (
                ui.t("Code badge", "Badge code"),
                or_dash(v.text("badge_code")),
            ),
            ("ID", v.id.to_string()),
        ],
    )
}

/// Every field of the record, by the registry's labels.
fn person_fields(v: &VisitorView, ui: Ui) -> String {
    let mut pairs: Vec<(&str, String)> = Entity::Visitor
        .fields()
        .iter()
        .filter(|f| f.ask != Ask::Never || f.export.is_some())
        .map(|f| {
            let value = match (f.kind, v.values.get(f.name)) {
                (_, None) => or_dash(None),
                (Kind::Choice(choices), Some(Value::String(s))) => {
                    choice_label(choices, s, ui.lang)
                }
                (_, Some(Value::String(s))) => or_dash(Some(s)),
                (_, Some(other)) => other.to_string(),
            };
            (f.label.get(ui.lang), value)
        })
        .collect();
    pairs.push(("ID", v.id.to_string()));
    fields(ui, &pairs)
}

fn registrations(regs: &[RegistrationView], ui: Ui) -> String {
    if regs.is_empty() {
        return format!("  {}\n", ui.t("aucune", "none"));
    }
    let headers = [
        ui.t("Événement", "Event"),
        ui.t("Date", "Date"),
        ui.t("Type", "Kind"),
        ui.t("Statut", "Status"),
        ui.t("Arrivée", "Arrived"),
    ];
    let rows: Vec<Vec<String>> = regs
        .iter()
        .map(|r| {
            let kind = if r.kind == "pre" {
                ui.t("pré-inscription", "pre-registered")
            } else {
                ui.t("sur place", "walk-in")
            };
            let status = if r.status == "active" {
                ui.t("active", "active")
            } else {
                ui.t("annulée", "cancelled")
            };
            vec![
                r.event_title.clone(),
                r.event_starts_local.clone(),
                kind.into(),
                status.into(),
                or_dash(r.arrived_at.as_deref()),
            ]
        })
        .collect();
    table(&headers, &rows)
}

fn consent(c: &ConsentInput, ui: Ui) -> String {
    let purpose = if c.purpose == CONSENT_PROCESSING {
        ui.t("traitement des données", "data processing")
    } else {
        &c.purpose
    };
    let answer = if c.granted {
        ui.t("accordé", "granted")
    } else {
        ui.t("refusé", "refused")
    };
    format!("{purpose} ({answer})")
}

fn warnings(ws: &[Warning], ui: Ui) -> String {
    ws.iter()
        .map(|w| {
            format!(
                "{} {}\n",
                ui.t("Attention :", "Warning:"),
                w.message(ui.lang)
            )
        })
        .collect()
}

fn duplicates(new: &VisitorView, similar: &[Similar], ui: Ui) -> String {
    let mut out = String::new();
    for s in similar {
        let reason = reason(&s.reason, ui);
        out += &format!(
            "{} {} ({reason}, {}) — ID {}\n",
            ui.t("Doublon possible :", "Possible duplicate of"),
            name(&s.visitor),
            or_dash(s.visitor.text("email")),
            s.visitor.id
        );
    }
    if let Some(first) = similar.first() {
        out += &format!(
            "  {} escale merge {} {}\n",
            ui.t("Pour fusionner :", "To merge:"),
            new.id,
            first.visitor.id
        );
    }
    out
}
