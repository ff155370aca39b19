//! End-to-end tests of the real `escale` binary: each test gets its own
//! data directory and drives the CLI as a script would (`--json`), checking
//! exit codes, error codes and what ends up in the store.
//!
//! The binary must be built first (`cargo build -p escale-cli`; `make test`
//! builds the workspace before running the tests).

use escale_tests::cli::Cli;
use serde_json::Value;

/// An initialised data directory with one event (and its id).
fn with_event() -> (Cli, String) {
    let cli = Cli::initialised();
    let ev = cli.ok(&[
        "event",
        "create",
        "--title",
        "Forum de l'emploi",
        "--place",
        "Salle des fêtes",
        "--start",
        "2026-12-03 09:00",
        "--end",
        "2026-12-03 17:00",
    ]);
    (
        cli,
        ev["id"].as_str().expect("the event has an id").to_string(),
    )
}

/// Registers Éloïse N'Diaye-Lefèvre as a walk-in; returns her visitor view.
fn add_eloise(cli: &Cli, event: &str) -> Value {
    let r = cli.ok(&[
        "visitor",
        "add",
        "--event",
        event,
        "--first",
        "Éloïse",
        "--last",
        "N'Diaye-Lefèvre",
        "--email",
        "eloise@example.org",
    ]);
    r["visitor"].clone()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

fn arrived(cli: &Cli, event: &str) -> i64 {
    cli.ok(&["stats", "--event", event])["arrived"]
        .as_i64()
        .expect("stats.arrived is a number")
}

#[test]
fn a_walk_in_with_accents_is_found_by_each_folded_part_of_her_name() {
    let (cli, ev) = with_event();
    let eloise = add_eloise(&cli, &ev);
    for query in ["eloise", "ndiaye", "lefevre"] {
        let hits = cli.ok(&["search", "--event", &ev, query]);
        let found = hits
            .as_array()
            .expect("search returns a list")
            .iter()
            .any(|h| h["visitor"]["id"] == eloise["id"]);
        assert!(found, "searching {query:?} must find Éloïse N'Diaye-Lefèvre (accents, apostrophe and hyphen folded): {hits}");
    }
}

#[test]
fn a_second_check_in_says_already_arrived_and_is_counted_once() {
    let (cli, ev) = with_event();
    let who = id(&add_eloise(&cli, &ev));
    let first = cli.ok(&["checkin", "--event", &ev, &who]);
    assert_eq!(
        first["status"], "welcome",
        "the first scan welcomes the person"
    );
    let second = cli.ok(&["checkin", "--event", &ev, &who]);
    assert_eq!(
        second["status"], "already_arrived",
        "a second scan is reported, not counted"
    );
    assert_eq!(
        second["arrived_at"], first["arrived_at"],
        "the arrival time stays the first one"
    );
    assert_eq!(
        arrived(&cli, &ev),
        1,
        "one person arrived, whatever the number of scans"
    );
}

#[test]
fn a_badge_code_checks_the_person_in() {
    let (cli, ev) = with_event();
    let eloise = add_eloise(&cli, &ev);
    let code = eloise["badge_code"]
        .as_str()
        .expect("walk-ins get a badge code")
        .to_lowercase();
    let r = cli.ok(&["checkin", "--event", &ev, &code]);
    assert_eq!(
        r["visitor"]["id"], eloise["id"],
        "a scanner typing the badge code (any case) finds her"
    );
    assert_eq!(r["status"], "welcome");
}

#[test]
fn undo_cancels_the_latest_check_in_and_then_has_nothing_left() {
    let (cli, ev) = with_event();
    let who = id(&add_eloise(&cli, &ev));
    cli.ok(&["checkin", "--event", &ev, &who]);
    let undone = cli.ok(&["undo", "--event", &ev]);
    assert!(
        undone["voided_checkin_id"].is_string(),
        "undo names the check-in it voided: {undone}"
    );
    assert_eq!(arrived(&cli, &ev), 0, "an undone check-in no longer counts");
    let again = cli.fails(&["undo", "--event", &ev]);
    assert_eq!(again.error_code(), "checkin.nothing_to_undo");
    assert_eq!(
        again.code, 1,
        "nothing to undo is a failed operation, not bad input"
    );
}

#[test]
fn session_check_in_and_check_out_track_who_is_inside() {
    let (cli, ev) = with_event();
    let who = id(&add_eloise(&cli, &ev));
    let s = cli.ok(&[
        "session",
        "add",
        "--event",
        &ev,
        "--title",
        "Atelier CV",
        "--room",
        "Salle A",
        "--start",
        "14:00",
        "--end",
        "15:30",
        "--capacity",
        "12",
    ]);
    assert_eq!(
        s["starts_local"], "2026-12-03 14:00",
        "a bare time means the event's first day, local time"
    );
    let sid = id(&s);
    let inn = cli.ok(&["checkin", "--event", &ev, &who, "--session", &sid]);
    assert_eq!(
        (
            inn["session_count"].as_i64(),
            inn["session_capacity"].as_i64()
        ),
        (Some(1), Some(12)),
        "{inn}"
    );
    let out = cli.ok(&["checkout", "--event", &ev, &who, "--session", &sid]);
    assert_eq!(out["status"], "checked_out");
    assert_eq!(
        out["session_count"].as_i64(),
        Some(0),
        "after checking out nobody is inside"
    );
}

#[test]
fn import_dry_run_writes_nothing_and_a_second_import_adds_nothing() {
    let (cli, ev) = with_event();
    let file = cli.root().join("inscrits.csv");
    let csv = "\u{feff}Nom;Prénom;E-mail;Statut\r\nMartin;Chloé;chloe@example.org;Validé\r\nN'Diaye-Lefèvre;Éloïse;eloise@example.org;Validé\r\nDurand;Ana;ana@example.org;Annulé\r\n";
    std::fs::write(&file, csv).expect("write the test CSV");
    let path = file.to_str().expect("utf-8 path");
    let before = cli.op_count();

    let dry = cli.ok(&["import", "--event", &ev, path, "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["rows"], 3, "three data rows: {dry}");
    assert_eq!(
        dry["new_visitors"], 2,
        "the cancelled row is not a new person"
    );
    assert_eq!(
        dry["skipped_by_reason"]["cancelled"], 1,
        "the « Annulé » row is skipped as cancelled"
    );
    assert_eq!(dry["detected"]["delimiter"], "semicolon");
    assert_eq!(dry["detected"]["encoding"], "utf8_bom");
    assert_eq!(cli.op_count(), before, "a dry run writes nothing");

    let real = cli.ok(&["import", "--event", &ev, path]);
    assert_eq!(real["new_visitors"], 2);
    assert!(cli.op_count() > before, "the real import writes");
    let again = cli.ok(&["import", "--event", &ev, path]);
    let (rows, skipped) = (
        again["rows"].as_i64().unwrap_or(-1),
        again["skipped"].as_i64().unwrap_or(-1),
    );
    assert_eq!(
        again["already_imported"].as_i64(),
        Some(rows - skipped),
        "every row not skipped is already imported: {again}"
    );
    assert_eq!(again["new_visitors"], 0);
    assert_eq!(
        cli.ok(&["stats", "--event", &ev])["pre_registered"],
        2,
        "each imported person counts once"
    );
}

#[test]
fn export_writes_a_csv_for_french_excel_and_an_xlsx_workbook() {
    let (cli, ev) = with_event();
    add_eloise(&cli, &ev);
    let csv = cli.root().join("export.csv");
    let r = cli.ok(&[
        "export",
        "--event",
        &ev,
        "--format",
        "csv",
        "--output",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(r["rows"], 1);
    let bytes = std::fs::read(&csv).expect("the CSV was written");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "French Excel needs the UTF-8 BOM to read accents"
    );
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(
        text.lines().next().unwrap_or_default().contains(';'),
        "French Excel splits on ';'"
    );
    assert!(
        text.contains("N'Diaye-Lefèvre"),
        "names are exported intact: {text}"
    );

    let run = cli.run(&["--json", "export", "--event", &ev, "--format", "xlsx"]);
    let path = run.data()["path"]
        .as_str()
        .expect("the report names the file")
        .to_string();
    assert!(
        path.starts_with("escale-forum-de-l-emploi-2026-12-03"),
        "default name is a slug of title and date: {path}"
    );
    let xlsx =
        std::fs::read(cli.root().join(&path)).expect("the XLSX lands in the current directory");
    assert!(xlsx.starts_with(b"PK"), "an XLSX file is a ZIP container");
}

#[test]
fn a_merged_then_erased_person_can_no_longer_be_found() {
    let (cli, ev) = with_event();
    let eloise = id(&add_eloise(&cli, &ev));
    let dup = cli.ok(&[
        "visitor",
        "add",
        "--event",
        &ev,
        "--first",
        "Eloise",
        "--last",
        "NDIAYE LEFEVRE",
        "--phone",
        "06 12 34 56 78",
    ]);
    assert!(
        dup["similar"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x["visitor"]["id"] == eloise.as_str())),
        "the second record is flagged as a possible duplicate: {dup}"
    );
    let merged = cli.ok(&["merge", &id(&dup["visitor"]), &eloise]);
    assert_eq!(
        merged["winner"]["phone"], "+33612345678",
        "the winner gains the duplicate's phone"
    );

    let erased = cli.ok(&["erase", &eloise, "--yes"]);
    assert_eq!(
        erased["erased_ids"].as_array().map(Vec::len),
        Some(2),
        "erasure covers the merged record too"
    );
    for query in ["eloise", "ndiaye"] {
        let hits = cli.ok(&["search", "--event", &ev, query]);
        assert_eq!(
            hits.as_array().map(Vec::len),
            Some(0),
            "an erased person never shows up again: {hits}"
        );
    }
    let show = cli.fails(&["visitor", "show", &eloise]);
    assert!(
        ["visitor.erased", "visitor.not_found"].contains(&show.error_code().as_str()),
        "{}",
        show.stdout
    );
    assert_eq!(show.code, 2, "an id that no longer resolves is bad input");
    let verify = cli.run(&["ops", "verify"]);
    assert_eq!(
        verify.code, 0,
        "the state still folds from the log after merge and erase: {}",
        verify.stdout
    );
}

#[test]
fn erase_without_yes_and_without_a_terminal_is_refused() {
    let (cli, ev) = with_event();
    let who = id(&add_eloise(&cli, &ev));
    let r = cli.fails(&["erase", &who]);
    assert_eq!(r.error_code(), "usage.confirmation_required");
    assert_eq!(r.code, 2, "a script must say --yes explicitly");
    cli.ok(&["visitor", "show", &who]);
}

#[test]
fn ops_verify_passes_on_a_fresh_store() {
    let (cli, ev) = with_event();
    add_eloise(&cli, &ev);
    let r = cli.ok(&["ops", "verify"]);
    assert_eq!(
        r["equal"], true,
        "rebuilding the state from the log gives the live state: {r}"
    );
}

#[test]
fn the_unknown_event_message_follows_lang_with_the_same_exit_code() {
    let cli = Cli::initialised();
    let fr = cli.run(&["--lang", "fr", "stats", "--event", "pas-un-id"]);
    let en = cli.run(&["--lang", "en", "stats", "--event", "pas-un-id"]);
    assert_eq!(
        (fr.code, en.code),
        (2, 2),
        "an unknown event is bad input in any language"
    );
    assert!(
        fr.stderr.starts_with("escale: Événement inconnu"),
        "French message: {}",
        fr.stderr
    );
    assert!(
        en.stderr.starts_with("escale: Unknown event"),
        "English message: {}",
        en.stderr
    );
    let from_env = cli.run_with(&["stats", "--event", "x"], &[("LANG", "en_GB.UTF-8")]);
    assert!(
        from_env.stderr.contains("Unknown event"),
        "without --lang, LANG decides: {}",
        from_env.stderr
    );
}

#[test]
fn an_unknown_event_id_is_a_json_error_with_exit_code_2() {
    let cli = Cli::initialised();
    let r = cli.fails(&[
        "session",
        "list",
        "--event",
        "018f0000-0000-7000-8000-000000000000",
    ]);
    assert_eq!(r.error_code(), "event.not_found");
    assert_eq!(r.code, 2);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("escale event list")),
        "the message says what to do"
    );
}

#[test]
fn an_uninitialised_data_dir_exits_3_and_is_left_untouched() {
    let cli = Cli::new();
    let r = cli.fails(&["info"]);
    assert_eq!(r.error_code(), "store.not_initialised");
    assert_eq!(r.code, 3, "store problems exit 3");
    assert!(
        !cli.data_dir().exists(),
        "a read command must not create the data directory"
    );
}

#[test]
fn a_data_dir_that_is_a_file_exits_3_with_store_data_dir() {
    let cli = Cli::new();
    std::fs::write(cli.data_dir(), b"not a directory")
        .expect("create a file where the data dir should be");
    for args in [&["info"][..], &["init", "--org", "A", "--device", "B"][..]] {
        let r = cli.fails(args);
        assert_eq!(r.error_code(), "store.data_dir", "{args:?}: {}", r.stdout);
        assert_eq!(r.code, 3);
    }
}

#[test]
fn an_empty_name_is_refused_with_name_required() {
    let (cli, ev) = with_event();
    let r = cli.fails(&[
        "visitor", "add", "--event", &ev, "--first", "", "--last", "  ",
    ]);
    assert_eq!(r.error_code(), "visitor.name_required");
    assert_eq!(r.code, 2);
}

#[test]
fn a_ten_thousand_character_first_name_is_refused_and_nothing_is_written() {
    let (cli, ev) = with_event();
    let before = cli.op_count();
    let long = "a".repeat(10_000);
    let r = cli.fails(&[
        "visitor", "add", "--event", &ev, "--first", &long, "--last", "Martin",
    ]);
    assert_eq!(r.error_code(), "input.too_long");
    assert_eq!(r.code, 2);
    assert_eq!(
        cli.op_count(),
        before,
        "a refused registration leaves nothing half-written"
    );
}

#[test]
fn importing_a_png_is_refused_as_not_a_spreadsheet() {
    let (cli, ev) = with_event();
    let png = cli.root().join("photo.csv");
    std::fs::write(
        &png,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0",
    )
    .expect("write PNG bytes");
    let before = cli.op_count();
    let r = cli.fails(&["import", "--event", &ev, png.to_str().unwrap()]);
    assert_eq!(
        r.error_code(),
        "import.not_a_spreadsheet",
        "the extension lies; the bytes decide"
    );
    assert_eq!(r.code, 2);
    assert_eq!(cli.op_count(), before);
}

#[test]
fn a_usage_error_in_json_mode_is_still_one_json_document() {
    let cli = Cli::initialised();
    let r = cli.fails(&["checkin", "--event"]);
    assert_eq!(r.error_code(), "usage");
    assert_eq!(r.code, 2, "clap usage errors exit 2");
}

#[test]
fn text_mode_speaks_french_with_accents_and_errors_go_to_stderr() {
    let (cli, ev) = with_event();
    add_eloise(&cli, &ev);
    let r = cli.run(&["search", "--event", &ev, "eloise"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Éloïse N'Diaye-Lefèvre") && r.stdout.contains("Arrivé·e à"),
        "{}",
        r.stdout
    );
    let bad = cli.run(&["checkin", "--event", &ev, "ZZZZ9999"]);
    assert_eq!(bad.code, 2, "an unknown code is bad input");
    assert!(
        bad.stdout.is_empty(),
        "errors never go to stdout in text mode"
    );
    assert!(
        bad.stderr.starts_with("escale: Aucun inscrit"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_town_given_on_the_command_line_is_stored_with_its_insee_code_and_shown() {
    let (cli, ev) = with_event();
    let added = cli.ok(&[
        "visitor",
        "add",
        "--event",
        &ev,
        "--first",
        "Zoé",
        "--last",
        "Martin",
        "--postcode",
        "42000",
        "--commune",
        "saint etienne",
    ]);
    let id = added["visitor"]["id"].as_str().expect("an id").to_string();
    assert_eq!(
        added["visitor"]["commune"], "Saint-Étienne",
        "as INSEE names it"
    );
    assert_eq!(added["visitor"]["commune_code"], "42218");
    let edited = cli.ok(&["visitor", "edit", &id, "--commune", "Genève"]);
    assert_eq!(edited["visitor"]["commune"], "Genève", "abroad: as typed");
    assert_eq!(edited["visitor"]["commune_code"], serde_json::Value::Null);
    let shown = cli.run(&["--lang", "fr", "visitor", "show", &id]).stdout;
    assert!(
        shown.contains("Commune") && shown.contains("Genève"),
        "{shown}"
    );
}

#[test]
fn a_demo_in_a_fresh_directory_sets_it_up_first_and_leaves_no_wal_behind() {
    let cli = Cli::new();
    let demo = cli.ok(&["demo", "--visitors", "200"]);
    assert_eq!(demo["visitors"], 200);
    let info = cli.ok(&["info"]);
    assert_eq!(info["org_name"], "Association de démonstration");
    let event = demo["event"]["id"].as_str().unwrap();
    let stats = cli.ok(&["stats", "--event", event]);
    assert_eq!(stats["registered"], 200, "{stats}");
    // A second demo adds another event to the same organisation.
    cli.ok(&["demo", "--visitors", "10"]);
    assert_eq!(
        cli.ok(&["info"])["org_name"],
        "Association de démonstration"
    );
    let wal = cli.data_dir().join("escale.db-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "the command leaves no WAL behind"
    );
}

/// Every file under `dir` (recursively) whose bytes contain one of `needles`.
fn files_containing(dir: &std::path::Path, needles: &[&str]) -> Vec<String> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            for n in needles {
                if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                    out.push(format!("{} holds {n:?}", path.display()));
                }
            }
        }
    }
    out
}

#[test]
fn an_anonymisation_racing_an_offline_edit_reaches_every_laptop_and_the_hub() {
    let hub = escale_tests::hub::Hub::create("Passerelle Numérique");
    let running = hub.start();
    let (a, ev) = with_event();
    let x = id(&a.ok(&[
        "visitor",
        "add",
        "--event",
        &ev,
        "--first",
        "Fatoumata",
        "--last",
        "Diallo",
        "--email",
        "fatou.diallo@example.org",
        "--birth-year",
        "1991",
    ])["visitor"]);
    a.ok(&["checkin", "--event", &ev, &x]);
    a.ok(&["sync", "enroll", &hub.url(), &hub.enrolment_code()]);
    a.ok(&["sync", "now"]);
    let b = Cli::new();
    b.ok(&["sync", "enroll", &hub.url(), &hub.enrolment_code()]);
    b.ok(&["sync", "now"]);
    assert_eq!(
        b.ok(&["visitor", "show", &x])["visitor"]["last_name"],
        "Diallo"
    );

    // Offline from each other: A anonymises her, B edits her record.
    let done = a.ok(&["visitor", "anonymise", &x, "--yes"]);
    assert_eq!(done["anonymised_id"], x.as_str());
    b.ok(&[
        "visitor",
        "edit",
        &x,
        "--email",
        "fatoumata.d@example.org",
        "--notes",
        "a demandé un atelier CV",
    ]);
    for _ in 0..2 {
        a.ok(&["sync", "now"]);
        b.ok(&["sync", "now"]);
    }
    for (laptop, cli) in [("A", &a), ("B", &b)] {
        let v = &cli.ok(&["visitor", "show", &x])["visitor"];
        for field in ["first_name", "last_name", "email", "notes"] {
            assert!(
                v[field].is_null() || v[field] == "",
                "laptop {laptop}: {field} came back after the anonymisation: {v}"
            );
        }
        assert_eq!(v["birth_year"], 1991, "laptop {laptop}: the profile stays");
        assert_eq!(
            arrived(cli, &ev),
            1,
            "laptop {laptop}: her visit still counts"
        );
        assert_eq!(cli.run(&["ops", "verify"]).code, 0, "laptop {laptop}");
        let hits = cli.ok(&["search", "--event", &ev, "diallo"]);
        assert_eq!(
            hits.as_array().map(Vec::len),
            Some(0),
            "laptop {laptop}: {hits}"
        );
    }
    // Nothing of hers is left in any file: the laptops' stores and WALs,
    // the hub's database.
    drop(running);
    for dir in [a.data_dir(), b.data_dir(), hub.dir().to_path_buf()] {
        // Folded too: the duplicate key and the search index hold "diallo".
        let left = files_containing(
            &dir,
            &["Diallo", "diallo", "Fatoumata", "fatoumata", "atelier CV"],
        );
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn a_passphrase_seals_the_store_and_nothing_opens_it_without_the_passphrase() {
    let (cli, ev) = with_event();
    let x = id(&add_eloise(&cli, &ev));
    let data = cli.data_dir();
    assert!(
        !files_containing(&data, &["N'Diaye"]).is_empty(),
        "a plain store shows her name"
    );
    let with = |env: &[(&str, &str)], args: &[&str]| {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let mut env = env.to_vec();
        env.push(("LC_ALL", "fr_FR.UTF-8"));
        cli.run_with(&all, &env)
    };
    let short = with(
        &[("ESCALE_NEW_STORE_PASSPHRASE", "trop court")],
        &["key", "passphrase"],
    );
    assert_eq!(
        (short.code, short.error_code().as_str()),
        (2, "store.passphrase_short")
    );
    let set = with(
        &[("ESCALE_NEW_STORE_PASSPHRASE", "cheval agrafe pile correcte")],
        &["key", "passphrase"],
    );
    assert_eq!(set.code, 0, "{}{}", set.stdout, set.stderr);
    assert!(data.join("escale.key").is_file());
    let left = files_containing(
        &data,
        &["N'Diaye", "ndiaye", "Éloïse", "eloise@example.org"],
    );
    assert!(
        left.is_empty(),
        "encrypted in place, nothing left in clear: {left:?}"
    );

    // Without the passphrase (no terminal to ask it on): closed, and it says why.
    let closed = with(&[], &["visitor", "show", &x]);
    assert_eq!(
        (closed.code, closed.error_code().as_str()),
        (3, "store.key_wrong")
    );
    assert!(
        closed.stdout.contains("phrase de passe"),
        "{}",
        closed.stdout
    );
    let wrong = with(
        &[("ESCALE_STORE_PASSPHRASE", "cheval agrafe pile fausse")],
        &["visitor", "show", &x],
    );
    assert_eq!(
        (wrong.code, wrong.error_code().as_str()),
        (3, "store.passphrase_wrong")
    );
    let right = with(
        &[("ESCALE_STORE_PASSPHRASE", "cheval agrafe pile correcte")],
        &["visitor", "show", &x],
    );
    assert_eq!(right.code, 0, "{}", right.stdout);
    assert_eq!(right.data()["visitor"]["last_name"], "N'Diaye-Lefèvre");

    // Changed: the old passphrase no longer opens it, the new one does.
    let changed = with(
        &[
            ("ESCALE_STORE_PASSPHRASE", "cheval agrafe pile correcte"),
            (
                "ESCALE_NEW_STORE_PASSPHRASE",
                "une autre phrase bien longue",
            ),
        ],
        &["key", "passphrase"],
    );
    assert_eq!(changed.code, 0, "{}", changed.stdout);
    let old = with(
        &[("ESCALE_STORE_PASSPHRASE", "cheval agrafe pile correcte")],
        &["ops", "verify"],
    );
    assert_eq!(old.error_code(), "store.passphrase_wrong");
    let new = with(
        &[("ESCALE_STORE_PASSPHRASE", "une autre phrase bien longue")],
        &["ops", "verify"],
    );
    assert_eq!(new.code, 0, "the same data, whole: {}", new.stdout);
}
