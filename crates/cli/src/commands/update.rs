//! `dwdi update`: update a task from a document (generate → poll → update for DI_REALTIME
//! and DI_SOLUTION; a direct update for DI_OFFLINE), or with `--plan` show what would change.

use dataworks_workflow::{UpdateRequest, Workflow};

use crate::commands::common::{Target, WaitArgs, run_workflow};
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::output;

/// Arguments of `dwdi update`.
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    target: Target,
    /// The task (FileId).
    #[arg(long = "file-id", value_name = "ID")]
    file_id: i64,
    /// Dry run: read the task, show the tables added and removed and the mapping rules
    /// changed, apply nothing.
    #[arg(long)]
    plan: bool,
    /// A new resource group id.
    #[arg(long = "resource-group", value_name = "ID")]
    resource_group: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    output: OutputArg,
    /// The document: an update TaskParam (the new table selection), or a batch job for
    /// DI_OFFLINE (`-` = stdin).
    #[arg(value_name = "FILE")]
    file: String,
}

/// Runs `dwdi update`.
pub fn run(args: UpdateArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let text = match output::read_input(&args.file) {
        Ok(t) => t,
        Err(e) => return output::usage_error(&ctx, &e),
    };
    let mut request = UpdateRequest::new(
        args.target.project,
        args.target.task_type,
        args.file_id,
        text,
    );
    request.resource_group = args.resource_group;
    if args.plan {
        return plan(&ctx, &request);
    }
    run_workflow(
        &ctx,
        args.wait,
        |wf| async move { wf.update(request).await },
    )
}

fn plan(ctx: &Context, request: &UpdateRequest) -> Exit {
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return output::build_error(ctx, &e),
    };
    let workflow = Workflow::new(client);
    match block_on(workflow.plan(request)) {
        Ok(Ok(plan)) => output::success(ctx, &plan, plan.to_text().trim_end()),
        Ok(Err(e)) => output::workflow_error(ctx, &e),
        Err(e) => output::usage_error(ctx, &format!("cannot start the async runtime: {e}")),
    }
}
