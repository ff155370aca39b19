//! The daily print quota: pages printed for a person through Escale
//! (certificates apart) count against a number of free pages a day (the
//! organisation's setting, 15 when unset); staff can grant more for the
//! day. Each print and each grant is a `print_job` record whose person
//! travels in its own op: erasure keeps the pages in the figures.

use super::queue::local_day;
use super::stations::person_op;
use super::time::to_storage;
use super::{set, Escale};
use crate::error::{Error, Result};
use crate::model::Entity;
use crate::op::Value;
use escale_protocol::roles::Action;
use serde::Serialize;
use uuid::Uuid;

/// Free pages a day when the organisation set none.
pub const DEFAULT_PRINT_QUOTA: i64 = 15;
/// Most pages one print or one grant may count.
pub const MAX_PAGES: i64 = 500;

/// Where a person stands against today's quota.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrintQuota {
    pub visitor_id: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub printed: i64,
    /// The organisation's free pages plus what staff granted today.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub quota: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub granted: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub left: i64,
}

fn pages_value(field: &'static str, pages: i64) -> Result<i64> {
    if (1..=MAX_PAGES).contains(&pages) {
        Ok(pages)
    } else {
        Err(Error::Invalid {
            field,
            value: pages.to_string(),
        })
    }
}

impl Escale {
    /// The organisation's free pages a day.
    pub async fn print_quota_setting(&self) -> Result<i64> {
        self.require(Action::ViewEvents).await?;
        let ident = self.identity().await?;
        let set: Option<i64> = sqlx::query_scalar("SELECT print_quota FROM org WHERE id = ?")
            .bind(ident.org_id)
            .fetch_optional(self.store.pool())
            .await?
            .flatten();
        Ok(set.filter(|q| *q >= 0).unwrap_or(DEFAULT_PRINT_QUOTA))
    }

    /// A person's pages today.
    pub async fn print_quota(&self, visitor: &str) -> Result<PrintQuota> {
        self.require(Action::Stations).await?;
        let person = self.load_visitor(visitor).await?;
        let day = local_day(crate::clock::now_utc())?;
        let (printed, granted): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(sum(p.pages), 0), COALESCE(sum(p.granted), 0)
             FROM print_job p LEFT JOIN alias a ON a.id = p.visitor_id
             WHERE p.day = ? AND COALESCE(a.root, p.visitor_id) = ?",
        )
        .bind(day.to_string())
        .bind(person.id)
        .fetch_one(self.store.pool())
        .await?;
        let quota = self.print_quota_setting().await? + granted;
        Ok(PrintQuota {
            visitor_id: person.id,
            printed,
            quota,
            granted,
            left: (quota - printed).max(0),
        })
    }

    /// Counts pages printed for a person; refused past today's quota.
    pub async fn record_print(&self, visitor: &str, pages: i64) -> Result<PrintQuota> {
        self.require(Action::Stations).await?;
        let q = self.check_print(visitor, pages).await?;
        self.count_printed(&q.visitor_id.to_string(), pages).await
    }

    /// Whether `pages` more fit in a person's quota today (refused with
    /// what is left when they do not).
    pub async fn check_print(&self, visitor: &str, pages: i64) -> Result<PrintQuota> {
        self.require(Action::Stations).await?;
        let pages = pages_value("pages", pages)?;
        let q = self.print_quota(visitor).await?;
        if q.printed + pages > q.quota {
            let person = self.load_visitor(visitor).await?;
            return Err(Error::PrintQuotaExceeded {
                name: person.display_name(),
                used: q.printed,
                quota: q.quota,
                pages,
            });
        }
        Ok(q)
    }

    /// Counts pages already printed (checked with [`Escale::check_print`]
    /// before the job was sent: a printed page is counted whatever another
    /// desk counted meanwhile).
    pub async fn count_printed(&self, visitor: &str, pages: i64) -> Result<PrintQuota> {
        self.require(Action::Stations).await?;
        let pages = pages_value("pages", pages)?;
        let person = self.load_visitor(visitor).await?;
        self.print_job(person.id, [("pages", Value::from(pages))])
            .await?;
        self.print_quota(&person.id.to_string()).await
    }

    /// Grants a person more pages for today.
    pub async fn grant_pages(&self, visitor: &str, pages: i64) -> Result<PrintQuota> {
        self.require(Action::Stations).await?;
        let pages = pages_value("granted", pages)?;
        let person = self.load_visitor(visitor).await?;
        self.print_job(person.id, [("granted", Value::from(pages))])
            .await?;
        self.print_quota(&person.id.to_string()).await
    }

    async fn print_job(&self, visitor: Uuid, what: [(&str, Value); 1]) -> Result<()> {
        let now = crate::clock::now_utc();
        let id = Uuid::now_v7();
        let [(name, value)] = what;
        self.commit(vec![
            set(
                Entity::PrintJob,
                id,
                [
                    ("at", Value::String(to_storage(now))),
                    ("day", Value::String(local_day(now)?.to_string())),
                    (name, value),
                ],
            ),
            person_op(Entity::PrintJob, id, visitor),
        ])
        .await?;
        Ok(())
    }
}
