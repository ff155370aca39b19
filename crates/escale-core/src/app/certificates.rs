//! Attendance certificates: the hours a person actually attended, issuing
//! (an op), listing, revoking, and checking a certificate's code.
//!
//! **Hours.** From the check-in facts of the person (and every record merged
//! into them) at the event, or at every event of a series in the period:
//! for each stream of facts (the event's own arrivals and departures, and
//! each session's), an arrival opens a span and the next departure closes
//! it (a second arrival while open is the same presence; a departure with
//! nothing open is ignored). The spans of all streams are united per day,
//! so a session attended inside the event's presence is not counted twice.
//! **A person never checked out** has an open span: it shows their arrival
//! time and "departure not recorded" and counts no time — a certificate
//! attests only what the desk saw (check them out, then print again).
//! Voided check-ins do not count. Two laptops that checked the same person
//! in and out offline hold the same facts once synced, so they compute the
//! same hours — and the number (`escale_protocol::certificate::number`)
//! is the same everywhere by construction.

use super::audit::Access;
use super::time::parse_tz;
use super::{parse_id, Escale};
use crate::error::{Error, Result};
use crate::op::OpBody;
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use escale_protocol::certificate::{self as cert, Claim, Payload, Rejection, Scope, SigningKey};
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The template of an event's certificate and of a series' one.
pub const PRESENCE: &str = "presence";
pub const ASSIDUITY: &str = "assiduity";

/// One period of presence on one day, local times (`09:05`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: String,
    /// `None`: the person was never checked out.
    pub end: Option<String>,
}

/// What a person attended on one day.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// `yyyy-mm-dd`, in the event's timezone.
    pub date: String,
    pub spans: Vec<Span>,
    pub minutes: i64,
}

/// The organisation as a certificate prints it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgIdentity {
    pub name: String,
    pub address: Option<String>,
    pub siret: Option<String>,
    pub signatory_name: Option<String>,
    pub signatory_role: Option<String>,
    pub issue_place: Option<String>,
    /// The verification page the QR code points to (the hub's `/v`).
    pub verify_url: Option<String>,
    /// The logo (PNG), once every piece of it has synced here.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub logo: Option<Vec<u8>>,
    /// The signatory's signature (PNG), likewise.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub signature: Option<Vec<u8>>,
    /// Whether the organisation has a logo / a signature (even one whose
    /// pieces have not all synced yet). Read only.
    #[serde(default)]
    pub has_logo: bool,
    #[serde(default)]
    pub has_signature: bool,
}

/// An image of the organisation that certificates print.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgImage {
    Logo,
    Signature,
}

impl OrgImage {
    fn field(self) -> &'static str {
        match self {
            OrgImage::Logo => "logo",
            OrgImage::Signature => "signature",
        }
    }
}

/// Raw bytes in one `asset_chunk` op (12,000 base64url characters).
const ASSET_PIECE: usize = 9_000;

/// A certificate, with everything its PDF prints.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertificateView {
    pub number: String,
    pub template: String,
    pub visitor_id: Uuid,
    /// The name exactly as written on the person's record.
    pub name: String,
    pub event_id: Option<Uuid>,
    pub series: Option<String>,
    /// The event's title, or the series' name.
    pub title: String,
    pub place: String,
    pub partner: Option<String>,
    /// The event's own text block (set by the coordinator).
    pub text: Option<String>,
    pub days: Vec<Day>,
    pub minutes: i64,
    pub period_from: String,
    pub period_to: String,
    /// `yyyy-mm-dd` of this issue, in the event's timezone.
    pub issued_on: String,
    pub org: OrgIdentity,
    /// The signed payload (after `#` in the QR code's URL).
    pub payload: String,
    /// What the QR code holds: the verification URL and the payload.
    pub qr: String,
    pub revoked: Option<Revocation>,
    /// Issued before with the same content: this is a reprint.
    pub reprint: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revocation {
    pub on: String,
    pub reason: String,
}

/// A certificate as lists show it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateRow {
    pub number: String,
    pub template: String,
    pub visitor_id: Uuid,
    pub name: String,
    pub event_id: Option<Uuid>,
    pub series: Option<String>,
    pub period_from: String,
    pub period_to: String,
    pub minutes: i64,
    pub issued_ms: i64,
    pub revoked: bool,
}

/// What a name badge prints.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadgeData {
    pub visitor_id: Uuid,
    pub name: String,
    pub event: String,
    /// What the badge's QR code holds: what the desk's scanner checks in.
    pub code: String,
}

/// What checking a certificate's code found.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub number: String,
    /// `yyyy-mm-dd`.
    pub date: String,
    pub minutes: i64,
    /// The name as the code carries it (folded), or the full name when this
    /// laptop knows the certificate.
    pub name: String,
    /// Whether this laptop holds the certificate's issue (false: genuine
    /// signature, but not synced here yet).
    pub known: bool,
    /// What this laptop holds differs from the code (a later reprint).
    pub superseded: bool,
}

