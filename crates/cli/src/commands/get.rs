//! `dwdi get`: one GetDISyncTask call: a task's current content.

use serde::Serialize;

use dataworks_wire::{GetDISyncTask, GetDISyncTaskData};

use crate::commands::common::Target;
use crate::commands::query::pretty;
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::output;

/// Arguments of `dwdi get`.
#[derive(Debug, clap::Args)]
pub struct GetArgs {
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    output: OutputArg,
    /// The task (FileId).
    #[arg(value_name = "FILE_ID")]
    file_id: i64,
}

/// The JSON output of `dwdi get`.
#[derive(Debug, Serialize)]
struct GetOutput {
    file_id: i64,
    request_id: Option<String>,
    data: Option<GetDISyncTaskData>,
}

/// Runs `dwdi get`.
pub fn run(args: GetArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return output::build_error(&ctx, &e),
    };
    let op = GetDISyncTask::new(args.target.project, args.target.task_type, args.file_id);
    let answer = match block_on(async { client.call(&op).await }) {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return output::call_error(&ctx, &e),
        Err(e) => {
            return output::usage_error(&ctx, &format!("cannot start the async runtime: {e}"));
        }
    };
    let out = GetOutput {
        file_id: args.file_id,
        request_id: answer.request_id,
        data: answer.data,
    };
    let mut text = format!("task {}", out.file_id);
    if let Some(d) = &out.data {
        if let Some(s) = d.status.as_deref() {
            text.push_str(&format!(": status {s}"));
        }
        if let Some(code) = &d.code {
            text.push_str(&format!("\n{}", pretty(code)));
        }
        if let Some(content) = d
            .solution_detail
            .as_ref()
            .and_then(|s| s.process_content.as_deref())
        {
            text.push_str(&format!("\nsolution process content:\n{}", pretty(content)));
        }
    }
    output::success(&ctx, &out, &text)
}
