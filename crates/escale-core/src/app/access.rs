//! The rights of the person: everything Escale holds on someone (right of
//! access, GDPR art. 15) and the withdrawal of a consent, purpose by purpose.
//!
//! The access report is a list of sections — the record, registrations,
//! arrivals, consents with the wording's version, certificates, the
//! mediation log, time on public computers, the waiting list, pages
//! printed, coworking passes, and the audit entries about the person —
//! each a small table with French and English headings, so the same value
//! gives the JSON file and the PDF (`escale-print`). Handing it over is an
//! export of personal data: a coordinator's, and itself in the audit log.

use super::audit::Access;
use super::people::ConsentInput;
use super::time::format_local;
use super::Escale;
use crate::error::{Error, Result};
use crate::fields::Kind;
use crate::model::{Entity, CONSENT_WORDING_VERSION};
use crate::op::OpBody;
use crate::report::Text;
use escale_protocol::roles::Action;
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

fn both(fr: &str, en: &str) -> Text {
    Text {
        fr: fr.into(),
        en: en.into(),
    }
}

/// One part of the report: a heading, its columns and rows (values are
/// as stored: codes, dates, numbers).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccessSection {
    pub key: String,
    pub title: Text,
    pub columns: Vec<Text>,
    pub rows: Vec<Vec<String>>,
}

/// Everything held on one person.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccessReport {
    pub visitor_id: Uuid,
    pub name: String,
    /// Records merged into this one (the same person).
    pub merged_ids: Vec<Uuid>,
    pub organisation: String,
    /// When it was made (UTC, ISO 8601).
    pub made_at: String,
    pub sections: Vec<AccessSection>,
}

