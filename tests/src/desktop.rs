//! The real desktop app under test: a private Xvfb display, `tauri-driver`
//! (WebKitWebDriver underneath) and the built `escale-desktop`, opened on a
//! data directory the test chooses.
//!
//! [`Desktop`] owns the display and the driver; each [`Desktop::open`] starts
//! the app once (a WebDriver session) and deleting the session quits it, so
//! "quit and start again" is `drop(session); desktop.open(dir)`. WebKit's own
//! storage (where the UI remembers the chosen event) lives in a temporary
//! home of the `Desktop`, so it survives a restart of the app but never leaks
//! between tests or into the developer's profile.
//!
//! Staff accounts: a laptop with accounts opens on the lock screen, and one
//! without asks for the coordinator's first. [`Desktop::open`] gets every
//! test past both, in this one place: before the app starts, a data
//! directory already set up gets the coordinator's account [`COORDINATOR`]
//! when it has none, and the `escale` CLI a session as that coordinator
//! (`escale login`, a file in the data directory) so that the test's own
//! commands on the directory still run; once the window is up, it unlocks
//! through the lock screen like a person ([`unlock`]). A directory not set
//! up yet (a first run to come) is left alone: the test goes through the
//! first run, then the first account ([`create_first_account`]).
//!
//! Only one `Desktop` exists at a time in a test binary: the machines that
//! run the suite have two cores, and two WebKit apps at once make the tests
//! slow and flaky and the benchmarks meaningless. The exception is a test of
//! two laptops side by side (sync): [`Desktop::another`] starts a second
//! driver on the same display, with its own WebKit home, under the same turn.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::rc::Rc;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::display::VirtualDisplay;
use crate::process::{free_port, wait_for_port, ChildGuard};
use crate::webdriver::Session;
use crate::{paths, tools};

/// What the desktop tests need on `PATH`.
pub const TOOLS: [&str; 3] = ["Xvfb", "tauri-driver", "WebKitWebDriver"];
pub const INSTALL_HINT: &str =
    "make deps (Debian: xvfb, webkit2gtk-driver; cargo install tauri-driver)";

/// How long the driver and the app get to come up.
const START: Duration = Duration::from_secs(30);

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Xvfb + tauri-driver, ready to start the app; everything stops on drop
/// (the driver first, which closes the app, then the display).
pub struct Desktop {
    // Fields drop in order: the driver (and the app) before the display.
    driver: ChildGuard,
    port: u16,
    app: PathBuf,
    webkit_home: tempfile::TempDir,
    env: Vec<(String, String)>,
    display: Rc<VirtualDisplay>,
    turn: Rc<MutexGuard<'static, ()>>,
}

impl Desktop {
    /// `true` when Xvfb, tauri-driver and WebKitWebDriver are installed; see
    /// [`tools::require`] for what happens otherwise (a failure on CI).
    pub fn available(test: &str) -> bool {
        tools::require(test, &TOOLS, INSTALL_HINT)
    }

    /// Starts a display and the driver for the `escale-desktop` built next
    /// to the test (see [`paths::binary`]). Waits for any other `Desktop` of
    /// this test binary to be dropped first.
    pub fn start() -> Result<Self, String> {
        Self::start_app(paths::binary("escale-desktop"))
    }

    /// [`Desktop::start`] for the app binary at `app`.
    pub fn start_app(app: PathBuf) -> Result<Self, String> {
        Self::start_app_with_env(app, &[])
    }

    /// [`Desktop::start`] with extra environment variables for the app (and
    /// for the apps of [`Desktop::another`]), e.g. a short sync interval.
    pub fn start_with_env(env: &[(&str, &str)]) -> Result<Self, String> {
        Self::start_app_with_env(paths::binary("escale-desktop"), env)
    }

    fn start_app_with_env(app: PathBuf, env: &[(&str, &str)]) -> Result<Self, String> {
        // A test that panicked while holding the lock has cleaned up through
        // its guards already; the next one may go.
        let turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !app.is_file() {
            return Err(format!(
                "{} is missing: build it first with `npm --prefix ui run build && cargo build -p escale-desktop` \
                 (make test does), or set ESCALE_DESKTOP_BIN",
                app.display()
            ));
        }
        let display = Rc::new(VirtualDisplay::start(1280, 800)?);
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::start_driver(app, env, display, Rc::new(turn))
    }

    /// A second driver and app on this desktop's display (two laptops side
    /// by side), with its own WebKit storage. Both stop when dropped.
    pub fn another(&self) -> Result<Self, String> {
        Self::start_driver(
            self.app.clone(),
            self.env.clone(),
            Rc::clone(&self.display),
            Rc::clone(&self.turn),
        )
    }

