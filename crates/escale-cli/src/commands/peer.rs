//! `escale peer share|join|live`: laptops sync on the local network, without
//! a hub — two of them once with a pairing code, or every laptop of the
//! organisation by itself (`live`). Pairing, encryption, discovery and the
//! exchange are the core's (`escale_sync::peer`); this file parses, prints
//! and waits.

use crate::args::{PeerJoinArgs, PeerLiveArgs, PeerShareArgs};
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::Escale;
use escale_protocol::catalogue::{m, Problem};
use escale_sync::peer::{
    self, JoinOptions, LiveOptions, PeerError, PeerEvent, PeerReport, ShareOptions, StandView,
};
use serde_json::json;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

/// `escale peer share`: prints the code at once (first line; with `--json`
/// a one-line `{"ok": true, "data": {"event": "sharing", …}}`), one line per
/// joiner, and returns when sharing ends.
pub async fn share(app: &Escale, a: &PeerShareArgs, ui: Ui) -> Result<Reply, Failure> {
    // Sharing hands the whole store to whoever has the pairing code.
    app.require(escale_core::roles::Action::SyncSetup).await?;
    let info = app.info().await?;
    let mut opts = ShareOptions {
        listen: SocketAddr::new(a.bind, a.port),
        advertise: !a.no_mdns,
        ..ShareOptions::default()
    };
    if let Some(secs) = a.timeout {
        opts.code_ttl = Duration::from_secs(secs.max(1));
    }
    let mut s = peer::share(app.store().clone(), info.device_name.clone(), opts)
        .await
        .map_err(failure)?;
    let addresses: Vec<String> = s.addresses().iter().map(|a| a.to_string()).collect();
    if let Some(e) = s.discovery_error() {
        eprintln!(
            "escale: {}",
            PeerError::Discovery(e.to_string()).message(ui.lang)
        );
    }
    let until = local_time(s.expires_at_ms());
    line(
        ui,
        json!({"ok": true, "data": {
            "event": "sharing",
            "code": s.code(),
            "port": s.addr().port(),
            "addresses": addresses,
            "expires_ms": s.expires_at_ms(),
            "mdns": s.discovery_error().is_none() && !a.no_mdns,
            "device_name": info.device_name,
        }}),
        || {
            let first = addresses
                .first()
                .cloned()
                .unwrap_or_else(|| s.addr().to_string());
            format!(
                "{}{} {}   ({} {until})\n{}\n    escale peer join {}\n{}\n    escale peer join {} --address {first}\n{}",
                ui.t("Code de jumelage", "Pairing code"),
                ui.t(" :", ":"),
                s.code(),
                ui.t("valable jusqu'à", "valid until"),
                ui.t(
                    "Sur l'autre ordinateur (même réseau local) :",
                    "On the other laptop (same local network):"
                ),
                s.code(),
                ui.t(
                    "ou, s'il ne trouve pas celui-ci :",
                    "or, if it does not find this one:"
                ),
                s.code(),
                ui.t("Ctrl-C pour arrêter.", "Ctrl-C to stop."),
            )
        },
    );

    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut joined = 0usize;
    let reason = loop {
        let ev = tokio::select! {
            ev = s.next_event() => ev,
            _ = &mut ctrl_c => break "interrupted".to_string(),
        };
        match ev {
            None => break "stopped".to_string(),
            Some(PeerEvent::Closed { reason }) => break reason,
            Some(ev) => {
                let ok = matches!(ev, PeerEvent::Joined { .. });
                let mut data = serde_json::to_value(&ev).unwrap_or_default();
                if let PeerEvent::Failed { error, .. } = &ev {
                    data["message"] = error.message(ui.lang).into();
                }
                line(ui, json!({"ok": true, "data": data}), || {
                    ev.message(ui.lang)
                });
                if ok {
                    joined += 1;
                    if a.once {
                        break "once".to_string();
                    }
                }
            }
        }
    };
    s.stop().await;
    match reason.as_str() {
        "code_burned" => return Err(failure(PeerError::CodeBurned)),
        "code_expired" if a.once && joined == 0 => return Err(failure(PeerError::CodeExpired)),
        _ => {}
    }
    let text = format!(
        "{} {joined}\n",
        ui.t(
            "Partage arrêté. Ordinateurs ayant rejoint :",
            "Sharing stopped. Laptops that joined:"
        )
    );
    Reply::new(
        &json!({"event": "stopped", "reason": reason, "joined": joined}),
        text,
    )
}

