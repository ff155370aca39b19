//! `escale bundle export|import FILE`: sync through a file on a USB stick.
//!
//! The bundle format, its encryption and the one-transaction import are the
//! core's (`escale_core::sync::bundle`); this only reads the optional vector
//! file and renders the reports.

use crate::args::{BundleCommand, BundleExportArgs};
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::sync::VersionVector;
use escale_core::{Error, Escale};
use std::path::Path;

pub async fn run(app: &Escale, c: BundleCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        BundleCommand::Export(a) => export(app, &a, ui).await,
        BundleCommand::Import(a) => import(app, &a.file, ui).await,
    }
}

async fn export(app: &Escale, a: &BundleExportArgs, ui: Ui) -> Result<Reply, Failure> {
    let since = match &a.since {
        Some(p) if !a.all => Some(read_vector(p)?),
        _ => None,
    };
    let r = app.export_bundle(&a.file, since.as_ref()).await?;
    let text = fields(
        ui,
        &[
            (ui.t("Paquet écrit", "Bundle written"), r.path.clone()),
            (ui.t("Opérations", "Operations"), r.ops.to_string()),
            (ui.t("Taille", "Size"), size(r.bytes, ui)),
        ],
    );
    Reply::new(&r, text)
}

async fn import(app: &Escale, file: &Path, ui: Ui) -> Result<Reply, Failure> {
    let r = app.import_bundle(file).await?;
    let created = escale_core::app::format_local(r.created_ms, chrono_tz::Europe::Paris);
    let text = fields(
        ui,
        &[
            (ui.t("Paquet importé", "Bundle imported"), r.path.clone()),
            (ui.t("Créé le", "Created"), created),
            (ui.t("Par l'appareil", "By device"), r.exporter.to_string()),
            (
                ui.t("Opérations dans le paquet", "Operations in the bundle"),
                r.ops.to_string(),
            ),
            (ui.t("Nouvelles", "New"), r.result.applied.to_string()),
            (
                ui.t("Déjà présentes", "Already here"),
                r.result.duplicates.to_string(),
            ),
            (
                ui.t("En quarantaine", "Quarantined"),
                r.result.quarantined.to_string(),
            ),
        ],
    ) + &super::sync::duplicates_hint(r.duplicates_proposed, ui);
    Reply::new(&r, text)
}

/// A version vector file: `{"<device id>": <seq>, …}`.
fn read_vector(path: &Path) -> Result<VersionVector, Failure> {
    let bad = || Error::Invalid {
        field: "since",
        value: path.display().to_string(),
    };
    let text = std::fs::read_to_string(path).map_err(|_| bad())?;
    Ok(serde_json::from_str(&text).map_err(|_| bad())?)
}

fn size(bytes: u64, ui: Ui) -> String {
    if bytes < 10 * 1024 {
        format!("{bytes} {}", ui.t("octets", "bytes"))
    } else if bytes < 10 * 1024 * 1024 {
        format!("{} {}", bytes / 1024, ui.t("Ko", "KB"))
    } else {
        format!("{} {}", bytes / (1024 * 1024), ui.t("Mo", "MB"))
    }
}
