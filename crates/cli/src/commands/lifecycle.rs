//! `dwdi deploy | start | stop | terminate | delete | status`: one lifecycle operation on one
//! task, named by `--file-id` (and `--type`) or by `--name` (and `--folder`).
//!
//! By name, the task is found with ListFiles (its type and file id come from there). By file
//! id, `--type` saves that lookup; without it the task is looked up by id. `status` always
//! looks the task up, to show its name, folder and whether its latest version is deployed.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use dataworks_taskparam::{
    DdlKind, DdlMark, Problem, StartParam, describe_problems, validate_start_param_str,
};
use dataworks_wire::TaskType;
use dataworks_workflow::{CallError, Client, InstanceStatus, TaskFile, WaitError};

use crate::commands::common::parse_task_type;
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::output;

/// Which task: `--file-id` (with `--type`, or looked up) or `--name` (and `--folder`).
#[derive(Debug, Clone, clap::Args)]
pub struct TaskSelector {
    /// The workspace id (`ProjectId`; the emulator always has 10000).
    #[arg(long = "project", value_name = "ID")]
    pub project: i64,
    /// The task's file id.
    #[arg(
        long = "file-id",
        value_name = "ID",
        required_unless_present = "name",
        conflicts_with_all = ["name", "folder"]
    )]
    pub file_id: Option<i64>,
    /// The task type (DI_REALTIME, DI_SOLUTION, DI_OFFLINE) of `--file-id`; when left out,
    /// the task is looked up (one ListFiles request).
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_task_type, requires = "file_id")]
    pub task_type: Option<TaskType>,
    /// The task's name (found with ListFiles).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The folder of `--name` (e.g. "Workflow/sales/Data Integration"); needed when the name is
    /// in several folders.
    #[arg(long, value_name = "PATH", requires = "name")]
    pub folder: Option<String>,
}

/// Arguments of `deploy`, `stop`, `terminate`, `delete` and `status`.
#[derive(Debug, clap::Args)]
pub struct TaskArgs {
    #[command(flatten)]
    task: TaskSelector,
    #[command(flatten)]
    output: OutputArg,
}

/// Arguments of `dwdi start`.
#[derive(Debug, clap::Args)]
pub struct StartArgs {
    #[command(flatten)]
    task: TaskSelector,
    #[command(flatten)]
    output: OutputArg,
    #[command(flatten)]
    settings: StartSettings,
    /// Wait until the task runs, at most this long (e.g. 90s, 5m); exit 3 when it does not.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    wait: Option<Duration>,
}

/// The start settings of `StartDISyncInstance` (`StartParam`): a file and/or flags (the flags
/// win over the file's fields).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StartSettings {
    /// A StartParam JSON file, e.g. {"failoverLimit":{"count":10,"interval":30},
    /// "errorLimit":{"record":0},"ddlMarkMap":{"DROPTABLE":"WARNING"}}.
    #[arg(long = "start-param", value_name = "FILE")]
    pub start_param: Option<String>,
    /// How many failovers are allowed within `--failover-interval` (failoverLimit.count).
    #[arg(long = "failover-count", value_name = "N")]
    pub failover_count: Option<u32>,
    /// The failover window in minutes (failoverLimit.interval).
    #[arg(long = "failover-interval", value_name = "MINUTES")]
    pub failover_interval: Option<u32>,
    /// How many dirty records are tolerated (errorLimit.record).
    #[arg(long = "error-limit", value_name = "RECORDS")]
    pub error_limit: Option<i64>,
    /// How a DDL event is handled, EVENT=ACTION (repeatable), e.g. --ddl DROPTABLE=WARNING;
    /// actions IGNORE, NORMAL, WARNING, CRITICAL (ddlMarkMap).
    #[arg(long = "ddl", value_name = "EVENT=ACTION", value_parser = parse_ddl)]
    pub ddl: Vec<(DdlKind, DdlMark)>,
}

