//! `dwdi export --project P [--folder F]... DIR`: writes the sync tasks that exist as a
//! manifest (`DIR/dataworks.toml`) and one document per task (`DIR/tasks/NAME.json`), so that
//! `dwdi plan` right after reports no changes.
//!
//! A real-time task (and a solution) is written as the create TaskParam recovered from its
//! TaskContent (`dataworks_taskparam`'s `recover_param`), a batch task as its job. A task whose
//! instance runs (or waits for resources) is declared `running`, any other `deployed`; a task
//! whose latest version is not deployed is reported, since the plan will deploy it. Every `${`
//! is written `$${` (a scheduling parameter such as `${bizdate}` is no manifest variable). Nothing is
//! written when any task cannot be exported, and an existing manifest is not overwritten
//! without `--force`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::Value;

use dataworks_project::{
    DocumentSource, Environment, Lifecycle, MANIFEST_FILE, Manifest, RunState, TaskDecl,
};
use dataworks_taskparam::TaskContent;
use dataworks_wire::TaskType;
use dataworks_workflow::apply::observed_task;
use dataworks_workflow::{CallError, Client, LiveTask, TaskFile};

use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::output;

/// How many tasks are read at once (the client's rate limit paces the requests).
const READ_CONCURRENCY: usize = 16;
/// The directory of the documents, relative to the manifest.
const DOCUMENTS_DIR: &str = "tasks";

/// Arguments of `dwdi export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The workspace id (`ProjectId`).
    #[arg(long = "project", value_name = "ID")]
    project: i64,
    /// A folder to export (repeatable); the manifest manages these folders. Default: every
    /// sync task of the workspace.
    #[arg(long = "folder", value_name = "PATH")]
    folders: Vec<String>,
    /// The name of the environment the manifest declares for this workspace.
    #[arg(long = "env", value_name = "NAME", default_value = "default")]
    env: String,
    /// Overwrite an existing manifest and documents.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    output: OutputArg,
    /// The directory to write (created when missing).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// One exported task, in the JSON output.
#[derive(Debug, Serialize)]
struct Exported {
    name: String,
    folder: String,
    #[serde(rename = "type")]
    task_type: String,
    file_id: i64,
    document: String,
    lifecycle: Lifecycle,
    deployed: bool,
}

/// The JSON output of `dwdi export`.
#[derive(Debug, Serialize)]
struct ExportOutput {
    project: i64,
    manifest: String,
    tasks: Vec<Exported>,
}

/// Runs `dwdi export`.
pub fn run(args: ExportArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let manifest_path = args.dir.join(MANIFEST_FILE);
    if manifest_path.exists() && !args.force {
        return output::usage_error(
            &ctx,
            &format!(
                "{} exists; give another directory, or --force to overwrite it",
                manifest_path.display()
            ),
        );
    }
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return output::build_error(&ctx, &e),
    };
    let live = match block_on(read_workspace(&client, args.project, &args.folders)) {
        Ok(Ok(live)) => live,
        Ok(Err(e)) => return output::call_error(&ctx, &e),
        Err(e) => {
            return output::usage_error(&ctx, &format!("cannot start the async runtime: {e}"));
        }
    };
    let export = match build(&args, global, &live) {
        Ok(export) => export,
        Err(problems) => {
            let message = format!(
                "nothing was written; {} task(s) cannot be exported:\n  {}",
                problems.len(),
                problems.join("\n  ")
            );
            return output::error(&ctx, Exit::Failure, "export", &message);
        }
    };
    if let Err(e) = write(&args.dir, &export) {
        return output::error(&ctx, Exit::Failure, "write", &e);
    }
    for task in live.iter().filter(|t| !t.deployed) {
        eprintln!(
            "note: {} ({}): its latest version is not deployed; `dwdi plan` will deploy it",
            task.file.name, task.file.folder
        );
    }
    let out = ExportOutput {
        project: args.project,
        manifest: manifest_path.display().to_string(),
        tasks: export.exported,
    };
    let text = format!(
        "exported {} task{} of project {} to {}",
        out.tasks.len(),
        if out.tasks.len() == 1 { "" } else { "s" },
        out.project,
        out.manifest
    );
    output::success(&ctx, &out, &text)
}

/// The tasks of the folders (or of the whole workspace), each read with its live state.
async fn read_workspace(
    client: &Client,
    project: i64,
    folders: &[String],
) -> Result<Vec<LiveTask>, CallError> {
    let mut files: Vec<TaskFile> = Vec::new();
    if folders.is_empty() {
        files = client.list_all_tasks(project).await?;
    } else {
        let mut seen = BTreeSet::new();
        for folder in folders {
            for file in client.list_tasks(project, folder).await? {
                if seen.insert(file.file_id) {
                    files.push(file);
                }
            }
        }
    }
    futures::stream::iter(files.iter().map(|f| client.read_live(project, f)))
        .buffered(READ_CONCURRENCY)
        .try_collect()
        .await
}

/// What to write.
struct Export {
    manifest: String,
    documents: Vec<(String, String)>,
    exported: Vec<Exported>,
}

