//! `escale init` (first run: name the organisation and this device) and
//! `escale info` (what this data directory holds).

use crate::args::InitArgs;
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::app::Info;
use escale_core::Escale;
use std::path::Path;

pub async fn init(dir: &Path, a: &InitArgs, ui: Ui) -> Result<Reply, Failure> {
    let app = Escale::open(dir).await?;
    let outcome = app.init(&a.org, &a.device).await;
    app.store().close().await;
    let info = outcome?;
    let head = ui.t(
        "Dossier de données initialisé.\n",
        "Data directory initialised.\n",
    );
    Reply::new(&info, format!("{head}{}", render(&info, ui)))
}

pub async fn info(app: &Escale, ui: Ui) -> Result<Reply, Failure> {
    let info = app.info().await?;
    Reply::new(&info, render(&info, ui))
}

fn render(i: &Info, ui: Ui) -> String {
    fields(
        ui,
        &[
            (
                ui.t("Dossier de données", "Data directory"),
                i.data_dir.clone(),
            ),
            (ui.t("Organisation", "Organisation"), i.org_name.clone()),
            (
                ui.t("Appareil", "Device"),
                format!("{} ({})", i.device_name, i.device_id),
            ),
            (ui.t("Opérations", "Operations"), i.ops.to_string()),
            (
                ui.t("Non synchronisées", "Not yet synced"),
                i.unsynced_ops.to_string(),
            ),
            (
                ui.t("Chiffrement", "Encryption"),
                if i.encrypted {
                    ui.t(
                        "oui (clé donnée par ESCALE_STORE_KEY ou ESCALE_STORE_KEY_FILE : quiconque lit cette variable ou ce fichier lit les données)",
                        "yes (key from ESCALE_STORE_KEY or ESCALE_STORE_KEY_FILE: whoever reads that variable or file reads the data)",
                    )
                } else {
                    ui.t("non", "no")
                }
                .to_string(),
            ),
            (ui.t("Version", "Version"), i.version.to_string()),
        ],
    )
}
