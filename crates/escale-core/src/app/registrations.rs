//! The registrations list of an event: who is expected, who came, filtered,
//! sorted and paged in SQL.
//!
//! One row per *person* (merge root), never per registration or scan: someone
//! imported and later registered again as a walk-in on another laptop, then
//! merged, is one row, "pre-registered", arrived at their earliest check-in.
//! Filtering, sorting and paging happen in SQLite, and at most [`MAX_PAGE`]
//! rows come into memory.
//!
//! Why it stays fast with 100,000 people: the query walks visitors in name
//! order on an index (`visitor_by_name`) and probes, per person, "registered
//! here?" on another (`registration_person`), so the first pages read about
//! one page of rows and nothing is sorted. Sorting by arrival reads the
//! event's arrivals (a few thousand check-ins) first, then the people not
//! arrived in name order. The total comes from the registrations themselves
//! when no session or text filter applies. Sorting by registration time is
//! the one full sort. Names sort case-insensitively for ASCII letters (SQLite
//! `NOCASE`); accented capitals (É, Ö, Ł) sort after Z.

use super::people::{visitor_from_row, VisitorView};
use super::time::{format_local, parse_tz};
use super::Escale;
use crate::error::{Error, Result};
use crate::model::{Entity, RegistrationKind};
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The largest page the list returns.
pub const MAX_PAGE: u32 = 500;

/// Which people of the event to list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationShow {
    #[default]
    All,
    Arrived,
    NotArrived,
    /// Registered at the desk only (no pre-registration).
    WalkIns,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationSort {
    /// Last name, first name.
    #[default]
    Name,
    /// Latest arrival first; people not arrived last.
    Arrival,
    /// Latest registration first.
    Registered,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationFilter {
    pub show: RegistrationShow,
    /// Only people who checked into this session.
    pub session_id: Option<String>,
    /// Text filter: every folded word must be in the name; or an email
    /// prefix, a badge code or a ticket code.
    pub query: String,
    pub sort: RegistrationSort,
    pub offset: u32,
    /// At most [`MAX_PAGE`].
    pub limit: u32,
}

impl Default for RegistrationFilter {
    fn default() -> Self {
        RegistrationFilter {
            show: RegistrationShow::All,
            session_id: None,
            query: String::new(),
            sort: RegistrationSort::Name,
            offset: 0,
            limit: 100,
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistrationRow {
    pub visitor: VisitorView,
    /// `pre` if any of the person's registrations is a pre-registration.
    pub kind: RegistrationKind,
    /// Earliest arrival at the event, local time (`2026-12-03 10:42`).
    pub arrived_at: Option<String>,
    /// Titles of the sessions the person checked into, by start time.
    pub sessions: Vec<String>,
    pub ticket_code: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistrationPage {
    /// People matching the filter, before paging.
    pub total: i64,
    pub rows: Vec<RegistrationRow>,
}

/// `v.id, v.<every visitor field>`, from the registry.
fn visitor_cols() -> &'static str {
    static COLS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut cols = vec!["v.id".to_string()];
        cols.extend(
            Entity::Visitor
                .fields()
                .iter()
                .map(|f| format!("v.{}", f.name)),
        );
        cols.join(", ")
    });
    &COLS
}
/// Matches the `visitor_by_name` index, so the walk needs no sort.
const NAME_ORDER: &str = "v.last_name COLLATE NOCASE, v.first_name COLLATE NOCASE, v.rowid";

/// "Some row of `table` about the root visitor `v` (or a record merged into
/// it) satisfies `cond`": two index probes, the second on the (usually
/// empty) aliases of `v`. Written as two `EXISTS` rather than one `IN
/// (v.id, aliases)`, which SQLite would materialise for every row.
fn for_person(table: &str, col: &str, cond: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM {table} WHERE {col} = v.id AND {cond})
          OR EXISTS (SELECT 1 FROM alias m CROSS JOIN {table} WHERE m.root = v.id AND {col} = m.id AND {cond}))"
    )
}
/// The least value of `expr` over the rows of `table` about `v` (and its
/// merged records); for page rows only.
fn least_for_person(table: &str, col: &str, expr: &str, cond: &str) -> String {
    let own = format!("(SELECT min({expr}) FROM {table} WHERE {col} = v.id AND {cond})");
    let merged = format!("(SELECT min({expr}) FROM alias m CROSS JOIN {table} WHERE m.root = v.id AND {col} = m.id AND {cond})");
    format!("min(coalesce({own}, {merged}), coalesce({merged}, {own}))")
}

