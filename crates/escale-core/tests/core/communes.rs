//! The visitor's town (`commune`): typed at the desk, found from the
//! postcode, imported from a "Ville" column, exported with its INSEE code.

use crate::support::*;
use escale_core::Lang;

#[tokio::test]
async fn a_town_typed_without_accents_is_stored_as_insee_names_it_with_its_code() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(
            &d.event,
            person("Éloïse", "N'Diaye")
                .with("postcode", "93100")
                .with("commune", "montreuil"),
            false,
        ))
        .await
        .unwrap();
    assert_eq!(r.visitor.text("commune"), Some("Montreuil"));
    assert_eq!(
        r.visitor.text("commune_code"),
        Some("93048"),
        "the INSEE code"
    );
    // Abroad: kept as typed, without a code.
    let abroad = d
        .app
        .register_walk_in(&walk_in(
            &d.event,
            person("Ömer", "Yılmaz").with("commune", "Bruxelles"),
            false,
        ))
        .await
        .unwrap();
    assert_eq!(abroad.visitor.text("commune"), Some("Bruxelles"));
    assert_eq!(abroad.visitor.text("commune_code"), None);
    // The postcode typed with the town decides between namesakes; a bare
    // name that twelve communes bear stays without a code.
    let (v, _) = d
        .app
        .update_visitor(
            &abroad.visitor.id.to_string(),
            &escale_core::app::VisitorInput::new().with("commune", "Sainte-Colombe"),
        )
        .await
        .unwrap();
    assert_eq!(
        v.text("commune_code"),
        None,
        "twelve Sainte-Colombe: no guess"
    );
}

#[tokio::test]
async fn the_postcode_suggests_its_communes() {
    let d = desk().await;
    let ctx = person("Zoé", "Martin").with("postcode", "01400");
    let s = d.app.suggest("commune", "", &ctx, 20).unwrap();
    assert_eq!(s.len(), 10, "01400 covers ten communes");
    assert!(s.iter().all(|c| c.label.ends_with("(01400)")));
    let typed = d.app.suggest("commune", "chat", &ctx, 20).unwrap();
    assert_eq!(
        typed[0].values["commune_code"].as_deref(),
        Some("01093"),
        "Châtillon-sur-Chalaronne"
    );
    assert!(d.app.suggest("email", "a", &ctx, 5).unwrap().is_empty());
}

#[tokio::test]
async fn a_ville_column_is_imported_and_exported_with_the_insee_code() {
    let d = desk().await;
    let csv = d.dir.path().join("inscrits.csv");
    std::fs::write(
        &csv,
        "Prénom;Nom;Code postal;Ville\nChloé;Martin;42000;Saint-Étienne\nLukas;Weber;;Berlin\n",
    )
    .unwrap();
    d.app
        .import_file(
            &d.event,
            &csv,
            &escale_core::import::ImportOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    let t = d.app.export_table(&d.event, Lang::Fr).await.unwrap();
    let col = |h: &str| t.headers.iter().position(|x| x == h).unwrap();
    let chloe = t.rows.iter().find(|r| r[col("Nom")] == "Martin").unwrap();
    assert_eq!(
        (
            chloe[col("Commune")].as_str(),
            chloe[col("Code INSEE de la commune")].as_str()
        ),
        ("Saint-Étienne", "42218")
    );
    let lukas = t.rows.iter().find(|r| r[col("Nom")] == "Weber").unwrap();
    assert_eq!(lukas[col("Commune")], "Berlin");
    assert_eq!(lukas[col("Code INSEE de la commune")], "");
}
