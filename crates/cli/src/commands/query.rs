//! `dwdi query`: one QueryDISyncTaskConfigProcessResult call: the state of a generation
//! process.

use serde::Serialize;

use dataworks_wire::QueryDISyncTaskConfigProcessResult;

use crate::commands::common::Target;
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::output;

/// Arguments of `dwdi query`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    output: OutputArg,
    /// The process id (from a create or update that timed out, say).
    #[arg(value_name = "PROCESS_ID")]
    process_id: i64,
}

/// The JSON output of `dwdi query`.
#[derive(Debug, Serialize)]
struct QueryOutput {
    process_id: i64,
    status: Option<String>,
    message: Option<String>,
    task_content: Option<String>,
    request_id: Option<String>,
}

/// Runs `dwdi query`.
pub fn run(args: QueryArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return output::build_error(&ctx, &e),
    };
    let op = QueryDISyncTaskConfigProcessResult::new(
        args.target.project,
        args.target.task_type,
        args.process_id,
    );
    let answer = match block_on(async { client.call(&op).await }) {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return output::call_error(&ctx, &e),
        Err(e) => {
            return output::usage_error(&ctx, &format!("cannot start the async runtime: {e}"));
        }
    };
    let data = answer.data.unwrap_or_default();
    let out = QueryOutput {
        process_id: args.process_id,
        status: data.status,
        message: data.message,
        task_content: data.task_content,
        request_id: answer.request_id,
    };
    let mut text = format!(
        "process {}: {}",
        out.process_id,
        out.status
            .as_deref()
            .unwrap_or("(no status: still running)")
    );
    if let Some(m) = out.message.as_deref().filter(|m| !m.is_empty()) {
        text.push_str(&format!("\nmessage: {m}"));
    }
    if let Some(c) = &out.task_content {
        text.push_str(&format!("\ntask content:\n{}", pretty(c)));
    }
    output::success(&ctx, &out, &text)
}

/// A JSON text pretty-printed (as is when it is not JSON).
pub fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}
