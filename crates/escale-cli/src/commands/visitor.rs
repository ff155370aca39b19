//! `escale visitor add|show|edit|duplicates|not-duplicate`, `escale merge`
//! and `escale erase`.
//!
//! Walk-ins go through the core's `register_walk_in` (with the processing
//! consent the person gave at the desk); possible duplicates are only
//! reported, never merged here: merging is staff's explicit decision.

use crate::args::{
    EraseArgs, MergeArgs, NotDuplicateArgs, PersonFields, VisitorAddArgs, VisitorCommand,
    VisitorDuplicatesArgs, VisitorEditArgs,
};
use crate::output::{fields, full_name, or_dash, table, Failure, Reply, Ui};
use escale_core::app::{
    ConsentInput, DuplicatePair, RegistrationView, Similar, VisitorInput, VisitorView, WalkIn,
};
use escale_core::model::CONSENT_PROCESSING;
use escale_core::validate::Warning;
use escale_core::{Escale, Lang};
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};

pub async fn run(app: &Escale, c: VisitorCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        VisitorCommand::Add(a) => add(app, &a, ui).await,
        VisitorCommand::Show(a) => show(app, &a.id, ui).await,
        VisitorCommand::Edit(a) => edit(app, &a, ui).await,
        VisitorCommand::Duplicates(a) => duplicate_pairs(app, &a, ui).await,
        VisitorCommand::NotDuplicate(a) => not_duplicate(app, &a, ui).await,
    }
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
            v.email.clone(),
            v.phone.clone(),
            v.birth_year.map(|y| y.to_string()),
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
    let input = overlay(VisitorInput::default(), &a.person);
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

/// Reads the current record so that only the given flags change.
async fn edit(app: &Escale, a: &VisitorEditArgs, ui: Ui) -> Result<Reply, Failure> {
    let current = app.visitor(&a.id).await?;
    let input = overlay(input_of(&current), &a.person);
    let (v, w) = app.update_visitor(&a.id, &input).await?;
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

/// Asks on the terminal; without one, `--yes` is required.
fn confirm_erase(v: &VisitorView, ui: Ui) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Cli {
            code: "usage.confirmation_required",
            message: ui
                .t(
                    "L'effacement est définitif : sans terminal pour confirmer, ajoutez --yes.",
                    "Erasure cannot be undone: with no terminal to confirm on, add --yes.",
                )
                .into(),
        });
    }
    let who = format!("{} ({})", name(v), v.id);
    match ui.lang {
        Lang::Fr => eprint!(
            "Effacer définitivement {who} ? C'est irréversible. Tapez « oui » pour confirmer : "
        ),
        Lang::En => {
            eprint!("Erase {who} for good? This cannot be undone. Type \"yes\" to confirm: ")
        }
    }
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    match answer.trim().to_lowercase().as_str() {
        "oui" | "o" | "yes" | "y" => Ok(()),
        _ => Err(Failure::Cli {
            code: "cancelled",
            message: ui.t("Effacement annulé.", "Erasure cancelled.").into(),
        }),
    }
}

/// Applies the given flags over `base`.
fn overlay(mut base: VisitorInput, p: &PersonFields) -> VisitorInput {
    let set = |slot: &mut String, v: &Option<String>| {
        if let Some(v) = v {
            slot.clone_from(v);
        }
    };
    set(&mut base.first_name, &p.first);
    set(&mut base.last_name, &p.last);
    set(&mut base.email, &p.email);
    set(&mut base.phone, &p.phone);
    set(&mut base.postcode, &p.postcode);
    set(&mut base.employment_id, &p.employment_id);
    set(&mut base.notes, &p.notes);
    if let Some(s) = p.situation {
        base.situation = s.as_str().into();
    }
    if p.birth_year.is_some() {
        base.birth_year = p.birth_year;
    }
    base
}

fn input_of(v: &VisitorView) -> VisitorInput {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    VisitorInput {
        first_name: v.first_name.clone(),
        last_name: v.last_name.clone(),
        email: s(&v.email),
        phone: s(&v.phone),
        postcode: s(&v.postcode),
        birth_year: v.birth_year,
        situation: s(&v.situation),
        employment_id: s(&v.employment_id),
        notes: s(&v.notes),
    }
}

pub fn name(v: &VisitorView) -> String {
    full_name(&v.first_name, &v.last_name)
}

fn identity_fields(v: &VisitorView, ui: Ui) -> String {
    fields(
        ui,
        &[
            (
                ui.t("Code badge", "Badge code"),
                or_dash(v.badge_code.as_deref()),
            ),
            ("ID", v.id.to_string()),
        ],
    )
}

fn person_fields(v: &VisitorView, ui: Ui) -> String {
    let situation = v
        .situation
        .as_deref()
        .and_then(|s| s.parse::<escale_core::model::Situation>().ok());
    fields(
        ui,
        &[
            (ui.t("Prénom", "First name"), or_dash(Some(&v.first_name))),
            (ui.t("Nom", "Last name"), or_dash(Some(&v.last_name))),
            (ui.t("E-mail", "Email"), or_dash(v.email.as_deref())),
            (ui.t("Téléphone", "Phone"), or_dash(v.phone.as_deref())),
            (
                ui.t("Code postal", "Postcode"),
                or_dash(v.postcode.as_deref()),
            ),
            (
                ui.t("Année de naissance", "Birth year"),
                v.birth_year
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "—".into()),
            ),
            (
                ui.t("Situation", "Situation"),
                or_dash(situation.map(|s| s.label(ui.lang))),
            ),
            (
                ui.t("Identifiant France Travail", "Employment-service id"),
                or_dash(v.employment_id.as_deref()),
            ),
            (ui.t("Notes", "Notes"), or_dash(v.notes.as_deref())),
            (
                ui.t("Code badge", "Badge code"),
                or_dash(v.badge_code.as_deref()),
            ),
            ("ID", v.id.to_string()),
        ],
    )
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
            or_dash(s.visitor.email.as_deref()),
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
