//! Every field of the registry reaches each place it must: the store's
//! columns, the canonical hash, the CLI's flags, the import's column
//! synonyms, the export's headers and the UI's forms. Checked against the
//! real artefacts (a store made with today's migrations, the CLI's parsed
//! definition, a file read by the import, an export written by the core, the
//! generated UI registry), so a field that misses one fails here — a hand
//! copy cannot lag.

use crate::args::Cli;
use clap::CommandFactory;
use escale_core::fields::{Ask, Field};
use escale_core::model::Entity;
use escale_core::{Escale, Lang};

fn visitor_fields() -> &'static [Field] {
    Entity::Visitor.fields()
}

#[tokio::test]
async fn every_field_has_a_column_and_enters_the_canonical_hash() {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(dir.path()).await.unwrap();
    app.init("Passerelle", "Portable 1").await.unwrap();
    for entity in Entity::ALL {
        let cols: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT name FROM pragma_table_info('{}')",
            entity.table()
        ))
        .fetch_all(app.store().pool())
        .await
        .unwrap();
        for f in entity.fields() {
            assert!(
                cols.iter().any(|c| c == f.name),
                "{}.{} has no column: add it in a migration (crates/escale-core/migrations/)",
                entity.table(),
                f.name
            );
        }
    }
    // A field set by an op changes the hash: every canonical field is checked.
    let ev = app
        .create_event(&escale_core::app::EventInput {
            title: "Forum".into(),
            starts_at: "2026-12-03 09:00".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut typed = escale_core::app::VisitorInput::named("Zoé", "Martin");
    let w = app
        .register_walk_in(&escale_core::app::WalkIn {
            event_id: ev.id.to_string(),
            visitor: typed.clone(),
            consents: vec![escale_core::app::ConsentInput {
                purpose: "processing".into(),
                granted: true,
            }],
            check_in: false,
        })
        .await
        .unwrap();
    for f in visitor_fields().iter().filter(|f| f.canonical && f.max > 0) {
        let before = app.store().state_hash().await.unwrap().total;
        let value = match f.name {
            "birth_year" => serde_json::json!(1991),
            "situation" => serde_json::json!("student"),
            "gender" => serde_json::json!("female"),
            "cowork_status" => serde_json::json!("freelancer"),
            "email" => serde_json::json!("zoe.martin@example.org"),
            "phone" => serde_json::json!("06 12 34 56 78"),
            "postcode" => serde_json::json!("93100"),
            "commune_code" => serde_json::json!("93048"),
            _ => serde_json::json!("Montreuil"),
        };
        typed = escale_core::app::VisitorInput::new().with(f.name, value);
        app.update_visitor(&w.visitor.id.to_string(), &typed)
            .await
            .unwrap();
        let after = app.store().state_hash().await.unwrap().total;
        assert_ne!(
            before, after,
            "{} must enter the canonical hash (`ops verify`)",
            f.name
        );
    }
}

#[test]
fn every_field_a_person_types_has_a_cli_flag() {
    let cmd = Cli::command();
    for sub in ["add", "edit"] {
        let visitor = cmd.find_subcommand("visitor").unwrap();
        let c = visitor.find_subcommand(sub).unwrap();
        for f in visitor_fields().iter().filter(|f| f.ask != Ask::Never) {
            let flag = f
                .cli
                .unwrap_or_else(|| panic!("{} is asked in forms but has no CLI flag", f.name));
            assert!(
                c.get_arguments().any(|a| a.get_long() == Some(flag)),
                "`escale visitor {sub}` has no --{flag} for {}",
                f.name
            );
        }
    }
}

#[test]
fn every_field_an_import_can_feed_is_recognised_by_its_synonyms() {
    for f in visitor_fields().iter().filter(|f| f.max > 0) {
        assert!(!f.import.is_empty(), "{} has no import synonym", f.name);
        // A file whose only other column is a name: the synonym must win its column.
        for alias in f.import.iter().take(3) {
            let header = if f.name == "first_name" || f.name == "last_name" {
                format!("Nom complet;{alias}")
            } else {
                format!("Prénom;Nom;{alias}")
            };
            let csv = format!("{header}\nZoé;Martin;x\n");
            let reader = escale_import::open_bytes(csv.into_bytes(), "f.csv").unwrap();
            let column = if f.name == "first_name" || f.name == "last_name" {
                1
            } else {
                2
            };
            assert_eq!(
                reader.detected().mapping.get(f.name),
                Some(column),
                "the header {alias:?} should feed {}",
                f.name
            );
        }
    }
}

#[tokio::test]
async fn every_exported_field_has_its_header_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(dir.path()).await.unwrap();
    app.init("Passerelle", "Portable 1").await.unwrap();
    let ev = app
        .create_event(&escale_core::app::EventInput {
            title: "Forum".into(),
            starts_at: "2026-12-03 09:00".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    for lang in [Lang::Fr, Lang::En] {
        let t = app.export_table(&ev.id.to_string(), lang).await.unwrap();
        for f in visitor_fields().iter().filter(|f| f.export.is_some()) {
            assert!(
                t.headers.iter().any(|h| h == f.label.get(lang)),
                "the export has no {:?} column ({})",
                f.label.get(lang),
                f.name
            );
        }
    }
}

#[test]
fn every_field_the_forms_ask_is_in_the_ui_registry() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ui/src/lib/backend/bindings/registry.ts"
    );
    let ts = std::fs::read_to_string(path).unwrap();
    for f in visitor_fields() {
        assert!(
            ts.contains(&format!("\"name\": \"{}\"", f.name)),
            "{} is not in the UI's generated registry: run `make bindings`",
            f.name
        );
    }
}

