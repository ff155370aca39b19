//! `escale report`: a partner report by event, series or period — its
//! figures on the terminal, or a file (PDF, CSV, XLSX with small counts
//! suppressed; la Coop's activity file as it is).

use crate::args::{ReportArgs, ReportFormatArg};
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::report::export::{
    publish, save, write_atomically, write_csv, ReportFormat, THRESHOLD,
};
use escale_core::report::ReportQuery;
use escale_core::Escale;
use std::path::PathBuf;

pub async fn run(app: &Escale, a: &ReportArgs, ui: Ui) -> Result<Reply, Failure> {
    let query = ReportQuery {
        event_id: a.event.clone(),
        series: a.series.clone(),
        from: a.from.clone(),
        to: a.to.clone(),
    };
    let format = a.format.map(|f| match f {
        ReportFormatArg::Pdf => ReportFormat::Pdf,
        ReportFormatArg::Csv => ReportFormat::Csv,
        ReportFormatArg::Xlsx => ReportFormat::Xlsx,
        ReportFormatArg::Coop => ReportFormat::Coop,
    });
    let org = app.info().await?.org_name;
    if format == Some(ReportFormat::Coop) {
        let file = app.coop_activities(&query, ui.lang).await?;
        let dest = a
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from("escale-coop-activites.csv"));
        write_atomically(&dest, |tmp| write_csv(&file.lines, tmp))?;
        let text = fields(
            ui,
            &[
                (
                    ui.t("Fichier écrit", "File written"),
                    dest.display().to_string(),
                ),
                (ui.t("Activités", "Activities"), file.activities.to_string()),
            ],
        );
        return Reply::new(
            &serde_json::json!({ "path": dest.display().to_string(), "activities": file.activities }),
            text,
        );
    }
    let report = app.report(&query).await?;
    let published = publish(&report, &org, ui.lang, THRESHOLD);
    let Some(format) = format else {
        let mut pairs: Vec<(&str, String)> = vec![
            (ui.t("Bilan", "Report"), report.scope.label.clone()),
            (ui.t("Période", "Period"), published.period.clone()),
        ];
        for (label, v) in &published.headline {
            pairs.push((label.as_str(), v.text.clone()));
        }
        let mut text = fields(ui, &pairs);
        text.push_str("\n\n");
        text.push_str(&published.notice);
        return Reply::new(&report, text);
    };
    let dest = a.output.clone().unwrap_or_else(|| {
        let slug = escale_core::text::tokens(&report.scope.label).join("-");
        let slug: String = if slug.is_empty() {
            "rapport".into()
        } else {
            slug.chars().take(60).collect()
        };
        PathBuf::from(format!("escale-rapport-{slug}.{}", format.extension()))
    });
    match format {
        ReportFormat::Pdf => {
            let bytes = escale_print::report::render(&published);
            escale_print::write_pdf(&dest, &bytes).map_err(escale_core::Error::Export)?;
        }
        other => save(&published, other, &dest)?,
    }
    let hidden: usize = published
        .tables
        .iter()
        .flat_map(|t| {
            t.rows
                .iter()
                .flat_map(|r| r.cells.iter())
                .chain(t.total.iter().flatten())
        })
        .filter(|c| c.value.is_none() && (c.text.starts_with('<') || c.text == "s"))
        .count();
    let text = fields(
        ui,
        &[
            (
                ui.t("Fichier écrit", "File written"),
                dest.display().to_string(),
            ),
            (ui.t("Bilan", "Report"), report.scope.label.clone()),
            (ui.t("Période", "Period"), published.period.clone()),
            (ui.t("Cases masquées", "Cells withheld"), hidden.to_string()),
        ],
    );
    Reply::new(
        &serde_json::json!({ "path": dest.display().to_string(), "format": format, "withheld": hidden }),
        text,
    )
}
