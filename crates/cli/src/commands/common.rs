//! Arguments and plumbing shared by the workflow commands (`create`, `update`, `query`,
//! `get`, `resume`).

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use dataworks_wire::TaskType;
use dataworks_workflow::{Applied, AppliedAction, PollPolicy, Workflow, WorkflowError};

use crate::exit::Exit;
use crate::global::{Context, block_on};
use crate::output;
use crate::progress::ProgressLine;

/// The task a command is about: workspace and type.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// The workspace id (`ProjectId`; the emulator always has 10000).
    #[arg(long = "project", value_name = "ID")]
    pub project: i64,
    /// The task type: DI_REALTIME, DI_SOLUTION or DI_OFFLINE.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_task_type)]
    pub task_type: TaskType,
}

/// Reads a task type (`DI_REALTIME`, `DI_SOLUTION`, `DI_OFFLINE`).
pub fn parse_task_type(text: &str) -> Result<TaskType, String> {
    TaskType::from_str(text.trim()).map_err(|e| e.to_string())
}

/// How long a workflow waits for its generation process.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct WaitArgs {
    /// Overall wait limit for the generation process (e.g. 90s, 10m); the last poll is at
    /// the limit, then the command exits 3 and prints the process id to resume from.
    #[arg(long = "max-wait", value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "10m")]
    pub max_wait: Duration,
}

impl WaitArgs {
    /// The poll policy with this limit.
    pub fn policy(&self) -> PollPolicy {
        PollPolicy::default().max_wait(self.max_wait)
    }
}

/// Builds the client and workflow (with the progress line), runs `body` on a runtime, and
/// prints the `Applied` result or the error. Returns the exit code.
pub fn run_workflow<F, Fut>(ctx: &Context, wait: WaitArgs, body: F) -> Exit
where
    F: FnOnce(Workflow) -> Fut,
    Fut: Future<Output = Result<Applied, WorkflowError>>,
{
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return output::build_error(ctx, &e),
    };
    let line = ProgressLine::new(ctx.json());
    let workflow = line.attach(Workflow::new(client).with_poll_policy(wait.policy()));
    let result = match block_on(body(workflow)) {
        Ok(r) => r,
        Err(e) => {
            line.finish();
            return output::usage_error(ctx, &format!("cannot start the async runtime: {e}"));
        }
    };
    line.finish();
    match result {
        Ok(applied) => output::success(ctx, &applied, &applied_text(&applied)),
        Err(e) => output::workflow_error(ctx, &e),
    }
}

/// One line saying what was applied.
pub fn applied_text(a: &Applied) -> String {
    let verb = match a.action {
        AppliedAction::Created => "created",
        AppliedAction::Updated => "updated",
    };
    let mut text = format!(
        "{verb} {} task {} in project {}",
        a.task_type, a.file_id, a.project_id
    );
    if let Some(p) = a.process_id {
        text.push_str(&format!(
            " (process {p}, {} poll{})",
            a.polls,
            if a.polls == 1 { "" } else { "s" }
        ));
    }
    text.push_str(&format!(
        " in {:.1}s; request id {}",
        a.elapsed.as_secs_f64(),
        a.request_id.as_deref().unwrap_or("none")
    ));
    if a.confirmed_by_read_back {
        text.push_str("; confirmed by reading the task back after an ambiguous failure");
    }
    text
}
