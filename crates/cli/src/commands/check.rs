//! `dwdi check [--env E]`: validates the manifest and every document for each environment
//! (or the one given), offline, with no credentials. Exit 0 when all is valid, 1 when any
//! problem is found, 2 when no manifest can be read.

use serde_json::json;

use crate::exit::Exit;
use crate::global::{OutputArg, OutputFormat};
use crate::manifest::{LoadError, ManifestArg};
use crate::problem_text;

/// Arguments of `dwdi check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    manifest: ManifestArg,
    /// Check only this environment (default: every environment).
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `dwdi check`.
pub fn run(args: CheckArgs, top_output: Option<OutputFormat>) -> Exit {
    let json = args.output.output.or(top_output) == Some(OutputFormat::Json);
    let loaded = match args.manifest.load() {
        Ok(l) => l,
        Err(LoadError::Usage(message)) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
        Err(LoadError::Invalid(problems)) => {
            report(json, &[], &problems.0);
            return Exit::Failure;
        }
    };
    let envs: Vec<String> = match &args.env {
        Some(e) => vec![e.clone()],
        None => loaded
            .manifest
            .environment_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    if envs.is_empty() {
        eprintln!(
            "error: {} declares no environment; add [environments.NAME] with a workspace",
            loaded.name
        );
        return Exit::Failure;
    }
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for env in &envs {
        match loaded.resolve(Some(env)) {
            Ok(desired) => checked.push((env.clone(), desired.tasks.len())),
            Err(found) => problems.extend(found.0),
        }
    }
    report(json, &checked, &problems);
    if problems.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    }
}

fn report(
    json: bool,
    checked: &[(String, usize)],
    problems: &[dataworks_project::ManifestProblem],
) {
    if json {
        let doc = json!({
            "valid": problems.is_empty(),
            "environments": checked.iter().map(|(e, n)| json!({"environment": e, "tasks": n})).collect::<Vec<_>>(),
            "problems": problems,
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return;
    }
    for (env, n) in checked {
        println!(
            "environment {env}: {n} task{} valid",
            if *n == 1 { "" } else { "s" }
        );
    }
    let merged = problem_text::merge_environments(problems);
    for p in &merged {
        eprintln!("{}", problem_text::manifest_problem(p));
    }
    if !merged.is_empty() {
        eprintln!(
            "{} problem{} found",
            merged.len(),
            if merged.len() == 1 { "" } else { "s" }
        );
    }
}
