//! Smoke tests of the built `escale` binary itself.
//!
//! Besides checking the binary starts, this integration test makes
//! `cargo test --workspace` build `target/<profile>/escale` before any test
//! runs, which the end-to-end tests in `tests/tests/cli.rs` rely on.

use std::process::Command;

fn escale(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_escale"))
        .args(args)
        .output()
        .expect("the escale binary runs")
}

#[test]
fn help_lists_every_command_and_exits_0() {
    let out = escale(&["--help"]);
    assert!(out.status.success(), "--help is not an error");
    let help = String::from_utf8_lossy(&out.stdout);
    for command in [
        "init", "info", "event", "session", "visitor", "import", "search", "checkin", "checkout",
        "undo", "stats", "export", "merge", "erase", "ops", "demo",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "--help must list `{command}`:\n{help}"
        );
    }
}

#[test]
fn a_missing_command_is_a_usage_error_with_exit_code_2() {
    let out = escale(&[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "usage errors exit 2 as docs/cli.md says"
    );
}

#[test]
fn version_is_the_package_version() {
    let out = escale(&["--version"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(env!("CARGO_PKG_VERSION")),
        "--version prints {}: {text}",
        env!("CARGO_PKG_VERSION")
    );
}

/// An invalid operation received from another device (here: a kind this
/// version does not know, as a newer app would send) is stored, never
/// applied, and an administrator sees it with `ops quarantine`.
#[test]
fn ops_quarantine_shows_an_administrator_what_was_received_but_not_applied() {
    use escale_protocol::wire::{PushRequest, WireOp, PROTOCOL_VERSION};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run =
        |args: &[&str]| escale(&[&["--json", "--lang", "en", "--data-dir", data], args].concat());
    assert!(run(&["init", "--org", "Asso", "--device", "Portable 1"])
        .status
        .success());
    let empty: serde_json::Value =
        serde_json::from_slice(&run(&["ops", "quarantine"]).stdout).unwrap();
    assert_eq!(
        empty["data"],
        serde_json::json!([]),
        "nothing in quarantine on a new laptop"
    );

    let newer = uuid::Uuid::now_v7();
    let body = serde_json::json!({"kind": "badge_print", "printer": "Zebra GK420d"});
    let op = WireOp {
        id: uuid::Uuid::now_v7(),
        origin: newer,
        seq: 1,
        hlc: escale_core::hlc::Hlc::new(escale_core::hlc::now_ms(), 0).0,
        kind: "badge_print".into(),
        subject: None,
        body: Some(body),
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let app = escale_core::Escale::open(dir.path()).await.unwrap();
            let r = app
                .store()
                .apply_push(PushRequest {
                    protocol: PROTOCOL_VERSION,
                    device_id: newer,
                    ops: vec![op],
                })
                .await
                .unwrap();
            assert_eq!(r.quarantined, 1, "the op is acknowledged into quarantine");
        });

    let listed: serde_json::Value =
        serde_json::from_slice(&run(&["ops", "quarantine"]).stdout).unwrap();
    let q = &listed["data"][0];
    assert_eq!(q["kind"], "badge_print", "{listed}");
    assert_eq!(q["origin"], newer.to_string());
    assert!(
        q["reason"].as_str().unwrap().contains("badge_print"),
        "the reason names the problem: {q}"
    );
    let text = String::from_utf8_lossy(
        &escale(&["--lang", "fr", "--data-dir", data, "ops", "quarantine"]).stdout,
    )
    .into_owned();
    assert!(
        text.contains("Raison") && text.contains("badge_print"),
        "a French table: {text}"
    );
}

/// A one-shot `escale search` reads the index's file that an earlier
/// process wrote (it does not load every visitor again), and answers what
/// a full build answers, writes made since included.
#[test]
fn a_one_shot_search_reads_the_index_file_and_answers_as_a_full_build() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run =
        |args: &[&str]| escale(&[&["--json", "--lang", "en", "--data-dir", data], args].concat());
    let demo = run(&["demo", "--visitors", "300"]);
    assert!(demo.status.success(), "{demo:?}");
    let demo: serde_json::Value = serde_json::from_slice(&demo.stdout).unwrap();
    let ev = demo["data"]["event"]["id"].as_str().unwrap().to_string();
    let file = dir.path().join("escale.db-search");
    let search = |q: &str| {
        let out = run(&["search", "--event", &ev, q, "--limit", "10"]);
        assert!(out.status.success(), "{out:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["data"].clone()
    };
    let queries = ["mar", "martin", "amrtin", "eloise n", "0699"];
    let built: Vec<_> = queries.iter().map(|q| search(q)).collect();
    assert!(file.is_file(), "the first search writes the index's file");
    let stamp = std::fs::metadata(&file).unwrap().modified().unwrap();
    let read: Vec<_> = queries.iter().map(|q| search(q)).collect();
    assert_eq!(read, built);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        stamp,
        "nothing changed: the file is read, not written again"
    );
    assert!(
        built[1].as_array().is_some_and(|a| !a.is_empty()),
        "{built:?}"
    );
    let added = run(&[
        "visitor", "add", "--event", &ev, "--first", "Martin", "--last", "Aaron",
    ]);
    assert!(added.status.success(), "{added:?}");
    let after: Vec<_> = queries.iter().map(|q| search(q)).collect();
    std::fs::remove_file(&file).unwrap();
    let rebuilt: Vec<_> = queries.iter().map(|q| search(q)).collect();
    assert_eq!(after, rebuilt, "file + changes since = a full build");
    assert_ne!(after[1], built[1], "the newcomer is found");
}

