//! Importing pre-registrations into an event.
//!
//! `escale-import` reads the file (format, encoding, columns, skipped rows);
//! this module decides what each record means for the store and commits it:
//!
//! - each row gets a registration id derived from (event, source format,
//!   source key), so importing the same file twice — or on two laptops —
//!   adds nothing the second time;
//! - a row matching a live visitor (same email ignoring case, or same folded
//!   name with the same birth year or phone) is attached to that visitor
//!   instead of creating a duplicate; a row matching only by name creates a
//!   new visitor and is reported as a proposed merge for staff to confirm;
//! - invalid emails/phones are left out with a per-row warning;
//! - rows are read and matched outside any transaction; their ops are
//!   committed in slices sized to hold the store about [`SLICE_TARGET`]
//!   each (from [`MIN_SLICE`] to [`MAX_SLICE`] ops, whole rows), each with the import's place in the file and its report so far,
//!   so a check-in at the desk never waits behind a whole import (writers
//!   take turns: `store/gate.rs`). An import that stops half-way (a crash, a
//!   closed laptop) leaves whole slices; importing the same file into the
//!   same event again carries on after the last slice, and its report
//!   counts the whole file. A dry run writes nothing and reports exactly
//!   what a commit would do.
//!
//! Memory stays bounded: rows are streamed, ops are held one slice at a
//! time, and the per-row report keeps at most [`MAX_REPORTED`] lines (the
//! counts are always complete).

use crate::app::people::{visitor_fields, VisitorInput};
use crate::error::Result;
use crate::model::{Entity, RegistrationKind, CONSENT_PROCESSING, REG_ACTIVE};
use crate::op::{Fields, OpBody, Value};
use crate::text::name_key;
use crate::Escale;
use escale_import::{ColumnMapping, Detected, ImportRecord, Row, SkipReason};
use escale_protocol::roles::Action;
use serde::Serialize;
use sqlx::Row as _;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use uuid::Uuid;

pub const MAX_REPORTED: usize = 1_000;
/// How long one slice may hold the store: a check-in at the desk waits at
/// most about this long behind an import.
const SLICE_TARGET: std::time::Duration = std::time::Duration::from_millis(40);
/// Bounds of the ops committed per transaction (a row is about 3 ops); the
/// first slice has [`MIN_SLICE`], the next ones are sized from how long the
/// previous one held the store.
const MIN_SLICE: usize = 150;
const MAX_SLICE: usize = 3_000;

/// The next slice's size, from the last one's: scaled to [`SLICE_TARGET`],
/// at most doubling, within the bounds.
fn next_slice(ops: usize, held: std::time::Duration) -> usize {
    let scaled = ops as f64 * SLICE_TARGET.as_secs_f64() / held.as_secs_f64().max(1e-4);
    (scaled as usize).clamp(MIN_SLICE, (ops * 2).clamp(MIN_SLICE, MAX_SLICE))
}

/// Namespace for ids derived from import keys (UUIDv5).
const IMPORT_NS: Uuid = Uuid::from_u128(0x5b1e_7a3c_44d2_4f0e_9a61_0c3e_5ca1_e001);

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// Overrides the detected column mapping.
    pub mapping: Option<ColumnMapping>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct RowIssue {
    pub line: usize,
    /// `skipped`, `warning`, `merge_proposed`.
    pub kind: &'static str,
    /// Skip reason or warning code, e.g. `cancelled`, `invalid_email`.
    pub code: String,
    pub detail: String,
    pub candidates: Vec<Uuid>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub event_id: Uuid,
    pub dry_run: bool,
    pub detected: Detected,
    pub rows: usize,
    pub new_visitors: usize,
    pub known_visitors: usize,
    pub already_imported: usize,
    pub merges_proposed: usize,
    pub skipped: usize,
    pub skipped_by_reason: BTreeMap<String, usize>,
    pub warnings: usize,
    pub issues: Vec<RowIssue>,
    /// Issues beyond [`MAX_REPORTED`] that were counted but not listed.
    pub issues_not_listed: usize,
}

impl ImportReport {
    fn issue(&mut self, i: RowIssue) {
        if self.issues.len() < MAX_REPORTED {
            self.issues.push(i);
        } else {
            self.issues_not_listed += 1;
        }
    }
}

