//! `escale sync enroll|now|status`: this laptop and the organisation's hub.
//! All of it is `escale_sync::hub`; this file parses and renders.

use crate::args::{SyncCommand, SyncEnrollArgs};
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::Escale;
use escale_protocol::catalogue::{m, Problem};
use escale_protocol::enrolment::EnrolmentLink;
use escale_sync::hub::{self, SyncError, SyncOptions, SyncReport, SyncStatus};
use std::path::Path;

/// Clock skew above which `status` warns (the desk's rule of thumb).
const SKEW_WARN_MS: i64 = 5 * 60 * 1000;

pub async fn enroll(
    dir: &Path,
    a: &SyncEnrollArgs,
    as_staff: Option<&str>,
    ui: Ui,
) -> Result<Reply, Failure> {
    let ca_pem = match &a.ca_cert {
        Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
            Failure::Problem(
                Problem::new(&m::INPUT_INVALID_FILE)
                    .arg("path", p.display())
                    .arg("detail", e),
            )
        })?),
        None => None,
    };
    // `URL CODE`, or the link of the code's QR code in place of both.
    let EnrolmentLink { hub: url, code } =
        EnrolmentLink::from_fields(&a.hub_url, a.code.as_deref().unwrap_or(""));
    if code.is_empty() {
        return Err(Failure::Problem(Problem::new(
            &m::INPUT_REQUIRED_ENROL_CODE,
        )));
    }
    // Like `init`, enrolment may create the data directory (a new laptop
    // joining the organisation), but never a stray one for a bad URL.
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Err(failure(SyncError::BadUrl(url)));
    }
    let dir_existed = dir.exists();
    let store_existed = dir.join(escale_core::store::DB_FILE).is_file();
    let app = Escale::open(dir).await?;
    // A laptop already in use enrols only by a coordinator's hand (a new,
    // empty one has no account yet).
    let allowed = async {
        crate::commands::staff::sign_in(&app, as_staff, ui).await?;
        app.require(escale_core::roles::Action::SyncSetup)
            .await
            .map_err(Failure::from)
    }
    .await;
    if let Err(e) = allowed {
        app.store().close().await;
        return Err(e);
    }
    let name = match (&a.name, app.store().identity().await?) {
        (Some(n), _) => n.clone(),
        (None, Some(_)) => app
            .info()
            .await
            .map(|i| i.device_name)
            .unwrap_or_else(|_| "Escale".into()),
        (None, None) => "Escale".into(),
    };
    let outcome = hub::enroll(app.store(), &url, &code, &name, ca_pem).await;
    app.store().close().await;
    let answer_maybe_lost = matches!(&outcome, Err(SyncError::Hub(e)) if e.answer_maybe_lost());
    if outcome.is_err() && !store_existed && !answer_maybe_lost {
        // A refused first enrolment leaves nothing behind. One whose answer
        // may have been lost keeps the device id it presented, so that the
        // same command with the same code enrols it.
        escale_core::store::remove_store_files(dir, !dir_existed);
    }
    let b = outcome.map_err(failure)?;
    let text = fields(
        ui,
        &[
            (ui.t("Inscrit auprès de", "Enrolled with"), b.url.clone()),
            (
                ui.t("Organisation", "Organisation"),
                format!("{} ({})", b.org_name, b.org_id),
            ),
            (
                ui.t("Appareil", "Device"),
                format!("{name} ({})", b.device_id),
            ),
            (ui.t("Ensuite", "Next"), "escale sync now".into()),
        ],
    );
    Reply::new(
        &serde_json::json!({"hub_url": b.url, "org_id": b.org_id, "org_name": b.org_name, "device_id": b.device_id}),
        text,
    )
}

pub async fn run(app: &Escale, c: SyncCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        SyncCommand::Enroll(_) => unreachable!("enrol is handled before the store is opened"),
        SyncCommand::Now => {
            let r = hub::sync_now(app.store(), SyncOptions::from_env())
                .await
                .map_err(failure)?;
            Reply::new(&r, render_report(&r, ui))
        }
        SyncCommand::Status(a) => {
            let s = hub::status(app.store(), !a.offline)
                .await
                .map_err(failure)?;
            Reply::new(&s, render_status(&s, ui))
        }
    }
}

fn failure(e: SyncError) -> Failure {
    match e {
        SyncError::Store(e) => Failure::Core(e),
        e => Failure::of(&e),
    }
}