/// Tools from poppler-utils (the Makefile installs them): missing, the test
/// fails (it never skips silently).
fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (make deps installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The mediation log and a partner report from the command line: help
/// recorded for a person and for someone anonymous, a bad theme refused
/// with a translated message, then the month's report as PDF (read back
/// with pdftotext, rendered with pdftoppm), CSV and la Coop's file; the PDF
/// is the same bytes when made twice.
#[test]
fn mediation_entries_make_a_partner_report_as_pdf_csv_and_coop_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |lang: &str, args: &[&str]| {
        escale(&[&["--json", "--lang", lang, "--data-dir", data], args].concat())
    };
    let json = |out: std::process::Output| -> serde_json::Value {
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let demo = json(run("fr", &["demo", "--visitors", "400"]));
    let ev = demo["data"]["event"]["id"].as_str().unwrap().to_string();
    let day = demo["data"]["event"]["starts_local"].as_str().unwrap()[..10].to_string();
    let visitor = json(run(
        "fr",
        &[
            "visitor", "add", "--event", &ev, "--first", "Zoé", "--last", "Lambert",
        ],
    ))["data"]["visitor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let added = json(run(
        "fr",
        &[
            "mediation",
            "add",
            "--visitor",
            &visitor,
            "--event",
            &ev,
            "--themes",
            "job_integration,email",
            "--minutes",
            "45",
            "--autonomy",
            "partly",
            "--referral",
            "france_travail",
            "--note",
            "CV mis à jour",
        ],
    ));
    assert_eq!(
        added["data"]["themes"],
        serde_json::json!(["email", "job_integration"])
    );
    json(run(
        "fr",
        &[
            "mediation",
            "add",
            "--themes",
            "procedures",
            "--minutes",
            "20",
        ],
    ));
    let bad = run("fr", &["mediation", "add", "--themes", "cuisine"]);
    assert!(!bad.status.success());
    let err: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(err["error"]["code"], "input.invalid", "{err}");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("thèmes"),
        "{err}"
    );
    let listed = json(run("fr", &["mediation", "list", "--visitor", &visitor]));
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["note"], "CV mis à jour");

    // From the first of the month to the demo's day (today).
    let from = format!("{}-01", &day[..7]);
    let to = day.clone();
    let pdf = dir.path().join("bilan.pdf");
    let report = |path: &std::path::Path, format: &str| {
        json(run(
            "fr",
            &[
                "report",
                "--from",
                &from,
                "--to",
                &to,
                "--format",
                format,
                "--output",
                path.to_str().unwrap(),
            ],
        ))
    };
    report(&pdf, "pdf");
    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for expected in [
        "Bilan d’activité",
        "Association de démonstration",
        "Chiffres clés",
        "Accompagnements par thème",
        "Insertion professionnelle",
        "Secret statistique",
        "page 1 /",
    ] {
        assert!(text.contains(expected), "{expected:?} in the PDF:\n{text}");
    }
    assert!(!text.contains("Lambert"), "no name in a partner report");
    tool(
        "pdftoppm",
        &[
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            pdf.to_str().unwrap(),
            dir.path().join("page").to_str().unwrap(),
        ],
    );
    let again = dir.path().join("bilan-2.pdf");
    report(&again, "pdf");
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        std::fs::read(&again).unwrap(),
        "the same data gives the same PDF bytes"
    );
    let csv = dir.path().join("bilan.csv");
    report(&csv, "csv");
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(csv.contains("Accompagnements individuels;"));
    let coop = dir.path().join("coop.csv");
    let out = report(&coop, "coop");
    assert!(out["data"]["rows"].as_u64().unwrap() > 2);
    let coop = std::fs::read_to_string(coop).unwrap();
    assert!(coop.contains("Insertion professionnelle") && !coop.contains("Lambert"));
    let en = json(run("en", &["report", "--from", &from, "--to", &to]));
    assert!(en["data"]["headline"]["help_entries"].as_u64().unwrap() >= 2);
}

