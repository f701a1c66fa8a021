//! `dwdi apply [PLAN.json | --env E] [--yes] [--allow-replace] [--prune] [--fail-fast]
//! [--concurrency N]`: makes the workspace match the manifest (or applies a saved plan exactly,
//! refusing it when a task changed since); the global `--api-rate` / `--edition` win over the
//! environment's `rate_limit`. At a terminal it shows the plan and asks; `--yes` or a saved plan applies without asking; with no terminal and no
//! `--yes` it refuses, so CI never hangs on a prompt.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use dataworks_project::{Action, Desired, Plan, PlanOptions, SavedPlan, render_text};
use dataworks_workflow::Workflow;
use dataworks_workflow::apply::{ApplyOptions, execute};

use crate::apply_progress::{ApplyProgress, summary};
use crate::commands::plan::desired;
use crate::commands::project_common::{ReadArgs, client_for, read_and_plan};
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::manifest::ManifestArg;
use crate::output;

/// Arguments of `dwdi apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// A plan saved by `dwdi plan --out FILE`: applied exactly, without asking, or refused
    /// when a task changed since.
    #[arg(value_name = "PLAN.json")]
    plan: Option<PathBuf>,
    #[command(flatten)]
    manifest: ManifestArg,
    /// The environment (may be left out when the manifest has one).
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Allow replacing tasks (stop, delete, create again) for changes the API cannot make in place.
    #[arg(long = "allow-replace")]
    allow_replace: bool,
    /// Also delete the tasks of managed folders that the manifest does not declare.
    #[arg(long)]
    prune: bool,
    /// Start no more tasks after the first failure.
    #[arg(long = "fail-fast")]
    fail_fast: bool,
    /// How long to wait for each started task to run (e.g. 90s, 10m).
    #[arg(long = "max-wait", value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "10m")]
    max_wait: Duration,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `dwdi apply`.
pub fn run(args: ApplyArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let saved = match &args.plan {
        Some(path) => match read_saved(path) {
            Ok(s) => Some(s),
            Err(message) => return output::usage_error(&ctx, &message),
        },
        None => None,
    };
    let desired = match &saved {
        Some(s) => Desired {
            target: s.target.clone(),
            folders: s.plan.changes.iter().map(|c| c.folder.clone()).collect(),
            tasks: s.tasks.clone(),
        },
        None => match desired(&args.manifest, args.env.as_deref(), &ctx) {
            Ok(d) => d,
            Err(exit) => return exit,
        },
    };
    let client = match client_for(&desired.target, &ctx) {
        Ok(c) => c,
        Err(e) => return output::build_error(&ctx, &e),
    };
    let workflow = Workflow::new(client);
    match block_on(apply(&args, &ctx, &workflow, &desired, saved.as_ref())) {
        Ok(exit) => exit,
        Err(e) => output::usage_error(&ctx, &format!("cannot start the async runtime: {e}")),
    }
}

fn read_saved(path: &PathBuf) -> Result<SavedPlan, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not a plan saved by `dwdi plan --out`: {e}",
            path.display()
        )
    })
}

async fn apply(
    args: &ApplyArgs,
    ctx: &Context,
    workflow: &Workflow,
    desired: &Desired,
    saved: Option<&SavedPlan>,
) -> Exit {
    let options = PlanOptions::default().prune(saved.map_or(args.prune, |s| s.prune));
    let (observed, fresh) =
        match read_and_plan(workflow.client(), desired, options, args.read.concurrency).await {
            Ok(r) => r,
            Err(e) => return output::call_error(ctx, &e),
        };
    let plan: Plan = match saved {
        Some(s) => {
            if let Err(stale) = s.check_fresh(&observed) {
                for s in &stale {
                    eprintln!("error: {s}");
                }
                eprintln!("error: the saved plan was not applied; nothing was changed");
                return Exit::Failure;
            }
            s.plan.clone()
        }
        None => fresh,
    };
    if !plan.has_changes() {
        print!("{}", render_text(&plan));
        return Exit::Success;
    }
    let replaced: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Replace)
        .map(|c| c.task.as_str())
        .collect();
    if !replaced.is_empty() && !args.allow_replace {
        eprint!("{}", render_text(&plan));
        eprintln!(
            "error: {} need{} a replace (stop, delete, create again: the task gets a new FileId and restarts from scratch): {}; \
             apply again with --allow-replace to do it. Nothing was changed.",
            replaced.len(),
            if replaced.len() == 1 { "s" } else { "" },
            replaced.join(", ")
        );
        return Exit::Failure;
    }
    if saved.is_none() && !args.yes {
        eprint!("{}", render_text(&plan));
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            eprintln!(
                "error: not applying without confirmation: there is no terminal to ask at; pass --yes (or apply a saved plan: dwdi plan --out plan.json; dwdi apply plan.json)"
            );
            return Exit::Usage;
        }
        eprint!("Apply these changes? Only 'yes' is accepted: ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            eprintln!("not applied");
            return Exit::Failure;
        }
    }
    let total = plan.changes.iter().filter(|c| c.is_change()).count();
    let progress = ApplyProgress::new(total);
    let options = ApplyOptions::default()
        .concurrency(args.read.concurrency)
        .fail_fast(args.fail_fast)
        .allow_replace(args.allow_replace)
        .wait_limit(args.max_wait);
    let report = execute(
        workflow,
        desired.target.workspace,
        &plan,
        &desired.tasks,
        options,
        |e| progress.show(e),
    )
    .await;
    progress.finish();
    if ctx.json() {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", summary(&report));
    }
    for t in &report.tasks {
        if let dataworks_workflow::apply::TaskStatus::Failed(e) = &t.status {
            eprintln!("error: task `{}`: {e}", t.task);
        }
    }
    if report.failed() == 0 {
        Exit::Success
    } else {
        Exit::Failure
    }
}