    fn start_driver(
        app: PathBuf,
        env: Vec<(String, String)>,
        display: Rc<VirtualDisplay>,
        turn: Rc<MutexGuard<'static, ()>>,
    ) -> Result<Self, String> {
        let webkit_home = tempfile::tempdir().map_err(|e| format!("temporary WebKit home: {e}"))?;
        let port = free_port();
        let native_port = std::iter::repeat_with(free_port)
            .find(|&p| p != port)
            .expect("a second free port");
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", display.display())
            // No accessibility bus under Xvfb; without this WebKit waits for it.
            .env("NO_AT_BRIDGE", "1")
            // WebKit's storage (localStorage: the event chosen last time) per Desktop.
            .env("XDG_DATA_HOME", webkit_home.path().join("data"))
            .env("XDG_CACHE_HOME", webkit_home.path().join("cache"))
            .env("XDG_CONFIG_HOME", webkit_home.path().join("config"))
            // The data directory is given to each app explicitly (--data-dir).
            .env_remove("ESCALE_DATA_DIR")
            // French, as on the association's laptops, whatever this machine says.
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            // Live stand sync stays out of tests that do not ask for it
            // (two laptops of one organisation would sync by themselves),
            // and mDNS on loopback when one does.
            .env("ESCALE_STAND", "off")
            .env("ESCALE_MDNS_INTERFACE", "lo")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        // What the driver, WebKitWebDriver and the app print, for the
        // message of a start that fails.
        let log_path = webkit_home.path().join("driver.log");
        let log = std::fs::File::create(&log_path).map_err(|e| format!("driver log: {e}"))?;
        let log2 = log.try_clone().map_err(|e| format!("driver log: {e}"))?;
        command.stdout(log).stderr(log2);
        let mut driver = ChildGuard::spawn_group("tauri-driver", &mut command)?;
        wait_for_port(port, &mut driver, START)?;
        // tauri-driver accepts connections before WebKitWebDriver is up; a
        // session requested in between is dropped.
        wait_for_port(native_port, &mut driver, START)?;
        Ok(Self {
            driver,
            port,
            app,
            webkit_home,
            env,
            display,
            turn,
        })
    }

    /// Starts the app on `data_dir`, past the lock screen as [`COORDINATOR`]
    /// (see the module's documentation); dropping the session quits it.
    pub fn open(&self, data_dir: &Path) -> Result<Session, String> {
        prepare_staff(data_dir)?;
        let app = self.open_locked(data_dir)?;
        unlock(&app)?;
        Ok(app)
    }

    /// Starts the app on `data_dir` and leaves it as it opens: on the lock
    /// screen when it has staff accounts (the lock screen's own tests).
    ///
    /// A session that does not start (seen rarely: WebKitWebDriver never
    /// answers the new-session request) is asked for once more, after
    /// printing what the driver and the app said, so the cause stays visible
    /// in the test output.
    pub fn open_locked(&self, data_dir: &Path) -> Result<Session, String> {
        let args = vec![String::from("--data-dir"), data_dir.display().to_string()];
        let first = match Session::tauri_with_args(self.port, &self.app, &args) {
            Ok(session) => return Ok(session),
            Err(e) => format!(
                "{e}\n--- tauri-driver, WebKitWebDriver and the app said:\n{}",
                self.log_tail()
            ),
        };
        let note = format!("\n!!! the app's WebDriver session did not start; trying once more. First attempt:\n{first}\n");
        let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
        std::thread::sleep(Duration::from_secs(1));
        Session::tauri_with_args(self.port, &self.app, &args).map_err(|e| {
            format!(
                "{e} (after a first attempt that failed too: {first})\n--- then:\n{}",
                self.log_tail()
            )
        })
    }

