//! Synthetic demo data: an event full of invented people with French-style
//! (and diverse) names, for demos, screenshots and benchmarks.
//!
//! Every person here is made up from lists of common first and last names
//! combined at random; emails use `example.org`/`example.net` (reserved
//! domains) and phone numbers the 06 99 range. The event is marked "[DÉMO]"
//! and its series is `demo`, so it is obvious and easy to archive.

use crate::app::{EventInput, EventView, SessionInput};
use crate::error::Result;
use crate::fields::Kind;
use crate::import::badge_from_id;
use crate::model::{
    Direction, Entity, EventKind, Method, RegistrationKind, CONSENT_PROCESSING, REG_ACTIVE,
};
use crate::op::{Fields, OpBody, Value};
use crate::Escale;
use escale_protocol::roles::Action;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use uuid::Uuid;

pub const FIRST_NAMES: &[&str] = &[
    "Éloïse",
    "Chloé",
    "Léa",
    "Manon",
    "Camille",
    "Inès",
    "Jade",
    "Louise",
    "Zoé",
    "Léna",
    "Maëlys",
    "Anaïs",
    "Océane",
    "Hélène",
    "Françoise",
    "Aïcha",
    "Fatoumata",
    "Yasmine",
    "Nour",
    "Amel",
    "Sofia",
    "Agnieszka",
    "Thuy",
    "Mai",
    "Ngozi",
    "Marie",
    "Martine",
    "Nathalie",
    "Sylvie",
    "Isabelle",
    "Aurélie",
    "Émilie",
    "Lucas",
    "Hugo",
    "Théo",
    "Nathan",
    "Mathis",
    "Enzo",
    "Louis",
    "Gabriel",
    "Raphaël",
    "Jérôme",
    "François",
    "Noël",
    "Loïc",
    "Gaël",
    "Mehdi",
    "Karim",
    "Youssef",
    "Moussa",
    "Mamadou",
    "Ibrahima",
    "Łukasz",
    "Piotr",
    "Ömer",
    "Mehmet",
    "Thanh",
    "Minh",
    "Jean-Baptiste",
    "Pierre",
    "Michel",
    "Stéphane",
    "Olivier",
    "Cédric",
];

pub const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "N'Diaye",
    "Diallo",
    "Traoré",
    "Koné",
    "Camara",
    "Sow",
    "Ben Ali",
    "Benali",
    "Haddad",
    "Mansouri",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Yılmaz",
    "Öztürk",
    "Şahin",
    "Da Silva",
    "Pereira",
    "Ferreira",
    "Le Gall",
    "Le Goff",
    "Kerbrat",
    "D'Almeida",
    "O'Connor",
    "Lefèvre-Martin",
    "Château",
    "Bénard",
    "Crémieux",
    "Gaëtan",
    "Noël",
    "Pâris",
    "Brûlé",
    "Cœur",
    "Lœuillet",
];

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub event: EventView,
    pub visitors: usize,
    pub arrived: usize,
    /// Entries of the mediation log made.
    pub helped: usize,
    pub ops: usize,
}

/// A synthetic person (deterministic for a given rng).
pub fn person(rng: &mut StdRng, n: usize) -> (String, String, String, String, i64) {
    let first = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
    let ascii = |s: &str| crate::text::tokens(s).join("");
    let email = format!(
        "{}.{}{}@example.{}",
        ascii(first),
        ascii(last),
        n,
        if n.is_multiple_of(2) { "org" } else { "net" }
    );
    let phone = format!(
        "06 99 {:02} {:02} {:02}",
        rng.gen_range(0..100),
        rng.gen_range(0..100),
        rng.gen_range(0..100)
    );
    let year = rng.gen_range(1955..2007);
    (first.to_string(), last.to_string(), email, phone, year)
}