/// What an interrupted import saved with its last slice (in `local`, under
/// [`resume_key`]): where it was in the file and its report so far. Issues
/// keep their line, kind, code and candidates, not their detail (which may
/// quote a person's data): `local` is not reached by an erasure. Deleted by
/// the slice that ends the import.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
struct Resume {
    line: usize,
    rows: usize,
    new_visitors: usize,
    known_visitors: usize,
    already_imported: usize,
    merges_proposed: usize,
    skipped: usize,
    skipped_by_reason: BTreeMap<String, usize>,
    warnings: usize,
    issues: Vec<(usize, String, String, Vec<Uuid>)>,
    issues_not_listed: usize,
}

impl Resume {
    fn of(r: &ImportReport, line: usize) -> Resume {
        Resume {
            line,
            rows: r.rows,
            new_visitors: r.new_visitors,
            known_visitors: r.known_visitors,
            already_imported: r.already_imported,
            merges_proposed: r.merges_proposed,
            skipped: r.skipped,
            skipped_by_reason: r.skipped_by_reason.clone(),
            warnings: r.warnings,
            issues: r
                .issues
                .iter()
                .map(|i| {
                    (
                        i.line,
                        i.kind.to_string(),
                        i.code.clone(),
                        i.candidates.clone(),
                    )
                })
                .collect(),
            issues_not_listed: r.issues_not_listed,
        }
    }

    fn restore(self, r: &mut ImportReport) {
        r.rows = self.rows;
        r.new_visitors = self.new_visitors;
        r.known_visitors = self.known_visitors;
        r.already_imported = self.already_imported;
        r.merges_proposed = self.merges_proposed;
        r.skipped = self.skipped;
        r.skipped_by_reason = self.skipped_by_reason;
        r.warnings = self.warnings;
        r.issues = self
            .issues
            .into_iter()
            .map(|(line, kind, code, candidates)| RowIssue {
                line,
                kind: match kind.as_str() {
                    "warning" => "warning",
                    "merge_proposed" => "merge_proposed",
                    _ => "skipped",
                },
                code,
                detail: String::new(),
                candidates,
            })
            .collect();
        r.issues_not_listed = self.issues_not_listed;
    }
}

/// The `local` key of an import of this file (its content's hash) into
/// this event.
fn resume_key(event: Uuid, path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!(
        "import/{event}/{}",
        &hex::encode(h.finalize())[..32]
    ))
}

/// Progress of a long import: bytes of the file read so far.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ImportProgress {
    pub bytes_read: u64,
    pub total_bytes: u64,
    pub rows: usize,
}

/// What the import wizard shows before anything is written: the dry-run
/// report, the file's header cells, and its first records as read with the
/// (detected or given) mapping, so a wrong mapping is visible at a glance.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ImportPreview {
    pub report: ImportReport,
    pub headers: Vec<String>,
    /// At most [`PREVIEW_SAMPLE`] records; skipped rows are in `report.issues`.
    pub sample: Vec<ImportRecord>,
}

pub const PREVIEW_SAMPLE: usize = 20;

/// A live visitor known by name: id, birth year, phone.
type NameMatch = (Uuid, Option<i64>, Option<String>);

/// Live visitors, for matching: built once per import.
#[derive(Default)]
struct Known {
    by_email: HashMap<String, Uuid>,
    by_name: HashMap<String, Vec<NameMatch>>,
}

impl Known {
    async fn load(pool: &sqlx::SqlitePool) -> Result<Known> {
        let rows = sqlx::query(
            "SELECT id, email, name_key, birth_year, phone FROM visitor WHERE id NOT IN (SELECT id FROM alias)",
        )
        .fetch_all(pool)
        .await?;
        let mut k = Known::default();
        for r in rows {
            let id = r.try_get::<Uuid, _>("id")?;
            let email: Option<String> = r.try_get("email")?;
            let key: String = r.try_get("name_key")?;
            k.add(
                id,
                email,
                key,
                r.try_get("birth_year")?,
                r.try_get("phone")?,
            );
        }
        Ok(k)
    }