/// The manifest and documents of `live`, or every task that cannot be exported.
fn build(args: &ExportArgs, global: &GlobalArgs, live: &[LiveTask]) -> Result<Export, Vec<String>> {
    let mut problems = Vec::new();
    let mut by_name: BTreeMap<&str, &TaskFile> = BTreeMap::new();
    for task in live {
        if let Some(other) = by_name.insert(&task.file.name, &task.file) {
            problems.push(format!(
                "{}: the name is in folders {:?} and {:?}; a manifest names each task once (export one folder at a time)",
                task.file.name, other.folder, task.file.folder
            ));
        }
    }
    let mut paths = BTreeSet::new();
    let mut documents = Vec::new();
    let mut tasks = Vec::new();
    let mut exported = Vec::new();
    for task in live {
        let document = match document_of(task) {
            Ok(d) => d,
            Err(why) => {
                problems.push(format!("{} ({}): {why}", task.file.name, task.file.folder));
                continue;
            }
        };
        let mut path = format!("{DOCUMENTS_DIR}/{}.json", file_stem(&task.file.name));
        if !paths.insert(path.clone()) {
            path = format!(
                "{DOCUMENTS_DIR}/{}-{}.json",
                file_stem(&task.file.name),
                task.file.file_id
            );
            paths.insert(path.clone());
        }
        let lifecycle = lifecycle_of(task);
        tasks.push(TaskDecl {
            name: toml::Spanned::new(0..0, task.file.name.clone()),
            task_type: task.file.task_type,
            folder: Some(literal(&task.file.folder)),
            resource_group: None,
            document: DocumentSource::File(path.clone()),
            lifecycle,
            start: None,
        });
        exported.push(Exported {
            name: task.file.name.clone(),
            folder: task.file.folder.clone(),
            task_type: task.file.task_type.to_string(),
            file_id: task.file.file_id,
            document: path.clone(),
            lifecycle,
            deployed: task.deployed,
        });
        documents.push((path, document));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let manifest = Manifest {
        environments: BTreeMap::from([(
            args.env.clone(),
            Environment {
                workspace: args.project,
                region: global.region.clone(),
                endpoint: global.endpoint.clone(),
                profile: global.profile.clone(),
                variables: BTreeMap::new(),
                rate_limit: None,
            },
        )]),
        folders: args
            .folders
            .iter()
            .map(|f| literal(dataworks_workflow::normalize_folder(f)))
            .collect(),
        defaults: Default::default(),
        tasks,
    };
    let manifest = toml::to_string(&manifest)
        .map_err(|e| vec![format!("the manifest could not be written as TOML: {e}")])?;
    Ok(Export {
        manifest: format!(
            "# Exported by `dwdi export --project {}`; see docs/guide.md (\"DI as code\").\n{manifest}",
            args.project
        ),
        documents,
        exported,
    })
}

/// The document declaring a live task: a real-time task's (or solution's) recovered create
/// TaskParam, a batch task's job; pretty JSON with a final newline.
fn document_of(task: &LiveTask) -> Result<String, String> {
    let value = if task.file.task_type == TaskType::DiOffline {
        serde_json::from_str::<Value>(&task.content)
            .map_err(|e| format!("the batch job is not JSON: {e}"))?
    } else {
        let content = TaskContent::from_json(&task.content)
            .map_err(|e| format!("the content is not a real-time TaskContent: {e}"))?;
        content
            .recover_param()
            .map_err(|e| e.to_string())?
            .to_value()
    };
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(literal(&text))
}

/// `text` as the manifest writes it literally: every `${` becomes `$${`, so a DataWorks
/// scheduling parameter such as `${bizdate}` is not read as a manifest variable.
fn literal(text: &str) -> String {
    text.replace("${", "$${")
}

/// `running` when the planner sees the task running (its instance runs or waits for
/// resources); `deployed` otherwise, and always for a batch task.
fn lifecycle_of(task: &LiveTask) -> Lifecycle {
    let runs = observed_task(task.clone()).run_state == RunState::Running;
    if task.file.task_type != TaskType::DiOffline && runs {
        Lifecycle::Running
    } else {
        Lifecycle::Deployed
    }
}

/// A file name for a task name: letters, digits, `_`, `-` and `.` kept, anything else `_`.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match stem.trim_start_matches('.') {
        "" => "task".to_owned(),
        s => s.to_owned(),
    }
}

/// Writes the documents, then the manifest.
fn write(dir: &Path, export: &Export) -> Result<(), String> {
    let docs = dir.join(DOCUMENTS_DIR);
    std::fs::create_dir_all(&docs).map_err(|e| format!("cannot create {}: {e}", docs.display()))?;
    for (path, text) in &export.documents {
        let file = dir.join(path);
        std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    let manifest = dir.join(MANIFEST_FILE);
    std::fs::write(&manifest, &export.manifest)
        .map_err(|e| format!("cannot write {}: {e}", manifest.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("orders_to_holo"), "orders_to_holo");
        assert_eq!(file_stem("a/b c"), "a_b_c");
        assert_eq!(file_stem("../x"), "_x");
        assert_eq!(file_stem("..."), "task");
        assert_eq!(file_stem("订单"), "订单");
    }

    #[test]
    fn scheduling_parameters_stay_literal() {
        let vars = BTreeMap::new();
        for text in ["pt=${bizdate}", "$${x}", "$$${y}", "no variable", "$", "${"] {
            let written = literal(text);
            let read = dataworks_project::substitute(&written, &vars, str::to_owned);
            assert_eq!(read.as_deref(), Ok(text), "{written}");
        }
    }
}
