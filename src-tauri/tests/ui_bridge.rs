//! The UI bridge (`src/bin/escale-ui-bridge.rs`) as the UI's component tests
//! drive it: one JSON document per line, commands answered by the app's own
//! handler, its events forwarded, the clock under the test's control.
//! Built only with the `ui-bridge` feature (`make test` turns it on).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

/// 2026-12-03 10:30 UTC.
const NOW: i64 = 1_796_293_800_000;

#[test]
fn the_bridge_answers_commands_forwards_events_and_keeps_its_clock() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_escale-ui-bridge"))
        .args(["--freeze-clock-at", &NOW.to_string()])
        .env("LANG", "fr_FR.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || -> Value { serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap() };
    assert!(
        next()["ready"]["data_dir"].is_string(),
        "it says where the data is first"
    );

    let mut send = |line: Value| writeln!(stdin, "{line}").unwrap();
    send(
        json!({"id": 1, "cmd": "first_run", "args": {"orgName": "Passerelle", "deviceName": "Portable 1", "lang": "fr"}}),
    );
    let mut seen = vec![];
    let answer = loop {
        let line = next();
        if line["id"] == 1 {
            break line;
        }
        seen.push(line);
    };
    assert_eq!(answer["ok"]["device_name"], "Portable 1", "{answer}");

    send(json!({"id": 2, "cmd": "get_event", "args": {"id": "nope"}}));
    send(json!({"id": 3, "control": "advance_clock", "args": {"ms": 60_000}}));
    send(json!({"id": 4, "control": "close_window"}));
    let mut answers = std::collections::BTreeMap::new();
    while answers.len() < 3 {
        let line = next();
        match line["id"].as_i64() {
            Some(id) => {
                answers.insert(id, line);
            }
            None => seen.push(line),
        }
    }
    assert_eq!(
        answers[&2]["err"]["code"], "event.not_found",
        "refusals come as the app's ErrorBody"
    );
    assert_eq!(
        answers[&3]["ok"],
        NOW + 60_000,
        "the clock moved only when told"
    );
    assert_eq!(
        answers[&4]["ok"]["asked"], false,
        "nothing waits for a hub: the window closes at once"
    );

    // The watcher notices the first run's operations within a second.
    while !seen.iter().any(|l| l["event"] == "data-changed") {
        seen.push(next());
    }
    drop(stdin);
    assert!(
        child.wait().unwrap().success(),
        "stdin closed: the bridge ends"
    );
}