const REG: (&str, &str, &str) = (
    "registration r",
    "r.visitor_id",
    "r.event_id = ?1 AND r.status = 'active'",
);
const ENTRANCE: (&str, &str, &str) = (
    "checkin c",
    "c.visitor_id",
    "c.event_id = ?1 AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0",
);

fn registered() -> String {
    for_person(REG.0, REG.1, REG.2)
}
fn pre_registered() -> String {
    for_person(REG.0, REG.1, &format!("{} AND r.kind = 'pre'", REG.2))
}
fn arrived() -> String {
    for_person(ENTRANCE.0, ENTRANCE.1, ENTRANCE.2)
}
fn arrival() -> String {
    least_for_person(ENTRANCE.0, ENTRANCE.1, "c.at_ms", ENTRANCE.2)
}
fn ticket() -> String {
    least_for_person(REG.0, REG.1, "r.ticket_code", REG.2)
}
/// Root visitors (merge roots) with their first registration time.
const FIRST_REGISTRATION: &str = "SELECT COALESCE(a.root, r.visitor_id) AS rv, min(r.registered_at) AS at FROM registration r
     LEFT JOIN alias a ON a.id = r.visitor_id WHERE r.event_id = ?1 AND r.status = 'active' GROUP BY rv";
/// Root visitors with a registration of a kind other than `pre` (few): where
/// the walk-ins filter starts from.
const WITH_WALK_IN: &str = "v.id IN (SELECT COALESCE(a.root, r.visitor_id) FROM registration r LEFT JOIN alias a ON a.id = r.visitor_id
     WHERE r.event_id = ?1 AND r.status = 'active' AND r.kind <> 'pre')";
/// Root visitors (merge roots) with their earliest entrance check-in.
const ARRIVALS: &str = "SELECT COALESCE(a.root, c.visitor_id) AS rv, min(c.at_ms) AS at FROM checkin c
     LEFT JOIN alias a ON a.id = c.visitor_id
     WHERE c.event_id = ?1 AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0 GROUP BY rv";

/// A value bound to a numbered parameter of [`Conditions`].
#[derive(Clone)]
enum Bound {
    Text(String),
    Id(Uuid),
}

/// Binds `binds` in order to a query (`$q` any sqlx query builder).
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                Bound::Text(t) => q.bind(t.clone()),
                Bound::Id(id) => q.bind(*id),
            };
        }
        q
    }};
}

/// SQL conditions on the root visitor `v`, with their bound values (`?1` is the event).
struct Conditions {
    terms: Vec<String>,
    binds: Vec<Bound>,
    /// No session or text filter: the total can come from aggregates.
    plain: bool,
}

impl Conditions {
    fn bind(&mut self, value: String) -> String {
        self.binds.push(Bound::Text(value));
        format!("?{}", self.binds.len())
    }

    fn bind_id(&mut self, id: Uuid) -> String {
        self.binds.push(Bound::Id(id));
        format!("?{}", self.binds.len())
    }

    fn sql(&self) -> String {
        self.terms.join(" AND ")
    }