/// A certificate already issued: (number, minutes, spans, name, revocation).
type Existing = (String, i64, String, String, Option<Revocation>);

/// Facts of one person at some events: (event, session, at, is arrival).
type Fact = (Uuid, Option<Uuid>, i64, bool);

/// The days attended, from check-in facts (see the module doc).
pub fn attendance(facts: &[Fact], tz: Tz) -> Vec<Day> {
    // Spans per stream (event alone, or one session), in UTC ms.
    // (time, is arrival) per (event, session).
    type Stream = Vec<(i64, bool)>;
    let mut streams: BTreeMap<(Uuid, Option<Uuid>), Stream> = BTreeMap::new();
    for (event, session, at, arrival) in facts {
        streams
            .entry((*event, *session))
            .or_default()
            .push((*at, *arrival));
    }
    let mut closed: Vec<(i64, i64)> = vec![];
    let mut open: Vec<i64> = vec![];
    for facts in streams.values_mut() {
        facts.sort();
        let mut since: Option<i64> = None;
        for (at, arrival) in facts.iter() {
            match (arrival, since) {
                (true, None) => since = Some(*at),
                (false, Some(s)) => {
                    closed.push((s, *at));
                    since = None;
                }
                _ => {}
            }
        }
        if let Some(s) = since {
            open.push(s);
        }
    }
    // Union of the closed spans.
    closed.sort();
    let mut merged: Vec<(i64, i64)> = vec![];
    for (s, e) in closed {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    // An open span inside a closed one says nothing more.
    open.retain(|o| !merged.iter().any(|(s, e)| s <= o && o <= e));
    open.sort();
    open.dedup();
    let local = |ms: i64| {
        tz.timestamp_millis_opt(ms)
            .single()
            .map(|d| d.naive_local())
    };
    let mut entries: Vec<(i64, Option<i64>)> = merged.iter().map(|(s, e)| (*s, Some(*e))).collect();
    entries.extend(open.iter().map(|s| (*s, None)));
    entries.sort();
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for (s, e) in entries {
        let Some(start) = local(s) else { continue };
        let d = days.entry(start.date()).or_insert_with(|| Day {
            date: start.date().format("%Y-%m-%d").to_string(),
            spans: vec![],
            minutes: 0,
        });
        let end = e.and_then(local);
        d.spans.push(Span {
            start: start.format("%H:%M").to_string(),
            end: end.map(|t| {
                if t.date() == start.date() {
                    t.format("%H:%M").to_string()
                } else {
                    t.format("%d/%m %H:%M").to_string()
                }
            }),
        });
        if let Some(e) = e {
            d.minutes += (e - s) / 60_000;
        }
    }
    days.into_values().collect()
}

/// Days as the op and the list carry them: one line per day,
/// `2026-12-01 09:05-11:40, 14:00-?`.
pub fn spans_text(days: &[Day]) -> String {
    days.iter()
        .map(|d| {
            let spans: Vec<String> = d
                .spans
                .iter()
                .map(|s| format!("{}-{}", s.start, s.end.as_deref().unwrap_or("?")))
                .collect();
            format!("{} {}", d.date, spans.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`spans_text`] read back.
pub fn parse_spans(text: &str) -> Vec<Day> {
    text.lines()
        .filter_map(|line| {
            let (date, rest) = line.split_once(' ')?;
            let mut minutes = 0;
            let spans = rest
                .split(", ")
                .filter_map(|s| {
                    let (start, end) = s.rsplit_once('-')?;
                    let end = (end != "?").then(|| end.to_string());
                    if let (Some(a), Some(b)) = (hm(start), end.as_deref().and_then(hm)) {
                        minutes += (b - a).max(0);
                    }
                    Some(Span {
                        start: start.to_string(),
                        end,
                    })
                })
                .collect();
            Some(Day {
                date: date.to_string(),
                spans,
                minutes,
            })
        })
        .collect()
}

fn hm(s: &str) -> Option<i64> {
    let (h, m) = s.split_once(':')?;
    Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
}

/// An event as a certificate needs it.
struct EventFacts {
    id: Uuid,
    title: String,
    place: String,
    tz: Tz,
    date: NaiveDate,
    partner: Option<String>,
    text: Option<String>,
}

fn text_of(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

const EVENT_COLS: &str = "id, title, place, timezone, starts_at, partner, certificate_text, series";

fn event_facts(row: &sqlx::sqlite::SqliteRow) -> Result<EventFacts> {
    let tz = parse_tz(row.try_get::<Option<String>, _>("timezone")?.as_deref())?;
    let starts: Option<String> = row.try_get("starts_at")?;
    let date = starts
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&tz).date_naive())
        .unwrap_or_default();
    Ok(EventFacts {
        id: row.try_get("id")?,
        title: row
            .try_get::<Option<String>, _>("title")?
            .unwrap_or_default(),
        place: row
            .try_get::<Option<String>, _>("place")?
            .unwrap_or_default(),
        tz,
        date,
        partner: text_of(row.try_get("partner")?),
        text: text_of(row.try_get("certificate_text")?),
    })
}

/// What to certify.
enum Target {
    Event(EventFacts),
    Series {
        series: String,
        from: NaiveDate,
        to: NaiveDate,
        events: Vec<EventFacts>,
    },
}

impl Target {
    fn events(&self) -> Vec<&EventFacts> {
        match self {
            Target::Event(e) => vec![e],
            Target::Series { events, .. } => events.iter().collect(),
        }
    }
    fn scope(&self) -> Scope {
        match self {
            Target::Event(e) => Scope::Event(e.id),
            Target::Series {
                series, from, to, ..
            } => Scope::Series {
                series: series.clone(),
                from: from.to_string(),
                to: to.to_string(),
            },
        }
    }
    fn template(&self) -> &'static str {
        match self {
            Target::Event(_) => PRESENCE,
            Target::Series { .. } => ASSIDUITY,
        }
    }
    fn tz(&self) -> Tz {
        self.events()
            .first()
            .map_or(chrono_tz::Europe::Paris, |e| e.tz)
    }
    fn title(&self) -> String {
        match self {
            Target::Event(e) => e.title.clone(),
            Target::Series { series, .. } => series.clone(),
        }
    }
}

impl Escale {
    /// The organisation's identity as certificates print it.
    pub async fn org_identity(&self) -> Result<OrgIdentity> {
        self.require(Action::ViewEvents).await?;
        let ident = self.identity().await?;
        let row = sqlx::query(
            "SELECT name, address, siret, signatory_name, signatory_role, issue_place, verify_url,
                    logo, signature
             FROM org WHERE id = ?",
        )
        .bind(ident.org_id)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(r) = row else {
            return Ok(OrgIdentity::default());
        };
        Ok(OrgIdentity {
            name: r.try_get::<Option<String>, _>("name")?.unwrap_or_default(),
            address: text_of(r.try_get("address")?),
            siret: text_of(r.try_get("siret")?),
            signatory_name: text_of(r.try_get("signatory_name")?),
            signatory_role: text_of(r.try_get("signatory_role")?),
            issue_place: text_of(r.try_get("issue_place")?),
            verify_url: text_of(r.try_get("verify_url")?),
            has_logo: text_of(r.try_get("logo")?).is_some(),
            has_signature: text_of(r.try_get("signature")?).is_some(),
            logo: self.asset(text_of(r.try_get("logo")?)).await?,
            signature: self.asset(text_of(r.try_get("signature")?)).await?,
        })
    }

    /// An asset's bytes, when every piece of it is here.
    async fn asset(&self, id: Option<String>) -> Result<Option<Vec<u8>>> {
        let Some(id) = id.and_then(|s| Uuid::parse_str(&s).ok()) else {
            return Ok(None);
        };
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT idx, count, data FROM asset_chunk WHERE asset_id = ? ORDER BY idx",
        )
        .bind(id)
        .fetch_all(self.store.pool())
        .await?;
        let complete = rows
            .iter()
            .enumerate()
            .all(|(i, (idx, count, _))| *idx == i as i64 && *count == rows.len() as i64);
        if rows.is_empty() || !complete {
            return Ok(None);
        }
        let mut out = vec![];
        for (.., data) in rows {
            out.extend(
                cert::b64url_decode(&data).ok_or_else(|| Error::Corrupt("asset piece".into()))?,
            );
        }
        Ok(Some(out))
    }

    /// Sets the organisation's logo or signature (a PNG made small by the
    /// caller; `None` removes it): its pieces and the field naming it, in
    /// one transaction, synced like everything else.
    pub async fn set_org_image(&self, which: OrgImage, png: Option<&[u8]>) -> Result<()> {
        self.require(Action::Settings).await?;
        let ident = self.identity().await?;
        let field = which.field();
        let mut bodies = vec![];
        let value = match png {
            None => crate::op::Value::Null,
            Some(bytes) => {
                if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
                    return Err(Error::Invalid {
                        field,
                        value: "not a PNG image".into(),
                    });
                }
                let pieces: Vec<&[u8]> = bytes.chunks(ASSET_PIECE).collect();
                if pieces.len() > crate::fold::ASSET_MAX_CHUNKS as usize {
                    return Err(Error::TooLong {
                        field,
                        len: bytes.len(),
                        max: ASSET_PIECE * crate::fold::ASSET_MAX_CHUNKS as usize,
                    });
                }
                let asset_id = Uuid::now_v7();
                for (i, piece) in pieces.iter().enumerate() {
                    bodies.push(OpBody::AssetChunk {
                        asset_id,
                        index: i as u32,
                        count: pieces.len() as u32,
                        mime: "image/png".into(),
                        data: cert::b64url_encode(piece),
                    });
                }
                crate::op::Value::String(asset_id.to_string())
            }
        };
        bodies.push(super::set(
            crate::model::Entity::Org,
            ident.org_id,
            [(field, value)],
        ));
        self.commit(bodies).await?;
        Ok(())
    }

    /// Sets the organisation's identity (one op; synced to every laptop).
    pub async fn set_org_identity(&self, input: &OrgIdentity) -> Result<OrgIdentity> {
        self.require(Action::Settings).await?;
        use crate::validate::text;
        let ident = self.identity().await?;
        let name = text("organisation", &input.name, crate::validate::MAX_TITLE)?.ok_or(
            Error::Required {
                field: "organisation",
            },
        )?;
        let opt =
            |field: &'static str, v: &Option<String>, max: usize| -> Result<crate::op::Value> {
                Ok(super::opt_text(match v {
                    Some(s) => text(field, s, max)?,
                    None => None,
                }))
            };
        if let Some(siret) = input
            .siret
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let digits: String = siret.chars().filter(|c| !c.is_whitespace()).collect();
            if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(Error::Invalid {
                    field: "siret",
                    value: siret.to_string(),
                });
            }
        }
        if let Some(url) = input
            .verify_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains('#') {
                return Err(Error::Invalid {
                    field: "verify_url",
                    value: url.to_string(),
                });
            }
        }
        let body = super::set(
            crate::model::Entity::Org,
            ident.org_id,
            [
                ("name", crate::op::Value::String(name)),
                ("address", opt("address", &input.address, 300)?),
                ("siret", opt("siret", &input.siret, 20)?),
                (
                    "signatory_name",
                    opt("signatory_name", &input.signatory_name, 100)?,
                ),
                (
                    "signatory_role",
                    opt("signatory_role", &input.signatory_role, 100)?,
                ),
                ("issue_place", opt("issue_place", &input.issue_place, 100)?),
                ("verify_url", opt("verify_url", &input.verify_url, 120)?),
            ],
        );
        self.commit(vec![body]).await?;
        self.org_identity().await
    }

    /// An event's partner and the text its certificates print: `None`
    /// leaves a field as it is, an empty text clears it.
    pub async fn set_event_certificate(
        &self,
        event: &str,
        partner: Option<&str>,
        text: Option<&str>,
    ) -> Result<()> {
        self.require(Action::ManageEvents).await?;
        let ev = self.event(event).await?;
        let mut fields = crate::op::Fields::new();
        for (name, value, max) in [
            ("partner", partner, crate::validate::MAX_TITLE),
            ("certificate_text", text, 2_000),
        ] {
            if let Some(v) = value {
                let v = crate::validate::text(name, v, max)?;
                fields.insert(name.to_string(), super::opt_text(v));
            }
        }
        if fields.is_empty() {
            return Ok(());
        }
        self.commit(vec![OpBody::Set {
            entity: crate::model::Entity::Event,
            id: ev.id,
            fields,
        }])
        .await?;
        Ok(())
    }

    /// Name badges of an event's registered people (or of some of them),
    /// sorted by name: the code is what the desk's scanner checks in (the
    /// badge code, else the ticket code, else the person's id).
    pub async fn badges(&self, event: &str, visitors: &[String]) -> Result<Vec<BadgeData>> {
        self.require(Action::ListPeople).await?;
        let ev = self.event(event).await?;
        let mut wanted = vec![];
        for v in visitors {
            wanted.push(self.load_visitor(v).await?.id);
        }
        let rows = sqlx::query(
            "SELECT v.id, v.first_name, v.last_name, v.badge_code, r.ticket_code, v.name_key
             FROM registration r
             JOIN visitor v ON v.id = COALESCE((SELECT root FROM alias WHERE id = r.visitor_id), r.visitor_id)
             WHERE r.event_id = ? AND COALESCE(r.status, 'active') = 'active'
             ORDER BY v.last_name COLLATE NOCASE, v.first_name COLLATE NOCASE",
        )
        .bind(ev.id)
        .fetch_all(self.store.pool())
        .await?;
        let mut out = vec![];
        let mut seen = std::collections::BTreeSet::new();
        for r in rows {
            let id: Uuid = r.try_get("id")?;
            if (!wanted.is_empty() && !wanted.contains(&id)) || !seen.insert(id) {
                continue;
            }
            let first: Option<String> = r.try_get("first_name")?;
            let last: Option<String> = r.try_get("last_name")?;
            let code = text_of(r.try_get("badge_code")?)
                .or(text_of(r.try_get("ticket_code")?))
                .unwrap_or_else(|| id.to_string());
            out.push(BadgeData {
                visitor_id: id,
                name: format!("{} {}", first.unwrap_or_default(), last.unwrap_or_default())
                    .trim()
                    .to_string(),
                event: ev.title.clone(),
                code,
            });
        }
        Ok(out)
    }

    /// The organisation's certificate key (from its sync key).
    async fn signing_key(&self) -> Result<SigningKey> {
        Ok(SigningKey::from_sync_key(&self.store.sync_key().await?.0))
    }

    /// The organisation's public certificate key.
    pub async fn certificate_public_key(&self) -> Result<cert::PublicKey> {
        self.require(Action::VerifyCertificate).await?;
        Ok(self.signing_key().await?.public())
    }

    async fn event_target(&self, event: &str) -> Result<Target> {
        let uid = parse_id(event, Error::EventNotFound)?;
        let row = sqlx::query(&format!("SELECT {EVENT_COLS} FROM event WHERE id = ?"))
            .bind(uid)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or_else(|| Error::EventNotFound(event.to_string()))?;
        Ok(Target::Event(event_facts(&row)?))
    }

    async fn series_target(&self, series: &str, from: &str, to: &str) -> Result<Target> {
        let date = |field: &'static str, s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Error::Invalid {
                field,
                value: s.to_string(),
            })
        };
        let (from, to) = (date("from", from)?, date("to", to)?);
        if to < from {
            return Err(Error::Invalid {
                field: "to",
                value: to.to_string(),
            });
        }
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLS} FROM event WHERE series = ? ORDER BY starts_at"
        ))
        .bind(series.trim())
        .fetch_all(self.store.pool())
        .await?;
        let events: Vec<EventFacts> = rows
            .iter()
            .map(event_facts)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|e| from <= e.date && e.date <= to)
            .collect();
        if events.is_empty() {
            return Err(Error::EventNotFound(format!("{series} ({from} – {to})")));
        }
        Ok(Target::Series {
            series: series.trim().to_string(),
            from,
            to,
            events,
        })
    }

    /// Issues (or prints again) the certificate of attendance of one person
    /// at one event.
    pub async fn issue_certificate(&self, visitor: &str, event: &str) -> Result<CertificateView> {
        self.require(Action::Certificates).await?;
        let target = self.event_target(event).await?;
        self.issue_one(visitor, &target, true).await
    }

    /// The certificate [`Escale::issue_certificate`] would issue, without
    /// issuing it (the preview before printing).
    pub async fn preview_certificate(&self, visitor: &str, event: &str) -> Result<CertificateView> {
        self.require(Action::Certificates).await?;
        let target = self.event_target(event).await?;
        self.issue_one(visitor, &target, false).await
    }

    /// Issues the certificate of regular attendance of one person at every
    /// event of a series between two dates (`yyyy-mm-dd`, inclusive).
    pub async fn issue_series_certificate(
        &self,
        visitor: &str,
        series: &str,
        from: &str,
        to: &str,
    ) -> Result<CertificateView> {
        self.require(Action::Certificates).await?;
        let target = self.series_target(series, from, to).await?;
        self.issue_one(visitor, &target, true).await
    }

    /// The certificates of some people at an event (one transaction);
    /// those who never arrived are left out. Sorted by name.
    pub async fn issue_certificates_for(
        &self,
        event: &str,
        visitors: &[String],
    ) -> Result<Vec<CertificateView>> {
        self.require(Action::Certificates).await?;
        let target = self.event_target(event).await?;
        self.issue_sorted(visitors, &target).await
    }

    /// The certificates of everyone who arrived at an event (one
    /// transaction), sorted by name.
    pub async fn issue_event_certificates(&self, event: &str) -> Result<Vec<CertificateView>> {
        self.require(Action::Certificates).await?;
        let target = self.event_target(event).await?;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT DISTINCT COALESCE(a.root, c.visitor_id) FROM checkin c
             LEFT JOIN alias a ON a.id = c.visitor_id
             WHERE c.event_id = ? AND c.direction = 'in' AND c.voided = 0",
        )
        .bind(target.events()[0].id)
        .fetch_all(self.store.pool())
        .await?;
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.issue_sorted(&ids, &target).await
    }

    /// One person's certificate (issued when `commit`, else a preview).
    async fn issue_one(
        &self,
        visitor: &str,
        target: &Target,
        commit: bool,
    ) -> Result<CertificateView> {
        let mut out = self
            .issue(&[visitor.to_string()], target, true, commit)
            .await?;
        out.pop()
            .ok_or_else(|| Error::VisitorNotFound(visitor.chars().take(60).collect()))
    }

    /// Certificates of several people (those who never arrived left out),
    /// issued in one transaction, sorted by name.
    async fn issue_sorted(
        &self,
        visitors: &[String],
        target: &Target,
    ) -> Result<Vec<CertificateView>> {
        let mut out = self.issue(visitors, target, false, true).await?;
        out.sort_by_cached_key(|c| crate::text::fold(&c.name));
        Ok(out)
    }

    /// Issues for each visitor; `strict`: one who never arrived is an error
    /// (else skipped); `commit`: write the issue ops (else a preview).
    async fn issue(
        &self,
        visitors: &[String],
        target: &Target,
        strict: bool,
        commit: bool,
    ) -> Result<Vec<CertificateView>> {
        let ident = self.identity().await?;
        let key = self.signing_key().await?;
        let org = self.org_identity().await?;
        let tz = target.tz();
        let today = crate::clock::now_utc().with_timezone(&tz).date_naive();
        let event_ids: Vec<Uuid> = target.events().iter().map(|e| e.id).collect();
        let mut views = vec![];
        let mut bodies = vec![];
        for v in visitors {
            let visitor = self.load_visitor(v).await?;
            let root = visitor.id;
            let name = format!("{} {}", visitor.first_name(), visitor.last_name())
                .trim()
                .to_string();
            let facts = self.facts(root, &event_ids).await?;
            let days = attendance(&facts, tz);
            if days.is_empty() {
                if strict {
                    return Err(Error::CertificateNoAttendance {
                        name,
                        event: target.title(),
                    });
                }
                continue;
            }
            let minutes: i64 = days.iter().map(|d| d.minutes).sum();
            let (period_from, period_to) = match target {
                Target::Event(e) => (e.date, e.date),
                Target::Series { from, to, .. } => (*from, *to),
            };
            // A reprint keeps the number already given to this person (or
            // to a record merged into them) for the same thing.
            let existing = self.existing_certificate(root, target).await?;
            let number = existing
                .as_ref()
                .map(|(n, ..)| n.clone())
                .unwrap_or_else(|| {
                    cert::number(ident.org_id, target.template(), &target.scope(), root)
                });
            let spans = spans_text(&days);
            let last_day = days
                .last()
                .and_then(|d| NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").ok())
                .unwrap_or(period_to);
            let claim = Claim::new(
                &number,
                last_day,
                minutes.clamp(0, u32::MAX as i64) as u32,
                &name,
            );
            let payload = cert::sign(&key, &claim);
            let same = existing
                .as_ref()
                .is_some_and(|(_, m, s, n, _)| *m == minutes && *s == spans && *n == name);
            let revoked = existing.as_ref().and_then(|(.., r)| r.clone());
            if commit {
                // Printed again or issued: an access either way.
                bodies.extend(
                    self.audit_ops(
                        Access::Certificate,
                        Some(root),
                        target.events().first().map(|e| e.id),
                        &number,
                    )
                    .await?,
                );
            }
            if !same {
                let (event_id, series) = match target {
                    Target::Event(e) => (Some(e.id), None),
                    Target::Series { series, .. } => (None, Some(series.clone())),
                };
                bodies.push(OpBody::CertificateIssued {
                    number: number.clone(),
                    visitor_id: root,
                    event_id,
                    series,
                    template: target.template().to_string(),
                    period_from: period_from.to_string(),
                    period_to: period_to.to_string(),
                    minutes,
                    spans,
                    name: name.clone(),
                    key_id: key.public().id(),
                });
            }
            let first = target.events()[0];
            views.push(CertificateView {
                number,
                template: target.template().to_string(),
                visitor_id: root,
                name,
                event_id: match target {
                    Target::Event(e) => Some(e.id),
                    _ => None,
                },
                series: match target {
                    Target::Series { series, .. } => Some(series.clone()),
                    _ => None,
                },
                title: target.title(),
                place: first.place.clone(),
                partner: first.partner.clone(),
                text: first.text.clone(),
                days,
                minutes,
                period_from: period_from.to_string(),
                period_to: period_to.to_string(),
                issued_on: today.to_string(),
                qr: qr_text(&org, &payload),
                org: org.clone(),
                payload,
                revoked,
                reprint: same,
            });
        }
        if commit && !bodies.is_empty() {
            self.commit(bodies).await?;
        }
        Ok(views)
    }

    /// Non-voided facts of a person (and their merged records) at events.
    async fn facts(&self, root: Uuid, events: &[Uuid]) -> Result<Vec<Fact>> {
        let mut out = vec![];
        for ev in events {
            let rows = sqlx::query(
                "SELECT event_id, session_id, at_ms, direction FROM checkin
                 WHERE (visitor_id = ?1 OR visitor_id IN (SELECT id FROM alias WHERE root = ?1))
                   AND event_id = ?2 AND voided = 0",
            )
            .bind(root)
            .bind(ev)
            .fetch_all(self.store.pool())
            .await?;
            for r in rows {
                out.push((
                    r.try_get("event_id")?,
                    r.try_get("session_id")?,
                    r.try_get("at_ms")?,
                    r.try_get::<String, _>("direction")? == "in",
                ));
            }
        }
        Ok(out)
    }

    /// The certificate already issued to this person (or a record merged
    /// into them) for the same thing: (number, minutes, spans, name, revocation).
    async fn existing_certificate(&self, root: Uuid, target: &Target) -> Result<Option<Existing>> {
        let (clause, a, b, c) = match target {
            Target::Event(e) => ("event_id = ?2", Some(e.id), None, None),
            Target::Series {
                series, from, to, ..
            } => (
                "series = ?3 AND period_from = ?4 AND period_to = ?5",
                None,
                Some(series.clone()),
                Some((from.to_string(), to.to_string())),
            ),
        };
        let sql = format!(
            "SELECT number, minutes, spans, name, revoked_ms, revoke_reason FROM certificate
             WHERE (visitor_id = ?1 OR visitor_id IN (SELECT id FROM alias WHERE root = ?1))
               AND template = ?6 AND {clause}
             ORDER BY (visitor_id = ?1) DESC, number LIMIT 1"
        );
        let (from, to) = c.unwrap_or_default();
        let row = sqlx::query(&sql)
            .bind(root)
            .bind(a)
            .bind(b)
            .bind(from)
            .bind(to)
            .bind(target.template())
            .fetch_optional(self.store.pool())
            .await?;
        let Some(r) = row else { return Ok(None) };
        let revoked_ms: Option<i64> = r.try_get("revoked_ms")?;
        Ok(Some((
            r.try_get::<Option<String>, _>("number")?
                .unwrap_or_default(),
            r.try_get::<Option<i64>, _>("minutes")?.unwrap_or_default(),
            r.try_get::<Option<String>, _>("spans")?.unwrap_or_default(),
            r.try_get::<Option<String>, _>("name")?.unwrap_or_default(),
            revoked_ms.map(|ms| Revocation {
                on: day_of(ms),
                reason: r
                    .try_get::<Option<String>, _>("revoke_reason")
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            }),
        )))
    }

    /// Certificates, newest first: of an event, of a person, or all.
    pub async fn certificates(
        &self,
        event: Option<&str>,
        visitor: Option<&str>,
    ) -> Result<Vec<CertificateRow>> {
        self.require(Action::Certificates).await?;
        let event = match event {
            Some(e) => Some(self.event(e).await?.id),
            None => None,
        };
        let visitor = match visitor {
            Some(v) => Some(self.load_visitor(v).await?.id),
            None => None,
        };
        self.certificate_rows(event, visitor, None).await
    }

    /// Certificate rows by event, person (and records merged into them) or
    /// number (its record id), each filter optional.
    async fn certificate_rows(
        &self,
        event: Option<Uuid>,
        visitor: Option<Uuid>,
        id: Option<Uuid>,
    ) -> Result<Vec<CertificateRow>> {
        let rows = sqlx::query(
            "SELECT number, template, visitor_id, name, event_id, series, period_from, period_to,
                    minutes, issued_ms, revoked_ms FROM certificate
             WHERE number IS NOT NULL AND visitor_id IS NOT NULL
               AND (?1 IS NULL OR event_id = ?1)
               AND (?2 IS NULL OR visitor_id = ?2 OR visitor_id IN (SELECT id FROM alias WHERE root = ?2))
               AND (?3 IS NULL OR id = ?3)
             ORDER BY issued_ms DESC, number",
        )
        .bind(event)
        .bind(visitor)
        .bind(id)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CertificateRow {
                    number: r
                        .try_get::<Option<String>, _>("number")?
                        .unwrap_or_default(),
                    template: r
                        .try_get::<Option<String>, _>("template")?
                        .unwrap_or_default(),
                    visitor_id: r.try_get("visitor_id")?,
                    name: r.try_get::<Option<String>, _>("name")?.unwrap_or_default(),
                    event_id: r.try_get("event_id")?,
                    series: r.try_get("series")?,
                    period_from: r
                        .try_get::<Option<String>, _>("period_from")?
                        .unwrap_or_default(),
                    period_to: r
                        .try_get::<Option<String>, _>("period_to")?
                        .unwrap_or_default(),
                    minutes: r.try_get::<Option<i64>, _>("minutes")?.unwrap_or_default(),
                    issued_ms: r
                        .try_get::<Option<i64>, _>("issued_ms")?
                        .unwrap_or_default(),
                    revoked: r.try_get::<Option<i64>, _>("revoked_ms")?.is_some(),
                })
            })
            .collect()
    }

    /// One certificate by its number, as issued (to print it again).
    pub async fn certificate(&self, number: &str) -> Result<CertificateView> {
        self.require(Action::Certificates).await?;
        let row = self.certificate_row(number).await?;
        let target = match (row.event_id, &row.series) {
            (Some(e), _) => self.event_target(&e.to_string()).await?,
            (None, Some(s)) => {
                self.series_target(s, &row.period_from, &row.period_to)
                    .await?
            }
            _ => return Err(Error::CertificateNotFound(row.number)),
        };
        self.issue_one(&row.visitor_id.to_string(), &target, true)
            .await
    }

    async fn certificate_row(&self, number: &str) -> Result<CertificateRow> {
        let n = cert::parse_number(number)
            .ok_or_else(|| Error::CertificateNotFound(number.chars().take(40).collect()))?;
        // By its record's id (indexed), not a scan of every certificate.
        self.certificate_rows(None, None, Some(cert::record_id(&n)))
            .await?
            .pop()
            .ok_or(Error::CertificateNotFound(n))
    }

    /// Revokes a certificate (issued by mistake): it no longer verifies as
    /// valid where the revocation has synced (the hub's page says so online).
    pub async fn revoke_certificate(&self, number: &str, reason: &str) -> Result<CertificateRow> {
        self.require(Action::Certificates).await?;
        let row = self.certificate_row(number).await?;
        let reason = crate::validate::text("reason", reason, 500)?
            .ok_or(Error::Required { field: "reason" })?;
        self.commit(vec![OpBody::CertificateRevoked {
            number: row.number.clone(),
            visitor_id: row.visitor_id,
            reason,
        }])
        .await?;
        self.certificate_row(&row.number).await
    }

    /// Checks a certificate's code: the QR code's text (URL or payload) is
    /// verified by its signature; a number alone is looked up here.
    pub async fn verify_certificate(&self, code: &str) -> Result<Verification> {
        self.require(Action::VerifyCertificate).await?;
        let code = code.trim();
        if let Some(n) = cert::parse_number(code) {
            let row = self.certificate_row(&n).await?;
            self.refuse_revoked(&row.number).await?;
            return Ok(Verification {
                number: row.number,
                date: row.period_to,
                minutes: row.minutes,
                name: row.name,
                known: true,
                superseded: false,
            });
        }
        let payload = Payload::parse(code).map_err(|_| Error::CertificateMalformed)?;
        let key = self.certificate_public_key().await?;
        let claim = payload.verify(&key).map_err(|e| match e {
            Rejection::Malformed => Error::CertificateMalformed,
            Rejection::Tampered => Error::CertificateTampered,
            Rejection::UnknownKey { key_id } => Error::CertificateOtherKey(key_id),
        })?;
        self.refuse_revoked(&claim.number).await?;
        let held = self.certificate_row(&claim.number).await.ok();
        let date = claim
            .date()
            .map(|d| d.to_string())
            .unwrap_or_else(|| claim.date.clone());
        Ok(Verification {
            number: claim.number.clone(),
            date,
            minutes: claim.minutes.into(),
            superseded: held
                .as_ref()
                .is_some_and(|h| h.minutes != i64::from(claim.minutes)),
            // The name as the records hold it; once the holder is
            // anonymised, the name the organisation signed in their QR code
            // (they are the one showing it).
            name: held
                .as_ref()
                .filter(|h| h.name != escale_protocol::fields::ANONYMOUS_NAME)
                .map_or(claim.name.clone(), |h| h.name.clone()),
            known: held.is_some(),
        })
    }

    async fn refuse_revoked(&self, number: &str) -> Result<()> {
        let row = sqlx::query(
            "SELECT revoked_ms, revoke_reason FROM certificate WHERE id = ? AND revoked_ms IS NOT NULL",
        )
        .bind(cert::record_id(number))
        .fetch_optional(self.store.pool())
        .await?;
        if let Some(r) = row {
            return Err(Error::CertificateRevoked {
                number: number.to_string(),
                on: day_of(r.try_get("revoked_ms")?),
                reason: r
                    .try_get::<Option<String>, _>("revoke_reason")?
                    .unwrap_or_default(),
            });
        }
        Ok(())
    }
}