/// `escale peer join CODE`: may start from an empty data directory, which
/// then becomes a new device of the sharer's organisation (like `sync
/// enroll`, it may create the directory, and removes it again on failure).
pub async fn join(dir: &Path, a: &PeerJoinArgs, ui: Ui) -> Result<Reply, Failure> {
    // Checked before anything is created.
    peer::PairingCode::parse(&a.code).map_err(failure)?;
    let addr = match &a.address {
        Some(s) => Some(resolve("--address", s).await?),
        None => None,
    };
    let dir_existed = dir.exists();
    let store_existed = dir.join(escale_core::store::DB_FILE).is_file();
    let app = Escale::open(dir).await?;
    let name = match (app.store().identity().await?, &a.name) {
        (Some(_), _) => app
            .info()
            .await
            .map(|i| i.device_name)
            .unwrap_or_else(|_| "Escale".into()),
        (None, Some(n)) => n.clone(),
        (None, None) => "Escale".into(),
    };
    let mut opts = JoinOptions {
        peer_name: a.peer.clone(),
        ..JoinOptions::default()
    };
    if let Some(secs) = a.timeout {
        opts.io_timeout = Duration::from_secs(secs.max(1));
    }
    let outcome = peer::join(app.store(), &a.code, addr, &name, opts).await;
    let joined_org = app.store().identity().await.ok().flatten().is_some();
    app.store().close().await;
    if outcome.is_err() && !store_existed && !joined_org {
        // A failed first join leaves nothing behind.
        escale_core::store::remove_store_files(dir, !dir_existed);
    }
    let r = outcome.map_err(failure)?;
    Reply::new(&r, render_report(&r, ui))
}

/// `escale peer live`: syncs with the organisation's other laptops on the
/// local network until Ctrl-C, SIGTERM or `--for`. Prints the port at once
/// (with `--json`, `{"ok": true, "data": {"event": "live", "port": …}}`),
/// then one line each time the stand changes: who is on it, and operations
/// received or sent.
pub async fn live(app: &Escale, a: &PeerLiveArgs, ui: Ui) -> Result<Reply, Failure> {
    let info = app.info().await?;
    let mut peers = Vec::new();
    for p in &a.peers {
        peers.push(resolve("--peer", p).await?);
    }
    let mut opts = LiveOptions {
        listen: SocketAddr::new(a.bind, a.port),
        mdns: !a.no_mdns,
        peers,
        ..LiveOptions::default()
    };
    if let Some(secs) = a.interval.filter(|s| s.is_finite()) {
        opts.interval = Duration::from_secs_f64(secs.clamp(0.1, 3600.0));
    }
    let stand = peer::live(app.store().clone(), info.device_name.clone(), opts)
        .await
        .map_err(failure)?;
    line(
        ui,
        json!({"ok": true, "data": {"event": "live", "port": stand.port(), "device_name": info.device_name}}),
        || {
            format!(
                "{} {}. {}",
                ui.t(
                    "Synchro du stand active : les autres ordinateurs de l'organisation se connectent au port",
                    "Stand sync running: the organisation's other laptops connect to port"
                ),
                stand.port(),
                ui.t("Ctrl-C pour arrêter.", "Ctrl-C to stop.")
            )
        },
    );
    let mut views = stand.subscribe();
    let mut shown = StandView::default();
    let stop = stop_signal(a.run_for);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            changed = views.changed() => {
                if changed.is_err() {
                    break;
                }
                let view = views.borrow_and_update().clone();
                print_stand_change(&shown, &view, ui);
                let received = |v: &StandView| v.peers.iter().map(|p| p.received).sum::<u64>();
                if received(&view) > received(&shown) {
                    settle_stations(app, ui).await;
                }
                shown = view;
            }
        }
    }
    stand.stop().await;
    let text = format!(
        "{} {}\n",
        ui.t(
            "Synchro du stand arrêtée. Ordinateurs sur le stand à la fin :",
            "Stand sync stopped. Laptops on the stand at the end:"
        ),
        shown.present()
    );
    Reply::new(
        &json!({"event": "stopped", "present": shown.present(), "peers": shown.peers}),
        text,
    )
}

/// Another laptop may have given a station first that this one gave too:
/// this laptop moves its own displaced sessions and says so.
async fn settle_stations(app: &Escale, ui: Ui) {
    match app.settle_stations().await {
        Ok(moved) => {
            for m in moved {
                line(
                    ui,
                    json!({"ok": true, "data": {"event": "station_moved", "moved": m}}),
                    || {
                        format!(
                            "{} {} : {} → {} ({})",
                            ui.t(
                                "Poste déjà attribué par un autre ordinateur",
                                "Station given first by another laptop"
                            ),
                            m.first_name,
                            m.from,
                            m.to,
                            ui.t("déplacé·e", "moved")
                        )
                    },
                );
            }
        }
        Err(e) => eprintln!("{}", e.message(ui.lang)),
    }
}