/// Source files a person writes (tests, generated files and the tables
/// themselves apart), with their test modules cut off.
fn hand_written_sources() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = vec![];
    let mut stack = vec![
        root.join("crates"),
        root.join("src-tauri/src"),
        root.join("ui/src"),
    ];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.to_string_lossy().to_string();
            if path.is_dir() {
                let skip = [
                    "tests",
                    "benches",
                    "bindings",
                    "fixtures",
                    "data",
                    "node_modules",
                    "target",
                    "test",
                ];
                if !skip.iter().any(|s| name.ends_with(&format!("/{s}"))) {
                    stack.push(path);
                }
                continue;
            }
            let source =
                name.ends_with(".rs") || name.ends_with(".ts") || name.ends_with(".svelte");
            let excluded = name.ends_with(".test.ts")
                || name.ends_with("/catalogue.rs")
                || name.ends_with("/fields.rs")
                || name.ends_with("/registry_reach.rs");
            if !source || excluded {
                continue;
            }
            let mut text = std::fs::read_to_string(&path).unwrap();
            if let Some(i) = text.find("#[cfg(test)]") {
                text.truncate(i);
            }
            out.push((path, text));
        }
    }
    out
}

fn quoted(text: &str, word: &str) -> bool {
    ["\"", "'"]
        .iter()
        .any(|q| text.contains(&format!("{q}{word}{q}")))
}

#[test]
fn no_error_code_is_listed_by_hand_outside_the_catalogue() {
    // A file naming three codes or more as text is keeping a list of its
    // own (a mapping, a "known codes" table): it must use the catalogue.
    let codes: Vec<&str> = escale_protocol::catalogue::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    for (path, text) in hand_written_sources() {
        let named: Vec<&&str> = codes.iter().filter(|c| quoted(&text, c)).collect();
        assert!(
            named.len() < 3,
            "{} lists error codes by hand ({named:?}): use escale_protocol::catalogue",
            path.display()
        );
    }
}

#[test]
fn no_field_list_is_kept_by_hand_outside_the_registry() {
    // Half the fields a person types, named within fifteen lines, is a list
    // of fields that a new field would have to join: derive it instead.
    let typed: Vec<&str> = visitor_fields()
        .iter()
        .filter(|f| f.max > 0)
        .map(|f| f.name)
        .collect();
    for (path, text) in hand_written_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for start in 0..lines.len() {
            let window = lines[start..(start + 15).min(lines.len())].join("\n");
            let named: Vec<&&str> = typed.iter().filter(|f| quoted(&window, f)).collect();
            assert!(
                named.len() * 2 < typed.len(),
                "{}:{} names {named:?} by hand: derive the list from the field registry",
                path.display(),
                start + 1
            );
        }
    }
}
