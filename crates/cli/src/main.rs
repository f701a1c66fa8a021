//! `dwdi`: the command line of dataworks-di.
//!
//! Each subcommand lives in its own module under `commands/`; this file only parses the
//! command line and dispatches. Exit codes are documented in `docs/guide.md` and in
//! [`exit`].

mod commands;
mod exit;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The dataworks-di command line: build, validate, sign and run DataWorks Data Integration
/// sync-task changes, against the real service or the local emulator.
#[derive(Debug, Parser)]
#[command(name = "dwdi", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign one request description (JSON on stdin) and print every intermediate string.
    Sign(commands::sign::SignArgs),
    /// Run the local DataWorks DI emulator (SQLite state, both signatures, faults on demand).
    Emulator(commands::emulator::EmulatorArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Sign(args) => commands::sign::run(args),
        Command::Emulator(args) => commands::emulator::run(args),
    };
    code.into()
}
