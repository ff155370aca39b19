//! `escale ops verify|count|quarantine`: checks on the operation log.
//!
//! `verify` answers "no" with exit code 1 and the differing tables; the
//! rebuild itself is the core's (it never touches the live store).

use crate::args::OpsCommand;
use crate::output::{fields, table, Failure, Reply, Ui};
use escale_core::app::VerifyReport;
use escale_core::Escale;
use escale_protocol::catalogue::{m, Problem};
use serde_json::json;

pub async fn run(app: &Escale, c: OpsCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        OpsCommand::Verify => verify(app, ui).await,
        OpsCommand::Count => {
            let n = app.store().op_count().await?;
            Reply::new(&json!({ "ops": n }), format!("{n}\n"))
        }
        OpsCommand::Quarantine { limit } => {
            let ops = app.store().quarantined(limit).await?;
            let text = if ops.is_empty() {
                ui.t(
                    "Aucune opération en quarantaine.\n",
                    "No quarantined operation.\n",
                )
                .to_string()
            } else {
                let rows: Vec<Vec<String>> = ops
                    .iter()
                    .map(|q| {
                        vec![
                            q.origin.to_string(),
                            q.seq.to_string(),
                            q.kind.clone(),
                            q.reason.clone(),
                        ]
                    })
                    .collect();
                table(
                    &[
                        ui.t("Appareil d'origine", "Origin device"),
                        ui.t("N°", "Seq"),
                        ui.t("Type", "Kind"),
                        ui.t("Raison", "Reason"),
                    ],
                    &rows,
                )
            };
            Reply::new(&ops, text)
        }
    }
}

async fn verify(app: &Escale, ui: Ui) -> Result<Reply, Failure> {
    let r = app.verify().await?;
    let reply = Reply::new(&r, render(&r, ui))?;
    if r.equal {
        return Ok(reply);
    }
    let _ = ui;
    Err(Failure::Negative {
        problem: Problem::new(&m::OPS_VERIFY_MISMATCH).arg("tables", r.differing.join(", ")),
        reply,
    })
}

fn render(r: &VerifyReport, ui: Ui) -> String {
    let verdict = if r.equal {
        ui.t(
            "identique : l'état est exactement ce que dit le journal",
            "equal: the state is exactly what the log says",
        )
    } else {
        ui.t("DIFFÉRENT", "DIFFERENT")
    };
    fields(
        ui,
        &[
            (
                ui.t("Opérations rejouées", "Operations replayed"),
                r.ops.to_string(),
            ),
            (
                ui.t("Empreinte actuelle", "Live hash"),
                r.live.total.clone(),
            ),
            (
                ui.t("Empreinte reconstruite", "Rebuilt hash"),
                r.rebuilt.total.clone(),
            ),
            (ui.t("Résultat", "Result"), verdict.to_string()),
            (ui.t("Durée", "Time"), format!("{} ms", r.millis)),
        ],
    )
}
