//! Retention: people not seen for the organisation's period are anonymised.
//!
//! A person's last activity is the newest op about them or anyone merged
//! into them — a visit, an edit, a registration, a certificate, a mediation
//! entry, a session on a public computer — but not an audit entry (reading a
//! record is not a visit) nor a verdict. Once `retention_months` (36 by
//! default) have passed since then, or `retention_walkin_months` (12) for
//! someone who only walked in and left no contact (no registration made
//! ahead, no e-mail, no phone), the laptop commits an `anonymise` op about
//! them: the fold strips what identifies them everywhere, on every node
//! (`store/anonymise.rs`), and keeps what the statistics count. The app
//! does it at start-up and daily ([`Escale::upkeep`]); a coordinator sees
//! what is coming ([`Escale::retention_preview`]) and can run it now.

use super::{set, Escale};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::model::Entity;
use crate::op::{OpBody, Value};
use chrono::{DateTime, Months, Utc};
use escale_protocol::roles::Action;
use serde::Serialize;
use uuid::Uuid;

/// Months after the last activity, when the organisation set nothing (the
/// three years la Coop de la médiation numérique and the CNIL's guidance
/// for job seekers' files use).
pub const DEFAULT_RETENTION_MONTHS: i64 = 36;
/// Months for someone who only walked in and left no contact.
pub const DEFAULT_WALKIN_MONTHS: i64 = 12;
/// The periods a coordinator may choose, in months.
pub const RETENTION_RANGE: std::ops::RangeInclusive<i64> = 1..=120;
/// Anonymise ops per transaction: the desk keeps answering between them.
const PER_COMMIT: usize = 2_000;

/// The organisation's retention periods.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Retention {
    pub months: i64,
    pub walkin_months: i64,
}

/// How many people one month will anonymise.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RetentionMonth {
    /// `2027-01`.
    pub month: String,
    pub count: i64,
}

/// What retention will do, for the coordinator.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RetentionPreview {
    pub retention: Retention,
    /// Due now: the next upkeep anonymises them.
    pub due_now: i64,
    /// The next day someone becomes due (`2027-01-04`) and how many then.
    pub next_date: Option<String>,
    pub next_count: i64,
    /// The next twelve months, those with someone due only.
    pub by_month: Vec<RetentionMonth>,
    /// Already anonymised.
    pub anonymised: i64,
}

/// One person still identified, with when they become due.
struct Due {
    id: Uuid,
    at: DateTime<Utc>,
}

