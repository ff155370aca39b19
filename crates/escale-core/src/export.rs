//! Export of an event's registrations and arrivals, as CSV that French Excel
//! opens correctly (UTF-8 with BOM, `;`, CRLF) or as XLSX.
//!
//! One row per person (merged records count once). Cells that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@` first) are prefixed with `'`.
//! The file is written next to its destination and renamed into place, so an
//! error never leaves half a file behind.

use crate::app::time::{format_local, parse_tz};
use crate::error::{Error, Result};
use crate::fields::{choice_label, Field, FieldType, Kind, Label, REGISTRATION_KINDS};
use crate::i18n::Lang;
use crate::model::Entity;
use crate::op::Value;
use crate::Escale;
use escale_protocol::roles::Action;
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

/// A cell of the people's document: text or null, borrowed from the
/// document unless it had to be unescaped (100,000 people × 20 fields: an
/// allocation per cell cost more than the query).
#[derive(serde::Deserialize)]
struct Cell<'a>(#[serde(borrow)] Option<std::borrow::Cow<'a, str>>);

impl Cell<'_> {
    fn text(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// Last name and first name folded as `NOCASE` folds them, then the id.
type NameKey = (Option<Vec<u8>>, Option<Vec<u8>>, Uuid);

/// A person of the export: their record (the merge root) and what their
/// registrations at the event say together.
struct Person<'a> {
    id: Uuid,
    /// The registration's element of the document: id, kind, source,
    /// ticket, then the visitor fields from index 4.
    row: Vec<Cell<'a>>,
    /// Pre-registered by any of their registrations.
    pre: bool,
    /// Each once, in the order met (as `group_concat(DISTINCT …)`).
    sources: Vec<String>,
    tickets: Vec<String>,
}

