//! `escale demo`: the core's synthetic event full of invented people, for
//! demos and for trying the desk at scale.

use crate::args::DemoArgs;
use crate::output::{fields, Failure, Reply, Ui};
use escale_core::Escale;

pub async fn run(app: &Escale, a: &DemoArgs, ui: Ui) -> Result<Reply, Failure> {
    let r = app.demo(a.visitors, a.arrived, a.seed).await?;
    let text = fields(
        ui,
        &[
            (
                ui.t("Événement de démonstration", "Demo event"),
                r.event.title.clone(),
            ),
            ("ID", r.event.id.to_string()),
            (
                ui.t("Personnes inventées", "Invented people"),
                r.visitors.to_string(),
            ),
            (
                ui.t("Déjà arrivées", "Already arrived"),
                r.arrived.to_string(),
            ),
            (
                ui.t("Aides enregistrées", "Help recorded"),
                r.helped.to_string(),
            ),
            (
                ui.t("Opérations écrites", "Operations written"),
                r.ops.to_string(),
            ),
        ],
    );
    Reply::new(&r, text)
}
