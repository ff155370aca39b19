//! The audit log of access to personal data: who viewed a person's record,
//! edited it, exported a list, issued a certificate, merged, erased,
//! changed a staff account — when, on which laptop.
//!
//! Entries are records like any other (`set.audit` ops), so they travel to
//! the hub and the other laptops with sync. Who an entry is about travels in
//! its own op (subject = the person): an erasure drops it and keeps the
//! entry; the erasure's own entry names no one. Only a coordinator reads the
//! log ([`Action::Audit`]). A store without staff accounts (a laptop being
//! set up, a script) controls no access and records none.

use super::stations::person_op;
use super::{set, Escale};
use crate::error::{Error, Result};
use crate::model::Entity;
use crate::op::{OpBody, Value};
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

/// Most entries one read returns.
pub const MAX_AUDIT: u32 = 5_000;
/// Days the log keeps an entry, when the organisation set nothing.
pub const DEFAULT_AUDIT_DAYS: i64 = crate::fields::DEFAULT_AUDIT_RETENTION_DAYS;

/// What is recorded (the `action` field's closed list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ViewVisitor,
    EditVisitor,
    Export,
    Certificate,
    Merge,
    Erase,
    Anonymise,
    Staff,
    Bundle,
    RightOfAccess,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ViewVisitor => "view_visitor",
            Access::EditVisitor => "edit_visitor",
            Access::Export => "export",
            Access::Certificate => "certificate",
            Access::Merge => "merge",
            Access::Erase => "erase",
            Access::Anonymise => "anonymise",
            Access::Staff => "staff",
            Access::Bundle => "bundle",
            Access::RightOfAccess => "access",
        }
    }
}

/// Which entries to read; every part optional.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AuditFilter {
    /// First and last dates (UTC), `2026-12-01`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// One action of the list (`export`).
    pub action: Option<String>,
    /// Entries about this person.
    pub visitor_id: Option<String>,
    /// Entries by this staff member (name or id).
    pub staff: Option<String>,
    /// Newest first; 500 when absent, at most [`MAX_AUDIT`].
    pub limit: Option<u32>,
}

/// One entry as the coordinator reads it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: String,
    pub action: String,
    /// The staff member's name.
    pub staff: String,
    pub device: String,
    pub event: Option<String>,
    /// Who it was about (`None` once erased, or for an erasure).
    pub visitor_id: Option<Uuid>,
    pub visitor_name: Option<String>,
    pub detail: String,
}

/// What one upkeep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Upkeep {
    pub audit_purged: usize,
    pub anonymised: usize,
}