    /// Roots registered at the event, matching the text and session filters
    /// (not the `show` filter, which callers add).
    fn new(event: Uuid, session: Option<Uuid>, query: &str) -> Conditions {
        let mut c = Conditions {
            terms: vec![],
            binds: vec![Bound::Id(event)],
            plain: true,
        };
        // Cheap terms first: SQLite evaluates them in order.
        c.terms.push("v.id NOT IN (SELECT id FROM alias)".into());
        let query: String = query.chars().take(200).collect();
        let query = query.trim();
        if !query.is_empty() {
            c.plain = false;
            let words = crate::text::glue_initials(crate::text::tokens(query));
            let mut name: Vec<String> = words
                .iter()
                .map(|w| format!("v.name_key LIKE {}", c.bind(format!("%{w}%"))))
                .collect();
            if name.is_empty() {
                name.push("0".into());
            }
            let email = c.bind(format!("{}%", like_escape(&query.to_lowercase())));
            let badge = c.bind(query.to_uppercase());
            let ticket = c.bind(query.to_string());
            // `+r.event_id`: look the code up on the ticket index, not by
            // scanning the event's registrations.
            c.terms.push(format!(
                "(({}) OR v.email LIKE {email} ESCAPE '\\' OR v.badge_code = {badge}
                  OR v.id IN (SELECT COALESCE(a.root, r.visitor_id) FROM registration r LEFT JOIN alias a ON a.id = r.visitor_id
                              WHERE r.ticket_code = {ticket} AND +r.event_id = ?1 AND r.status = 'active'))",
                name.join(" AND ")
            ));
        }
        c.terms.push(registered());
        if let Some(s) = session {
            c.plain = false;
            let s = c.bind_id(s);
            c.terms.push(for_person(
                "checkin c",
                "c.visitor_id",
                &format!("c.event_id = ?1 AND c.session_id = {s} AND c.direction = 'in' AND c.voided = 0"),
            ));
        }
        c
    }

    fn with(&self, term: String) -> Conditions {
        let mut c = Conditions {
            terms: self.terms.clone(),
            binds: self.binds.clone(),
            plain: self.plain,
        };
        c.terms.push(term);
        c
    }
}

/// A page in name order: the walk of the `visitor_by_name` index.
fn name_page(shown: &Conditions, limit: i64, offset: i64) -> String {
    format!(
        "SELECT {cols}, {} AS pre, {} AS at, {} AS ticket FROM visitor v WHERE {} ORDER BY {NAME_ORDER} LIMIT {limit} OFFSET {offset}",
        pre_registered(),
        arrival(),
        ticket(),
        shown.sql(),
        cols = visitor_cols(),
    )
}

/// One row of a page: the visitor columns and `pre`, `at`, `ticket`, by name.
fn row(r: &sqlx::sqlite::SqliteRow, tz: chrono_tz::Tz) -> Result<RegistrationRow> {
    Ok(RegistrationRow {
        visitor: visitor_from_row(r)?,
        kind: if r.try_get::<bool, _>("pre")? {
            RegistrationKind::Pre
        } else {
            RegistrationKind::WalkIn
        },
        arrived_at: r
            .try_get::<Option<i64>, _>("at")?
            .map(|ms| format_local(ms, tz)),
        sessions: vec![],
        ticket_code: r.try_get("ticket")?,
    })
}