    /// The last lines the driver, WebKitWebDriver and the app printed.
    fn log_tail(&self) -> String {
        let log =
            std::fs::read_to_string(self.webkit_home.path().join("driver.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// The running app and its helpers (WebKit's web and network
    /// processes): `(pid, name, resident KiB)`, the app first.
    pub fn app_processes(&self) -> Vec<(u32, String, u64)> {
        let all = processes();
        let Some(app) = descendants(&all, self.driver.id())
            .into_iter()
            .find(|&pid| name_of(&all, pid).starts_with("escale-desktop"))
        else {
            return vec![];
        };
        let mut tree = vec![app];
        tree.extend(descendants(&all, app));
        tree.into_iter()
            .map(|pid| (pid, name_of(&all, pid), resident_kib(pid)))
            .collect()
    }
}

/// The staff account every test signs in with: a coordinator (name, PIN).
pub const COORDINATOR: (&str, &str) = ("Camille", "1357");

/// Before the app opens on a data directory already set up: the
/// coordinator's account ([`COORDINATOR`]) when it has no staff account
/// yet, and a session of the `escale` CLI as that coordinator (the file
/// `escale login` writes in the data directory: the test's own commands on
/// the directory keep working). A directory that has accounts already
/// (made by the test) keeps them; when [`COORDINATOR`] is not among them,
/// the CLI session is the test's business.
pub fn prepare_staff(data_dir: &Path) -> Result<(), String> {
    if !data_dir.join("escale.db").is_file() {
        // A first run is to come: the test creates the first account itself.
        return Ok(());
    }
    let (name, pin) = COORDINATOR;
    // Refused (auth.locked) when accounts exist already: then they are used.
    escale_at(
        data_dir,
        &["staff", "add", name, "--role", "coordinator"],
        &[("ESCALE_NEW_PIN", pin)],
    )?;
    escale_at(
        data_dir,
        &["login", "--minutes", "720"],
        &[("ESCALE_AS", name), ("ESCALE_PIN", pin)],
    )?;
    Ok(())
}

/// Runs `escale --json --data-dir DIR ARGS`; whether it succeeded is the caller's question.
fn escale_at(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Output, String> {
    Command::new(paths::binary("escale"))
        .arg("--json")
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .envs(env.iter().copied())
        .env_remove("ESCALE_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run escale {}: {e}", args.join(" ")))
}

/// What the app shows once it has loaded: the lock screen, the first-run
/// form, or the first account's form.
pub fn wait_started(app: &Session) -> Result<&'static str, String> {
    const FIRST: [&str; 3] = [LOCK_SCREEN, FIRST_RUN_FORM, FIRST_ACCOUNT_FORM];
    crate::wait_until(crate::ui::LOAD, || {
        for id in FIRST {
            if app.try_by_test_id(id)?.is_some() {
                return Ok(Some(id));
            }
        }
        Ok(None)
    })
    .map_err(|e| format!("the app showed neither the lock screen nor a first-run form: {e}"))
}

const LOCK_SCREEN: &str = "lock-screen";
const FIRST_RUN_FORM: &str = "first-run-form";
const FIRST_ACCOUNT_FORM: &str = "first-account-form";

/// Gets past the lock screen as [`COORDINATOR`], as a person does: their
/// name's button, the PIN, Enter. Nothing to do on a first-run form.
pub fn unlock(app: &Session) -> Result<(), String> {
    if wait_started(app)? == LOCK_SCREEN {
        unlock_as(app, COORDINATOR.0, COORDINATOR.1)?;
    }
    Ok(())
}

/// Unlocks as `name` with `pin` from the lock screen's list of names.
pub fn unlock_as(app: &Session, name: &str, pin: &str) -> Result<(), String> {
    let react = crate::ui::REACT;
    let button = crate::wait_until(react, || {
        for b in app.all_by_test_id("lock-name")? {
            if b.attribute("data-name")?.as_deref() == Some(name) {
                return Ok(Some(b));
            }
        }
        Ok(None)
    })
    .map_err(|e| format!("the lock screen does not offer {name}: {e}"))?;
    button.click()?;
    app.wait_for("lock-pin", react)?
        .send_keys(&format!("{pin}{}", crate::webdriver::keys::ENTER))?;
    app.wait_gone(LOCK_SCREEN, crate::ui::LOAD)
        .map_err(|e| format!("{name} is still locked out: {e}"))
}

/// The first account's form, after a first run on `data_dir`: the
/// coordinator's account ([`COORDINATOR`]) created as a person does, then
/// the CLI's session as them (as [`prepare_staff`] does).
pub fn create_first_account(app: &Session, data_dir: &Path) -> Result<(), String> {
    let react = crate::ui::REACT;
    let (name, pin) = COORDINATOR;
    let name_box = app.wait_for("first-account-name", crate::ui::LOAD)?;
    name_box.clear()?;
    name_box.send_keys(name)?;
    app.wait_for("first-account-pin", react)?.send_keys(pin)?;
    app.wait_for("first-account-pin2", react)?
        .send_keys(&format!("{pin}{}", crate::webdriver::keys::ENTER))?;
    app.wait_gone(FIRST_ACCOUNT_FORM, crate::ui::LOAD)?;
    let login = escale_at(
        data_dir,
        &["login", "--minutes", "720"],
        &[("ESCALE_AS", name), ("ESCALE_PIN", pin)],
    )?;
    if login.status.success() {
        Ok(())
    } else {
        Err(format!(
            "escale login as {name}: {}",
            String::from_utf8_lossy(&login.stdout)
        ))
    }
}

/// `(pid, parent pid, name)` of every process.
fn processes() -> Vec<(u32, u32, String)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    dir.filter_map(|entry| {
        let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // "pid (name) state ppid …": the name may contain spaces and parentheses.
        let open = stat.find('(')?;
        let close = stat.rfind(')')?;
        let name = stat[open + 1..close].to_owned();
        let ppid = stat[close + 2..].split(' ').nth(1)?.parse().ok()?;
        Some((pid, ppid, name))
    })
    .collect()
}

fn descendants(all: &[(u32, u32, String)], root: u32) -> Vec<u32> {
    let mut found = vec![];
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid, _) in all {
            if ppid == parent {
                found.push(pid);
                frontier.push(pid);
            }
        }
    }
    found
}

fn name_of(all: &[(u32, u32, String)], pid: u32) -> String {
    all.iter()
        .find(|(p, _, _)| *p == pid)
        .map(|(_, _, name)| name.clone())
        .unwrap_or_default()
}

/// `VmRSS` of a process, in KiB (0 when it is gone).
pub fn resident_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
