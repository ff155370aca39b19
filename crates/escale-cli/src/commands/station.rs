//! `escale station …`, `escale print …`, `escale cowork …`: the public
//! computers, their waiting list, the print quota and the coworking space.

use crate::args::{CoworkCommand, PrintCommand, QueueCommand, StationCommand, StationSettingsArgs};
use crate::output::{fields, or_dash, table, Failure, Reply, Ui};
use escale_core::app::mediation::parse_day;
use escale_core::app::{
    AssignInput, Board, JoinInput, PassInput, PrintQuota, StationInput, StationState, TicketView,
    UseView,
};
use escale_core::fields::{
    choice_label, Choice, COWORK_STATUSES, PASS_KINDS, PURPOSES, STATION_OFFERS, STATION_PLACES,
    TICKET_STATES,
};
use escale_core::Escale;

pub async fn run(app: &Escale, c: StationCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        StationCommand::List => {
            let board = app.board().await?;
            let text = board_text(&board, ui);
            Reply::new(&board, text)
        }
        StationCommand::Add(a) => {
            let s = app
                .add_station(&StationInput {
                    name: a.name,
                    place: a.place,
                    offers: a.offers,
                })
                .await?;
            let text = fields(
                ui,
                &[
                    (ui.t("Poste ajouté", "Station added"), s.name.clone()),
                    (
                        ui.t("Emplacement", "Place"),
                        choice_label(STATION_PLACES, &s.place, ui.lang),
                    ),
                    (
                        ui.t("Équipements", "Equipment"),
                        labels(STATION_OFFERS, &s.offers, ui),
                    ),
                    ("ID", s.id.to_string()),
                ],
            );
            Reply::new(&s, text)
        }
        StationCommand::Assign(a) => {
            let u = app
                .assign_station(&AssignInput {
                    visitor_id: a.visitor,
                    station: a.station,
                    purpose: a.purpose,
                    minutes: a.minutes,
                    event_id: a.event,
                })
                .await?;
            let text = format!(
                "{} {} : {} ({} min, {}).\n",
                u.first_name,
                ui.t("est installé·e au poste", "is on station"),
                u.station_name,
                u.minutes,
                choice_label(PURPOSES, &u.purpose, ui.lang)
            );
            Reply::new(&u, text)
        }
        StationCommand::Extend(a) => {
            let u = app.extend_station_use(&a.station, a.minutes).await?;
            let text = format!(
                "{} — {} : {} min ({} {}).\n",
                u.station_name,
                u.first_name,
                u.minutes,
                left(&u, ui),
                ui.t("restantes", "left")
            );
            Reply::new(&u, text)
        }
        StationCommand::End(a) => {
            let e = app.end_station_use(&a.station).await?;
            let text = format!(
                "{} {} {} ({} min). {}\n",
                ui.t("Session terminée :", "Session ended:"),
                e.session.first_name,
                e.session.station_name,
                e.minutes_used,
                ui.t(
                    "Enregistrez l'aide avec `escale mediation add` si besoin.",
                    "Record the help with `escale mediation add` if needed."
                )
            );
            Reply::new(&e, text)
        }
        StationCommand::Move(a) => {
            let u = app.move_station_use(&a.station, a.to.as_deref()).await?;
            let text = format!("{} → {}.\n", u.first_name, u.station_name);
            Reply::new(&u, text)
        }
        StationCommand::Out(a) => {
            let s = app.set_station_out_of_order(&a.station, true).await?;
            let text = format!("{} : {}.\n", s.name, ui.t("hors service", "out of order"));
            Reply::new(&s, text)
        }
        StationCommand::Back(a) => {
            let s = app.set_station_out_of_order(&a.station, false).await?;
            let text = format!("{} : {}.\n", s.name, ui.t("en service", "in service"));
            Reply::new(&s, text)
        }
        StationCommand::Retire(a) => {
            app.retire_station(&a.station).await?;
            Reply::new(
                &serde_json::json!({ "retired": a.station }),
                ui.t("Poste retiré.", "Station retired.").to_string(),
            )
        }
        StationCommand::Queue(q) => queue(app, q, ui).await,
        StationCommand::History(a) => {
            let day = match a.day.as_deref() {
                Some(d) => Some(parse_day("day", d)?),
                None => None,
            };
            let uses = app.station_uses(day, a.limit.unwrap_or(100)).await?;
            let text = if uses.is_empty() {
                ui.t("Aucune session.", "No session.").to_string()
            } else {
                let rows: Vec<Vec<String>> = uses
                    .iter()
                    .map(|u| {
                        vec![
                            u.started_at.get(..10).unwrap_or("").to_string(),
                            u.started_local.clone(),
                            u.station_name.clone(),
                            or_dash(
                                Some(&u.first_name)
                                    .filter(|s| !s.is_empty())
                                    .map(|s| s.as_str()),
                            ),
                            choice_label(PURPOSES, &u.purpose, ui.lang),
                            format!("{} min", u.minutes),
                            if u.ended_at.is_some() {
                                ui.t("terminée", "ended").to_string()
                            } else {
                                ui.t("en cours", "running").to_string()
                            },
                        ]
                    })
                    .collect();
                table(
                    &[
                        ui.t("Jour", "Day"),
                        ui.t("Début", "Start"),
                        ui.t("Poste", "Station"),
                        ui.t("Prénom", "First name"),
                        ui.t("Objet", "Purpose"),
                        ui.t("Accordé", "Allowed"),
                        ui.t("État", "State"),
                    ],
                    &rows,
                )
            };
            Reply::new(&uses, text)
        }
        StationCommand::Settings(a) => settings(app, &a, ui).await,
        StationCommand::Codes => {
            let mut text = String::new();
            for (title, list) in [
                (ui.t("Objets", "Purposes"), PURPOSES),
                (ui.t("Emplacements", "Places"), STATION_PLACES),
                (ui.t("Équipements", "Equipment"), STATION_OFFERS),
                (
                    ui.t("Statuts de coworker", "Coworker statuses"),
                    COWORK_STATUSES,
                ),
                (
                    ui.t("Formules de coworking", "Coworking passes"),
                    PASS_KINDS,
                ),
            ] {
                text.push_str(&format!("{title}\n"));
                for c in list {
                    text.push_str(&format!("  {:<22} {}\n", c.value, c.label.get(ui.lang)));
                }
            }
            let json: serde_json::Value = serde_json::json!({
                "purposes": codes(PURPOSES, ui),
                "places": codes(STATION_PLACES, ui),
                "offers": codes(STATION_OFFERS, ui),
                "cowork_statuses": codes(COWORK_STATUSES, ui),
                "pass_kinds": codes(PASS_KINDS, ui),
            });
            Reply::new(&json, text)
        }
    }
}

