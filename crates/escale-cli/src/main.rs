//! `escale`: the command-line adapter over `escale_core::Escale`.
//!
//! This file only wires: parse the arguments, pick the language, build a
//! runtime, dispatch to `commands`, print through `output`, exit. Business
//! rules live in the core; nothing here touches SQL.

mod args;
mod commands;
mod lang;
mod output;
#[cfg(test)]
mod registry_reach;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(e),
    };
    let ui = output::Ui {
        lang: lang::detect(cli.lang),
        json: cli.json,
    };
    let outcome = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(commands::run(cli, ui)),
        Err(e) => Err(escale_core::Error::Internal(format!("runtime: {e}")).into()),
    };
    ExitCode::from(output::finish(ui, outcome))
}

/// Help and version exit 0; usage errors exit 2 (as JSON with `--json`).
fn usage(e: clap::Error) -> ExitCode {
    let json = std::env::args_os().any(|a| a == "--json");
    let code = e.exit_code();
    if json && code != 0 {
        output::usage_error(&e.render().to_string());
    } else {
        let _ = e.print();
    }
    ExitCode::from(if code == 0 {
        output::EXIT_OK
    } else {
        output::EXIT_USAGE
    })
}