fn render_report(r: &SyncReport, ui: Ui) -> String {
    let mut text = fields(
        ui,
        &[
            (ui.t("Serveur", "Hub"), r.hub_url.clone()),
            (ui.t("Envoyées", "Sent"), r.pushed.to_string()),
            (ui.t("Reçues", "Received"), r.pulled.to_string()),
            (
                ui.t("Déjà connues", "Already known"),
                r.duplicates.to_string(),
            ),
            (
                ui.t("En quarantaine", "Quarantined"),
                r.quarantined.to_string(),
            ),
            (
                ui.t("Non synchronisées", "Not yet synced"),
                r.unsynced.to_string(),
            ),
            (ui.t("Durée", "Time"), format!("{} ms", r.took_ms)),
        ],
    );
    text += &duplicates_hint(r.duplicates_proposed, ui);
    text += &skew_warning(Some(r.skew_ms), ui);
    text
}

/// "2 doublons possibles à vérifier", when the exchange brought some.
pub(crate) fn duplicates_hint(n: usize, ui: Ui) -> String {
    match n {
        0 => String::new(),
        1 => format!(
            "{} escale visitor duplicates\n",
            ui.t(
                "1 doublon possible à vérifier :",
                "1 possible duplicate to check:"
            )
        ),
        n => format!(
            "{n} {} escale visitor duplicates\n",
            ui.t(
                "doublons possibles à vérifier :",
                "possible duplicates to check:"
            )
        ),
    }
}

fn render_status(s: &SyncStatus, ui: Ui) -> String {
    if !s.enrolled {
        return ui
            .t(
                "Cet ordinateur n'est relié à aucun serveur (escale sync enroll ADRESSE CODE).\n",
                "This laptop is not enrolled with a hub (escale sync enroll URL CODE).\n",
            )
            .to_string();
    }
    let online = match s.online {
        Some(true) => ui.t("en ligne", "online").to_string(),
        Some(false) => ui.t("hors ligne", "offline").to_string(),
        None => "—".into(),
    };
    let mut text = fields(
        ui,
        &[
            (
                ui.t("Serveur", "Hub"),
                format!("{} ({online})", s.hub_url.clone().unwrap_or_default()),
            ),
            (
                ui.t("Organisation", "Organisation"),
                format!(
                    "{} ({})",
                    s.org_name.clone().unwrap_or_default(),
                    s.org_id.map(|o| o.to_string()).unwrap_or_default()
                ),
            ),
            (
                ui.t("Appareil", "Device"),
                s.device_id.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                ui.t("Dernière synchro réussie", "Last successful sync"),
                s.last_success_ms
                    .map(local_time)
                    .unwrap_or_else(|| ui.t("jamais", "never").to_string()),
            ),
            (
                ui.t("Non synchronisées", "Not yet synced"),
                s.unsynced_ops.to_string(),
            ),
            (
                ui.t("Décalage d'horloge", "Clock skew"),
                s.skew_ms
                    .map(|m| format!("{:+.1} s", m as f64 / 1000.0))
                    .unwrap_or_else(|| "—".into()),
            ),
            (ui.t("Connexion", "Link"), link_text(s, ui)),
        ],
    );
    if let Some(e) = &s.last_error {
        let message = escale_protocol::catalogue::Problem::from_wire(&e.code, &e.args)
            .map(|p| p.message(ui.lang))
            .unwrap_or_else(|| e.message.clone());
        text += &format!(
            "{} {} [{}]\n",
            ui.t("Dernière erreur :", "Last error:"),
            message,
            e.code
        );
    }
    text += &skew_warning(s.skew_ms, ui);
    text
}

/// How the link behaved at the last sync: what one request carried.
fn link_text(s: &SyncStatus, ui: Ui) -> String {
    let Some(bytes) = s.window_bytes else {
        return "—".into();
    };
    let kb = (bytes / 1024).max(1);
    if s.unstable_link {
        format!(
            "{} ({kb} {})",
            ui.t(
                "instable : envois par petits lots",
                "unstable: sending in small batches"
            ),
            ui.t("Ko par envoi", "KB per request")
        )
    } else {
        format!(
            "{} ({kb} {})",
            ui.t("stable", "stable"),
            ui.t("Ko par envoi", "KB per request")
        )
    }
}

fn skew_warning(skew: Option<i64>, ui: Ui) -> String {
    match skew {
        Some(m) if m.abs() > SKEW_WARN_MS => format!(
            "{} {} min. {}\n",
            ui.t(
                "Attention : l'horloge de cet ordinateur diffère de celle du serveur de",
                "Warning: this laptop's clock differs from the hub's by"
            ),
            m.abs() / 60_000,
            ui.t(
                "Réglez l'heure de l'ordinateur ; les données restent correctes.",
                "Set the laptop's clock; the data stays correct."
            ),
        ),
        _ => String::new(),
    }
}

fn local_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| ms.to_string())
}