/// An entry's detail in `lang`. Details are stored as the core wrote them
/// (language-neutral keys: `Csv · 46 rows`, `123 ops`, field names,
/// `newsletter: withdrawn`); this words the known shapes for people and
/// leaves anything else as it is.
pub fn detail_text(action: &str, detail: &str, lang: crate::Lang) -> String {
    let t = |fr: &str, en: &str| lang.pick(fr, en).to_string();
    let count =
        |s: &str, suffix: &str| -> Option<u64> { s.strip_suffix(suffix)?.trim().parse().ok() };
    match action {
        "export" => {
            if let Some((format, rows)) = detail.rsplit_once(" · ") {
                if let Some(n) = count(rows, "rows") {
                    let format = format.rsplit(" · ").next().unwrap_or(format).to_uppercase();
                    return format!("{format} · {n} {}", t("lignes", "rows"));
                }
            }
            detail.to_string()
        }
        "bundle" => match count(detail, "ops") {
            Some(n) => format!("{n} {}", t("opérations", "operations")),
            None => detail.to_string(),
        },
        "edit_visitor" => match detail.split_once(": ") {
            Some((purpose, answer)) if matches!(answer, "granted" | "withdrawn") => {
                let answer = if answer == "granted" {
                    t("consentement donné", "consent given")
                } else {
                    t("consentement retiré", "consent withdrawn")
                };
                format!("{purpose} : {answer}").replace(" : ", lang.pick(" : ", ": "))
            }
            _ => detail
                .split(", ")
                .map(|name| match crate::fields::visitor(name) {
                    Some(f) => lang.pick(f.label.fr, f.label.en).to_string(),
                    None => name.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        },
        _ => detail.to_string(),
    }
}

/// The audit log as a table, in `lang`: the header, then one row per
/// entry (what the CLI prints and both write as CSV).
pub fn audit_table(entries: &[AuditEntry], lang: crate::Lang) -> Vec<Vec<String>> {
    let t = |fr: &str, en: &str| lang.pick(fr, en).to_string();
    let mut lines = vec![vec![
        t("Date", "Date"),
        t("Accès", "Access"),
        t("Par", "By"),
        t("Appareil", "Device"),
        t("Personne", "Person"),
        t("Détail", "Detail"),
    ]];
    for e in entries {
        let action = crate::fields::AUDIT_ACTIONS
            .iter()
            .find(|c| c.value == e.action)
            .map(|c| lang.pick(c.label.fr, c.label.en).to_string())
            .unwrap_or_else(|| e.action.clone());
        let person = match (&e.visitor_name, e.visitor_id) {
            (Some(n), _) => n.clone(),
            (None, Some(id)) => id.to_string(),
            (None, None) => "—".into(),
        };
        let words = detail_text(&e.action, &e.detail, lang);
        let detail = match (&e.event, words.is_empty()) {
            (Some(ev), true) => ev.clone(),
            (Some(ev), false) => format!("{ev} · {words}"),
            (None, _) => words,
        };
        lines.push(vec![
            e.at.replace('T', " ").trim_end_matches('Z').to_string(),
            action,
            if e.staff.is_empty() {
                "—".into()
            } else {
                e.staff.clone()
            },
            e.device.clone(),
            person,
            detail,
        ]);
    }
    lines
}

impl Escale {
    /// Writes the entries `filter` selects to `path` as CSV for French
    /// Excel (BOM, `;`, formulas defused), whole or not at all; returns how
    /// many. Coordinators only, like reading them.
    pub async fn export_audit(
        &self,
        filter: &AuditFilter,
        path: &std::path::Path,
        lang: crate::Lang,
    ) -> Result<usize> {
        self.require(Action::Audit).await?;
        let entries = self.audit_log(filter).await?;
        let lines = audit_table(&entries, lang);
        crate::report::export::write_atomically(path, |tmp| {
            crate::report::export::write_csv(&lines, tmp)
        })?;
        Ok(entries.len())
    }

    /// The ops of one audit entry (to commit with the access they record,
    /// or on their own).
    pub(crate) async fn audit_ops(
        &self,
        access: Access,
        visitor: Option<Uuid>,
        event: Option<Uuid>,
        detail: &str,
    ) -> Result<Vec<OpBody>> {
        // A store without staff accounts controls no access: there is no one
        // to name, and no coordinator to read the log (scripts, the demo).
        let Some(me) = self.current_session() else {
            return Ok(vec![]);
        };
        let id = Uuid::now_v7();
        let device = self.identity().await?.device_id;
        let at = crate::clock::now_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let staff = Value::String(me.staff_id.to_string());
        let detail: String = detail.chars().take(200).collect();
        let mut ops = vec![set(
            Entity::Audit,
            id,
            [
                ("at", Value::String(at)),
                ("action", Value::String(access.as_str().into())),
                ("staff_id", staff),
                ("device_id", Value::String(device.to_string())),
                (
                    "event_id",
                    event.map_or(Value::Null, |e| Value::String(e.to_string())),
                ),
                ("detail", Value::String(detail)),
            ],
        )];
        if let Some(v) = visitor {
            ops.push(person_op(Entity::Audit, id, v));
        }
        Ok(ops)
    }

    /// Records an access on its own (reads and files, which write nothing
    /// else).
    pub(crate) async fn record_access(
        &self,
        access: Access,
        visitor: Option<Uuid>,
        event: Option<Uuid>,
        detail: &str,
    ) -> Result<()> {
        let ops = self.audit_ops(access, visitor, event, detail).await?;
        if !ops.is_empty() {
            self.commit(ops).await?;
        }
        Ok(())
    }

    /// The audit log, newest first.
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.require(Action::Audit).await?;
        let limit = filter.limit.unwrap_or(500).clamp(1, MAX_AUDIT);
        let day = |field: &'static str, s: &Option<String>| -> Result<Option<String>> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map(|d| Some(d.to_string()))
                    .map_err(|_| Error::Invalid {
                        field,
                        value: d.chars().take(40).collect(),
                    }),
            }
        };
        let from = day("from", &filter.from)?;
        // The whole last day: every entry written before the next one.
        let to = day("to", &filter.to)?.map(|d| format!("{d}T99"));
        let action = match filter.action.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => Some(
                crate::fields::AUDIT_ACTIONS
                    .iter()
                    .find(|c| c.value == a)
                    .map(|c| c.value)
                    .ok_or_else(|| Error::Invalid {
                        field: "action",
                        value: a.chars().take(40).collect(),
                    })?,
            ),
            None => None,
        };
        let visitor = match filter.visitor_id.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => Some(
                Uuid::parse_str(v.trim())
                    .map_err(|_| Error::VisitorNotFound(v.chars().take(60).collect()))?,
            ),
            None => None,
        };
        let staff = match filter.staff.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(self.find_staff(s).await?.id),
            None => None,
        };
        let rows = sqlx::query(
            "SELECT a.id, a.at, a.action, a.detail, a.visitor_id,
                    s.name AS staff, d.name AS device, e.title AS event,
                    trim(coalesce(v.first_name, '') || ' ' || coalesce(v.last_name, '')) AS visitor_name
             FROM audit a
             LEFT JOIN staff s ON s.id = a.staff_id
             LEFT JOIN device d ON d.id = a.device_id
             LEFT JOIN event e ON e.id = a.event_id
             LEFT JOIN visitor v ON v.id = a.visitor_id
             WHERE (?1 IS NULL OR a.at >= ?1) AND (?2 IS NULL OR a.at < ?2)
               AND (?3 IS NULL OR a.action = ?3) AND (?4 IS NULL OR a.visitor_id = ?4)
               AND (?5 IS NULL OR a.staff_id = ?5)
             ORDER BY a.at DESC, a.id DESC LIMIT ?6",
        )
        .bind(from)
        .bind(to)
        .bind(action)
        .bind(visitor)
        .bind(staff)
        .bind(limit as i64)
        .fetch_all(self.store.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let visitor_name: Option<String> = r.try_get("visitor_name")?;
            out.push(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get::<Option<String>, _>("at")?.unwrap_or_default(),
                action: r
                    .try_get::<Option<String>, _>("action")?
                    .unwrap_or_default(),
                staff: r.try_get::<Option<String>, _>("staff")?.unwrap_or_default(),
                device: r
                    .try_get::<Option<String>, _>("device")?
                    .unwrap_or_default(),
                event: r.try_get("event")?,
                visitor_id: r.try_get("visitor_id")?,
                visitor_name: visitor_name.filter(|n| !n.is_empty()),
                detail: r
                    .try_get::<Option<String>, _>("detail")?
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Days the audit log keeps its entries (the organisation's setting).
    pub async fn audit_retention_days(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT audit_retention_days FROM org LIMIT 1")
            .fetch_optional(self.store.pool())
            .await?
            .flatten();
        Ok(v.unwrap_or(DEFAULT_AUDIT_DAYS))
    }

    /// Sets how long the audit log keeps its entries (30 days to 10 years).
    pub async fn set_audit_retention_days(&self, days: i64) -> Result<i64> {
        self.require(Action::Settings).await?;
        if !(30..=3650).contains(&days) {
            return Err(Error::Invalid {
                field: "audit_retention_days",
                value: days.to_string(),
            });
        }
        let org = self.identity().await?.org_id;
        self.commit(vec![set(
            Entity::Org,
            org,
            [("audit_retention_days", Value::from(days))],
        )])
        .await?;
        Ok(days)
    }

    /// Removes the audit entries older than the retention period now (a
    /// coordinator's command; the app also does it by itself, see
    /// [`Escale::upkeep`]). Returns how many entries went.
    pub async fn purge_audit(&self) -> Result<usize> {
        self.require(Action::Audit).await?;
        self.purge_old_audit().await
    }

    /// The app's own upkeep, at start-up and then daily, whoever is signed
    /// in (or nobody): old audit entries go, people past the retention
    /// period are anonymised. Shows nothing.
    pub async fn upkeep(&self) -> Result<Upkeep> {
        Ok(Upkeep {
            audit_purged: self.purge_old_audit().await?,
            anonymised: self.anonymise_overdue().await?,
        })
    }

    /// Removes the entries older than the retention period from this
    /// laptop: their rows, and the bodies of the ops that wrote them (found
    /// by the records' stamps), as an erasure redacts. Each laptop purges
    /// its own copy.
    async fn purge_old_audit(&self) -> Result<usize> {
        let days = self.audit_retention_days().await?;
        let cutoff = (crate::clock::now_utc() - chrono::Duration::days(days))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut tx = self.store.write().await?;
        let old: Vec<(Uuid, Vec<u8>)> =
            sqlx::query_as("SELECT id, stamps FROM audit WHERE at < ? LIMIT 50000")
                .bind(&cutoff)
                .fetch_all(tx.conn())
                .await?;
        for (id, stamps) in &old {
            let writers: std::collections::BTreeSet<_> =
                crate::store::codec::stamps_from_blob(Entity::Audit, stamps)?
                    .into_values()
                    .collect();
            for s in writers {
                sqlx::query(
                    "UPDATE op SET body = NULL, status = 1
                     WHERE origin = ? AND hlc = ? AND kind = 'set.audit'",
                )
                .bind(s.origin)
                .bind(s.hlc.0)
                .execute(tx.conn())
                .await?;
            }
            sqlx::query("DELETE FROM audit WHERE id = ?")
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(old.len())
    }
}

#[cfg(test)]
mod tests {
    use super::detail_text;
    use crate::Lang;

    #[test]
    fn details_are_worded_in_the_readers_language() {
        let cases = [
            (
                "export",
                "Csv · 46 rows",
                "CSV · 46 lignes",
                "CSV · 46 rows",
            ),
            ("bundle", "123 ops", "123 opérations", "123 operations"),
            (
                "edit_visitor",
                "email, notes",
                "E-mail, Notes",
                "Email, Notes",
            ),
            (
                "edit_visitor",
                "newsletter: withdrawn",
                "newsletter : consentement retiré",
                "newsletter: consent withdrawn",
            ),
            ("merge", "01a2-…", "01a2-…", "01a2-…"),
        ];
        for (action, stored, fr, en) in cases {
            assert_eq!(detail_text(action, stored, Lang::Fr), fr, "{stored}");
            assert_eq!(detail_text(action, stored, Lang::En), en, "{stored}");
        }
    }
}
