//! `dwdi`: the command line of dataworks-di.
//!
//! Each subcommand lives in its own module under `commands/`; this file only parses the
//! command line and dispatches. Exit codes are documented in `docs/guide.md` and in
//! [`exit`].
#![forbid(unsafe_code)]

mod apply_progress;
mod broken_pipe;
mod commands;
mod exit;
mod global;
mod manifest;
mod output;
mod problem_text;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::lifecycle::Operation;

/// The dataworks-di command line: build, validate, sign and run DataWorks Data Integration
/// sync-task changes, against the real service or the local emulator.
#[derive(Debug, Parser)]
#[command(name = "dwdi", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: global::GlobalArgs,
    /// Output format: text (default) or json; also accepted after the subcommand.
    #[arg(long, value_enum, value_name = "FORMAT")]
    output: Option<global::OutputFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show where the credentials come from (provider, access key id, token?, expiration).
    Credentials(commands::credentials::CredentialsArgs),
    /// Sign one request description (JSON on stdin) and print every intermediate string.
    Sign(commands::sign::SignArgs),
    /// Run the local DataWorks DI emulator (SQLite state, both signatures, faults on demand).
    Emulator(Box<commands::emulator::EmulatorArgs>),
    /// Try everything with no account: start the emulator in-process, create a MySQL to
    /// Hologres real-time task, add a table with an update, show each step.
    Quickstart(commands::quickstart::QuickstartArgs),
    /// Create a task from a document (generate, poll, create; direct for DI_OFFLINE).
    Create(commands::create::CreateArgs),
    /// Update a task from a document (generate, poll, update); `--plan` for a dry run.
    Update(commands::update::UpdateArgs),
    /// Show the state of a generation process (QueryDISyncTaskConfigProcessResult).
    Query(commands::query::QueryArgs),
    /// Show a task's current content (GetDISyncTask).
    Get(commands::get::GetArgs),
    /// Wait for a generation process started earlier, then create or update from it.
    Resume(commands::resume::ResumeArgs),
    /// Validate TaskParam/TaskContent files offline (schema and semantic rules).
    Validate(commands::validate::ValidateArgs),
    /// Print the JSON Schema of a document kind.
    Schema(commands::schema::SchemaArgs),
    /// Show what changed between two documents of the same kind.
    Diff(commands::diff::DiffArgs),
    /// Validate the dataworks.toml manifest and every document for each environment, offline.
    Check(commands::check::CheckArgs),
    /// Convert a job from another format (an open-source DataX job) into a DataWorks batch job.
    Convert(commands::convert::ConvertArgs),
    /// Deploy a task's latest version (DeployDISyncTask).
    Deploy(commands::lifecycle::TaskArgs),
    /// Start a task (StartDISyncInstance), with start settings; `--wait` until it runs.
    Start(commands::lifecycle::StartArgs),
    /// Stop (pause) a running real-time task (StopDISyncInstance).
    Stop(commands::lifecycle::TaskArgs),
    /// Terminate a task's instance (TerminateDISyncInstance).
    Terminate(commands::lifecycle::TaskArgs),
    /// Delete a task (DeleteDISyncTask).
    Delete(commands::lifecycle::TaskArgs),
    /// Show a task's instance status and whether its latest version is deployed.
    Status(commands::lifecycle::TaskArgs),
    /// Write a workspace's sync tasks as a manifest and documents (`dwdi plan` then shows
    /// no changes).
    Export(commands::export::ExportArgs),
    /// Show what `apply` would change in an environment (create, update, replace, delete).
    Plan(commands::plan::PlanArgs),
    /// Make an environment match the manifest, or apply a saved plan.
    Apply(commands::apply::ApplyArgs),
}

fn main() -> ExitCode {
    broken_pipe::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    global::init_logging(cli.global.verbose);
    let (g, out) = (&cli.global, cli.output);
    let code = match cli.command {
        Command::Credentials(args) => commands::credentials::run(args, g, out),
        Command::Sign(args) => commands::sign::run(args),
        Command::Emulator(args) => commands::emulator::run(*args),
        Command::Quickstart(args) => commands::quickstart::run(args, g, out),
        Command::Create(args) => commands::create::run(args, g, out),
        Command::Update(args) => commands::update::run(args, g, out),
        Command::Query(args) => commands::query::run(args, g, out),
        Command::Get(args) => commands::get::run(args, g, out),
        Command::Resume(args) => commands::resume::run(args, g, out),
        Command::Validate(args) => commands::validate::run(args, out),
        Command::Schema(args) => commands::schema::run(args),
        Command::Diff(args) => commands::diff::run(args, out),
        Command::Check(args) => commands::check::run(args, out),
        Command::Convert(args) => commands::convert::run(args, out),
        Command::Deploy(args) => commands::lifecycle::run(Operation::Deploy, args, g, out),
        Command::Start(args) => commands::lifecycle::run_start(args, g, out),
        Command::Stop(args) => commands::lifecycle::run(Operation::Stop, args, g, out),
        Command::Terminate(args) => commands::lifecycle::run(Operation::Terminate, args, g, out),
        Command::Delete(args) => commands::lifecycle::run(Operation::Delete, args, g, out),
        Command::Status(args) => commands::lifecycle::run(Operation::Status, args, g, out),
        Command::Export(args) => commands::export::run(args, g, out),
        Command::Plan(args) => commands::plan::run(args, g, out),
        Command::Apply(args) => commands::apply::run(args, g, out),
    };
    code.into()
}