fn parse_ddl(text: &str) -> Result<(DdlKind, DdlMark), String> {
    let (event, action) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not EVENT=ACTION (e.g. DROPTABLE=WARNING)"))?;
    let (event, action) = (
        event.trim().to_ascii_uppercase(),
        action.trim().to_ascii_uppercase(),
    );
    if event.is_empty() || !event.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "{text:?}: the DDL event must be a word such as DROPTABLE"
        ));
    }
    let mark = DdlMark::parse(&action).ok_or_else(|| {
        let marks: Vec<&str> = DdlMark::ALL.iter().map(|m| m.as_str()).collect();
        format!("{text:?}: the action must be one of {}", marks.join(", "))
    })?;
    Ok((DdlKind::parse(&event), mark))
}

impl StartSettings {
    /// The `StartParam`, `None` when no setting is given; checked with taskparam's `start.*`
    /// rules (every problem, with its JSON pointer and fix).
    pub fn to_param(&self) -> Result<Option<StartParam>, String> {
        let mut param = match &self.start_param {
            Some(path) => {
                let text = output::read_input(path)?;
                let report = validate_start_param_str(&text);
                if !report.is_valid() {
                    return Err(problems(path, &report.errors));
                }
                StartParam::from_json(&text).map_err(|e| format!("{path}: {e}"))?
            }
            None => StartParam::new(),
        };
        if self.failover_count.is_some() || self.failover_interval.is_some() {
            let limit = param.failover_limit.get_or_insert_with(Default::default);
            if let Some(count) = self.failover_count {
                limit.count = Some(i64::from(count).into());
            }
            if let Some(interval) = self.failover_interval {
                limit.interval = Some(i64::from(interval).into());
            }
        }
        if let Some(records) = self.error_limit {
            param = param.error_limit(records);
        }
        for (kind, mark) in &self.ddl {
            param = param.ddl(kind.clone(), *mark);
        }
        let report = param.validate();
        if !report.is_valid() {
            return Err(problems("the start settings", &report.errors));
        }
        let given = self.start_param.is_some()
            || self.failover_count.is_some()
            || self.failover_interval.is_some()
            || self.error_limit.is_some()
            || !self.ddl.is_empty();
        Ok(given.then_some(param))
    }
}

/// Validation problems as one message, a line each.
fn problems(what: &str, errors: &[Problem]) -> String {
    format!(
        "{what} is not a valid StartParam:\n{}",
        describe_problems(errors)
    )
}

/// The lifecycle operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// DeployDISyncTask.
    Deploy,
    /// StartDISyncInstance.
    Start,
    /// StopDISyncInstance.
    Stop,
    /// TerminateDISyncInstance.
    Terminate,
    /// DeleteDISyncTask.
    Delete,
    /// GetDISyncInstanceInfo (and ListFiles).
    Status,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Deploy => "deploy",
            Operation::Start => "start",
            Operation::Stop => "stop",
            Operation::Terminate => "terminate",
            Operation::Delete => "delete",
            Operation::Status => "status",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Operation::Deploy => "deployed",
            Operation::Start => "started",
            Operation::Stop => "stopped",
            Operation::Terminate => "terminated",
            Operation::Delete => "deleted",
            Operation::Status => "status of",
        }
    }
}

/// The JSON output of a lifecycle command.
#[derive(Debug, Serialize)]
struct LifecycleOutput {
    action: &'static str,
    project: i64,
    file_id: i64,
    task_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_param: Option<Value>,
}

/// The task the selector names.
#[derive(Debug, Clone)]
struct Resolved {
    file_id: i64,
    task_type: TaskType,
    file: Option<TaskFile>,
}

/// Why a command did not get to its operation, or the operation failed.
enum Failure {
    Call(CallError),
    NotFound(String),
    Ambiguous(String),
    Wait(WaitError),
}

impl From<CallError> for Failure {
    fn from(e: CallError) -> Self {
        Failure::Call(e)
    }
}