    fn add(
        &mut self,
        id: Uuid,
        email: Option<String>,
        key: String,
        by: Option<i64>,
        phone: Option<String>,
    ) {
        if let Some(e) = email {
            self.by_email.entry(e.to_lowercase()).or_insert(id);
        }
        if !key.is_empty() {
            self.by_name.entry(key).or_default().push((id, by, phone));
        }
    }
}

enum Match {
    Known(Uuid),
    NameOnly(Vec<Uuid>),
    New,
}

impl Escale {
    /// Imports (or, with `dry_run`, previews) a file into an event.
    pub async fn import_file(
        &self,
        event_id: &str,
        path: &Path,
        opts: &ImportOptions,
        progress: &(dyn Fn(ImportProgress) + Sync),
    ) -> Result<ImportReport> {
        self.require(Action::Import).await?;
        let ev = self.event(event_id).await?;
        let mut reader = escale_import::open_path(path)?;
        if let Some(m) = &opts.mapping {
            reader = reader.with_mapping(m.clone())?;
        }
        let detected = reader.detected().clone();
        let source = serde_json::to_value(detected.format)?
            .as_str()
            .unwrap_or("generic")
            .to_string();
        let prog = reader.progress();
        let mut known = Known::load(self.store().pool()).await?;
        let existing_regs: HashSet<Uuid> =
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM registration WHERE event_id = ?")
                .bind(ev.id)
                .fetch_all(self.store().pool())
                .await?
                .into_iter()
                .collect();
        let mut seen_regs: HashSet<Uuid> = HashSet::new();

        let mut report = ImportReport {
            event_id: ev.id,
            dry_run: opts.dry_run,
            detected,
            rows: 0,
            new_visitors: 0,
            known_visitors: 0,
            already_imported: 0,
            merges_proposed: 0,
            skipped: 0,
            skipped_by_reason: BTreeMap::new(),
            warnings: 0,
            issues: vec![],
            issues_not_listed: 0,
        };
        // Where an interrupted import of this file into this event stopped.
        let place = if opts.dry_run {
            None
        } else {
            Some(resume_key(ev.id, path)?)
        };
        let mut resume_after = 0;
        if let Some(k) = &place {
            let saved = self.store().local_text(k).await?;
            if let Some(saved) = saved.and_then(|t| serde_json::from_str::<Resume>(&t).ok()) {
                resume_after = saved.line;
                saved.restore(&mut report);
            }
        }
        let mut pending: Vec<OpBody> = Vec::new();
        let mut slice_ops = MIN_SLICE;
        for item in reader.rows() {
            let row = item?;
            let line = match &row {
                Row::Skipped(s) => s.line,
                Row::Record(r) => r.line,
            };
            if line <= resume_after {
                continue;
            }
            report.rows += 1;
            if report.rows.is_multiple_of(1_000) {
                progress(ImportProgress {
                    bytes_read: prog.bytes_read(),
                    total_bytes: prog.total_bytes(),
                    rows: report.rows,
                });
            }
            let rec = match row {
                Row::Skipped(s) => {
                    let (code, detail) = skip_code(&s.reason);
                    report.skipped += 1;
                    *report.skipped_by_reason.entry(code.clone()).or_default() += 1;
                    report.issue(RowIssue {
                        line: s.line,
                        kind: "skipped",
                        code,
                        detail,
                        candidates: vec![],
                    });
                    continue;
                }
                Row::Record(r) => r,
            };
            let reg_id = Uuid::new_v5(
                &IMPORT_NS,
                format!("reg/{}/{source}/{}", ev.id, rec.source_key).as_bytes(),
            );
            if existing_regs.contains(&reg_id) || !seen_regs.insert(reg_id) {
                report.already_imported += 1;
                continue;
            }
            let mut warnings = vec![];
            let input = record_input(&rec);
            let cleaned = visitor_fields(&input, &mut warnings).and_then(|f| {
                crate::validate::require_a_name(
                    f.get("first_name").and_then(|v| v.as_str()),
                    f.get("last_name").and_then(|v| v.as_str()),
                )?;
                Ok(f)
            });
            let fields = match cleaned {
                Ok(f) => f,
                Err(e) => {
                    let code = e.code().to_string();
                    report.skipped += 1;
                    *report.skipped_by_reason.entry(code.clone()).or_default() += 1;
                    report.issue(RowIssue {
                        line: rec.line,
                        kind: "skipped",
                        code,
                        detail: e.message(crate::Lang::En),
                        candidates: vec![],
                    });
                    continue;
                }
            };
            for w in &warnings {
                report.warnings += 1;
                report.issue(RowIssue {
                    line: rec.line,
                    kind: "warning",
                    code: w.code.into(),
                    detail: w.value.clone(),
                    candidates: vec![],
                });
            }
            let email = fields
                .get("email")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            let phone = fields
                .get("phone")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            let birth_year = fields.get("birth_year").and_then(|v| v.as_i64());
            let key = name_key(&input.text("first_name"), &input.text("last_name"));
            let visitor_id =
                match find(&known, email.as_deref(), &key, birth_year, phone.as_deref()) {
                    Match::Known(id) => {
                        report.known_visitors += 1;
                        id
                    }
                    other => {
                        let id = Uuid::new_v5(
                            &IMPORT_NS,
                            format!("visitor/{}/{source}/{}", ev.id, rec.source_key).as_bytes(),
                        );
                        if let Match::NameOnly(c) = other {
                            report.merges_proposed += 1;
                            report.issue(RowIssue {
                                line: rec.line,
                                kind: "merge_proposed",
                                code: "same_name".into(),
                                detail: format!(
                                    "{} {}",
                                    input.text("first_name"),
                                    input.text("last_name")
                                ),
                                candidates: c,
                            });
                        }
                        report.new_visitors += 1;
                        known.add(id, email.clone(), key, birth_year, phone.clone());
                        let mut vf: Fields = fields;
                        vf.insert("badge_code".into(), Value::String(badge_from_id(id)));
                        pending.push(OpBody::Set {
                            entity: Entity::Visitor,
                            id,
                            fields: vf,
                        });
                        pending.push(OpBody::Consent {
                            visitor_id: id,
                            purpose: CONSENT_PROCESSING.into(),
                            granted: true,
                            wording_version: format!("import:{source}"),
                        });
                        id
                    }
                };
            let mut rf = Fields::new();
            rf.insert("event_id".into(), Value::String(ev.id.to_string()));
            rf.insert("visitor_id".into(), Value::String(visitor_id.to_string()));
            rf.insert(
                "kind".into(),
                Value::String(RegistrationKind::Pre.as_str().into()),
            );
            rf.insert("source".into(), Value::String(source.clone()));
            rf.insert("source_key".into(), Value::String(rec.source_key.clone()));
            rf.insert("status".into(), Value::String(REG_ACTIVE.into()));
            if !rec.ticket_code.is_empty() {
                rf.insert("ticket_code".into(), Value::String(rec.ticket_code.clone()));
            }
            if !rec.registered_at.is_empty() {
                rf.insert(
                    "registered_at".into(),
                    Value::String(rec.registered_at.clone()),
                );
            }
            pending.push(OpBody::Set {
                entity: Entity::Registration,
                id: reg_id,
                fields: rf,
            });
            if pending.len() >= slice_ops {
                let slice = std::mem::take(&mut pending);
                if let Some(k) = &place {
                    let n = slice.len();
                    let held = self
                        .commit_slice(slice, k, Some(&Resume::of(&report, line)))
                        .await?;
                    slice_ops = next_slice(n, held);
                }
            }
        }
        if let Some(k) = &place {
            self.commit_slice(pending, k, None).await?;
        }
        progress(ImportProgress {
            bytes_read: prog.total_bytes(),
            total_bytes: prog.total_bytes(),
            rows: report.rows,
        });
        Ok(report)
    }
}

