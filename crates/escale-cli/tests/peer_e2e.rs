//! End to end with the real `escale` binary: two stand laptops, no hub.
//!
//! - an empty data directory joins the organisation with `peer join CODE
//!   --address 127.0.0.1:PORT` while `peer share --once` runs in another
//!   process, whose first stdout line gives the code and the port;
//! - both laptops then register and check in people apart (one person at
//!   both stands), exchange again — found by mDNS this time, on the loopback
//!   interface only (`ESCALE_MDNS_INTERFACE=lo`) — and show the same `stats`;
//! - a wrong code is refused on both sides (exit 1, `peer.wrong_code`), a
//!   malformed one is bad input (exit 2) and creates no directory; Ctrl-C
//!   (SIGINT) stops sharing cleanly.
//!
//! Every process has `ESCALE_MDNS_INTERFACE=lo`: no packet leaves loopback.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_escale");

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(["--json", "--lang", "en", "--data-dir"])
        .arg(dir)
        .args(args)
        .env("ESCALE_MDNS_INTERFACE", "lo");
    c
}

/// Runs `escale --json ARGS`; returns (exit code, document).
fn escale(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = command(dir, args).output().expect("run escale");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        Value::String(format!(
            "exit {:?}; stdout: {}; stderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    });
    (out.status.code().unwrap_or(-1), doc)
}

fn ok(dir: &Path, args: &[&str]) -> Value {
    let (code, doc) = escale(dir, args);
    assert_eq!(code, 0, "escale {args:?} failed: {doc}");
    doc["data"].clone()
}

/// A running `escale peer share`.
struct Sharer {
    daemon: Daemon,
    code: String,
    port: u16,
}

impl Sharer {
    fn start(dir: &Path, extra: &[&str]) -> Sharer {
        let mut args = vec!["peer", "share", "--bind", "127.0.0.1"];
        args.extend_from_slice(extra);
        let (daemon, doc) = Daemon::start(dir, &args);
        assert_eq!(doc["data"]["event"], "sharing", "{doc}");
        let code = doc["data"]["code"].as_str().unwrap().to_string();
        assert!(
            code.len() == 9 && code.as_bytes()[4] == b'-',
            "shown as 4827-1953: {code}"
        );
        let port = doc["data"]["port"].as_u64().unwrap() as u16;
        assert_eq!(
            doc["data"]["addresses"],
            serde_json::json!([format!("127.0.0.1:{port}")])
        );
        Sharer { daemon, code, port }
    }

    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The next one-line event (`joined`, `failed`).
    fn event(&self) -> Value {
        let l = self
            .daemon
            .lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the sharer reports within 30 s");
        serde_json::from_str(&l).unwrap_or_else(|_| panic!("an event line: {l:?}"))
    }

    /// Waits for the process to end; its exit code and final document.
    fn finish(mut self) -> (i32, Value) {
        self.daemon.finish("the sharer")
    }
}

/// A running `escale` command that prints JSON lines (`peer share`, `peer
/// live`), its lines read as they come; killed if still there when dropped.
struct Daemon {
    child: Child,
    lines: Receiver<String>,
}

impl Daemon {
    /// Starts `escale ARGS` and returns it with its first line's document.
    fn start(dir: &Path, args: &[&str]) -> (Daemon, Value) {
        let mut child = command(dir, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start escale {args:?}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("escale {args:?} prints its first line within a minute"));
        let doc: Value =
            serde_json::from_str(&first).unwrap_or_else(|_| panic!("a JSON first line: {first:?}"));
        (Daemon { child, lines }, doc)
    }

    /// Reads the last lines until the process ends; its exit code and final
    /// (pretty-printed) document.
    fn finish(&mut self, what: &str) -> (i32, Value) {
        let mut rest = Vec::new();
        loop {
            match self.lines.recv_timeout(Duration::from_secs(30)) {
                Ok(l) => rest.push(l),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("{what} should have ended: {rest:?}"),
            }
        }
        let status = self.child.wait().unwrap();
        let start = rest
            .iter()
            .rposition(|l| l == "{")
            .unwrap_or_else(|| panic!("a final document: {rest:?}"));
        let doc = serde_json::from_str(&rest[start..].join("\n")).unwrap();
        (status.code().unwrap_or(-1), doc)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add(dir: &Path, ev: &str, first: &str, last: &str, checkin: bool) -> String {
    let mut args = vec![
        "visitor", "add", "--event", ev, "--first", first, "--last", last,
    ];
    if checkin {
        args.push("--checkin");
    }
    ok(dir, &args)["visitor"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn two_stands_without_a_hub_end_with_the_same_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("stand-a"), tmp.path().join("stand-b"));
    ok(
        &a,
        &[
            "init",
            "--org",
            "Association Passerelle Numérique",
            "--device",
            "Stand A",
        ],
    );
    let ev = ok(
        &a,
        &[
            "event",
            "create",
            "--title",
            "Forum de l'emploi",
            "--start",
            "2026-12-03 09:00",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let both = add(&a, &ev, "Éloïse", "N'Diaye-Lefèvre", false);

    // An empty laptop joins the organisation at the given address.
    let s = Sharer::start(&a, &["--once"]);
    let r = ok(
        &b,
        &[
            "peer",
            "join",
            &s.code,
            "--address",
            &s.address(),
            "--name",
            "Stand B",
        ],
    );
    assert_eq!(r["joined_org"], true, "{r}");
    assert_eq!(r["peer_device_name"], "Stand A");
    assert!(
        r["pulled"].as_u64().unwrap() >= 5,
        "it got the organisation's data: {r}"
    );
    let joined = s.event();
    assert_eq!(joined["data"]["event"], "joined", "{joined}");
    assert_eq!(joined["data"]["device_name"], "Stand B");
    assert_eq!(joined["data"]["new_device"], true);
    let (code, end) = s.finish();
    assert_eq!(code, 0, "{end}");
    assert_eq!(end["data"]["reason"], "once");
    assert_eq!(end["data"]["joined"], 1);
    let info_b = ok(&b, &["info"]);
    assert_eq!(
        info_b["org_id"],
        ok(&a, &["info"])["org_id"],
        "same organisation"
    );
    assert_eq!(info_b["device_name"], "Stand B");

    // Apart: each stand registers and checks in; Éloïse arrives at both.
    for i in 0..3 {
        add(&a, &ev, "Ana", &format!("Martin{i}"), true);
        add(&b, &ev, "Bao", &format!("Nguyen{i}"), i != 1);
    }
    ok(&a, &["checkin", "--event", &ev, &both]);
    ok(&b, &["checkin", "--event", &ev, &both]);
    assert_ne!(
        ok(&a, &["stats", "--event", &ev]),
        ok(&b, &["stats", "--event", &ev])
    );

    // Together again: found on the network this time (loopback only).
    let s = Sharer::start(&a, &["--once"]);
    let r = if escale_testkit::net::loopback_multicast("joining by mDNS") {
        ok(&b, &["peer", "join", &s.code])
    } else {
        ok(&b, &["peer", "join", &s.code, "--address", &s.address()])
    };
    assert_eq!(r["joined_org"], false);
    assert!(
        r["pulled"].as_u64().unwrap() > 0 && r["pushed"].as_u64().unwrap() > 0,
        "{r}"
    );
    assert_eq!(s.event()["data"]["event"], "joined");
    assert_eq!(s.finish().0, 0);

    let (sa, sb) = (
        ok(&a, &["stats", "--event", &ev]),
        ok(&b, &["stats", "--event", &ev]),
    );
    assert_eq!(sa, sb, "both stands show the same figures");
    assert_eq!(sa["registered"], 7);
    assert_eq!(
        sa["arrived"],
        1 + 3 + 2,
        "Éloïse, scanned at both stands, arrived once"
    );
    assert_eq!(ok(&a, &["ops", "count"]), ok(&b, &["ops", "count"]));
    assert_eq!(ok(&a, &["ops", "verify"])["equal"], true);
    assert_eq!(ok(&b, &["ops", "verify"])["equal"], true);
}

#[test]
fn wrong_and_malformed_codes_are_refused_and_ctrl_c_stops_sharing() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("stand-a"), tmp.path().join("stand-b"));
    ok(
        &a,
        &[
            "init",
            "--org",
            "Association Passerelle Numérique",
            "--device",
            "Stand A",
        ],
    );
    let s = Sharer::start(&a, &["--no-mdns", "--timeout", "120"]);
    let wrong: String = s
        .code
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_digit((d + 1) % 10, 10).unwrap(),
            None => c,
        })
        .collect();
    let (code, doc) = escale(&b, &["peer", "join", &wrong, "--address", &s.address()]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["error"]["code"], "peer.wrong_code", "{doc}");
    assert!(
        !b.exists(),
        "a failed first join leaves no directory behind"
    );
    let failed = s.event();
    assert_eq!(failed["data"]["event"], "failed", "{failed}");
    assert_eq!(failed["data"]["code"], "peer.wrong_code");
    assert!(
        failed["data"]["message"]
            .as_str()
            .unwrap()
            .contains("Wrong pairing code"),
        "{failed}"
    );

    let (code, doc) = escale(&b, &["peer", "join", "12-34", "--address", &s.address()]);
    assert_eq!(
        (code, doc["error"]["code"].as_str()),
        (2, Some("peer.bad_code")),
        "{doc}"
    );
    assert!(!b.exists());

    // Ctrl-C: the sharer stops and says so.
    let pid = s.daemon.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let (code, end) = s.finish();
    assert_eq!(code, 0, "{end}");
    assert_eq!(end["data"]["reason"], "interrupted");
    assert_eq!(end["data"]["joined"], 0);
}

/// A running `escale peer live`.
struct Live {
    daemon: Daemon,
    port: u16,
}

impl Live {
    fn start(dir: &Path) -> Live {
        let (daemon, doc) = Daemon::start(
            dir,
            &["peer", "live", "--bind", "127.0.0.1", "--interval", "1"],
        );
        assert_eq!(doc["data"]["event"], "live", "{doc}");
        let port = doc["data"]["port"].as_u64().unwrap() as u16;
        Live { daemon, port }
    }

    /// Waits (at most `bound`) for a `stand` line naming `names` present.
    fn until_present(&self, names: &[&str], bound: Duration) {
        let until = std::time::Instant::now() + bound;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            let l = self
                .daemon
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("port {}: {names:?} not on the stand", self.port));
            let doc: Value = serde_json::from_str(&l).unwrap();
            if doc["data"]["event"] != "stand" {
                continue;
            }
            let mut present: Vec<&str> = doc["data"]["peers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["present"] == true)
                .map(|p| p["device_name"].as_str().unwrap())
                .collect();
            present.sort();
            if present == names {
                return;
            }
        }
    }

    /// SIGTERM, as a supervisor stops a daemon; its exit code and final document.
    fn terminate(mut self) -> (i32, Value) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.daemon.child.id().to_string()])
            .status();
        self.daemon.finish("peer live")
    }
}

