//! `escale export`: writes the core's export (CSV for French Excel, or
//! XLSX) with column headers in the chosen language. The file name, when
//! not given, is `escale-<event-title-slug>-<date>.<format>` in the current
//! directory.

use crate::args::{ExportArgs, FormatArg};
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::app::EventView;
use escale_core::export::ExportFormat;
use escale_core::Escale;
use std::path::PathBuf;

pub async fn run(app: &Escale, a: &ExportArgs, ui: Ui) -> Result<Reply, Failure> {
    let ev = app.event(&a.event.event).await?;
    let format = match a.format {
        FormatArg::Csv => ExportFormat::Csv,
        FormatArg::Xlsx => ExportFormat::Xlsx,
    };
    let dest = a
        .output
        .clone()
        .unwrap_or_else(|| default_file_name(&ev, format));
    let report = app.export(&a.event.event, format, &dest, ui.lang).await?;
    let text = fields(
        ui,
        &[
            (ui.t("Fichier écrit", "File written"), report.path.clone()),
            (ui.t("Personnes", "People"), report.rows.to_string()),
        ],
    );
    Reply::new(&report, text)
}

fn default_file_name(ev: &EventView, format: ExportFormat) -> PathBuf {
    let slug = escale_core::text::tokens(&ev.title).join("-");
    let slug = if slug.is_empty() {
        "event".to_string()
    } else {
        slug.chars().take(60).collect()
    };
    let date: String = ev.starts_local.chars().take(10).collect();
    let ext = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Xlsx => "xlsx",
    };
    PathBuf::from(format!("escale-{slug}-{date}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_name_is_an_ascii_slug_of_the_title_and_the_start_date() {
        let ev = EventView {
            id: uuid::Uuid::nil(),
            kind: "fair".into(),
            title: "[DÉMO] Forum emploi & numérique".into(),
            place: String::new(),
            timezone: "Europe/Paris".into(),
            starts_at: "2026-12-03T08:00:00Z".into(),
            ends_at: "2026-12-03T16:00:00Z".into(),
            starts_local: "2026-12-03 09:00".into(),
            ends_local: "2026-12-03 17:00".into(),
            series: None,
            archived: false,
            partner: None,
            certificate_text: None,
            coworking: false,
        };
        assert_eq!(
            default_file_name(&ev, ExportFormat::Csv),
            PathBuf::from("escale-demo-forum-emploi-numerique-2026-12-03.csv"),
            "accents and punctuation never reach a file name"
        );
    }
}