/// Ctrl-C, SIGTERM (a daemon stopped by its supervisor), or `secs`.
async fn stop_signal(secs: Option<f64>) {
    let after = async {
        match secs.filter(|s| s.is_finite() && *s >= 0.0) {
            Some(s) => tokio::time::sleep(Duration::from_secs_f64(s)).await,
            None => std::future::pending().await,
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
        _ = after => {}
    }
}

/// "Sur le stand : 2 autres ordinateurs (Portable 2, Portable 3)." when who
/// is there changes, and a line per laptop whose counts moved.
fn print_stand_change(before: &StandView, now: &StandView, ui: Ui) {
    let names = |v: &StandView| -> Vec<String> {
        v.peers
            .iter()
            .filter(|p| p.present)
            .map(|p| p.device_name.clone())
            .collect()
    };
    if names(before) != names(now) || before.network_error != now.network_error {
        line(
            ui,
            json!({"ok": true, "data": {"event": "stand", "present": now.present(), "peers": now.peers, "network_error": now.network_error}}),
            || {
                let mut t = stand_label(now.present(), ui);
                if now.present() > 0 {
                    t += &format!(" ({})", names(now).join(", "));
                }
                t.push('.');
                if let Some(e) = &now.network_error {
                    t += &format!(
                        " {} {e}",
                        ui.t(
                            "Les autres ordinateurs ne peuvent pas trouver celui-ci :",
                            "The other laptops cannot find this one:"
                        )
                    );
                }
                t
            },
        );
    }
    for p in &now.peers {
        let old = before
            .peers
            .iter()
            .find(|o| o.device_id.is_some() && o.device_id == p.device_id);
        let (r0, s0) = old.map(|o| (o.received, o.sent)).unwrap_or((0, 0));
        if p.received > r0 || p.sent > s0 {
            line(
                ui,
                json!({"ok": true, "data": {"event": "exchanged", "device_id": p.device_id, "device_name": p.device_name, "received": p.received - r0, "sent": p.sent - s0}}),
                || {
                    format!(
                        "{}{} {} {}, {} {}.",
                        p.device_name,
                        ui.t(" :", ":"),
                        ui.t("opérations reçues", "operations received"),
                        p.received - r0,
                        ui.t("envoyées", "sent"),
                        p.sent - s0
                    )
                },
            );
        }
    }
}

/// "Sur le stand : 2 autres ordinateurs" (the status bar says the same).
fn stand_label(n: usize, ui: Ui) -> String {
    match n {
        0 => ui
            .t(
                "Sur le stand : aucun autre ordinateur",
                "On the stand: no other laptop",
            )
            .to_string(),
        1 => ui
            .t(
                "Sur le stand : 1 autre ordinateur",
                "On the stand: 1 other laptop",
            )
            .to_string(),
        n => format!(
            "{} {n} {}",
            ui.t("Sur le stand :", "On the stand:"),
            ui.t("autres ordinateurs", "other laptops")
        ),
    }
}

/// The address given with `flag` (`--address`, `--peer`).
async fn resolve(flag: &str, s: &str) -> Result<SocketAddr, Failure> {
    let bad = || {
        Failure::Problem(
            Problem::new(&m::INPUT_INVALID_ADDRESS)
                .arg("flag", flag)
                .arg("value", format!("{s:?}")),
        )
    };
    let mut addrs = tokio::net::lookup_host(s.trim()).await.map_err(|_| bad())?;
    addrs.next().ok_or_else(bad)
}

fn render_report(r: &PeerReport, ui: Ui) -> String {
    let mut pairs = vec![(
        ui.t("Autre ordinateur", "Other laptop"),
        format!("{} ({})", r.peer_device_name, r.peer_addr),
    )];
    if r.joined_org {
        pairs.push((
            ui.t("Cet ordinateur", "This laptop"),
            ui.t(
                "nouvel appareil de l'organisation",
                "new device of the organisation",
            )
            .to_string(),
        ));
    }
    pairs.extend([
        (ui.t("Reçues", "Received"), r.pulled.to_string()),
        (ui.t("Envoyées", "Sent"), r.pushed.to_string()),
        (
            ui.t("Déjà connues", "Already known"),
            r.duplicates.to_string(),
        ),
        (
            ui.t("En quarantaine", "Quarantined"),
            r.quarantined.to_string(),
        ),
        (ui.t("Durée", "Time"), format!("{} ms", r.took_ms)),
    ]);
    let mut text = fields(ui, &pairs);
    text += &super::sync::duplicates_hint(r.duplicates_proposed, ui);
    text
}

/// One line on stdout now (sharing runs until stopped): compact JSON, or text.
fn line(ui: Ui, json: serde_json::Value, text: impl FnOnce() -> String) {
    let mut out = std::io::stdout().lock();
    let _ = if ui.json {
        writeln!(out, "{json}")
    } else {
        writeln!(out, "{}", text())
    };
    let _ = out.flush();
}

fn failure(e: PeerError) -> Failure {
    match e {
        PeerError::Store(e) => Failure::Core(e),
        e => Failure::of(&e),
    }
}

fn local_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_peer_code_keeps_its_name_and_exit_code() {
        let told = |code: &str| {
            failure(PeerError::Refused {
                code: code.into(),
                message: "m".into(),
            })
        };
        for code in ["peer.wrong_code", "peer.other_org", "sync.clone_detected"] {
            assert_eq!(told(code).code(), code);
            let c = escale_protocol::catalogue::Code::parse(code).unwrap();
            assert_eq!(crate::output::exit_code(c), crate::output::EXIT_FAILED);
        }
        assert_eq!(told("something.else").code(), "peer.refused");
        assert_eq!(
            crate::output::exit_code(escale_protocol::catalogue::Code::PeerBadCode),
            crate::output::EXIT_USAGE,
            "a mistyped code is bad input"
        );
    }
}