impl Escale {
    /// Everything Escale holds on a person, for them (right of access).
    pub async fn access_report(&self, visitor: &str) -> Result<AccessReport> {
        self.require(Action::ExportPeople).await?;
        let v = self.load_visitor(visitor).await?;
        let pool = self.store.pool();
        let merged: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM alias WHERE root = ? ORDER BY id")
                .bind(v.id)
                .fetch_all(pool)
                .await?;
        let mut ids = vec![v.id];
        ids.extend(&merged);
        let ph = vec!["?"; ids.len()].join(", ");
        let paris = chrono_tz::Europe::Paris;
        let mut sections = vec![];

        // The record: every field that holds a value, by its label.
        let mut rows = vec![vec!["id".to_string(), v.id.to_string()]];
        for f in Entity::Visitor.fields() {
            if let Some(value) = v.values.get(f.name) {
                let shown = match (f.kind, value.as_str()) {
                    (Kind::Choice(list), Some(code)) => list
                        .iter()
                        .find(|c| c.value == code)
                        .map_or(code.to_string(), |c| format!("{} ({code})", c.label.fr)),
                    (_, Some(s)) => s.to_string(),
                    _ => value.to_string(),
                };
                rows.push(vec![format!("{} / {}", f.label.fr, f.label.en), shown]);
            }
        }
        sections.push(AccessSection {
            key: "record".into(),
            title: both("Votre fiche", "Your record"),
            columns: vec![both("Champ", "Field"), both("Valeur", "Value")],
            rows,
        });

        let text = |r: &sqlx::sqlite::SqliteRow, c: &str| -> Result<String> {
            Ok(r.try_get::<Option<String>, _>(c)?.unwrap_or_default())
        };
        let int = |r: &sqlx::sqlite::SqliteRow, c: &str| -> Result<String> {
            Ok(r.try_get::<Option<i64>, _>(c)?
                .map(|n| n.to_string())
                .unwrap_or_default())
        };

        let regs = bound(
            &format!(
            "SELECT e.title, e.starts_at, r.kind, r.source, r.ticket_code, r.status, r.registered_at
             FROM registration r LEFT JOIN event e ON e.id = r.event_id
             WHERE r.visitor_id IN ({ph}) ORDER BY e.starts_at"
        ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &regs {
            rows.push(vec![
                text(r, "title")?,
                local(&text(r, "starts_at")?),
                text(r, "kind")?,
                text(r, "source")?,
                text(r, "ticket_code")?,
                text(r, "status")?,
                local(&text(r, "registered_at")?),
            ]);
        }
        sections.push(AccessSection {
            key: "registrations".into(),
            title: both("Inscriptions", "Registrations"),
            columns: vec![
                both("Événement", "Event"),
                both("Date", "Date"),
                both("Type", "Kind"),
                both("Source", "Source"),
                both("Billet", "Ticket"),
                both("Statut", "Status"),
                both("Inscrit le", "Registered"),
            ],
            rows,
        });

        let arrivals = bound(
            &format!(
                "SELECT c.at_ms, e.title, s.title AS session, c.direction, c.method, c.voided
             FROM checkin c LEFT JOIN event e ON e.id = c.event_id
             LEFT JOIN session s ON s.id = c.session_id
             WHERE c.visitor_id IN ({ph}) ORDER BY c.at_ms"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &arrivals {
            rows.push(vec![
                format_local(r.try_get("at_ms")?, paris),
                text(r, "title")?,
                text(r, "session")?,
                text(r, "direction")?,
                text(r, "method")?,
                if r.try_get::<i64, _>("voided")? != 0 {
                    "annulé / voided".into()
                } else {
                    String::new()
                },
            ]);
        }
        sections.push(AccessSection {
            key: "arrivals".into(),
            title: both("Passages", "Arrivals and departures"),
            columns: vec![
                both("Quand", "When"),
                both("Événement", "Event"),
                both("Séance", "Session"),
                both("Sens", "Direction"),
                both("Moyen", "Method"),
                both("Annulé", "Voided"),
            ],
            rows,
        });

        let consents = bound(
            &format!(
                "SELECT at_ms, purpose, granted, wording_version FROM consent
             WHERE visitor_id IN ({ph}) ORDER BY at_ms, purpose"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &consents {
            rows.push(vec![
                format_local(r.try_get("at_ms")?, paris),
                text(r, "purpose")?,
                if r.try_get::<i64, _>("granted")? != 0 {
                    "oui / yes".into()
                } else {
                    "non / no".into()
                },
                text(r, "wording_version")?,
            ]);
        }
        sections.push(AccessSection {
            key: "consents".into(),
            title: both("Consentements", "Consents"),
            columns: vec![
                both("Quand", "When"),
                both("Finalité", "Purpose"),
                both("Réponse", "Answer"),
                both("Version du texte", "Wording version"),
            ],
            rows,
        });

        let certs = bound(
            &format!(
                "SELECT c.number, coalesce(e.title, c.series) AS what, c.period_from, c.period_to,
                    c.minutes, c.revoked_ms, c.revoke_reason
             FROM certificate c LEFT JOIN event e ON e.id = c.event_id
             WHERE c.visitor_id IN ({ph}) ORDER BY c.period_from"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &certs {
            let revoked = match r.try_get::<Option<i64>, _>("revoked_ms")? {
                Some(ms) => format!(
                    "{} — {}",
                    format_local(ms, paris),
                    text(r, "revoke_reason")?
                ),
                None => String::new(),
            };
            rows.push(vec![
                text(r, "number")?,
                text(r, "what")?,
                format!("{} → {}", text(r, "period_from")?, text(r, "period_to")?),
                int(r, "minutes")?,
                revoked,
            ]);
        }
        sections.push(AccessSection {
            key: "certificates".into(),
            title: both("Attestations", "Certificates"),
            columns: vec![
                both("Numéro", "Number"),
                both("Pour", "For"),
                both("Période", "Period"),
                both("Minutes", "Minutes"),
                both("Révoquée", "Revoked"),
            ],
            rows,
        });

        let mediation = bound(
            &format!(
                "SELECT at, minutes, themes, tags, note FROM mediation
             WHERE visitor_id IN ({ph}) AND deleted IS NOT 1 ORDER BY at"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &mediation {
            rows.push(vec![
                local(&text(r, "at")?),
                int(r, "minutes")?,
                text(r, "themes")?,
                text(r, "tags")?,
                text(r, "note")?,
            ]);
        }
        sections.push(AccessSection {
            key: "mediation".into(),
            title: both(
                "Accompagnements (journal de médiation)",
                "Help received (mediation log)",
            ),
            columns: vec![
                both("Quand", "When"),
                both("Minutes", "Minutes"),
                both("Thèmes", "Themes"),
                both("Précisions", "Details"),
                both("Note", "Note"),
            ],
            rows,
        });

        let uses = bound(
            &format!(
                "SELECT s.name, u.purpose, u.started_at, u.ended_at FROM station_use u
             LEFT JOIN station s ON s.id = u.station_id
             WHERE u.visitor_id IN ({ph}) ORDER BY u.started_at"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &uses {
            rows.push(vec![
                text(r, "name")?,
                text(r, "purpose")?,
                local(&text(r, "started_at")?),
                local(&text(r, "ended_at")?),
            ]);
        }
        sections.push(AccessSection {
            key: "stations".into(),
            title: both("Postes informatiques", "Public computers"),
            columns: vec![
                both("Poste", "Station"),
                both("Objet", "Purpose"),
                both("Début", "Start"),
                both("Fin", "End"),
            ],
            rows,
        });

        let tickets = bound(&format!(
            "SELECT day, number, purpose, state FROM ticket WHERE visitor_id IN ({ph}) ORDER BY day, number"
        ), &ids)
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &tickets {
            rows.push(vec![
                text(r, "day")?,
                int(r, "number")?,
                text(r, "purpose")?,
                text(r, "state")?,
            ]);
        }
        sections.push(AccessSection {
            key: "tickets".into(),
            title: both("File d'attente", "Waiting list"),
            columns: vec![
                both("Jour", "Day"),
                both("Ticket", "Ticket"),
                both("Objet", "Purpose"),
                both("État", "State"),
            ],
            rows,
        });

        let prints = bound(
            &format!(
                "SELECT day, pages, granted FROM print_job WHERE visitor_id IN ({ph}) ORDER BY at"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &prints {
            rows.push(vec![text(r, "day")?, int(r, "pages")?, int(r, "granted")?]);
        }
        sections.push(AccessSection {
            key: "prints".into(),
            title: both("Impressions", "Pages printed"),
            columns: vec![
                both("Jour", "Day"),
                both("Pages", "Pages"),
                both("Accordées en plus", "Extra granted"),
            ],
            rows,
        });

        let passes = bound(
            &format!(
                "SELECT kind, starts_on, ends_on FROM cowork_pass
             WHERE visitor_id IN ({ph}) AND deleted IS NOT 1 ORDER BY starts_on"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &passes {
            rows.push(vec![
                text(r, "kind")?,
                text(r, "starts_on")?,
                text(r, "ends_on")?,
            ]);
        }
        sections.push(AccessSection {
            key: "coworking".into(),
            title: both("Coworking", "Coworking"),
            columns: vec![
                both("Formule", "Pass"),
                both("Du", "From"),
                both("Au", "To"),
            ],
            rows,
        });

        let audit = bound(
            &format!(
                "SELECT a.at, a.action, s.name AS staff, d.name AS device FROM audit a
             LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN device d ON d.id = a.device_id
             WHERE a.visitor_id IN ({ph}) ORDER BY a.at"
            ),
            &ids,
        )
        .fetch_all(pool)
        .await?;
        let mut rows = vec![];
        for r in &audit {
            let action = text(r, "action")?;
            let label = crate::fields::AUDIT_ACTIONS
                .iter()
                .find(|c| c.value == action)
                .map_or(action.clone(), |c| {
                    format!("{} / {}", c.label.fr, c.label.en)
                });
            rows.push(vec![
                local(&text(r, "at")?),
                label,
                text(r, "staff")?,
                text(r, "device")?,
            ]);
        }
        sections.push(AccessSection {
            key: "audit".into(),
            title: both("Qui a consulté vos données", "Who accessed your data"),
            columns: vec![
                both("Quand", "When"),
                both("Accès", "Access"),
                both("Par", "By"),
                both("Appareil", "Device"),
            ],
            rows,
        });

        let report = AccessReport {
            visitor_id: v.id,
            name: v.display_name(),
            merged_ids: merged,
            organisation: self.info().await?.org_name,
            made_at: crate::clock::now_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            sections,
        };
        self.record_access(Access::RightOfAccess, Some(v.id), None, "")
            .await?;
        Ok(report)
    }

    /// Records a person's answer for one purpose, with the wording shown
    /// today: withdrawing a consent is an operation like any other (the
    /// latest answer per purpose counts, on every laptop).
    pub async fn set_consent(&self, visitor: &str, consent: &ConsentInput) -> Result<()> {
        self.require(Action::EditVisitor).await?;
        let v = self.load_visitor(visitor).await?;
        let purpose = consent.purpose.trim();
        if purpose.is_empty() || purpose.len() > 100 {
            return Err(Error::Invalid {
                field: "purpose",
                value: purpose.chars().take(60).collect(),
            });
        }
        let what = format!(
            "{purpose}: {}",
            if consent.granted {
                "granted"
            } else {
                "withdrawn"
            }
        );
        let mut bodies = vec![OpBody::Consent {
            visitor_id: v.id,
            purpose: purpose.to_string(),
            granted: consent.granted,
            wording_version: CONSENT_WORDING_VERSION.into(),
        }];
        bodies.extend(
            self.audit_ops(Access::EditVisitor, Some(v.id), None, &what)
                .await?,
        );
        self.commit(bodies).await?;
        Ok(())
    }
}

/// An ISO 8601 instant as French local time ("2026-12-03 09:00"); other
/// text as it is.
fn local(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(d) => format_local(d.timestamp_millis(), chrono_tz::Europe::Paris),
        Err(_) => s.to_string(),
    }
}

/// A query with the person's ids bound to its `?`s.
fn bound<'q>(
    sql: &'q str,
    ids: &'q [Uuid],
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    let mut q = sqlx::query(sql);
    for id in ids {
        q = q.bind(*id);
    }
    q
}
