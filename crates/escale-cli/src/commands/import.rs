//! `escale import`: runs the core's import (or its dry run) and shows what
//! was detected, the counts and the per-row issues. Progress goes to stderr,
//! and only when stderr is a terminal, so pipes and JSON stay clean.

use crate::args::ImportArgs;
use crate::output::{fields, pad, Failure, Reply, Ui};
use escale_core::fields::input_label;
use escale_core::import::{issue_label, ImportOptions, ImportProgress, ImportReport, RowIssue};
use escale_core::Escale;
use escale_import::{Delimiter, Detected, Encoding, SourceFormat};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

/// Text mode lists this many row issues (JSON lists all the core reports).
const TEXT_ISSUES: usize = 50;

pub async fn run(app: &Escale, a: &ImportArgs, ui: Ui) -> Result<Reply, Failure> {
    let opts = ImportOptions {
        dry_run: a.dry_run,
        mapping: None,
    };
    let show = std::io::stderr().is_terminal();
    let shown = AtomicBool::new(false);
    let progress = |p: ImportProgress| {
        // Small files finish before the first report at 1,000 rows.
        if show && p.rows >= 1_000 {
            shown.store(true, Ordering::Relaxed);
            let pct = (p.bytes_read * 100)
                .checked_div(p.total_bytes)
                .unwrap_or(100);
            eprint!(
                "\r{} {} ({pct} %)   ",
                ui.t("Lignes lues :", "Rows read:"),
                p.rows
            );
        }
    };
    let outcome = app
        .import_file(&a.event.event, &a.file, &opts, &progress)
        .await;
    if shown.load(Ordering::Relaxed) {
        eprintln!();
    }
    let report = outcome?;
    let text = render(&report, &a.file.display().to_string(), ui);
    Reply::new(&report, text)
}

fn render(r: &ImportReport, file: &str, ui: Ui) -> String {
    let mut out = if r.dry_run {
        format!(
            "{file} — {}\n\n",
            ui.t(
                "simulation : rien n'a été enregistré",
                "dry run: nothing was saved"
            )
        )
    } else {
        format!("{file} — {}\n\n", ui.t("import enregistré", "import saved"))
    };
    out += &detected(&r.detected, ui);
    out += "\n";
    out += &counts(r, ui);
    if !r.issues.is_empty() {
        out += &format!("\n{}\n", ui.t("Détail par ligne :", "Row by row:"));
        out += &issues(&r.issues, r.issues_not_listed, ui);
    }
    out
}

fn detected(d: &Detected, ui: Ui) -> String {
    let format = match d.format {
        SourceFormat::Generic => ui.t("tableur générique", "generic spreadsheet"),
        other => other.label(),
    };
    let mut pairs = vec![(ui.t("Format", "Format"), format.to_string())];
    if let Some(e) = d.encoding {
        pairs.push((ui.t("Encodage", "Encoding"), encoding(e).into()));
    }
    if let Some(s) = d.delimiter {
        pairs.push((ui.t("Séparateur", "Delimiter"), delimiter(s, ui).into()));
    }
    pairs.push((
        ui.t("Ligne d'en-tête", "Header row"),
        (d.header_row + 1).to_string(),
    ));
    pairs.push((ui.t("Colonnes reconnues", "Columns used"), mapping(d, ui)));
    fields(ui, &pairs)
}

