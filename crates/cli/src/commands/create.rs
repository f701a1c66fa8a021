//! `dwdi create`: create a task from a document (generate → poll → create for DI_REALTIME
//! and DI_SOLUTION; a direct create for DI_OFFLINE).

use dataworks_workflow::CreateRequest;

use crate::commands::common::{Target, WaitArgs, run_workflow};
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat};
use crate::output;

/// Arguments of `dwdi create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    #[command(flatten)]
    target: Target,
    /// The task's name.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// The folder (FileFolderPath), e.g. "Workflow/demo/Data Integration".
    #[arg(long, value_name = "PATH")]
    folder: Option<String>,
    /// The resource group id (default: the TaskParam's setting.resourceGroup).
    #[arg(long = "resource-group", value_name = "ID")]
    resource_group: Option<String>,
    /// Idempotency key of the whole workflow: running it again with the same key does
    /// nothing twice (default: random).
    #[arg(long = "client-token", value_name = "TOKEN")]
    client_token: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    output: OutputArg,
    /// The document: a real-time create TaskParam, or a batch job for DI_OFFLINE (`-` = stdin).
    #[arg(value_name = "FILE")]
    file: String,
}

/// Runs `dwdi create`.
pub fn run(args: CreateArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let text = match output::read_input(&args.file) {
        Ok(t) => t,
        Err(e) => return output::usage_error(&ctx, &e),
    };
    let mut request =
        CreateRequest::new(args.target.project, args.target.task_type, args.name, text);
    request.folder = args.folder;
    request.resource_group = args.resource_group;
    request.client_token = args.client_token;
    run_workflow(
        &ctx,
        args.wait,
        |wf| async move { wf.create(request).await },
    )
}
