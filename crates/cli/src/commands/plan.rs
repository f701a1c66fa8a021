//! `dwdi plan [--env E] [--prune] [--output json] [--out FILE] [--detailed-exitcode]`: what
//! `apply` would change in an environment, read from the workspace, changing nothing.

use std::path::PathBuf;

use dataworks_project::{PlanOptions, SAVED_PLAN_FORMAT, SavedPlan, render_json, render_text};

use crate::commands::project_common::{ReadArgs, client_for, read_and_plan};
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::manifest::{LoadError, ManifestArg};
use crate::output;
use crate::problem_text;

/// Arguments of `dwdi plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    manifest: ManifestArg,
    /// The environment (may be left out when the manifest has one).
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    /// Also delete the tasks of managed folders that the manifest does not declare.
    #[arg(long)]
    prune: bool,
    /// Write the plan to FILE, for `dwdi apply FILE`.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Exit 0 when nothing would change, 2 when something would, 1 on any error.
    #[arg(long = "detailed-exitcode")]
    detailed_exitcode: bool,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    output: OutputArg,
}

/// Loads the manifest and resolves one environment; problems are printed.
pub fn desired(
    manifest: &ManifestArg,
    env: Option<&str>,
    ctx: &Context,
) -> Result<dataworks_project::Desired, Exit> {
    let loaded = match manifest.load() {
        Ok(l) => l,
        Err(LoadError::Usage(message)) => return Err(output::usage_error(ctx, &message)),
        Err(LoadError::Invalid(problems)) => {
            eprint!("{}", problem_text::manifest_problems(&problems));
            return Err(Exit::Failure);
        }
    };
    loaded.resolve(env).map_err(|problems| {
        eprint!("{}", problem_text::manifest_problems(&problems));
        Exit::Failure
    })
}

/// Runs `dwdi plan`.
pub fn run(args: PlanArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let exit = plan(&args, &ctx);
    match (args.detailed_exitcode, exit) {
        (_, Exit::Success) | (true, Exit::Changes) => exit,
        (false, Exit::Changes) => Exit::Success,
        (true, _) => Exit::Failure,
        (false, other) => other,
    }
}

fn plan(args: &PlanArgs, ctx: &Context) -> Exit {
    let desired = match desired(&args.manifest, args.env.as_deref(), ctx) {
        Ok(d) => d,
        Err(exit) => return exit,
    };
    let client = match client_for(&desired.target, ctx) {
        Ok(c) => c,
        Err(e) => return output::build_error(ctx, &e),
    };
    let options = PlanOptions::default().prune(args.prune);
    let result = block_on(read_and_plan(
        &client,
        &desired,
        options,
        args.read.concurrency,
    ));
    let (_, plan) = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return output::call_error(ctx, &e),
        Err(e) => return output::usage_error(ctx, &format!("cannot start the async runtime: {e}")),
    };
    if let Some(path) = &args.out {
        let saved = SavedPlan {
            format: SAVED_PLAN_FORMAT,
            target: desired.target.clone(),
            prune: args.prune,
            tasks: desired
                .tasks
                .iter()
                .filter(|t| {
                    plan.changes
                        .iter()
                        .any(|c| c.task == t.name && c.is_change())
                })
                .cloned()
                .collect(),
            plan: plan.clone(),
        };
        let text = serde_json::to_string_pretty(&saved).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            return output::usage_error(ctx, &format!("cannot write {}: {e}", path.display()));
        }
    }
    if ctx.json() {
        println!(
            "{}",
            serde_json::to_string_pretty(&render_json(&plan)).unwrap_or_default()
        );
    } else {
        print!("{}", render_text(&plan));
        if let Some(path) = &args.out {
            println!(
                "plan saved to {}; apply it with `dwdi apply {}`",
                path.display(),
                path.display()
            );
        }
    }
    if plan.has_changes() {
        Exit::Changes
    } else {
        Exit::Success
    }
}