impl<'a> Person<'a> {
    /// Registrations grouped per person, in name order (last name, first
    /// name, as SQLite's `NOCASE` compares them: ASCII letters folded; then
    /// the id), as `visitor_by_name` orders the registrations list.
    fn group(regs: Vec<Vec<Cell<'a>>>, defs: &[Field]) -> Result<Vec<Person<'a>>> {
        let mut at: HashMap<Uuid, usize> = HashMap::with_capacity(regs.len());
        let mut people: Vec<Person> = Vec::with_capacity(regs.len());
        for row in regs {
            let text = |i: usize| row.get(i).and_then(Cell::text).map(str::to_owned);
            let id =
                crate::store::parse_uuid(row.first().and_then(Cell::text).unwrap_or_default())?;
            let (kind, source, ticket) = (text(1), text(2), text(3));
            let i = *at.entry(id).or_insert_with(|| {
                people.push(Person {
                    id,
                    row: vec![],
                    pre: false,
                    sources: vec![],
                    tickets: vec![],
                });
                people.len() - 1
            });
            let p = &mut people[i];
            p.pre |= kind.as_deref() == Some("pre");
            for (list, v) in [(&mut p.sources, source), (&mut p.tickets, ticket)] {
                if let Some(v) = v.filter(|v| !list.contains(v)) {
                    list.push(v);
                }
            }
            if p.row.is_empty() {
                p.row = row;
            }
        }
        let name = |p: &Person, field: &str| -> Option<Vec<u8>> {
            let i = 4 + defs.iter().position(|f| f.name == field)?;
            p.row
                .get(i)
                .and_then(Cell::text)
                .map(|s| s.bytes().map(|b| b.to_ascii_lowercase()).collect())
        };
        let mut keyed: Vec<(NameKey, Person)> = people
            .into_iter()
            .map(|p| ((name(&p, "last_name"), name(&p, "first_name"), p.id), p))
            .collect();
        keyed.sort_unstable_by(|x, y| x.0.cmp(&y.0));
        Ok(keyed.into_iter().map(|(_, p)| p).collect())
    }
}

/// A visitor field as the export's query gives it (as text: a number's
/// digits, `0`/`1` for a flag, hex for a reference), as a spreadsheet shows
/// it: the same as [`cell`] of the record's value.
fn stored_cell(field: &Field, value: Option<&str>, lang: Lang) -> String {
    let Some(v) = value else {
        return String::new();
    };
    match (field.kind, field.ty()) {
        (Kind::Ref(_), _) => Uuid::try_parse(v)
            .map(|u| u.to_string())
            .unwrap_or_default(),
        (_, FieldType::Bool) => cell(field, Some(&Value::Bool(v != "0")), lang),
        (_, FieldType::Int) => v.to_string(),
        (Kind::Phone, _) => display_phone(v),
        (Kind::Choice(choices), _) => choice_label(choices, v, lang),
        _ => v.to_string(),
    }
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
    /// records count once), in name order. Three queries, each reading the
    /// event's rows once on an index (registrations → merge root → visitor;
    /// arrivals; sessions) without sorting or grouping the people in SQLite,
    /// joined, grouped and sorted in memory by id: the cost grows linearly
    /// with the crowd (a sort in SQLite of 100,000 wide rows cost four times
    /// the scan). The people come as one JSON document built by SQLite
    /// (handing 100,000 rows over one by one through sqlx cost more than
    /// the query; see `ops_after`).
    pub async fn export_table(&self, event_id: &str, lang: Lang) -> Result<Table> {
        self.require(Action::ExportPeople).await?;
        let ev = self.event(event_id).await?;
        let tz = parse_tz(Some(&ev.timezone))?;
        let pool = self.store().pool();
        let defs = Entity::Visitor.fields();
        // Each field as text (a reference in hex), so that the document's
        // cells are read without a copy (`Cell`).
        let fields: Vec<String> = defs
            .iter()
            .map(|f| match (f.kind, f.ty()) {
                (Kind::Ref(_), _) => format!("hex(v.{})", f.name),
                (_, FieldType::Text) => format!("v.{}", f.name),
                _ => format!("CAST(v.{} AS TEXT)", f.name),
            })
            .collect();
        // One element per active registration, with its person (the merge root).
        let doc: Option<String> = sqlx::query_scalar(&format!(
            "SELECT json_group_array(json_array(hex(v.id), r.kind, r.source, r.ticket_code, {}))
             FROM registration r LEFT JOIN alias a ON a.id = r.visitor_id
             JOIN visitor v ON v.id = COALESCE(a.root, r.visitor_id)
             WHERE r.event_id = ?1 AND r.status = 'active'",
            fields.join(", "),
        ))
        .bind(ev.id)
        .fetch_one(pool)
        .await?;
        let regs: Vec<Vec<Cell>> = serde_json::from_str(doc.as_deref().unwrap_or("[]"))
            .map_err(|e| Error::Corrupt(format!("export: {e}")))?;
        let people = Person::group(regs, defs)?;
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
             WHERE c.event_id = ?1 AND c.session_id IS NOT NULL AND c.direction = 'in' AND c.voided = 0
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
        // Where each visitor field sits in a row of the document.
        let at: HashMap<&str, usize> = defs
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name, 4 + i))
            .collect();
        let (yes, no) = (lang.pick("oui", "yes"), lang.pick("non", "no"));
        let (pre, walk_in) = (
            choice_label(REGISTRATION_KINDS, "pre", lang),
            choice_label(REGISTRATION_KINDS, "walk_in", lang),
        );
        let mut out = Vec::with_capacity(people.len());
        for p in &people {
            let (id, r) = (p.id, &p.row);
            let at_ms = arrivals.get(&id).copied();
            let mut row = Vec::with_capacity(cols.len());
            for (col, _) in &cols {
                row.push(match col {
                    Column::Field(f) => {
                        stored_cell(f, r.get(at[f.name]).and_then(Cell::text), lang)
                    }
                    Column::Extra(Extra::Kind) => {
                        if p.pre {
                            pre.clone()
                        } else {
                            walk_in.clone()
                        }
                    }
                    Column::Extra(Extra::Sources) => p.sources.join(","),
                    Column::Extra(Extra::Tickets) => p.tickets.join(","),
                    Column::Extra(Extra::Arrived) => {
                        (if at_ms.is_some() { yes } else { no }).to_string()
                    }
                    Column::Extra(Extra::ArrivalTime) => {
                        at_ms.map(|ms| format_local(ms, tz)).unwrap_or_default()
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
        self.require(Action::ExportPeople).await?;
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
        let what = format!("{format:?} · {} rows", table.rows.len());
        self.record_access(
            crate::app::audit::Access::Export,
            None,
            uuid::Uuid::parse_str(event_id.trim()).ok(),
            &what,
        )
        .await?;
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
    let mut buf = std::io::BufWriter::with_capacity(1 << 20, file);
    buf.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf);
    w.write_record(&t.headers)
        .map_err(|e| Error::Export(e.to_string()))?;
    let csv_err = |e: csv::Error| Error::Export(e.to_string());
    for r in &t.rows {
        for c in r {
            w.write_field(defused(c).as_bytes()).map_err(csv_err)?;
        }
        // Ends the record the fields above started.
        w.write_record(None::<&[u8]>).map_err(csv_err)?;
    }
    let buf = w.into_inner().map_err(|e| Error::Export(e.to_string()))?;
    buf.into_inner()
        .map_err(|e| Error::Export(e.to_string()))?
        .sync_all()?;
    Ok(())
}

/// [`defuse`] without copying the cells that need nothing.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Column widths as a spreadsheet's "fit to contents" would set them: the
/// longest cell of each column (headers included), within bounds.
fn widths(t: &Table) -> Vec<f64> {
    let mut chars: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for r in &t.rows {
        for (c, v) in r.iter().enumerate() {
            if let Some(w) = chars.get_mut(c) {
                // Bytes bound chars from above: count chars only when it could matter.
                if v.len() > *w {
                    *w = (*w).max(v.chars().count());
                }
            }
        }
    }
    chars
        .into_iter()
        .map(|n| (n as f64 * 1.1 + 2.0).clamp(6.0, 60.0))
        .collect()
}

/// Rows are streamed to a temporary file as they are written (rust_xlsxwriter's
/// constant-memory worksheet, inline strings): memory stays flat and no
/// shared-string table is built for 100,000 rows. Column widths are set from
/// the contents (autofit needs the whole sheet in memory).
fn write_xlsx(t: &Table, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| Error::Export(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().map_err(err)?;
    for (c, w) in widths(t).into_iter().enumerate() {
        ws.set_column_width(c as u16, w).map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(err)?;
    }
    for (i, r) in t.rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            // Text cells are never formulas in XLSX; write them as strings.
            ws.write_string(i as u32 + 1, c as u16, v).map_err(err)?;
        }
    }
    wb.save(path).map_err(err)?;
    Ok(())
}