fn day_of(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|d| {
            d.with_timezone(&chrono_tz::Europe::Paris)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

/// The QR code's text: the verification page's URL with the payload in its
/// fragment (never sent to the server), or the payload alone.
fn qr_text(org: &OrgIdentity, payload: &str) -> String {
    match org.verify_url.as_deref() {
        Some(url) => format!("{url}#{payload}"),
        None => payload.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> i64 {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn hours_pair_arrivals_with_departures_and_unite_sessions() {
        let (ev, s1) = (Uuid::from_u128(1), Some(Uuid::from_u128(2)));
        let facts = vec![
            (ev, None, t(9, 5), true),
            (ev, None, t(9, 30), true), // scanned twice: the same presence
            (ev, None, t(11, 40), false),
            (ev, s1, t(10, 0), true), // a session inside the presence
            (ev, s1, t(11, 0), false),
            (ev, s1, t(14, 0), true), // a session after leaving
            (ev, s1, t(15, 30), false),
            (ev, None, t(16, 0), false), // a departure with nothing open
        ];
        let days = attendance(&facts, chrono_tz::Europe::Paris);
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].minutes, 155 + 90);
        let spans: Vec<(&str, Option<&str>)> = days[0]
            .spans
            .iter()
            .map(|s| (s.start.as_str(), s.end.as_deref()))
            .collect();
        assert_eq!(
            spans,
            vec![("09:05", Some("11:40")), ("14:00", Some("15:30"))]
        );
        assert_eq!(parse_spans(&spans_text(&days)), days);
    }

    #[test]
    fn a_person_never_checked_out_shows_arrival_and_counts_no_time() {
        let ev = Uuid::from_u128(1);
        let days = attendance(&[(ev, None, t(9, 5), true)], chrono_tz::Europe::Paris);
        assert_eq!(days[0].minutes, 0);
        assert_eq!(days[0].spans[0].start, "09:05");
        assert_eq!(days[0].spans[0].end, None);
        assert_eq!(spans_text(&days), "2026-12-01 09:05-?");
    }
}
