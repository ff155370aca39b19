//! La Coop de la médiation numérique's activity file: one row per activity
//! in the fields its activity report ("compte rendu d'activité") records,
//! for the association to enter in its own Coop account. Individual help
//! comes from the mediation log; a collective workshop is a session that has
//! themes, with its attendance as anonymous counts. No names, no ids of
//! people; not a partner report, so not suppressed. The mapping is in
//! `docs/reports.md`.

use super::compute::{ReportQuery, AGE_BANDS};
use super::read::{self, Profile};
use crate::error::Result;
use crate::fields::{
    choice_label, codes, AUTONOMY, EQUIPMENT, GENDERS, PLACE_KINDS, REFERRALS, SITUATIONS, THEMES,
};
use crate::{Escale, Lang};
use chrono::{DateTime, Datelike};
use escale_protocol::roles::Action;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The file's rows: the header line first.
pub struct CoopFile {
    pub lines: Vec<Vec<String>>,
    /// Activities (rows after the header).
    pub activities: usize,
    pub as_of_ms: i64,
}

#[derive(Default, Clone)]
struct Counts {
    gender: [u64; 4],
    age: [u64; 8],
    situation: Vec<u64>,
}

impl Counts {
    fn add(&mut self, p: Option<&Profile>, year: i64) {
        if self.situation.is_empty() {
            self.situation = vec![0; SITUATIONS.len() + 1];
        }
        let none = Profile::default();
        let p = p.unwrap_or(&none);
        let (birth, situation, gender) =
            (p.birth_year, p.situation.as_deref(), p.gender.as_deref());
        let g = gender
            .and_then(|g| GENDERS.iter().position(|c| c.value == g))
            .unwrap_or(GENDERS.len());
        self.gender[g.min(3)] += 1;
        let a = birth
            .and_then(|y| {
                AGE_BANDS
                    .iter()
                    .position(|(_, lo, hi)| (*lo..=*hi).contains(&(year - y)))
            })
            .unwrap_or(AGE_BANDS.len());
        self.age[a] += 1;
        let s = situation
            .and_then(|s| SITUATIONS.iter().position(|c| c.value == s))
            .unwrap_or(SITUATIONS.len());
        self.situation[s] += 1;
    }
}

fn labels(list: &[crate::fields::Choice], stored: &str, lang: Lang) -> String {
    codes(stored)
        .map(|c| choice_label(list, c, lang))
        .collect::<Vec<_>>()
        .join(" ; ")
}