/// Public computers from the command line: the board, a taken station
/// refused naming the next free one (French and English), the waiting list
/// with its skip rule, the print quota and a coworking pass.
#[test]
fn stations_the_queue_the_print_quota_and_coworking_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |lang: &str, args: &[&str]| {
        escale(&[&["--json", "--lang", lang, "--data-dir", data], args].concat())
    };
    let json = |out: std::process::Output| -> serde_json::Value {
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let refused = |out: std::process::Output| -> serde_json::Value {
        assert!(!out.status.success(), "{out:?}");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["error"].clone()
    };
    json(run(
        "fr",
        &["init", "--org", "Passerelle", "--device", "Accueil"],
    ));
    let ev = json(run(
        "fr",
        &[
            "event",
            "create",
            "--title",
            "Atelier CV",
            "--start",
            "2026-12-03 09:00",
        ],
    ))["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let person = |first: &str| {
        json(run(
            "fr",
            &[
                "visitor",
                "add",
                "--event",
                &ev,
                "--first",
                first,
                "--last",
                "Essai",
                "--checkin",
            ],
        ))["data"]["visitor"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (ana, ben, cleo) = (person("Ana"), person("Ben"), person("Cléo"));
    json(run(
        "fr",
        &["station", "add", "Poste 1", "--offers", "printer,webcam"],
    ));
    json(run("fr", &["station", "add", "Poste 2"]));
    let bad = refused(run(
        "fr",
        &["station", "add", "Poste 3", "--offers", "imprimante"],
    ));
    assert_eq!(bad["code"], "input.invalid", "{bad}");

    let a = json(run(
        "fr",
        &[
            "station",
            "assign",
            "--visitor",
            &ana,
            "--purpose",
            "procedure",
            "--minutes",
            "30",
        ],
    ));
    assert_eq!(a["data"]["station_name"], "Poste 1");
    for (lang, expected) in [("fr", "Poste 2 est libre"), ("en", "Poste 2 is free")] {
        let busy = refused(run(
            lang,
            &[
                "station",
                "assign",
                "--visitor",
                &ben,
                "--station",
                "poste 1",
            ],
        ));
        assert_eq!(busy["code"], "station.busy", "{busy}");
        assert!(
            busy["message"].as_str().unwrap().contains(expected),
            "{busy}"
        );
    }
    json(run("fr", &["station", "assign", "--visitor", &ben]));
    let none = refused(run("fr", &["station", "assign", "--visitor", &cleo]));
    assert_eq!(none["code"], "station.none_free");
    let t = json(run("fr", &["station", "queue", "join", "--visitor", &cleo]));
    assert_eq!(t["data"]["label"], "1");
    assert!(t["data"]["wait_seconds"].as_i64().unwrap() > 25 * 60, "{t}");
    let board = json(run("fr", &["station", "list"]));
    assert_eq!(board["data"]["busy"], 2);
    assert_eq!(board["data"]["queue"][0]["first_name"], "Cléo");
    json(run("fr", &["station", "queue", "call"]));
    let s = json(run("fr", &["station", "queue", "skip", "1"]));
    assert_eq!(s["data"]["left"], false, "skipped once: keeps the place");
    json(run("fr", &["station", "queue", "call"]));
    let s = json(run("fr", &["station", "queue", "skip", "1"]));
    assert_eq!(s["data"]["left"], true, "twice: off the list");
    let empty = refused(run("en", &["station", "queue", "call"]));
    assert_eq!(empty["code"], "queue.empty");
    let ended = json(run("fr", &["station", "end", "Poste 1"]));
    assert_eq!(ended["data"]["themes"], serde_json::json!(["procedures"]));

    json(run("fr", &["print", "count", &ana, "12"]));
    let over = refused(run("fr", &["print", "count", &ana, "4"]));
    assert_eq!(over["code"], "print.quota_exceeded");
    assert!(
        over["message"]
            .as_str()
            .unwrap()
            .contains("12 page(s) aujourd'hui sur 15"),
        "{over}"
    );
    json(run("fr", &["print", "grant", &ana, "5"]));
    let q = json(run("fr", &["print", "count", &ana, "4"]));
    assert_eq!(
        (q["data"]["printed"].as_i64(), q["data"]["left"].as_i64()),
        (Some(16), Some(4))
    );

    let p = json(run(
        "fr",
        &[
            "cowork",
            "pass",
            &ben,
            "--kind",
            "membership",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-31",
            "--status",
            "freelancer",
        ],
    ));
    assert_eq!(p["data"]["kind"], "membership");
    let shown = json(run("fr", &["cowork", "show", &ben]));
    assert_eq!(shown["data"]["status"], "freelancer");
    let bad = refused(run("fr", &["cowork", "pass", &ben, "--kind", "membership"]));
    assert_eq!(bad["code"], "input.required");
    let s = json(run(
        "fr",
        &[
            "station",
            "settings",
            "--stand-minutes",
            "60",
            "--cowork-capacity",
            "12",
        ],
    ));
    assert_eq!(
        (
            s["data"]["minutes_stand"].as_i64(),
            s["data"]["cowork_capacity"].as_i64()
        ),
        (Some(60), Some(12))
    );
    let bad = refused(run(
        "fr",
        &["station", "settings", "--stand-minutes", "100000"],
    ));
    assert_eq!(bad["code"], "input.invalid");
}

/// Staff accounts from the command line: once the first coordinator
/// exists, a command without `--as` is refused, `--as` with the PIN (from
/// ESCALE_PIN here) runs it, a volunteer may not export, `login` keeps a
/// session for the commands that follow, and the coordinator reads who
/// exported what in the audit log (also as CSV).
#[test]
fn staff_accounts_lock_the_command_line_and_the_audit_log_says_who_did_what() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |env: &[(&str, &str)], args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_escale"))
            .args([&["--json", "--lang", "fr", "--data-dir", data], args].concat())
            .env_remove("ESCALE_AS")
            .env_remove("ESCALE_PIN")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let json = |out: std::process::Output| -> serde_json::Value {
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let refused = |out: std::process::Output| -> (Option<i32>, String, String) {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            out.status.code(),
            v["error"]["code"].as_str().unwrap_or_default().into(),
            v["error"]["message"].as_str().unwrap_or_default().into(),
        )
    };
    json(run(
        &[],
        &["init", "--org", "Passerelle", "--device", "Accueil"],
    ));
    let ev = json(run(
        &[],
        &[
            "event",
            "create",
            "--title",
            "Forum",
            "--start",
            "2026-12-03 09:00",
        ],
    ))["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    json(run(
        &[("ESCALE_NEW_PIN", "1357")],
        &["staff", "add", "Camille", "--role", "coordinator"],
    ));
    let (code, err, msg) = refused(run(&[], &["event", "list"]));
    assert_eq!((code, err.as_str()), (Some(1), "auth.locked"));
    assert!(msg.contains("--as"), "{msg}");
    let camille = [("ESCALE_AS", "Camille"), ("ESCALE_PIN", "1357")];
    json(run(&camille, &["event", "list"]));
    json(run(
        &[
            ("ESCALE_AS", "Camille"),
            ("ESCALE_PIN", "1357"),
            ("ESCALE_NEW_PIN", "2468"),
        ],
        &["staff", "add", "Vera", "--role", "volunteer"],
    ));
    let (_, err, _) = refused(run(
        &[("ESCALE_PIN", "0000")],
        &["--as", "Vera", "event", "list"],
    ));
    assert_eq!(err, "auth.wrong_pin");
    let vera = [("ESCALE_AS", "Vera"), ("ESCALE_PIN", "2468")];
    let out_csv = dir.path().join("liste.csv");
    let (_, err, msg) = refused(run(
        &vera,
        &[
            "export",
            "--event",
            &ev,
            "--format",
            "csv",
            "--output",
            out_csv.to_str().unwrap(),
        ],
    ));
    assert_eq!(err, "auth.forbidden");
    assert!(
        msg.contains("Bénévole") && msg.contains("exporter"),
        "{msg}"
    );
    assert!(!out_csv.exists(), "nothing written");
    // A session: the commands that follow need no PIN.
    json(run(&camille, &["login", "--minutes", "5"]));
    json(run(
        &[],
        &[
            "export",
            "--event",
            &ev,
            "--format",
            "csv",
            "--output",
            out_csv.to_str().unwrap(),
        ],
    ));
    let audit_csv = dir.path().join("audit.csv");
    let log = json(run(
        &[],
        &[
            "audit",
            "--action",
            "export",
            "--csv",
            audit_csv.to_str().unwrap(),
        ],
    ));
    let entries = log["data"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["staff"], "Camille");
    assert_eq!(entries[0]["device"], "Accueil");
    let csv = std::fs::read_to_string(&audit_csv).unwrap();
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("Liste exportée;Camille;Accueil"),
        "{csv}"
    );
    // Right of access: the PDF to hand over and the JSON file.
    let v = json(run(
        &[],
        &[
            "visitor", "add", "--event", &ev, "--first", "Łukasz", "--last", "Nguyễn",
        ],
    ))["data"]["visitor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    json(run(
        &[],
        &["visitor", "consent", &v, "newsletter", "--withdraw"],
    ));
    let pdf = dir.path().join("acces.pdf");
    json(run(
        &[],
        &["visitor", "export-data", &v, "-o", pdf.to_str().unwrap()],
    ));
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for part in [
        "Vos données personnelles",
        "Łukasz",
        "Nguyễn",
        "Consentements",
        "newsletter",
        "Qui a consulté vos données",
    ] {
        assert!(text.contains(part), "{part} missing:\n{text}");
    }
    let file = dir.path().join("acces.json");
    let out = json(run(
        &[],
        &["visitor", "export-data", &v, "-o", file.to_str().unwrap()],
    ));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved, out["data"]["report"]);
    let keys: Vec<&str> = saved["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "record",
            "registrations",
            "arrivals",
            "consents",
            "certificates",
            "mediation",
            "stations",
            "tickets",
            "prints",
            "coworking",
            "audit"
        ]
    );
    json(run(&[], &["logout"]));
    let (_, err, _) = refused(run(&[], &["audit"]));
    assert_eq!(err, "auth.locked", "the session ended");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("escale.db"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// The headless path to an encrypted store: the key in ESCALE_STORE_KEY
/// (or a file named by ESCALE_STORE_KEY_FILE). `strings` finds no name in
/// the store; without the key the store does not open (exit 3).
#[test]
fn with_a_key_in_the_environment_the_store_is_encrypted_and_strings_finds_no_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let key = "7a".repeat(32);
    let key_file = dir.path().join("cle.hex");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    let run = |env: &[(&str, &str)], args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_escale"))
            .args([&["--json", "--lang", "fr", "--data-dir", data], args].concat())
            .env_remove("ESCALE_STORE_KEY")
            .env_remove("ESCALE_STORE_KEY_FILE")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let with_key = [("ESCALE_STORE_KEY", key.as_str())];
    let out = run(
        &with_key,
        &["init", "--org", "Passerelle", "--device", "Accueil"],
    );
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["encrypted"], true);
    let out = run(
        &with_key,
        &[
            "event",
            "create",
            "--title",
            "Forum",
            "--start",
            "2026-12-03 09:00",
        ],
    );
    let ev: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ev = ev["data"]["id"].as_str().unwrap().to_string();
    let out = run(
        &with_key,
        &[
            "visitor",
            "add",
            "--event",
            &ev,
            "--first",
            "Zéphyrine",
            "--last",
            "Quintavalle",
            "--email",
            "zq@example.org",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let strings = tool("strings", &[dir.path().join("escale.db").to_str().unwrap()]);
    assert!(!strings.contains("Quintavalle") && !strings.contains("zq@example"));
    // Without the key: refused, with the reason.
    let out = run(&[], &["event", "list"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "store.key_wrong");
    // The key file works as well.
    let out = run(
        &[("ESCALE_STORE_KEY_FILE", key_file.to_str().unwrap())],
        &["search", "--event", &ev, "quintav"],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Quintavalle"));
}