async fn resolve(
    client: &Client,
    sel: &TaskSelector,
    need_file: bool,
) -> Result<Resolved, Failure> {
    if let Some(file_id) = sel.file_id {
        if let (Some(task_type), false) = (sel.task_type, need_file) {
            return Ok(Resolved {
                file_id,
                task_type,
                file: None,
            });
        }
        return match client.task_by_id(sel.project, file_id).await? {
            Some(file) => Ok(Resolved {
                file_id,
                task_type: sel.task_type.unwrap_or(file.task_type),
                file: Some(file),
            }),
            None => Err(Failure::NotFound(format!(
                "no sync task with file id {file_id} in project {}",
                sel.project
            ))),
        };
    }
    let name = sel.name.as_deref().unwrap_or_default();
    let mut found = client
        .find_tasks(sel.project, sel.folder.as_deref(), name)
        .await?;
    match found.len() {
        0 => Err(Failure::NotFound(match &sel.folder {
            Some(folder) => format!(
                "no sync task named {name:?} in folder {folder:?} of project {}",
                sel.project
            ),
            None => format!("no sync task named {name:?} in project {}", sel.project),
        })),
        1 => {
            let file = found.remove(0);
            Ok(Resolved {
                file_id: file.file_id,
                task_type: file.task_type,
                file: Some(file),
            })
        }
        _ => Err(Failure::Ambiguous(format!(
            "{} tasks are named {name:?} (in {}); give --folder",
            found.len(),
            found
                .iter()
                .map(|f| format!("{:?}", f.folder))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Runs `deploy`, `stop`, `terminate`, `delete` or `status`.
pub fn run(
    operation: Operation,
    args: TaskArgs,
    global: &GlobalArgs,
    top_output: Option<OutputFormat>,
) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    execute(&ctx, operation, &args.task, None, None)
}

/// Runs `dwdi start`.
pub fn run_start(args: StartArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let settings = match args.settings.to_param() {
        Ok(s) => s,
        Err(e) => return output::usage_error(&ctx, &e),
    };
    execute(&ctx, Operation::Start, &args.task, settings, args.wait)
}

fn execute(
    ctx: &Context,
    operation: Operation,
    sel: &TaskSelector,
    start: Option<StartParam>,
    wait: Option<Duration>,
) -> Exit {
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return output::build_error(ctx, &e),
    };
    let project = sel.project;
    let outcome = block_on(async {
        let task = resolve(&client, sel, operation == Operation::Status).await?;
        let (id, kind) = (task.file_id, task.task_type);
        let status = match operation {
            Operation::Deploy => client.deploy_task(project, kind, id).await.map(|()| None)?,
            Operation::Start => {
                client.start_task(project, kind, id, start.as_ref()).await?;
                match wait {
                    Some(limit) => Some(
                        client
                            .wait_until_running(project, kind, id, limit)
                            .await
                            .map_err(Failure::Wait)?,
                    ),
                    None => None,
                }
            }
            Operation::Stop => client.stop_task(project, kind, id).await.map(|()| None)?,
            Operation::Terminate => client
                .terminate_task(project, kind, id)
                .await
                .map(|()| None)?,
            Operation::Delete => client.delete_task(project, kind, id).await.map(|()| None)?,
            Operation::Status => Some(client.instance_status(project, kind, id).await?),
        };
        Ok::<_, Failure>((task, status))
    });
    let (task, status) = match outcome {
        Ok(Ok(done)) => done,
        Ok(Err(failure)) => return report(ctx, failure),
        Err(e) => {
            return output::usage_error(ctx, &format!("cannot start the async runtime: {e}"));
        }
    };
    let out = LifecycleOutput {
        action: operation.name(),
        project,
        file_id: task.file_id,
        task_type: task.task_type.to_string(),
        name: task.file.as_ref().map(|f| f.name.clone()),
        folder: task.file.as_ref().map(|f| f.folder.clone()),
        deployed: (operation == Operation::Status)
            .then(|| task.file.as_ref().map(|f| f.committed))
            .flatten(),
        status: status.as_ref().map(|s| s.to_string()),
        start_param: start.as_ref().map(StartParam::to_value),
    };
    output::success(ctx, &out, &text(operation, &out, status.as_ref()))
}

fn text(operation: Operation, out: &LifecycleOutput, status: Option<&InstanceStatus>) -> String {
    let who = match (&out.name, &out.folder) {
        (Some(name), Some(folder)) if !folder.is_empty() => {
            format!(
                "{} task {name} ({}, file {})",
                out.task_type, folder, out.file_id
            )
        }
        (Some(name), _) => format!("{} task {name} (file {})", out.task_type, out.file_id),
        _ => format!("{} task {}", out.task_type, out.file_id),
    };
    let mut line = format!("{} {who} in project {}", operation.done(), out.project);
    if let Some(status) = status {
        line.push_str(&format!(": {status}"));
    }
    if let Some(deployed) = out.deployed {
        line.push_str(if deployed {
            "; the latest version is deployed"
        } else {
            "; the latest version is NOT deployed (run `dwdi deploy`)"
        });
    }
    line
}

fn report(ctx: &Context, failure: Failure) -> Exit {
    match failure {
        Failure::Call(e) => output::call_error(ctx, &e),
        Failure::NotFound(message) => output::error(ctx, Exit::Failure, "not-found", &message),
        Failure::Ambiguous(message) => output::usage_error(ctx, &message),
        Failure::Wait(WaitError::Call(e)) => output::call_error(ctx, &e),
        Failure::Wait(e @ WaitError::Failed(_)) => {
            output::error(ctx, Exit::Failure, "instance-failed", &e.to_string())
        }
        Failure::Wait(e @ WaitError::TimedOut { .. }) => output::error(
            ctx,
            Exit::Timeout,
            "timeout",
            &format!("{e} (run `dwdi status` later, or give a larger --wait)"),
        ),
        Failure::Wait(e) => output::error(ctx, Exit::Failure, "wait", &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddl_flags() {
        assert_eq!(
            parse_ddl("droptable=warning"),
            Ok((DdlKind::DropTable, DdlMark::Warning))
        );
        assert_eq!(
            parse_ddl("ADDINDEX=IGNORE"),
            Ok((DdlKind::Other("ADDINDEX".into()), DdlMark::Ignore))
        );
        assert!(parse_ddl("DROPTABLE").unwrap_err().contains("EVENT=ACTION"));
        assert!(parse_ddl("DROPTABLE=LOUD").unwrap_err().contains("IGNORE"));
        assert!(parse_ddl("=IGNORE").unwrap_err().contains("word"));
    }

    #[test]
    fn flags_make_the_start_param() {
        assert_eq!(StartSettings::default().to_param(), Ok(None));
        let settings = StartSettings {
            failover_count: Some(10),
            failover_interval: Some(30),
            error_limit: Some(0),
            ddl: vec![(DdlKind::DropTable, DdlMark::Warning)],
            ..StartSettings::default()
        };
        assert_eq!(
            settings.to_param().unwrap().unwrap().to_value(),
            serde_json::json!({
                "failoverLimit": {"count": 10, "interval": 30},
                "errorLimit": {"record": 0},
                "ddlMarkMap": {"DROPTABLE": "WARNING"}
            })
        );
        let negative = StartSettings {
            error_limit: Some(-1),
            ..StartSettings::default()
        };
        assert!(
            negative
                .to_param()
                .unwrap_err()
                .contains("/errorLimit/record")
        );
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_is_validated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("start.json");
        std::fs::write(
            &path,
            r#"{"failoverLimit":{"count":3,"interval":5},"ddlMarkMap":{"ADDCOLUMN":"NORMAL"}}"#,
        )
        .unwrap();
        let settings = StartSettings {
            start_param: Some(path.to_string_lossy().into_owned()),
            failover_count: Some(7),
            ..StartSettings::default()
        };
        assert_eq!(
            settings.to_param().unwrap().unwrap().to_value(),
            serde_json::json!({"failoverLimit": {"count": 7, "interval": 5}, "ddlMarkMap": {"ADDCOLUMN": "NORMAL"}})
        );
        std::fs::write(&path, r#"{"ddlMarkMap":{"ADDCOLUMN":"LOUD"}}"#).unwrap();
        let err = settings.to_param().unwrap_err();
        assert!(err.contains("/ddlMarkMap/ADDCOLUMN"), "{err}");
        std::fs::write(&path, "[1]").unwrap();
        assert!(settings.to_param().is_err());
    }
}
