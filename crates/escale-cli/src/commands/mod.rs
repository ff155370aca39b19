//! Dispatch: opens the data directory and hands each command to its area
//! module. Every command is a thin call into `escale_core::Escale` followed
//! by a rendering; none holds business rules.

mod bundle;
mod certificate;
mod checkin;
mod demo;
mod event;
mod export;
mod hub;
mod import;
mod init;
mod mediation;
mod ops;
mod peer;
mod report;
mod session;
mod staff;
mod station;
mod stats;
mod sync;
mod visitor;

use crate::args::{Cli, Command};
use crate::output::{Failure, Reply, Ui};
use escale_core::{Error, Escale};
use std::path::Path;

pub async fn run(cli: Cli, ui: Ui) -> Result<Reply, Failure> {
    let dir = escale_core::resolve_data_dir(cli.data_dir.as_deref());
    if let Command::Init(a) = &cli.command {
        return init::init(&dir, a, ui).await;
    }
    // The hub has its own database; enrolment may start from an empty directory.
    if let Command::Hub(c) = cli.command {
        return hub::run(&dir, c, ui).await;
    }
    if let Command::Sync(crate::args::SyncCommand::Enroll(a)) = &cli.command {
        return sync::enroll(&dir, a, cli.as_staff.as_deref(), ui).await;
    }
    // Joining a stand peer may also start from an empty directory.
    if let Command::Peer(crate::args::PeerCommand::Join(a)) = &cli.command {
        return peer::join(&dir, a, ui).await;
    }
    // A demo needs no set-up: in a fresh directory it names an invented
    // organisation and laptop first (`escale demo --visitors 100000`).
    if let Command::Demo(_) = &cli.command {
        if !dir.join(escale_core::store::DB_FILE).is_file() {
            let app = Escale::open(&dir).await?;
            app.init(
                ui.t("Association de démonstration", "Demo association"),
                ui.t("Portable de démonstration", "Demo laptop"),
            )
            .await?;
            app.store().close().await;
        }
    }
    ask_passphrase(&dir, ui)?;
    let app = open_existing(&dir).await?;
    if let Err(e) = staff::sign_in(&app, cli.as_staff.as_deref(), ui).await {
        app.store().close().await;
        return Err(e);
    }
    if let Command::Key(crate::args::KeyCommand::Passphrase) = cli.command {
        return staff::set_passphrase(app, &dir, ui).await;
    }
    let outcome = dispatch(&app, cli.command, ui).await;
    app.store().close().await;
    outcome
}

/// A data directory whose key is sealed under a passphrase: the passphrase
/// is asked once on the terminal, unless the environment gives the key or
/// the passphrase. Without a terminal, opening then fails with
/// `store.key_wrong`, which says what to give.
fn ask_passphrase(dir: &Path, ui: Ui) -> Result<(), Failure> {
    use escale_core::store::key;
    let given = [key::KEY_ENV, key::KEY_FILE_ENV, key::PASSPHRASE_ENV]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
    if given
        || !dir.join(key::WRAPPED_FILE).is_file()
        || !std::io::IsTerminal::is_terminal(&std::io::stdin())
    {
        return Ok(());
    }
    let typed = staff::ask_raw(ui.t(
        "Phrase de passe du dossier de données : ",
        "Passphrase of the data directory: ",
    ))
    .map_err(|_| Error::StoreKeyWrong)?;
    key::remember_passphrase(typed.trim_end_matches(['\r', '\n']).to_string());
    Ok(())
}

async fn dispatch(app: &Escale, command: Command, ui: Ui) -> Result<Reply, Failure> {
    match command {
        Command::Init(_) => unreachable!("init is handled before the store is opened"),
        Command::Info => init::info(app, ui).await,
        Command::Event(c) => event::run(app, c, ui).await,
        Command::Session(c) => session::run(app, c, ui).await,
        Command::Visitor(c) => visitor::run(app, c, ui).await,
        Command::Import(a) => import::run(app, &a, ui).await,
        Command::Search(a) => checkin::search(app, &a, ui).await,
        Command::Checkin(a) => checkin::scan(app, &a, ui, true).await,
        Command::Checkout(a) => checkin::scan(app, &a, ui, false).await,
        Command::Undo(a) => checkin::undo(app, &a, ui).await,
        Command::Stats(a) => stats::run(app, &a.event, ui).await,
        Command::Export(a) => export::run(app, &a, ui).await,
        Command::Merge(a) => visitor::merge(app, &a, ui).await,
        Command::Erase(a) => visitor::erase(app, &a, ui).await,
        Command::Ops(c) => ops::run(app, c, ui).await,
        Command::Demo(a) => demo::run(app, &a, ui).await,
        Command::Bundle(c) => bundle::run(app, c, ui).await,
        Command::Hub(_) => unreachable!("hub commands are handled before the store is opened"),
        Command::Sync(c) => sync::run(app, c, ui).await,
        Command::Peer(crate::args::PeerCommand::Share(a)) => peer::share(app, &a, ui).await,
        Command::Peer(crate::args::PeerCommand::Live(a)) => peer::live(app, &a, ui).await,
        Command::Certificate(c) => certificate::run(app, c, ui).await,
        Command::Badge(c) => certificate::badge(app, c, ui).await,
        Command::Printer(c) => certificate::printer(c, ui),
        Command::Org(c) => certificate::org(app, c, ui).await,
        Command::Mediation(c) => mediation::run(app, c, ui).await,
        Command::Report(a) => report::run(app, &a, ui).await,
        Command::Station(c) => station::run(app, c, ui).await,
        Command::Print(c) => station::print(app, c, ui).await,
        Command::Cowork(c) => station::cowork(app, c, ui).await,
        Command::Staff(c) => staff::run(app, c, ui).await,
        Command::Login(a) => staff::login(app, &a, ui).await,
        Command::Audit(a) => staff::audit(app, &a, ui).await,
        Command::Retention(a) => staff::retention(app, &a, ui).await,
        Command::Logout => staff::logout(app, ui).await,
        Command::Key(_) => unreachable!("key passphrase is handled before dispatch"),
        Command::Peer(crate::args::PeerCommand::Join(_)) => {
            unreachable!("peer join is handled before the store is opened")
        }
    }
}

/// Opens a data directory that `escale init` prepared. A directory without
/// a store is reported as not initialised *without* creating anything in it,
/// so a mistyped `--data-dir` leaves no stray folder behind.
async fn open_existing(dir: &Path) -> Result<Escale, Failure> {
    let is_file = dir.exists() && !dir.is_dir();
    if !is_file && !dir.join(escale_core::store::DB_FILE).is_file() {
        return Err(Error::NotInitialised.into());
    }
    let app = Escale::open(dir).await?;
    app.identity().await?;
    Ok(app)
}