impl Escale {
    /// Commits one slice of an import with where it got to (`None`: the
    /// import is over, its saved place goes); how long it held the store.
    async fn commit_slice(
        &self,
        ops: Vec<OpBody>,
        key: &str,
        at: Option<&Resume>,
    ) -> Result<std::time::Duration> {
        let mut tx = self.store().write().await?;
        let holding = std::time::Instant::now();
        if !ops.is_empty() {
            tx.append(ops).await?;
        }
        match at {
            Some(r) => {
                sqlx::query(
                    "INSERT INTO local (key, text_value) VALUES (?, ?)
                     ON CONFLICT(key) DO UPDATE SET text_value = excluded.text_value",
                )
                .bind(key)
                .bind(serde_json::to_string(r)?)
                .execute(tx.conn())
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM local WHERE key = ?")
                    .bind(key)
                    .execute(tx.conn())
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(holding.elapsed())
    }

    /// The import wizard's preview: a dry run plus the first records.
    pub async fn import_preview(
        &self,
        event_id: &str,
        path: &Path,
        mapping: Option<ColumnMapping>,
    ) -> Result<ImportPreview> {
        self.require(Action::Import).await?;
        let opts = ImportOptions {
            dry_run: true,
            mapping: mapping.clone(),
        };
        let report = self.import_file(event_id, path, &opts, &|_| {}).await?;
        let sample = first_records(path, mapping, PREVIEW_SAMPLE)?;
        Ok(ImportPreview {
            headers: report.detected.headers.clone(),
            report,
            sample,
        })
    }
}

/// The first `n` records of a file (skipped rows are passed over).
fn first_records(
    path: &Path,
    mapping: Option<ColumnMapping>,
    n: usize,
) -> Result<Vec<ImportRecord>> {
    let mut reader = escale_import::open_path(path)?;
    if let Some(m) = mapping {
        reader = reader.with_mapping(m)?;
    }
    let mut out = Vec::with_capacity(n);
    for row in reader.rows() {
        if out.len() >= n {
            break;
        }
        if let Row::Record(r) = row? {
            out.push(r);
        }
    }
    Ok(out)
}

fn find(
    known: &Known,
    email: Option<&str>,
    key: &str,
    by: Option<i64>,
    phone: Option<&str>,
) -> Match {
    if let Some(id) = email.and_then(|e| known.by_email.get(e)) {
        return Match::Known(*id);
    }
    let Some(same_name) = known.by_name.get(key) else {
        return Match::New;
    };
    let corroborated = same_name
        .iter()
        .find(|(_, b, p)| (by.is_some() && *b == by) || (phone.is_some() && p.as_deref() == phone));
    match corroborated {
        Some((id, _, _)) => Match::Known(*id),
        None => Match::NameOnly(same_name.iter().map(|(id, _, _)| *id).take(5).collect()),
    }
}

fn record_input(r: &ImportRecord) -> VisitorInput {
    crate::fields::VisitorRaw(
        r.fields
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// A badge code derived from the visitor id, so two laptops importing the
/// same file agree on it.
pub(crate) fn badge_from_id(id: Uuid) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut n = id.as_u128();
    let mut s = String::from("E");
    for _ in 0..7 {
        s.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
    }
    s
}

fn skip_code(r: &SkipReason) -> (String, String) {
    match r {
        SkipReason::Cancelled { status } => ("cancelled".into(), status.clone()),
        SkipReason::Refunded { status } => ("refunded".into(), status.clone()),
        SkipReason::Draft { status } => ("draft".into(), status.clone()),
        SkipReason::Empty => ("empty".into(), String::new()),
        SkipReason::NoName => ("no_name".into(), String::new()),
        SkipReason::FieldTooLong { column, length } => {
            ("field_too_long".into(), format!("{column}: {length}"))
        }
        SkipReason::Summary => ("summary".into(), String::new()),
    }
}

/// Human label of a skip/warning code, for the CLI and the wizard.
pub fn issue_label(code: &str, lang: crate::Lang) -> String {
    match escale_protocol::catalogue::msg(&format!("issue.{code}")) {
        Some(m) => m.text(lang).to_string(),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod slice_tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn slices_shrink_when_slow_and_grow_at_most_twofold_when_fast() {
        // A slice that held the store four times too long: a quarter.
        assert_eq!(next_slice(1_200, SLICE_TARGET * 4), 300);
        // Never below the floor, even on a very slow disk.
        assert_eq!(next_slice(150, Duration::from_secs(2)), MIN_SLICE);
        // Fast: at most twice the last one, never above the ceiling.
        assert_eq!(next_slice(150, Duration::from_millis(1)), 300);
        assert_eq!(next_slice(2_500, Duration::from_millis(1)), MAX_SLICE);
        // On target: the same size.
        assert_eq!(next_slice(900, SLICE_TARGET), 900);
    }
}