fn codes(list: &[Choice], ui: Ui) -> Vec<serde_json::Value> {
    list.iter()
        .map(|c| serde_json::json!({"code": c.value, "label": c.label.get(ui.lang)}))
        .collect()
}

fn labels(list: &[Choice], codes: &[String], ui: Ui) -> String {
    if codes.is_empty() {
        return "—".into();
    }
    codes
        .iter()
        .map(|c| choice_label(list, c, ui.lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Time left as `12 min`, or over time as `+3 min`.
fn left(u: &UseView, _ui: Ui) -> String {
    let m = u.seconds_left.div_euclid(60);
    if u.seconds_left < 0 {
        format!("+{} min", (-u.seconds_left + 59) / 60)
    } else {
        format!("{m} min")
    }
}

fn wait(t: &TicketView, ui: Ui) -> String {
    match t.wait_seconds {
        None => ui.t("inconnue", "unknown").to_string(),
        Some(0) => ui.t("maintenant", "now").to_string(),
        Some(s) => format!("~{} min", (s + 59) / 60),
    }
}

fn queue_table(queue: &[TicketView], ui: Ui) -> String {
    if queue.is_empty() {
        return ui
            .t(
                "Personne n'attend de poste.",
                "Nobody is waiting for a station.",
            )
            .to_string();
    }
    let rows: Vec<Vec<String>> = queue
        .iter()
        .map(|t| {
            vec![
                t.label.clone(),
                t.first_name.clone(),
                choice_label(PURPOSES, &t.purpose, ui.lang),
                t.joined_local.clone(),
                choice_label(TICKET_STATES, &t.state, ui.lang)
                    + if t.skips > 0 {
                        ui.t(" (absent·e 1 fois)", " (absent once)")
                    } else {
                        ""
                    },
                wait(t, ui),
            ]
        })
        .collect();
    table(
        &[
            ui.t("N°", "No."),
            ui.t("Prénom", "First name"),
            ui.t("Objet", "Purpose"),
            ui.t("Arrivée", "Joined"),
            ui.t("État", "State"),
            ui.t("Attente", "Wait"),
        ],
        &rows,
    )
}

fn board_text(board: &Board, ui: Ui) -> String {
    let mut out = String::new();
    if board.stations.is_empty() {
        out.push_str(ui.t(
            "Aucun poste : ajoutez-en avec `escale station add \"Poste 1\"`.\n",
            "No station: add one with `escale station add \"Poste 1\"`.\n",
        ));
    } else {
        let rows: Vec<Vec<String>> = board
            .stations
            .iter()
            .map(|c| {
                let (state, who, purpose, since, rest) = match (&c.state, &c.current) {
                    (_, Some(u)) => (
                        if c.station.out_of_order {
                            ui.t("occupé, hors service", "in use, out of order")
                                .to_string()
                        } else {
                            ui.t("occupé", "in use").to_string()
                        },
                        u.first_name.clone(),
                        choice_label(PURPOSES, &u.purpose, ui.lang),
                        u.started_local.clone(),
                        left(u, ui) + if u.warn { " !" } else { "" },
                    ),
                    (StationState::OutOfOrder, None) => (
                        ui.t("hors service", "out of order").to_string(),
                        "—".into(),
                        "—".into(),
                        "—".into(),
                        "—".into(),
                    ),
                    _ => (
                        ui.t("libre", "free").to_string(),
                        "—".into(),
                        "—".into(),
                        "—".into(),
                        "—".into(),
                    ),
                };
                vec![c.station.name.clone(), state, who, purpose, since, rest]
            })
            .collect();
        out.push_str(&table(
            &[
                ui.t("Poste", "Station"),
                ui.t("État", "State"),
                ui.t("Prénom", "First name"),
                ui.t("Objet", "Purpose"),
                ui.t("Depuis", "Since"),
                ui.t("Reste", "Left"),
            ],
            &rows,
        ));
        out.push_str(&format!(
            "{} {} · {} {} · {} {}\n",
            board.free,
            ui.t("libre(s)", "free"),
            board.busy,
            ui.t("occupé(s)", "in use"),
            board.out_of_order,
            ui.t("hors service", "out of order"),
        ));
    }
    for u in &board.displaced {
        out.push_str(&format!(
            "{} {} ({}) : {}\n",
            ui.t("À replacer :", "To move:"),
            u.first_name,
            u.station_name,
            ui.t(
                "un autre ordinateur avait attribué ce poste avant ; `escale station move` le déplace.",
                "another laptop gave this station first; `escale station move` moves it."
            )
        ));
    }
    out.push('\n');
    out.push_str(&format!("{}\n", ui.t("File d'attente", "Waiting list")));
    out.push_str(&queue_table(&board.queue, ui));
    out
}

async fn queue(app: &Escale, q: QueueCommand, ui: Ui) -> Result<Reply, Failure> {
    match q {
        QueueCommand::List => {
            let queue = app.queue().await?;
            let text = queue_table(&queue, ui);
            Reply::new(&queue, text)
        }
        QueueCommand::Join(a) => {
            let t = app
                .join_queue(&JoinInput {
                    visitor_id: a.visitor,
                    purpose: a.purpose,
                    event_id: a.event,
                })
                .await?;
            let text = format!(
                "{} {} : {} {}. {} {}.\n",
                ui.t("Ticket", "Ticket"),
                t.label,
                t.first_name,
                ui.t("est en file d'attente", "is on the waiting list"),
                ui.t("Attente estimée", "Estimated wait"),
                wait(&t, ui)
            );
            Reply::new(&t, text)
        }
        QueueCommand::Call => {
            let t = app.call_next().await?;
            let text = format!(
                "{} {} — {}\n",
                ui.t("Appel du ticket", "Calling ticket"),
                t.label,
                t.first_name
            );
            Reply::new(&t, text)
        }
        QueueCommand::Skip(a) => {
            let s = app.skip_ticket(&a.ticket).await?;
            let mut text = if s.left {
                format!(
                    "{} {} : {}\n",
                    ui.t("Ticket", "Ticket"),
                    s.ticket.label,
                    ui.t(
                        "absent·e une deuxième fois, retiré·e de la file.",
                        "absent a second time, off the list."
                    )
                )
            } else {
                format!(
                    "{} {} : {}\n",
                    ui.t("Ticket", "Ticket"),
                    s.ticket.label,
                    ui.t(
                        "absent·e, garde sa place une fois.",
                        "absent, keeps their place once."
                    )
                )
            };
            if let Some(n) = &s.next {
                text.push_str(&format!(
                    "{} {} — {}\n",
                    ui.t("Appel du ticket", "Calling ticket"),
                    n.label,
                    n.first_name
                ));
            }
            Reply::new(&s, text)
        }
        QueueCommand::Leave(a) => {
            let t = app.leave_queue(&a.ticket).await?;
            let text = format!(
                "{} {} {}\n",
                ui.t("Ticket", "Ticket"),
                t.label,
                ui.t("retiré de la file.", "taken off the list.")
            );
            Reply::new(&t, text)
        }
    }
}

async fn settings(app: &Escale, a: &StationSettingsArgs, ui: Ui) -> Result<Reply, Failure> {
    let mut s = app.station_settings().await?;
    let changing = a.stand_minutes.is_some()
        || a.third_place_minutes.is_some()
        || a.print_quota.is_some()
        || a.cowork_capacity.is_some();
    if changing {
        s.minutes_stand = a.stand_minutes.unwrap_or(s.minutes_stand);
        s.minutes_third_place = a.third_place_minutes.unwrap_or(s.minutes_third_place);
        s.print_quota = a.print_quota.unwrap_or(s.print_quota);
        s.cowork_capacity = a.cowork_capacity.or(s.cowork_capacity);
        s = app.set_station_settings(&s).await?;
    }
    let text = fields(
        ui,
        &[
            (
                ui.t("Durée sur un stand", "Time on a stand"),
                format!("{} min", s.minutes_stand),
            ),
            (
                ui.t("Durée au tiers-lieu", "Time at the third place"),
                format!("{} min", s.minutes_third_place),
            ),
            (
                ui.t("Pages gratuites par jour", "Free pages a day"),
                s.print_quota.to_string(),
            ),
            (
                ui.t("Places du coworking", "Coworking seats"),
                or_dash(s.cowork_capacity.map(|c| c.to_string()).as_deref()),
            ),
        ],
    );
    Reply::new(&s, text)
}

fn quota_text(q: &PrintQuota, ui: Ui) -> String {
    format!(
        "{} {} / {} ({} {}).\n",
        ui.t("Impressions aujourd'hui :", "Printed today:"),
        q.printed,
        q.quota,
        q.left,
        ui.t("restantes", "left")
    )
}

pub async fn print(app: &Escale, c: PrintCommand, ui: Ui) -> Result<Reply, Failure> {
    if let PrintCommand::File(a) = c {
        let name = match &a.printer.printer {
            Some(n) => n.clone(),
            None => escale_print::printer::printers()
                .map_err(|e| Failure::of(&e))?
                .into_iter()
                .find(|q| q.is_default)
                .map(|q| q.name)
                .ok_or_else(|| {
                    Failure::of(&escale_print::printer::PrintError::NotFound(
                        "(default)".into(),
                    ))
                })?,
        };
        let done =
            escale_print::document::print_for(app, &a.visitor, &a.file, &name, a.printer.copies)
                .await
                .map_err(|e| Failure::of(&e))?;
        let text = format!(
            "{} {} ({}, {} page(s)).\n{}",
            ui.t("Envoyé à l'imprimante", "Sent to printer"),
            done.job.printer,
            done.job.job,
            done.counted,
            quota_text(&done.quota, ui)
        );
        return Reply::new(&done, text);
    }
    let q = match c {
        PrintCommand::File(_) => unreachable!("handled above"),
        PrintCommand::Quota(a) => app.print_quota(&a.visitor).await?,
        PrintCommand::Count(a) => app.record_print(&a.visitor, a.pages).await?,
        PrintCommand::Grant(a) => app.grant_pages(&a.visitor, a.pages).await?,
    };
    let text = quota_text(&q, ui);
    Reply::new(&q, text)
}

pub async fn cowork(app: &Escale, c: CoworkCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        CoworkCommand::Occupancy => {
            let o = app.cowork_occupancy().await?;
            let text = match o.capacity {
                Some(c) => format!(
                    "{} {} / {}\n",
                    ui.t(
                        "Présent·es dans l'espace de coworking :",
                        "In the coworking space:"
                    ),
                    o.present,
                    c
                ),
                None => format!(
                    "{} {}\n",
                    ui.t(
                        "Présent·es dans l'espace de coworking :",
                        "In the coworking space:"
                    ),
                    o.present
                ),
            };
            Reply::new(&o, text)
        }
        CoworkCommand::Pass(a) => {
            let p = app
                .add_pass(&PassInput {
                    visitor_id: a.visitor,
                    kind: a.kind,
                    starts_on: a.from,
                    ends_on: a.to,
                    status: a.status,
                })
                .await?;
            let text = fields(
                ui,
                &[
                    (
                        ui.t("Pass", "Pass"),
                        choice_label(PASS_KINDS, &p.kind, ui.lang),
                    ),
                    (ui.t("Du", "From"), p.starts_on.clone()),
                    (ui.t("Au", "To"), p.ends_on.clone()),
                    ("ID", p.id.to_string()),
                ],
            );
            Reply::new(&p, text)
        }
        CoworkCommand::Show(a) => {
            let c = app.coworker(&a.visitor).await?;
            let mut text = fields(
                ui,
                &[
                    (
                        ui.t("Statut", "Status"),
                        or_dash(
                            c.status
                                .as_deref()
                                .map(|s| choice_label(COWORK_STATUSES, s, ui.lang))
                                .as_deref(),
                        ),
                    ),
                    (
                        ui.t("Pass du jour", "Today's pass"),
                        match &c.today {
                            Some(p) => format!(
                                "{} ({} → {})",
                                choice_label(PASS_KINDS, &p.kind, ui.lang),
                                p.starts_on,
                                p.ends_on
                            ),
                            None => ui.t("aucun", "none").to_string(),
                        },
                    ),
                ],
            );
            for m in &c.months {
                text.push_str(&format!(
                    "  {} : {} {}\n",
                    m.month,
                    m.days,
                    ui.t("jour(s) de présence", "day(s) of presence")
                ));
            }
            for p in &c.passes {
                text.push_str(&format!(
                    "  {} {} → {}  {}\n",
                    choice_label(PASS_KINDS, &p.kind, ui.lang),
                    p.starts_on,
                    p.ends_on,
                    p.id
                ));
            }
            Reply::new(&c, text)
        }
        CoworkCommand::DeletePass(id) => {
            app.delete_pass(&id.id).await?;
            Reply::new(
                &serde_json::json!({ "deleted": id.id }),
                ui.t("Pass supprimé.", "Pass deleted.").to_string(),
            )
        }
    }
}