/// "Nom → nom, Prénom → prénom…" in the file's column order.
fn mapping(d: &Detected, ui: Ui) -> String {
    // The visitor fields by the registry's labels, the import's own targets by theirs.
    let mut used: Vec<(usize, String)> = d
        .mapping
        .fields
        .iter()
        .map(|(field, col)| (*col, input_label(field, ui.lang)))
        .collect();
    let map = serde_json::to_value(&d.mapping).unwrap_or_default();
    used.extend(
        map.as_object()
            .into_iter()
            .flatten()
            .filter_map(|(target, col)| {
                col.as_u64()
                    .map(|c| (c as usize, target_label(target, ui).to_string()))
            }),
    );
    used.sort();
    let parts: Vec<String> = used
        .iter()
        .map(|(c, label)| {
            format!(
                "{} → {label}",
                d.headers.get(*c).map(String::as_str).unwrap_or("?"),
            )
        })
        .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

fn counts(r: &ImportReport, ui: Ui) -> String {
    let skipped: Vec<String> = r
        .skipped_by_reason
        .iter()
        .map(|(code, n)| format!("{}{} {n}", issue_label(code, ui.lang), ui.t(" :", ":")))
        .collect();
    let skipped = if skipped.is_empty() {
        r.skipped.to_string()
    } else {
        format!("{} ({})", r.skipped, skipped.join(", "))
    };
    fields(
        ui,
        &[
            (ui.t("Lignes lues", "Rows read"), r.rows.to_string()),
            (
                ui.t("Nouvelles personnes", "New people"),
                r.new_visitors.to_string(),
            ),
            (
                ui.t("Personnes déjà connues", "Already known people"),
                r.known_visitors.to_string(),
            ),
            (
                ui.t("Déjà importées", "Already imported"),
                r.already_imported.to_string(),
            ),
            (
                ui.t("Fusions proposées", "Merges proposed"),
                r.merges_proposed.to_string(),
            ),
            (ui.t("Lignes ignorées", "Rows skipped"), skipped),
            (ui.t("Avertissements", "Warnings"), r.warnings.to_string()),
        ],
    )
}

fn issues(list: &[RowIssue], not_listed: usize, ui: Ui) -> String {
    let mut out = String::new();
    for i in list.iter().take(TEXT_ISSUES) {
        let kind = match i.kind {
            "skipped" => ui.t("ignorée", "skipped"),
            "warning" => ui.t("avertissement", "warning"),
            _ => ui.t("à vérifier", "to check"),
        };
        let detail = if i.detail.is_empty() {
            String::new()
        } else {
            format!(" — {}", i.detail)
        };
        let line = format!("{} {}", ui.t("ligne", "line"), i.line);
        out += &format!(
            "  {}  {}  {}{detail}\n",
            pad(&line, 11),
            pad(kind, 13),
            issue_label(&i.code, ui.lang)
        );
    }
    let more = list.len().saturating_sub(TEXT_ISSUES) + not_listed;
    if more > 0 {
        out += &format!(
            "  … {more} {}\n",
            ui.t("autres (voir --json)", "more (see --json)")
        );
    }
    out
}

fn encoding(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 (BOM)",
        Encoding::Windows1252 => "Windows-1252",
        Encoding::Utf16Le => "UTF-16 LE",
        Encoding::Utf16Be => "UTF-16 BE",
    }
}

fn delimiter(d: Delimiter, ui: Ui) -> &'static str {
    match d {
        Delimiter::Semicolon => ui.t("point-virgule « ; »", "semicolon \";\""),
        Delimiter::Comma => ui.t("virgule « , »", "comma \",\""),
        Delimiter::Tab => ui.t("tabulation", "tab"),
        Delimiter::Pipe => ui.t("barre verticale « | »", "pipe \"|\""),
    }
}

/// The label of what an import column feeds besides a visitor field.
fn target_label(target: &str, ui: Ui) -> &str {
    match target {
        "full_name" => ui.t("nom complet", "full name"),
        "birth_date" => ui.t("date de naissance", "birth date"),
        "source_key" | "source_key_extra" => ui.t("référence", "reference"),
        "ticket_code" => ui.t("code billet", "ticket code"),
        "status" => ui.t("statut", "status"),
        "payer_first_name" => ui.t("prénom du payeur", "payer first name"),
        "payer_last_name" => ui.t("nom du payeur", "payer last name"),
        "payer_email" => ui.t("e-mail du payeur", "payer email"),
        "payer_full_name" => ui.t("nom du payeur", "payer name"),
        "registered_at" => ui.t("date d'inscription", "registration date"),
        other => other,
    }
}