impl Escale {
    /// One page of an event's registrations (see the module docs).
    pub async fn registrations(
        &self,
        event_id: &str,
        filter: &RegistrationFilter,
    ) -> Result<RegistrationPage> {
        self.require(Action::ListPeople).await?;
        let ev = self.event(event_id).await?;
        let tz = parse_tz(Some(&ev.timezone))?;
        let session = match filter
            .session_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => {
                let session = self.session(s).await?;
                if session.event_id != ev.id {
                    return Err(Error::SessionNotFound(s.chars().take(60).collect()));
                }
                Some(session.id)
            }
            None => None,
        };
        if filter.limit > MAX_PAGE {
            return Err(Error::Invalid {
                field: "limit",
                value: filter.limit.to_string(),
            });
        }
        let base = Conditions::new(ev.id, session, &filter.query);
        let shown = match filter.show {
            RegistrationShow::All => base.with("1".into()),
            RegistrationShow::Arrived => base.with(arrived()),
            RegistrationShow::NotArrived => base.with(format!("NOT {}", arrived())),
            RegistrationShow::WalkIns => base
                .with(WITH_WALK_IN.into())
                .with(format!("NOT {}", pre_registered())),
        };
        let total = self.count(&base, &shown, filter.show).await?;
        let (limit, offset) = (i64::from(filter.limit), i64::from(filter.offset));
        let mut rows = match filter.sort {
            RegistrationSort::Name => {
                self.page_rows(&name_page(&shown, limit, offset), &shown.binds, tz)
                    .await?
            }
            RegistrationSort::Registered => {
                // From the event's registrations (grouped per person), not the walk.
                let sql = format!(
                    "WITH reg AS ({FIRST_REGISTRATION}) SELECT {cols}, {} AS pre, {} AS at, {} AS ticket FROM reg JOIN visitor v ON v.id = reg.rv
                     WHERE {} ORDER BY reg.at IS NULL, reg.at DESC, {NAME_ORDER} LIMIT {limit} OFFSET {offset}",
                    pre_registered(),
                    arrival(),
                    ticket(),
                    shown.sql(),
                    cols = visitor_cols(),
                );
                self.page_rows(&sql, &shown.binds, tz).await?
            }
            RegistrationSort::Arrival => {
                self.by_arrival(&base, filter.show, total, limit, offset, tz)
                    .await?
            }
        };
        let titles = self
            .session_titles(
                ev.id,
                &rows.iter().map(|r| r.visitor.id).collect::<Vec<_>>(),
            )
            .await?;
        for r in &mut rows {
            r.sessions = titles.get(&r.visitor.id).cloned().unwrap_or_default();
        }
        Ok(RegistrationPage { total, rows })
    }

    /// Latest arrival first (from the event's arrivals), then the people not
    /// arrived in name order (the index walk).
    async fn by_arrival(
        &self,
        base: &Conditions,
        show: RegistrationShow,
        total: i64,
        limit: i64,
        offset: i64,
        tz: chrono_tz::Tz,
    ) -> Result<Vec<RegistrationRow>> {
        let walk_ins = match show {
            RegistrationShow::WalkIns => base
                .with(WITH_WALK_IN.into())
                .with(format!("NOT {}", pre_registered())),
            _ => base.with("1".into()),
        };
        let n_arrived = match show {
            RegistrationShow::NotArrived => 0,
            _ => {
                let sql = format!("WITH arr AS ({ARRIVALS}) SELECT count(*) FROM arr JOIN visitor v ON v.id = arr.rv WHERE {}", walk_ins.sql());
                self.scalar(&sql, &walk_ins.binds).await?
            }
        };
        let mut rows = vec![];
        if offset < n_arrived {
            let sql = format!(
                "WITH arr AS ({ARRIVALS}) SELECT {cols}, {} AS pre, arr.at AS at, {} AS ticket FROM arr JOIN visitor v ON v.id = arr.rv
                 WHERE {} ORDER BY arr.at DESC, v.id LIMIT {} OFFSET {offset}",
                pre_registered(),
                ticket(),
                walk_ins.sql(),
                limit.min(n_arrived - offset),
                cols = visitor_cols(),
            );
            rows = self.page_rows(&sql, &walk_ins.binds, tz).await?;
        }
        let rest = limit - rows.len() as i64;
        if rest > 0 && show != RegistrationShow::Arrived && total > n_arrived {
            let not_arrived = walk_ins.with(format!("NOT {}", arrived()));
            let sql = format!(
                "SELECT {cols}, {} AS pre, NULL AS at, {} AS ticket FROM visitor v WHERE {} ORDER BY {NAME_ORDER} LIMIT {rest} OFFSET {}",
                pre_registered(),
                ticket(),
                not_arrived.sql(),
                (offset - n_arrived).max(0),
                cols = visitor_cols(),
            );
            rows.extend(self.page_rows(&sql, &not_arrived.binds, tz).await?);
        }
        Ok(rows)
    }

    /// People matching `shown`; from aggregates over the event's
    /// registrations and arrivals when no session or text filter applies.
    async fn count(
        &self,
        base: &Conditions,
        shown: &Conditions,
        show: RegistrationShow,
    ) -> Result<i64> {
        // Distinct registered records that are roots, plus the roots of
        // merged records registered when the root itself is not.
        let everyone = "SELECT
            (SELECT count(DISTINCT r.visitor_id) FROM registration r
              WHERE r.event_id = ?1 AND r.status = 'active' AND r.visitor_id NOT IN (SELECT id FROM alias))
          + (SELECT count(DISTINCT m.root) FROM alias m CROSS JOIN registration r
              WHERE r.visitor_id = m.id AND r.event_id = ?1 AND r.status = 'active'
                AND NOT EXISTS (SELECT 1 FROM registration r2 WHERE r2.visitor_id = m.root AND r2.event_id = ?1 AND r2.status = 'active'))";
        let arrived = format!("WITH arr AS ({ARRIVALS}) SELECT count(*) FROM arr JOIN visitor v ON v.id = arr.rv WHERE {}", base.sql());
        match (base.plain, show) {
            (true, RegistrationShow::All) => self.scalar(everyone, &base.binds).await,
            (true, RegistrationShow::Arrived) => self.scalar(&arrived, &base.binds).await,
            (true, RegistrationShow::NotArrived) => Ok(self.scalar(everyone, &base.binds).await?
                - self.scalar(&arrived, &base.binds).await?),
            _ => {
                self.scalar(
                    &format!("SELECT count(*) FROM visitor v WHERE {}", shown.sql()),
                    &shown.binds,
                )
                .await
            }
        }
    }

    async fn scalar(&self, sql: &str, binds: &[Bound]) -> Result<i64> {
        let q = bind_all!(sqlx::query_scalar::<_, i64>(sql), binds);
        Ok(q.fetch_one(self.store().pool()).await?)
    }

    async fn page_rows(
        &self,
        sql: &str,
        binds: &[Bound],
        tz: chrono_tz::Tz,
    ) -> Result<Vec<RegistrationRow>> {
        let q = bind_all!(sqlx::query(sql), binds);
        q.fetch_all(self.store().pool())
            .await?
            .iter()
            .map(|r| row(r, tz))
            .collect()
    }

    /// Titles of the sessions of `event` each root visitor checked into.
    async fn session_titles(
        &self,
        event: Uuid,
        roots: &[Uuid],
    ) -> Result<BTreeMap<Uuid, Vec<String>>> {
        let pool = self.store().pool();
        // Each root and the records merged into it, so the check-in look-up
        // is a plain `visitor_id IN (...)` on the index.
        let mut root_of: BTreeMap<Uuid, Uuid> = roots.iter().map(|r| (*r, *r)).collect();
        for chunk in roots.chunks(300) {
            let sql = format!(
                "SELECT id, root FROM alias WHERE root IN ({})",
                vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(pool).await? {
                root_of.insert(r.try_get::<Uuid, _>("id")?, r.try_get::<Uuid, _>("root")?);
            }
        }
        let ids: Vec<Uuid> = root_of.keys().copied().collect();
        let mut found: Vec<(Uuid, String, String)> = vec![];
        for chunk in ids.chunks(300) {
            let sql = format!(
                "SELECT DISTINCT c.visitor_id, s.title, s.starts_at FROM checkin c JOIN session s ON s.id = c.session_id
                 WHERE c.event_id = ? AND c.session_id IS NOT NULL AND c.visitor_id IN ({})
                   AND c.direction = 'in' AND c.voided = 0",
                vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query(&sql).bind(event);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(pool).await? {
                let id: Uuid = r.try_get("visitor_id")?;
                if let Some(root) = root_of.get(&id) {
                    found.push((
                        *root,
                        r.try_get::<Option<String>, _>("starts_at")?
                            .unwrap_or_default(),
                        r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
                    ));
                }
            }
        }
        found.sort();
        let mut out: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
        for (root, _, title) in found {
            let titles = out.entry(root).or_default();
            if !titles.contains(&title) {
                titles.push(title);
            }
        }
        Ok(out)
    }
}

/// `%`, `_` and `\` match literally in a `LIKE … ESCAPE '\'` pattern.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan SQLite picks for a page in name order.
    async fn plan(app: &Escale, c: &Conditions) -> String {
        let sql = format!("EXPLAIN QUERY PLAN {}", name_page(c, 100, 0));
        let q = bind_all!(sqlx::query(&sql), &c.binds);
        let rows = q.fetch_all(app.store().pool()).await.unwrap();
        rows.iter()
            .map(|r| r.get::<String, _>(3))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[tokio::test]
    async fn a_page_in_name_order_walks_the_name_index_without_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let app = Escale::open(dir.path()).await.unwrap();
        let event = Uuid::now_v7();
        for c in [
            Conditions::new(event, None, ""),
            Conditions::new(event, Some(Uuid::now_v7()), "eloise"),
            Conditions::new(event, None, "").with(format!("NOT {}", arrived())),
        ] {
            let plan = plan(&app, &c).await;
            assert!(
                plan.contains("visitor_by_name"),
                "the walk follows the name index:\n{plan}"
            );
            assert!(
                !plan.contains("TEMP B-TREE FOR ORDER BY"),
                "100,000 people must not be sorted for one page:\n{plan}"
            );
            assert!(
                !plan.contains("SCAN r") && !plan.contains("SCAN c"),
                "per-person probes, never scans:\n{plan}"
            );
        }
    }
}