impl Escale {
    /// The organisation's retention periods.
    pub async fn retention(&self) -> Result<Retention> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT retention_months, retention_walkin_months FROM org LIMIT 1")
                .fetch_optional(self.store.pool())
                .await?;
        let (m, w) = row.unwrap_or_default();
        let months = m.unwrap_or(DEFAULT_RETENTION_MONTHS);
        Ok(Retention {
            months,
            walkin_months: w.unwrap_or(DEFAULT_WALKIN_MONTHS).min(months),
        })
    }

    /// Sets the retention periods (1 to 120 months; the walk-ins' one no
    /// longer than the other).
    pub async fn set_retention(&self, months: i64, walkin_months: i64) -> Result<Retention> {
        self.require(Action::Settings).await?;
        for (field, v) in [
            ("retention_months", months),
            ("retention_walkin_months", walkin_months),
        ] {
            if !RETENTION_RANGE.contains(&v) {
                return Err(Error::Invalid {
                    field,
                    value: v.to_string(),
                });
            }
        }
        if walkin_months > months {
            return Err(Error::Invalid {
                field: "retention_walkin_months",
                value: walkin_months.to_string(),
            });
        }
        let org = self.identity().await?.org_id;
        self.commit(vec![set(
            Entity::Org,
            org,
            [
                ("retention_months", Value::from(months)),
                ("retention_walkin_months", Value::from(walkin_months)),
            ],
        )])
        .await?;
        Ok(Retention {
            months,
            walkin_months,
        })
    }

    /// Who will be anonymised, and when.
    pub async fn retention_preview(&self) -> Result<RetentionPreview> {
        self.require(Action::Settings).await?;
        let retention = self.retention().await?;
        let now = crate::clock::now_utc();
        let due = self.due_dates(retention).await?;
        let mut preview = RetentionPreview {
            retention,
            due_now: 0,
            next_date: None,
            next_count: 0,
            by_month: vec![],
            anonymised: sqlx::query_scalar("SELECT COUNT(*) FROM anonymised")
                .fetch_one(self.store.pool())
                .await?,
        };
        let horizon = now + Months::new(12);
        let mut months: std::collections::BTreeMap<String, i64> = Default::default();
        let mut next: Option<chrono::NaiveDate> = None;
        for d in &due {
            if d.at <= now {
                preview.due_now += 1;
                continue;
            }
            if d.at <= horizon {
                *months.entry(d.at.format("%Y-%m").to_string()).or_default() += 1;
            }
            // The daily upkeep takes them on the day they become due.
            let day = d.at.date_naive();
            match next {
                Some(n) if n < day => {}
                Some(n) if n == day => preview.next_count += 1,
                _ => {
                    next = Some(day);
                    preview.next_count = 1;
                }
            }
        }
        preview.next_date = next.map(|d| d.to_string());
        preview.by_month = months
            .into_iter()
            .map(|(month, count)| RetentionMonth { month, count })
            .collect();
        Ok(preview)
    }

    /// Anonymises now everyone whose period has passed (a coordinator's
    /// command; the app also does it by itself, see [`Escale::upkeep`]).
    pub async fn anonymise_due(&self) -> Result<usize> {
        self.require(Action::Erase).await?;
        self.anonymise_overdue().await
    }

    /// Anonymises one person now, before their period ends (a
    /// coordinator's decision: the person asked, or the record must go but
    /// the figures stay). Everyone merged into them goes with them. Forever.
    pub async fn anonymise(&self, id: &str) -> Result<Uuid> {
        self.require(Action::Erase).await?;
        let v = self.load_visitor(id).await?;
        let mut bodies = vec![OpBody::Anonymise { visitor_id: v.id }];
        bodies.extend(
            self.audit_ops(super::audit::Access::Anonymise, Some(v.id), None, "")
                .await?,
        );
        self.commit(bodies).await?;
        self.store.scrub().await?;
        Ok(v.id)
    }

    /// Commits an `anonymise` op for every person due, a few thousand per
    /// transaction, then leaves none of the old bytes in the WAL.
    pub(crate) async fn anonymise_overdue(&self) -> Result<usize> {
        let retention = self.retention().await?;
        let now = crate::clock::now_utc();
        let due: Vec<Uuid> = self
            .due_dates(retention)
            .await?
            .into_iter()
            .filter(|d| d.at <= now)
            .map(|d| d.id)
            .collect();
        for chunk in due.chunks(PER_COMMIT) {
            let bodies = chunk
                .iter()
                .map(|id| OpBody::Anonymise { visitor_id: *id })
                .collect();
            self.commit(bodies).await?;
        }
        if !due.is_empty() {
            self.store.scrub().await?;
        }
        Ok(due.len())
    }

    /// Every person still identified (a root: merged-away records go with
    /// their root) with the day their period ends.
    async fn due_dates(&self, r: Retention) -> Result<Vec<Due>> {
        // The newest op about each person, merged records included.
        let rows: Vec<(Uuid, i64, i64)> = sqlx::query_as(
            "WITH last AS (
                 SELECT COALESCE(a.root, o.subject) AS who, MAX(o.hlc) AS hlc
                 FROM op o LEFT JOIN alias a ON a.id = o.subject
                 WHERE o.subject IS NOT NULL
                   AND o.kind NOT IN ('set.audit', 'erase', 'anonymise')
                 GROUP BY 1
             ),
             ahead AS (
                 SELECT DISTINCT COALESCE(a.root, g.visitor_id) AS who
                 FROM registration g LEFT JOIN alias a ON a.id = g.visitor_id
                 WHERE g.kind IS NOT 'walk_in'
             )
             SELECT v.id, last.hlc,
                    (v.email IS NULL OR v.email = '') AND (v.phone IS NULL OR v.phone = '')
                        AND v.id NOT IN (SELECT who FROM ahead)
             FROM visitor v JOIN last ON last.who = v.id
             WHERE v.id NOT IN (SELECT id FROM alias)
               AND v.id NOT IN (SELECT visitor_id FROM anonymised)",
        )
        .fetch_all(self.store.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, hlc, walk_in) in rows {
            let months = if walk_in != 0 {
                r.walkin_months
            } else {
                r.months
            };
            let Some(last) = DateTime::<Utc>::from_timestamp_millis(Hlc(hlc).ms()) else {
                continue;
            };
            let at = last
                .checked_add_months(Months::new(months as u32))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            out.push(Due { id, at });
        }
        Ok(out)
    }
}
