//! Export of an event's registrations and arrivals, as CSV that French Excel
//! opens correctly (UTF-8 with BOM, `;`, CRLF) or as XLSX.
//!
//! One row per person (merged records count once). Cells that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@` first) are prefixed with `'`.
//! The file is written next to its destination and renamed into place, so an
//! error never leaves half a file behind.

use crate::app::time::{format_local, parse_tz};
use crate::error::{Error, Result};
use crate::fields::{choice_label, Field, Kind, Label, REGISTRATION_KINDS};
use crate::i18n::Lang;
use crate::model::Entity;
use crate::op::Value;
use crate::Escale;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            other => Err(Error::Invalid {
                field: "format",
                value: other.chars().take(20).collect(),
            }),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub path: String,
    pub rows: usize,
    pub format: ExportFormat,
}

/// The exported table: headers and rows of text.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A column of an export that is not a visitor field: about the person's
/// registration and arrival at the event.
#[derive(Clone, Copy)]
enum Extra {
    Kind,
    Sources,
    Tickets,
    Arrived,
    ArrivalTime,
    Sessions,
}

/// The extra columns, with their rank among the registry's (`Field::export`)
/// and their headers.
const EXTRAS: &[(Extra, u16, Label)] = &[
    (
        Extra::Kind,
        80,
        Label {
            fr: "Inscription",
            en: "Registration",
        },
    ),
    (
        Extra::Sources,
        90,
        Label {
            fr: "Source",
            en: "Source",
        },
    ),
    (
        Extra::Tickets,
        100,
        Label {
            fr: "Code billet",
            en: "Ticket code",
        },
    ),
    (
        Extra::Arrived,
        120,
        Label {
            fr: "Arrivé·e",
            en: "Arrived",
        },
    ),
    (
        Extra::ArrivalTime,
        130,
        Label {
            fr: "Heure d'arrivée",
            en: "Arrival time",
        },
    ),
    (
        Extra::Sessions,
        140,
        Label {
            fr: "Séances",
            en: "Sessions",
        },
    ),
];