/// `stats` of each directory, once they are all equal (at most `bound`).
fn same_stats(dirs: &[&Path], ev: &str, bound: Duration) -> Value {
    let until = std::time::Instant::now() + bound;
    loop {
        let all: Vec<Value> = dirs
            .iter()
            .map(|d| ok(d, &["stats", "--event", ev]))
            .collect();
        if all.iter().all(|s| *s == all[0]) {
            return all[0].clone();
        }
        assert!(
            std::time::Instant::now() < until,
            "the stand does not agree within {bound:?}: {all:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Three laptops of one organisation in `root` (A made the organisation
/// and an event; B and C paired once with a code), each running `peer
/// live`, all three on the stand. Returns their directories, the event and
/// the daemons.
fn stand_of_three(root: &Path) -> (Vec<std::path::PathBuf>, String, [Live; 3]) {
    let dirs: Vec<_> = ["stand-a", "stand-b", "stand-c"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let (a, b, c) = (&dirs[0], &dirs[1], &dirs[2]);
    ok(
        a,
        &[
            "init",
            "--org",
            "Association Passerelle",
            "--device",
            "Stand A",
        ],
    );
    let ev = ok(
        a,
        &[
            "event",
            "create",
            "--title",
            "Forum",
            "--start",
            "2026-12-03 09:00",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    // B and C pair once with a code; from then on, no code.
    for (dir, name) in [(b, "Stand B"), (c, "Stand C")] {
        let s = Sharer::start(a, &["--once"]);
        ok(
            dir,
            &[
                "peer",
                "join",
                &s.code,
                "--address",
                &s.address(),
                "--name",
                name,
            ],
        );
        assert_eq!(s.finish().0, 0);
    }
    let la = Live::start(a);
    let lb = Live::start(b);
    let lc = Live::start(c);
    la.until_present(&["Stand B", "Stand C"], Duration::from_secs(30));
    lb.until_present(&["Stand A", "Stand C"], Duration::from_secs(30));
    lc.until_present(&["Stand A", "Stand B"], Duration::from_secs(30));
    (dirs, ev, [la, lb, lc])
}

#[test]
fn three_laptops_running_peer_live_agree_by_themselves() {
    if !escale_testkit::net::loopback_multicast("peer live by mDNS") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, ev, [la, lb, _lc]) = stand_of_three(tmp.path());
    let (a, c) = (&dirs[0], &dirs[2]);
    let b = &dirs[1];

    // Written by other processes on A's and C's data directories: the
    // daemons' periodic exchanges carry them.
    add(a, &ev, "Inès", "Benali", true);
    add(c, &ev, "Jules", "Martin", false);
    let stats = same_stats(&[a, b, c], &ev, Duration::from_secs(20));
    assert_eq!(
        (stats["registered"].clone(), stats["arrived"].clone()),
        (2.into(), 1.into())
    );

    // B stops (SIGTERM): a clean end, and the others drop it.
    let (code, end) = lb.terminate();
    assert_eq!(code, 0, "{end}");
    assert_eq!(end["data"]["event"], "stopped");
    assert_eq!(end["data"]["present"], 2, "{end}");
    la.until_present(&["Stand C"], Duration::from_secs(40));
    add(c, &ev, "Louise", "Petit", true);
    let stats = same_stats(&[a, c], &ev, Duration::from_secs(20));
    assert_eq!(stats["registered"], 3);
    assert_eq!(ok(a, &["ops", "verify"])["equal"], true);
    assert_eq!(ok(c, &["ops", "verify"])["equal"], true);
}

/// A laptop's station board without what moves with the clock (time left,
/// the five-minute warning, estimated waits).
fn board(dir: &Path) -> Value {
    let mut b = ok(dir, &["station", "list"]);
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["now", "seconds_left", "warn", "wait_seconds"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut b);
    b
}

/// The boards of `dirs`, once they are all equal (at most `bound`), and
/// how long that took.
fn same_board(dirs: &[&Path], bound: Duration) -> (Value, Duration) {
    let start = std::time::Instant::now();
    loop {
        let all: Vec<Value> = dirs.iter().map(|d| board(d)).collect();
        if all.iter().all(|s| *s == all[0]) {
            return (all[0].clone(), start.elapsed());
        }
        assert!(
            start.elapsed() < bound,
            "the station boards do not agree within {bound:?}: {all:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn holders(board: &Value) -> Vec<(String, String)> {
    board["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["station"]["name"].as_str().unwrap().to_string(),
                c["current"]["first_name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

/// Three laptops of a stand running `peer live` run the public computers
/// together: each change made on one (a station given, ended, a ticket)
/// shows on every board within seconds; a station given on a laptop cut off
/// from the stand while another gave it too goes to the first assignment
/// everywhere once it is back, and the cut-off laptop's daemon moves its
/// own session to the next free station by itself — nothing is lost.
#[test]
fn three_laptops_running_peer_live_show_the_same_station_board() {
    if !escale_testkit::net::loopback_multicast("peer live by mDNS") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, ev, [la, lb, lc]) = stand_of_three(tmp.path());
    let (a, b, c) = (&dirs[0], &dirs[1], &dirs[2]);
    for n in ["Poste 1", "Poste 2", "Poste 3"] {
        ok(a, &["station", "add", n, "--offers", "printer"]);
    }
    let all = [a.as_path(), b.as_path(), c.as_path()];
    let bound = Duration::from_secs(15);
    let mut took = vec![];

    let ines = add(a, &ev, "Inès", "Benali", true);
    let jules = add(c, &ev, "Jules", "Martin", true);
    ok(
        a,
        &[
            "station",
            "assign",
            "--visitor",
            &ines,
            "--purpose",
            "cv_letter",
        ],
    );
    let (bd, t) = same_board(&all, bound);
    took.push(t);
    assert_eq!(holders(&bd)[0], ("Poste 1".into(), "Inès".into()));
    ok(
        c,
        &[
            "station",
            "assign",
            "--visitor",
            &jules,
            "--station",
            "Poste 3",
        ],
    );
    let (bd, t) = same_board(&all, bound);
    took.push(t);
    assert_eq!(holders(&bd)[2], ("Poste 3".into(), "Jules".into()));
    ok(b, &["station", "end", "Poste 1"]);
    let (bd, t) = same_board(&all, bound);
    took.push(t);
    assert_eq!(holders(&bd)[0], ("Poste 1".into(), String::new()));

    // C is cut off from the stand; A and C both give Poste 2.
    let (code, _) = lc.terminate();
    assert_eq!(code, 0);
    la.until_present(&["Stand B"], Duration::from_secs(40));
    let louise = add(a, &ev, "Louise", "Petit", true);
    let malik = add(c, &ev, "Malik", "Roux", true);
    ok(
        a,
        &[
            "station",
            "assign",
            "--visitor",
            &louise,
            "--station",
            "Poste 2",
        ],
    );
    std::thread::sleep(Duration::from_millis(50));
    ok(
        c,
        &[
            "station",
            "assign",
            "--visitor",
            &malik,
            "--station",
            "Poste 2",
        ],
    );
    // C is back: A's assignment came first, so Louise keeps Poste 2 on
    // every laptop and C's daemon moves Malik to the free Poste 1.
    let lc = Live::start(c);
    let (bd, t) = same_board(&all, Duration::from_secs(40));
    let mut h = holders(&bd);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while h[0].1.is_empty() || !bd["displaced"].as_array().unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "Malik was not moved: {bd:#}"
        );
        std::thread::sleep(Duration::from_millis(200));
        let (b2, _) = same_board(&all, Duration::from_secs(20));
        h = holders(&b2);
        if b2["displaced"].as_array().unwrap().is_empty() && !h[0].1.is_empty() {
            break;
        }
    }
    assert_eq!(
        h,
        [
            ("Poste 1".to_string(), "Malik".to_string()),
            ("Poste 2".to_string(), "Louise".to_string()),
            ("Poste 3".to_string(), "Jules".to_string()),
        ]
    );
    let _ = t;
    for d in all {
        assert_eq!(ok(d, &["ops", "verify"])["equal"], true);
        let history = ok(d, &["station", "history"]);
        assert_eq!(history.as_array().unwrap().len(), 4, "every session kept");
    }
    eprintln!("station boards agreed after each change within {took:?}");
    for l in [la, lb, lc] {
        assert_eq!(l.terminate().0, 0);
    }
}