/// A synthetic visitor's fields, one per registry field a person types, by
/// its kind (deterministic for a given rng): the names and e-mail of
/// [`person`], a phone, a commune (of Seine-Saint-Denis mostly) with one of its postcodes, a
/// birth year, a value of each closed list (the first, job seeker, more
/// often: a job fair's crowd); free text is left empty. Cleaned as what is
/// typed at the desk, so a new field gets demo values from its kind.
pub fn visitor_fields(rng: &mut StdRng, n: usize) -> Result<Fields> {
    let (first, last, email, phone, year) = person(rng, n);
    // A stand draws its crowd from around it: most people live in the
    // département (Seine-Saint-Denis), a few come from anywhere in France.
    static LOCAL: std::sync::OnceLock<Vec<escale_protocol::communes::Commune>> =
        std::sync::OnceLock::new();
    let local = LOCAL.get_or_init(|| {
        escale_protocol::communes::all()
            .iter()
            .filter(|c| c.insee.starts_with("93"))
            .copied()
            .collect()
    });
    let communes = if rng.gen_bool(0.85) && !local.is_empty() {
        local.as_slice()
    } else {
        escale_protocol::communes::all()
    };
    let commune = communes[rng.gen_range(0..communes.len())];
    let postcodes: Vec<&str> = commune.postcodes().collect();
    let postcode = postcodes[rng.gen_range(0..postcodes.len())];
    let mut names = [first, last].into_iter();
    let mut raw = crate::fields::VisitorRaw::new();
    for f in Entity::Visitor.fields().iter().filter(|f| f.max > 0) {
        let value = match f.kind {
            Kind::Name => names.next().map(Value::from),
            Kind::Email => Some(Value::from(email.as_str())),
            Kind::Phone => Some(Value::from(phone.as_str())),
            Kind::Postcode => Some(Value::from(postcode)),
            Kind::BirthYear => Some(Value::from(year)),
            Kind::Choice(choices) => {
                let i = rng.gen_range(0..choices.len() + 2).saturating_sub(2);
                Some(Value::from(choices[i].value))
            }
            Kind::Custom(_) => Some(Value::from(commune.insee)),
            _ => None,
        };
        if let Some(v) = value {
            raw.set(f.name, v);
        }
    }
    let mut warnings = vec![];
    Ok(crate::validate::clean_record(
        Entity::Visitor,
        &raw.0,
        &mut warnings,
    )?)
}