/// One export column: a visitor field or an extra.
#[derive(Clone, Copy)]
enum Column {
    Field(&'static Field),
    Extra(Extra),
}

/// The export's columns in order: every registry field with an export rank
/// and the extras, by rank.
fn columns() -> Vec<(Column, Label)> {
    let mut cols: Vec<(u16, Column, Label)> = Entity::Visitor
        .fields()
        .iter()
        .filter_map(|f| f.export.map(|rank| (rank, Column::Field(f), f.label)))
        .chain(
            EXTRAS
                .iter()
                .map(|(e, rank, label)| (*rank, Column::Extra(*e), *label)),
        )
        .collect();
    cols.sort_by_key(|(rank, _, _)| *rank);
    cols.into_iter().map(|(_, c, l)| (c, l)).collect()
}

/// A visitor field as a spreadsheet shows it.
fn cell(field: &Field, value: Option<&Value>, lang: Lang) -> String {
    let Some(value) = value else {
        return String::new();
    };
    match (field.kind, value) {
        (Kind::Phone, Value::String(p)) => display_phone(p),
        (Kind::Choice(choices), Value::String(v)) => choice_label(choices, v, lang),
        (_, Value::String(v)) => v.clone(),
        (_, Value::Null) => String::new(),
        (_, v) => v.to_string(),
    }
}

impl Escale {
    /// The export of an event: one row per person registered (merged
    /// records count once), in name order. Three indexed queries (people,
    /// arrivals, sessions) joined in memory, so the cost grows linearly
    /// with the crowd.
    pub async fn export_table(&self, event_id: &str, lang: Lang) -> Result<Table> {
        let ev = self.event(event_id).await?;
        let tz = parse_tz(Some(&ev.timezone))?;
        let pool = self.store().pool();
        let fields: Vec<String> = Entity::Visitor
            .fields()
            .iter()
            .map(|f| format!("v.{}", f.name))
            .collect();
        let people = sqlx::query(&format!(
            "SELECT v.id, {}, min(r.kind) AS reg_kind, group_concat(DISTINCT r.source) AS sources,
                    group_concat(DISTINCT r.ticket_code) AS tickets
             FROM registration r LEFT JOIN alias a ON a.id = r.visitor_id
             JOIN visitor v ON v.id = COALESCE(a.root, r.visitor_id)
             WHERE r.event_id = ?1 AND r.status = 'active'
             GROUP BY v.id ORDER BY v.last_name COLLATE NOCASE, v.first_name COLLATE NOCASE, v.id",
            fields.join(", ")
        ))
        .bind(ev.id)
        .fetch_all(pool)
        .await?;
        let arrivals: HashMap<Uuid, i64> = sqlx::query(
            "SELECT COALESCE(a.root, c.visitor_id) AS v, min(c.at_ms) AS at FROM checkin c
             LEFT JOIN alias a ON a.id = c.visitor_id
             WHERE c.event_id = ?1 AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0
             GROUP BY v",
        )
        .bind(ev.id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<Uuid, _>("v")?, r.try_get("at")?)))
        .collect::<Result<_>>()?;
        let mut sessions: HashMap<Uuid, Vec<String>> = HashMap::new();
        for r in sqlx::query(
            "SELECT DISTINCT COALESCE(a.root, c.visitor_id) AS v, s.title AS title FROM checkin c
             LEFT JOIN alias a ON a.id = c.visitor_id JOIN session s ON s.id = c.session_id
             WHERE c.event_id = ?1 AND c.direction = 'in' AND c.voided = 0
             ORDER BY v, s.starts_at, s.title",
        )
        .bind(ev.id)
        .fetch_all(pool)
        .await?
        {
            let title: Option<String> = r.try_get("title")?;
            sessions
                .entry(r.try_get::<Uuid, _>("v")?)
                .or_default()
                .push(title.unwrap_or_default());
        }
        let cols = columns();
        let mut out = Vec::with_capacity(people.len());
        for r in &people {
            let id: Uuid = r.try_get("id")?;
            let values = crate::store::records::values_from_row(Entity::Visitor, r)?;
            let text = |name: &str| -> Result<String> {
                Ok(r.try_get::<Option<String>, _>(name)?.unwrap_or_default())
            };
            let at = arrivals.get(&id).copied();
            let mut row = Vec::with_capacity(cols.len());
            for (col, _) in &cols {
                row.push(match col {
                    Column::Field(f) => cell(f, values.get(f.name), lang),
                    Column::Extra(Extra::Kind) => {
                        let kind = if text("reg_kind")? == "pre" {
                            "pre"
                        } else {
                            "walk_in"
                        };
                        choice_label(REGISTRATION_KINDS, kind, lang)
                    }
                    Column::Extra(Extra::Sources) => text("sources")?,
                    Column::Extra(Extra::Tickets) => text("tickets")?,
                    Column::Extra(Extra::Arrived) => lang
                        .pick(
                            if at.is_some() { "oui" } else { "non" },
                            if at.is_some() { "yes" } else { "no" },
                        )
                        .to_string(),
                    Column::Extra(Extra::ArrivalTime) => {
                        at.map(|ms| format_local(ms, tz)).unwrap_or_default()
                    }
                    Column::Extra(Extra::Sessions) => {
                        sessions.get(&id).map(|t| t.join(" | ")).unwrap_or_default()
                    }
                });
            }
            out.push(row);
        }
        Ok(Table {
            headers: cols.iter().map(|(_, l)| l.get(lang).to_string()).collect(),
            rows: out,
        })
    }

    pub async fn export(
        &self,
        event_id: &str,
        format: ExportFormat,
        dest: &Path,
        lang: Lang,
    ) -> Result<ExportReport> {
        let table = self.export_table(event_id, lang).await?;
        let tmp = dest.with_extension(format!("partial-{}", uuid::Uuid::now_v7().simple()));
        let written = match format {
            ExportFormat::Csv => write_csv(&table, &tmp),
            ExportFormat::Xlsx => write_xlsx(&table, &tmp),
        };
        if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, dest).map_err(Error::from)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(match e {
                Error::Internal(d) => Error::Export(d),
                other => other,
            });
        }
        Ok(ExportReport {
            path: dest.display().to_string(),
            rows: table.rows.len(),
            format,
        })
    }
}

/// French numbers as people write them ("06 12 34 56 78"): spreadsheets keep
/// that as text, where "+33612345678" would become a number or a formula.
pub fn display_phone(p: &str) -> String {
    match p.strip_prefix("+33") {
        Some(rest) if rest.len() == 9 && rest.chars().all(|c| c.is_ascii_digit()) => {
            let d = format!("0{rest}");
            d.as_bytes()
                .chunks(2)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => p.to_string(),
    }
}

/// Neutralises spreadsheet formulas in untrusted text.
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn write_csv(t: &Table, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path)?;
    let mut buf = std::io::BufWriter::new(file);
    buf.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf);
    w.write_record(&t.headers)
        .map_err(|e| Error::Export(e.to_string()))?;
    for r in &t.rows {
        w.write_record(r.iter().map(|c| defuse(c)))
            .map_err(|e| Error::Export(e.to_string()))?;
    }
    let buf = w.into_inner().map_err(|e| Error::Export(e.to_string()))?;
    buf.into_inner()
        .map_err(|e| Error::Export(e.to_string()))?
        .sync_all()?;
    Ok(())
}

fn write_xlsx(t: &Table, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| Error::Export(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(err)?;
    }
    for (i, r) in t.rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            // Text cells are never formulas in XLSX; write them as strings.
            ws.write_string(i as u32 + 1, c as u16, v).map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofit();
    wb.save(path).map_err(err)?;
    Ok(())
}