impl Escale {
    /// The activities of a scope in la Coop's fields (see the module docs).
    pub async fn coop_activities(&self, query: &ReportQuery, lang: Lang) -> Result<CoopFile> {
        self.require(Action::Reports).await?;
        let pick = |fr: &str, en: &str| match lang {
            Lang::Fr => fr.to_string(),
            Lang::En => en.to_string(),
        };
        let events = self.report_events(query).await?;
        let (scope, idx) = super::compute::resolve_scope(query, &events)?;
        let in_scope: HashMap<Uuid, usize> = idx.iter().map(|i| (events[*i].id, *i)).collect();
        let year = chrono::NaiveDate::parse_from_str(&scope.to, "%Y-%m-%d")
            .map(|d| d.year() as i64)
            .unwrap_or(2026);
        let pool = self.store().pool();

        // Profiles: birth year, situation, gender by person.
        let profiles = read::profiles(pool).await?;

        let mut header = vec![
            pick("Date", "Date"),
            pick("Heure", "Time"),
            pick("Durée (min)", "Duration (min)"),
            pick("Type", "Type"),
            pick("Lieu", "Place"),
            pick("Code INSEE de la commune", "Town INSEE code"),
            pick("Thématiques", "Themes"),
            pick("Matériel utilisé", "Equipment used"),
            pick("Autonomie", "Autonomy"),
            pick("Orientation", "Referred"),
            pick("Structure d’orientation", "Referred to"),
            pick("Titre de l’atelier", "Workshop title"),
            pick("Participants", "Participants"),
        ];
        header.extend(GENDERS.iter().map(|g| g.label.get(lang).to_string()));
        header.push(pick("Genre non renseigné", "Gender not recorded"));
        for (key, lo, hi) in AGE_BANDS {
            header.push(match *key {
                "<12" => pick("Moins de 12 ans", "Under 12"),
                "70+" => pick("70 ans et plus", "70 and over"),
                _ => pick(&format!("{lo}-{hi} ans"), &format!("{lo}-{hi}")),
            });
        }
        header.push(pick("Âge non renseigné", "Age not recorded"));
        header.extend(SITUATIONS.iter().map(|s| s.label.get(lang).to_string()));
        header.push(pick("Statut non renseigné", "Status not recorded"));

        let mut rows: Vec<(String, Vec<String>)> = vec![];
        let mut as_of_ms = 0i64;
        let push = |rows: &mut Vec<(String, Vec<String>)>,
                    sort: String,
                    mut line: Vec<String>,
                    c: &Counts| {
            line.extend(c.gender.iter().map(u64::to_string));
            line.extend(c.age.iter().map(u64::to_string));
            line.extend(c.situation.iter().map(u64::to_string));
            rows.push((sort, line));
        };

        // Individual help.
        let wanted: HashSet<Uuid> = in_scope.keys().copied().collect();
        for e in read::entries(pool, &scope, &wanted).await? {
            as_of_ms = as_of_ms.max(e.at.timestamp_millis());
            let mut c = Counts::default();
            c.add(e.person.and_then(|p| profiles.get(&p)), year);
            let line = vec![
                e.at.format("%Y-%m-%d").to_string(),
                e.at.format("%H:%M").to_string(),
                e.minutes.to_string(),
                pick("Accompagnement individuel", "Individual help"),
                e.place_kind
                    .map(|p| choice_label(PLACE_KINDS, &p, lang))
                    .unwrap_or_default(),
                e.commune_code.unwrap_or_default(),
                labels(THEMES, &e.themes, lang),
                labels(EQUIPMENT, &e.equipment, lang),
                e.autonomy
                    .map(|a| choice_label(AUTONOMY, &a, lang))
                    .unwrap_or_default(),
                if e.referral.is_some() {
                    pick("Oui", "Yes")
                } else {
                    pick("Non", "No")
                },
                e.referral
                    .map(|r| choice_label(REFERRALS, &r, lang))
                    .unwrap_or_default(),
                String::new(),
                "1".into(),
            ];
            push(
                &mut rows,
                format!("{}|{}", e.at.to_rfc3339(), e.id),
                line,
                &c,
            );
        }

        // Collective workshops: sessions with themes, with their attendance.
        let ids: Vec<Uuid> = idx.iter().map(|i| events[*i].id).collect();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, event_id, title, starts_at, ends_at, themes FROM session
                 WHERE event_id IN ({}) AND COALESCE(archived, 0) = 0 AND themes IS NOT NULL AND themes <> ''",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(pool).await? {
                let sid: Uuid = r.try_get("id")?;
                let eid: Uuid = r.try_get("event_id")?;
                let ev = &events[in_scope[&eid]];
                let people: HashSet<Uuid> = sqlx::query_scalar(
                    "SELECT DISTINCT COALESCE(a.root, c.visitor_id) FROM checkin c
                     LEFT JOIN alias a ON a.id = c.visitor_id
                     WHERE c.event_id = ? AND c.session_id = ? AND c.direction = 'in' AND c.voided = 0",
                )
                .bind(eid)
                .bind(sid)
                .fetch_all(pool)
                .await?
                .into_iter()
                .collect();
                if people.is_empty() {
                    continue;
                }
                let starts: String = r
                    .try_get::<Option<String>, _>("starts_at")?
                    .unwrap_or_default();
                let ends: String = r
                    .try_get::<Option<String>, _>("ends_at")?
                    .unwrap_or_default();
                let (Ok(s), Ok(e)) = (
                    DateTime::parse_from_rfc3339(&starts),
                    DateTime::parse_from_rfc3339(&ends),
                ) else {
                    continue;
                };
                as_of_ms = as_of_ms.max(s.timestamp_millis());
                let local = s.with_timezone(&ev.tz);
                let mut c = Counts::default();
                let mut sorted: Vec<&Uuid> = people.iter().collect();
                sorted.sort();
                for p in sorted {
                    c.add(profiles.get(p), year);
                }
                let line = vec![
                    local.format("%Y-%m-%d").to_string(),
                    local.format("%H:%M").to_string(),
                    ((e - s).num_minutes().max(0)).to_string(),
                    pick("Atelier collectif", "Collective workshop"),
                    choice_label(PLACE_KINDS, "site", lang),
                    String::new(),
                    labels(
                        THEMES,
                        &r.try_get::<Option<String>, _>("themes")?
                            .unwrap_or_default(),
                        lang,
                    ),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
                    people.len().to_string(),
                ];
                push(&mut rows, format!("{}|{sid}", local.to_rfc3339()), line, &c);
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let activities = rows.len();
        let mut lines = vec![header];
        lines.extend(rows.into_iter().map(|(_, l)| l));
        Ok(CoopFile {
            lines,
            activities,
            as_of_ms,
        })
    }
}
