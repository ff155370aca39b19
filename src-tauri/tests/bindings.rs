//! The UI and Rust cannot drift: the committed TypeScript bindings are what
//! the Rust types generate today, and `ui/src/lib/backend/commands.ts` (what
//! the app and the UI bridge of the component tests both send) invokes
//! exactly the registered commands.
//!
//! `ESCALE_WRITE_BINDINGS=1` (what `make bindings` sets) rewrites the
//! committed bindings instead of checking them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use escale_desktop::bindings;

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(e.path()).unwrap_or_default())
        })
        .collect()
}

#[test]
fn committed_bindings_are_what_the_rust_types_generate() {
    let committed = bindings::committed_dir();
    if std::env::var_os("ESCALE_WRITE_BINDINGS").is_some_and(|v| v == "1") {
        // Start empty so that bindings of types that no longer exist go away.
        if committed.exists() {
            std::fs::remove_dir_all(&committed).unwrap();
        }
        bindings::export(&committed).unwrap();
        println!("bindings written to {}", committed.display());
        return;
    }

    let tmp = tempfile::tempdir().unwrap();
    bindings::export(tmp.path()).unwrap();
    let fresh = read_tree(tmp.path());
    let old = read_tree(&committed);
    let mut problems = vec![];
    for (name, text) in &fresh {
        match old.get(name) {
            None => problems.push(format!("missing: {name}")),
            Some(t) if t != text => problems.push(format!("differs: {name}")),
            Some(_) => {}
        }
    }
    for name in old.keys().filter(|n| !fresh.contains_key(*n)) {
        problems.push(format!("no longer generated: {name}"));
    }
    assert!(
        problems.is_empty(),
        "ui/src/lib/backend/bindings/ is out of date with the Rust types; run `make bindings` and commit the result:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn commands_ts_invokes_exactly_the_registered_commands() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend/commands.ts");
    let source: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    // commands.ts calls every command through `call('name'` (or `call<T>('name'`).
    let mut used = BTreeSet::new();
    for (i, _) in source.match_indices("call") {
        let rest = &source[i + 4..];
        let rest = match rest.strip_prefix('<') {
            Some(r) => match r.find(">(") {
                Some(end) => &r[end + 1..],
                None => continue,
            },
            None => rest,
        };
        let Some(rest) = rest.strip_prefix("('") else {
            continue;
        };
        if let Some(end) = rest.find('\'') {
            used.insert(rest[..end].to_string());
        }
    }
    let registered: BTreeSet<String> = escale_desktop::commands::NAMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    let unknown: Vec<_> = used.difference(&registered).collect();
    let unused: Vec<_> = registered.difference(&used).collect();
    assert!(
        unknown.is_empty(),
        "commands.ts invokes commands that generate_handler! does not register: {unknown:?}"
    );
    assert!(
        unused.is_empty(),
        "registered commands that commands.ts never invokes (renamed on one side?): {unused:?}"
    );
}