impl Escale {
    /// Creates a demo event with `visitors` synthetic pre-registered people,
    /// `arrived_ratio` of them already checked in.
    pub async fn demo(&self, visitors: usize, arrived_ratio: f64, seed: u64) -> Result<DemoReport> {
        self.require(Action::Settings).await?;
        /// Ops per transaction.
        const SLICE: usize = 1_500;
        let today = crate::clock::now_utc()
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string();
        let event = self
            .create_event(&EventInput {
                kind: Some(EventKind::Fair),
                title: "[DÉMO] Forum emploi & numérique".into(),
                place: "Salle des fêtes, place de la Mairie".into(),
                timezone: None,
                starts_at: format!("{today} 09:00"),
                ends_at: format!("{today} 17:30"),
                series: Some("demo".into()),
                coworking: None,
            })
            .await?;
        let eid = event.id.to_string();
        for (title, room, s, e, cap) in [
            (
                "Atelier CV et lettre de motivation",
                "Salle A",
                "10:00",
                "11:30",
                20,
            ),
            (
                "Conférence : les métiers qui recrutent",
                "Amphithéâtre",
                "14:00",
                "15:00",
                120,
            ),
            (
                "Identité numérique et démarches en ligne",
                "Salle B",
                "15:30",
                "17:00",
                15,
            ),
        ] {
            self.add_session(
                &eid,
                &SessionInput {
                    title: title.into(),
                    room: room.into(),
                    starts_at: s.into(),
                    ends_at: e.into(),
                    capacity: Some(cap),
                    themes: Some(vec!["job_integration".into(), "office".into()]),
                },
            )
            .await?;
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let mediator = self.info().await?.device_name;
        let tz = crate::app::time::parse_tz(Some(&event.timezone))?;
        // Committed a slice at a time, like an import: a desk using the
        // store meanwhile is served between two slices.
        let mut pending = Vec::new();
        let mut arrived = 0;
        let mut helped = 0;
        let mut ops = 0;
        // People who came, for the public computers and the coworking space.
        let mut seated: Vec<Uuid> = vec![];
        for n in 0..visitors {
            let vid = Uuid::now_v7();
            let mut f = visitor_fields(&mut rng, n)?;
            f.insert("badge_code".into(), Value::String(badge_from_id(vid)));
            pending.push(OpBody::Set {
                entity: Entity::Visitor,
                id: vid,
                fields: f,
            });
            pending.push(OpBody::Consent {
                visitor_id: vid,
                purpose: CONSENT_PROCESSING.into(),
                granted: true,
                wording_version: "demo".into(),
            });
            let mut r = Fields::new();
            r.insert("event_id".into(), Value::String(eid.clone()));
            r.insert("visitor_id".into(), Value::String(vid.to_string()));
            r.insert(
                "kind".into(),
                Value::String(RegistrationKind::Pre.as_str().into()),
            );
            r.insert("source".into(), Value::String("demo".into()));
            r.insert("source_key".into(), Value::String(n.to_string()));
            r.insert("ticket_code".into(), Value::String(format!("DEMO-{n:07}")));
            r.insert("status".into(), Value::String(REG_ACTIVE.into()));
            pending.push(OpBody::Set {
                entity: Entity::Registration,
                id: Uuid::now_v7(),
                fields: r,
            });
            if rng.gen_bool(arrived_ratio.clamp(0.0, 1.0)) {
                arrived += 1;
                if seated.len() < 40 {
                    seated.push(vid);
                }
                pending.push(OpBody::CheckIn {
                    event_id: event.id,
                    session_id: None,
                    visitor_id: vid,
                    direction: Direction::In,
                    method: Method::Cli,
                    code: None,
                });
                // Most people who came were helped with something.
                if rng.gen_bool(0.6) {
                    helped += 1;
                    pending.extend(demo_help(
                        &mut rng,
                        &today,
                        tz,
                        event.id,
                        &mediator,
                        Some(vid),
                    ));
                }
            }
            // And a few who did not want to register.
            if n % 25 == 0 {
                helped += 1;
                pending.extend(demo_help(&mut rng, &today, tz, event.id, &mediator, None));
            }
            if pending.len() >= SLICE {
                ops += pending.len();
                self.commit(std::mem::take(&mut pending)).await?;
            }
        }
        ops += pending.len();
        if !pending.is_empty() {
            self.commit(pending).await?;
        }
        self.demo_stations(&mut rng, &seated, event.id).await?;
        Ok(DemoReport {
            event,
            visitors,
            arrived,
            helped,
            ops,
        })
    }
}

impl Escale {
    /// The demo's public computers (five, four in use with various time
    /// left, sessions ended earlier today), three people waiting, pages
    /// printed, and a coworking space with a dozen coworkers, passes and
    /// today's presence — only the first time (stations are named once).
    async fn demo_stations(&self, rng: &mut StdRng, people: &[Uuid], event: Uuid) -> Result<()> {
        use crate::app::stations::person_op;
        use crate::app::time::to_storage;
        use crate::app::{JoinInput, PassInput, StationInput};
        if people.len() < 40 || !self.stations().await?.is_empty() {
            return Ok(());
        }
        let offers: [&[&str]; 5] = [
            &["printer"],
            &["webcam", "headset"],
            &[],
            &["accessibility", "headset"],
            &["printer", "webcam"],
        ];
        let mut stations = vec![];
        for (i, o) in offers.iter().enumerate() {
            stations.push(
                self.add_station(&StationInput {
                    name: format!("Poste {}", i + 1),
                    place: Some("stand".into()),
                    offers: o.iter().map(|s| s.to_string()).collect(),
                })
                .await?,
            );
        }
        let now = crate::clock::now_utc();
        let desk = self.identity().await?.device_id;
        let purposes = ["job_search", "cv_letter", "procedure", "free", "training"];
        let mut bodies = vec![];
        let mut session = |station: Uuid,
                           person: Uuid,
                           ago: i64,
                           ended: Option<i64>,
                           minutes: i64,
                           rng: &mut StdRng| {
            let id = Uuid::now_v7();
            let text = |s: String| Value::String(s);
            let mut f = Fields::new();
            f.insert("station_id".into(), text(station.to_string()));
            f.insert(
                "purpose".into(),
                text(purposes[rng.gen_range(0..purposes.len())].into()),
            );
            f.insert(
                "started_at".into(),
                text(to_storage(now - chrono::Duration::minutes(ago))),
            );
            f.insert("minutes".into(), Value::from(minutes));
            if let Some(e) = ended {
                f.insert(
                    "ended_at".into(),
                    text(to_storage(now - chrono::Duration::minutes(e))),
                );
            }
            f.insert("event_id".into(), text(event.to_string()));
            f.insert("desk".into(), text(desk.to_string()));
            bodies.push(OpBody::Set {
                entity: Entity::StationUse,
                id,
                fields: f,
            });
            bodies.push(person_op(Entity::StationUse, id, person));
        };
        // Earlier today, every hour or so on each station (ended).
        let mut k = 0;
        for back in (2..7).rev() {
            for s in &stations[..4] {
                let ago = back * 60 + rng.gen_range(0..30);
                session(
                    s.id,
                    people[k % people.len()],
                    ago,
                    Some(ago - rng.gen_range(20..45)),
                    45,
                    rng,
                );
                k += 1;
            }
        }
        // Running now: one nearly over (the board warns), one over time.
        for (s, ago) in stations[..4].iter().zip([42, 20, 12, 49]) {
            session(s.id, people[k % people.len()], ago, None, 45, rng);
            k += 1;
        }
        self.commit(bodies).await?;
        // Poste 5 is free, then three people wait.
        for p in &people[k..k + 3] {
            self.join_queue(&JoinInput {
                visitor_id: p.to_string(),
                purpose: Some(purposes[rng.gen_range(0..3)].into()),
                event_id: Some(event.to_string()),
            })
            .await?;
        }
        for p in &people[..8] {
            self.record_print(&p.to_string(), rng.gen_range(1..7))
                .await?;
        }
        // The third place's coworking space.
        let today = crate::app::queue::local_day(now)?;
        let space = self
            .create_event(&EventInput {
                kind: Some(EventKind::Other),
                title: "[DÉMO] Coworking du tiers-lieu".into(),
                place: "Tiers-lieu, 12 rue des Ateliers".into(),
                timezone: None,
                starts_at: format!("{} 08:30", today - chrono::Duration::days(30)),
                ends_at: format!("{} 19:00", today + chrono::Duration::days(90)),
                series: None,
                coworking: Some(true),
            })
            .await?;
        let statuses = crate::fields::COWORK_STATUSES;
        let month_end = today + chrono::Duration::days(30);
        for (i, p) in people[people.len() - 12..].iter().enumerate() {
            let member = i < 8;
            self.add_pass(&PassInput {
                visitor_id: p.to_string(),
                kind: Some(if member { "membership" } else { "day" }.into()),
                starts_on: Some(today.to_string()),
                ends_on: member.then(|| month_end.to_string()),
                status: Some(statuses[i % statuses.len()].value.into()),
            })
            .await?;
            if i < 9 {
                self.commit(vec![OpBody::CheckIn {
                    event_id: space.id,
                    session_id: None,
                    visitor_id: *p,
                    direction: Direction::In,
                    method: Method::Cli,
                    code: None,
                }])
                .await?;
            }
        }
        let mut settings = self.station_settings().await?;
        settings.cowork_capacity = Some(20);
        self.set_station_settings(&settings).await?;
        Ok(())
    }
}

/// One synthetic entry of the mediation log on `day`: one to three themes
/// (finding work and online procedures most often), 15 to 90 minutes, an
/// autonomy level, sometimes a referral.
fn demo_help(
    rng: &mut StdRng,
    day: &str,
    tz: chrono_tz::Tz,
    event: Uuid,
    mediator: &str,
    person: Option<Uuid>,
) -> Vec<OpBody> {
    use crate::fields::{AUTONOMY, EQUIPMENT, REFERRALS, THEMES};
    use chrono::TimeZone;
    const COMMON: &[&str] = &[
        "job_integration",
        "procedures",
        "email",
        "office",
        "navigation",
    ];
    let mut themes: Vec<&str> = vec![COMMON[rng.gen_range(0..COMMON.len())]];
    for _ in 0..rng.gen_range(0..3) {
        themes.push(THEMES[rng.gen_range(0..THEMES.len())].value);
    }
    let themes = crate::fields::join_codes(THEMES, themes).unwrap_or_default();
    let minutes = [15, 20, 30, 30, 45, 45, 60, 90][rng.gen_range(0..8)];
    let (h, m) = (rng.gen_range(9..17), rng.gen_range(0..60));
    let at = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .and_then(|d| tz.from_local_datetime(&d).earliest())
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default();
    let mut f = Fields::new();
    let text = |s: &str| Value::String(s.to_string());
    f.insert("at".into(), text(&at));
    f.insert("minutes".into(), Value::from(minutes));
    f.insert("themes".into(), text(&themes));
    f.insert(
        "autonomy".into(),
        text(AUTONOMY[rng.gen_range(0..AUTONOMY.len())].value),
    );
    if rng.gen_bool(0.2) {
        f.insert(
            "referral".into(),
            text(REFERRALS[rng.gen_range(0..REFERRALS.len())].value),
        );
    }
    f.insert(
        "equipment".into(),
        text(EQUIPMENT[rng.gen_range(0..3)].value),
    );
    f.insert("place_kind".into(), text("site"));
    f.insert("event_id".into(), text(&event.to_string()));
    f.insert("mediator".into(), text(mediator));
    crate::app::mediation::entry_ops(Uuid::now_v7(), f, person.map(|p| (p, None)))
}
