//! Export of an event's registrations and arrivals, as CSV that French Excel
//! opens correctly (UTF-8 with BOM, `;`, CRLF) or as XLSX.
//!
//! One row per person (merged records count once). Cells that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@` first) are prefixed with `'`.
//! The file is written next to its destination and renamed into place, so an
//! error never leaves half a file behind.

use crate::app::time::{format_local, parse_tz};
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::Situation;
use crate::Escale;
use serde::Serialize;
use sqlx::Row;
use std::io::Write;
use std::path::Path;

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

impl Escale {
    pub async fn export_table(&self, event_id: &str, lang: Lang) -> Result<Table> {
        let ev = self.event(event_id).await?;
        let tz = parse_tz(Some(&ev.timezone))?;
        let rows = sqlx::query(
            "WITH arr AS (
               SELECT COALESCE(a.root, c.visitor_id) AS v, min(c.at_ms) AS at FROM checkin c
               LEFT JOIN alias a ON a.id = c.visitor_id
               WHERE c.event_id = ?1 AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0 GROUP BY v),
             sess AS (
               SELECT COALESCE(a.root, c.visitor_id) AS v, group_concat(DISTINCT s.title) AS titles FROM checkin c
               LEFT JOIN alias a ON a.id = c.visitor_id JOIN session s ON s.id = c.session_id
               WHERE c.event_id = ?1 AND c.direction = 'in' AND c.voided = 0 GROUP BY v)
             SELECT v.last_name, v.first_name, v.email, v.phone, v.postcode, v.birth_year, v.situation,
                    min(r.kind), group_concat(DISTINCT r.source), group_concat(DISTINCT r.ticket_code),
                    arr.at, sess.titles, v.badge_code
             FROM registration r LEFT JOIN alias a ON a.id = r.visitor_id
             JOIN visitor v ON v.id = COALESCE(a.root, r.visitor_id)
             LEFT JOIN arr ON arr.v = v.id LEFT JOIN sess ON sess.v = v.id
             WHERE r.event_id = ?1 AND r.status = 'active'
             GROUP BY v.id ORDER BY v.last_name COLLATE NOCASE, v.first_name COLLATE NOCASE, v.id",
        )
        .bind(ev.id.to_string())
        .fetch_all(self.store().pool())
        .await?;
        let headers = match lang {
            Lang::Fr => [
                "Nom",
                "Prénom",
                "E-mail",
                "Téléphone",
                "Code postal",
                "Année de naissance",
                "Situation",
                "Inscription",
                "Source",
                "Code billet",
                "Code badge",
                "Arrivé·e",
                "Heure d'arrivée",
                "Séances",
            ],
            Lang::En => [
                "Last name",
                "First name",
                "Email",
                "Phone",
                "Postcode",
                "Birth year",
                "Situation",
                "Registration",
                "Source",
                "Ticket code",
                "Badge code",
                "Arrived",
                "Arrival time",
                "Sessions",
            ],
        };
        let mut out = vec![];
        for r in rows {
            let s = |i: usize| -> Result<String> {
                Ok(r.try_get::<Option<String>, _>(i)?.unwrap_or_default())
            };
            let situation = s(6)?
                .parse::<Situation>()
                .map(|x| x.label(lang).to_string())
                .unwrap_or_default();
            let kind = match (s(7)?.as_str(), lang) {
                ("pre", Lang::Fr) => "Pré-inscrit·e",
                ("pre", Lang::En) => "Pre-registered",
                (_, Lang::Fr) => "Sur place",
                (_, Lang::En) => "Walk-in",
            };
            let at: Option<i64> = r.try_get(10)?;
            out.push(vec![
                s(0)?,
                s(1)?,
                s(2)?,
                display_phone(&s(3)?),
                s(4)?,
                r.try_get::<Option<i64>, _>(5)?
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                situation,
                kind.to_string(),
                s(8)?,
                s(9)?,
                s(12)?,
                lang.pick(
                    if at.is_some() { "oui" } else { "non" },
                    if at.is_some() { "yes" } else { "no" },
                )
                .to_string(),
                at.map(|ms| format_local(ms, tz)).unwrap_or_default(),
                s(11)?.replace(',', " | "),
            ]);
        }
        Ok(Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
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
