//! `escale report`: a partner report by event, series or period — its
//! figures on the terminal, or a file (PDF, CSV, XLSX with small counts
//! suppressed; la Coop's activity file as it is), written by
//! `escale_print::report::write` as the app writes it.

use crate::args::{ReportArgs, ReportFormatArg};
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::report::export::{publish, ReportFormat, THRESHOLD};
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
    let Some(format) = a.format.map(|f| match f {
        ReportFormatArg::Pdf => ReportFormat::Pdf,
        ReportFormatArg::Csv => ReportFormat::Csv,
        ReportFormatArg::Xlsx => ReportFormat::Xlsx,
        ReportFormatArg::Coop => ReportFormat::Coop,
    }) else {
        // The key figures on the terminal, exact (nothing leaves the laptop).
        let report = app.report(&query).await?;
        let org = app.info().await?.org_name;
        let published = publish(&report, &org, ui.lang, THRESHOLD);
        let mut pairs: Vec<(&str, String)> = vec![
            (ui.t("Bilan", "Report"), published.scope_label.clone()),
            (ui.t("Période", "Period"), published.period.clone()),
        ];
        let exact = escale_core::report::export::headline_texts(&report.headline, ui.lang, 0);
        for (label, v) in &exact {
            pairs.push((label.as_str(), v.text.clone()));
        }
        return Reply::new(&report, fields(ui, &pairs));
    };
    let dest = match &a.output {
        Some(p) => p.clone(),
        None => {
            let label = match (&a.event, &a.series) {
                (None, None) => format!(
                    "{}-{}",
                    a.from.clone().unwrap_or_default(),
                    a.to.clone().unwrap_or_default()
                ),
                _ => app.report(&query).await?.scope.label,
            };
            let slug = escale_core::text::tokens(&label).join("-");
            let slug: String = if slug.is_empty() {
                "rapport".into()
            } else {
                slug.chars().take(60).collect()
            };
            let stem = if format == ReportFormat::Coop {
                "coop"
            } else {
                "rapport"
            };
            PathBuf::from(format!("escale-{stem}-{slug}.{}", format.extension()))
        }
    };
    let written = escale_print::report::write(app, &query, format, &dest, ui.lang).await?;
    let mut pairs = vec![(ui.t("Fichier écrit", "File written"), written.path.clone())];
    if format == ReportFormat::Coop {
        pairs.push((ui.t("Activités", "Activities"), written.rows.to_string()));
    } else {
        pairs.push((
            ui.t("Cases masquées (< 5)", "Cells withheld (< 5)"),
            written.withheld.to_string(),
        ));
    }
    Reply::new(&written, fields(ui, &pairs))
}
