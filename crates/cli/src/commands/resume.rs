//! `dwdi resume`: wait for a generation process started earlier (e.g. by a create or
//! update that timed out), then create or update the task from its content.

use dataworks_workflow::Apply;

use crate::commands::common::{Target, WaitArgs, run_workflow};
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat};

/// Arguments of `dwdi resume`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("then").required(true).args(["create_name", "file_id"])))]
pub struct ResumeArgs {
    #[command(flatten)]
    target: Target,
    /// The generation process to resume.
    #[arg(long = "process-id", value_name = "ID")]
    process_id: i64,
    /// Create a task with this name from the process's content.
    #[arg(long = "create-name", value_name = "NAME")]
    create_name: Option<String>,
    /// Update this task (FileId) with the process's content.
    #[arg(long = "file-id", value_name = "ID")]
    file_id: Option<i64>,
    /// The folder of a created task.
    #[arg(long, value_name = "PATH", requires = "create_name")]
    folder: Option<String>,
    /// The resource group id.
    #[arg(long = "resource-group", value_name = "ID")]
    resource_group: Option<String>,
    /// The CreateDISyncTask ClientToken (to stay idempotent with an interrupted
    /// `dwdi create --client-token T`, give `T-create`).
    #[arg(long = "client-token", value_name = "TOKEN", requires = "create_name")]
    client_token: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `dwdi resume`.
pub fn run(args: ResumeArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let then = match (args.create_name, args.file_id) {
        (Some(name), _) => Apply::Create {
            name,
            folder: args.folder,
            resource_group: args.resource_group,
            client_token: args.client_token,
        },
        (None, Some(file_id)) => Apply::Update {
            file_id,
            resource_group: args.resource_group,
        },
        (None, None) => {
            return crate::output::usage_error(&ctx, "give --create-name NAME or --file-id ID");
        }
    };
    let (project, task_type, process_id) =
        (args.target.project, args.target.task_type, args.process_id);
    run_workflow(&ctx, args.wait, |wf| async move {
        wf.resume(project, task_type, process_id, then).await
    })
}
