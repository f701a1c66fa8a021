//! `dwdi quickstart`: the whole workflow with no account and no set-up. Starts the emulator
//! in-process, builds a MySQL → Hologres real-time TaskParam with the builder DSL, validates
//! it, creates the task, plans and applies an update that adds a table, and shows the result;
//! then keeps the worked example project (docs/examples/project, embedded) as code on the same
//! emulator: plan, apply (create, deploy, start), plan again with no changes. It prints what it
//! does at each step.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use dataworks_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_PROJECT_ID, Emulator,
};
use dataworks_signer::Credentials;
use dataworks_taskparam::{
    DocumentKind, HologresWriter, MysqlReader, TaskContent, TaskParam, WriteMode, validate_str,
};
use dataworks_wire::{GetDISyncTask, TaskType};
use dataworks_workflow::{
    Applied, Client, CreateRequest, PollPolicy, UpdatePlan, UpdateRequest, Workflow, WorkflowError,
};

use std::collections::BTreeMap;

use dataworks_project::{Manifest, PlanOptions, render_text, resolve};
use dataworks_workflow::apply::{ApplyOptions, ApplyReport, execute, observe};

use crate::commands::common::applied_text;
use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::output;
use crate::progress::ProgressLine;

/// Arguments of `dwdi quickstart`.
#[derive(Debug, clap::Args)]
pub struct QuickstartArgs {
    /// How long the emulator takes to generate a configuration (shows the polling).
    #[arg(long = "processing-delay", value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "1s")]
    processing_delay: Duration,
    #[command(flatten)]
    output: OutputArg,
}

/// The JSON output of `dwdi quickstart`.
#[derive(Debug, Serialize)]
struct Summary {
    endpoint: String,
    project_id: i64,
    task_param: Value,
    validation: Value,
    created: Applied,
    plan: UpdatePlan,
    updated: Applied,
    tables_after: Vec<String>,
    plan_matches_result: bool,
    project: ProjectSummary,
}

/// The DI-as-code part of the JSON summary.
#[derive(Debug, Serialize)]
struct ProjectSummary {
    plan: dataworks_project::Plan,
    applied: ApplyReport,
    changes_after_apply: usize,
}

/// The worked example of docs/examples/project, embedded so the quickstart runs from anywhere.
const EXAMPLE_MANIFEST: &str = include_str!("../../../../docs/examples/project/dataworks.toml");

/// The example's documents, by the path the manifest names them with.
const EXAMPLE_DOCUMENTS: [(&str, &str); 3] = [
    (
        "tasks/orders_to_holo.json",
        include_str!("../../../../docs/examples/project/tasks/orders_to_holo.json"),
    ),
    (
        "tasks/customers_to_odps.json",
        include_str!("../../../../docs/examples/project/tasks/customers_to_odps.json"),
    ),
    (
        "tasks/daily_person_copy.json",
        include_str!("../../../../docs/examples/project/tasks/daily_person_copy.json"),
    ),
];

/// Why the quickstart stopped.
#[derive(Debug, thiserror::Error)]
enum QuickstartError {
    #[error("the emulator could not start: {0}")]
    Emulator(String),
    #[error("the builder refused the TaskParam: {0}")]
    Build(String),
    #[error(transparent)]
    Client(#[from] dataworks_workflow::ClientBuildError),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error("reading the task back failed: {0}")]
    Read(#[from] dataworks_workflow::CallError),
    #[error("the example project is invalid: {0}")]
    Project(String),
    #[error("applying the example project failed for {failed} task(s): {first}")]
    Apply { failed: usize, first: String },
}

/// Runs `dwdi quickstart`.
pub fn run(args: QuickstartArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    match block_on(quickstart(&ctx, args.processing_delay)) {
        Ok(Ok(summary)) => {
            if ctx.json() {
                output::success(&ctx, &summary, "")
            } else {
                Exit::Success
            }
        }
        Ok(Err(QuickstartError::Workflow(e))) => output::workflow_error(&ctx, &e),
        Ok(Err(QuickstartError::Read(e))) => output::call_error(&ctx, &e),
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            if ctx.json() {
                println!(
                    "{}",
                    json!({"error": {"kind": "quickstart", "message": e.to_string(), "exit_code": 1}})
                );
            }
            Exit::Failure
        }
        Err(e) => output::usage_error(&ctx, &format!("cannot start the async runtime: {e}")),
    }
}

/// Prints a step in text mode.
struct Steps {
    quiet: bool,
    n: u32,
}

impl Steps {
    fn step(&mut self, title: &str) {
        self.n += 1;
        if !self.quiet {
            println!("\n[{}] {title}", self.n);
        }
    }

    fn say(&self, text: &str) {
        if !self.quiet {
            for line in text.lines() {
                println!("    {line}");
            }
        }
    }
}

async fn quickstart(ctx: &Context, delay: Duration) -> Result<Summary, QuickstartError> {
    let mut steps = Steps {
        quiet: ctx.json(),
        n: 0,
    };
    let project_id = DEFAULT_PROJECT_ID;

    steps.step("Start the DataWorks DI emulator in-process (no account needed)");
    let emu = Emulator::builder()
        .processing_delay(delay)
        .start()
        .await
        .map_err(|e| QuickstartError::Emulator(e.to_string()))?;
    steps.say(&format!(
        "endpoint {}, workspace {project_id}, access key id {DEFAULT_ACCESS_KEY_ID} (the emulator's documented default pair)\ngeneration processes take {}",
        emu.endpoint(),
        humantime::format_duration(delay)
    ));

    steps.step("Build a MySQL → Hologres real-time TaskParam with the builder DSL");
    let param = TaskParam::realtime()
        .resource_group("S_res_group_quickstart")
        .name("quickstart_orders_to_holo")
        .reader(
            MysqlReader::datasource("mysql_shop").selected_tables("shop", ["orders", "customers"]),
        )
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .map_err(|e| QuickstartError::Build(e.to_string()))?;
    let param_json = param.to_json();
    steps.say(
        "TaskParam::realtime()\n    .resource_group(\"S_res_group_quickstart\")\n    .name(\"quickstart_orders_to_holo\")\n    .reader(MysqlReader::datasource(\"mysql_shop\").selected_tables(\"shop\", [\"orders\", \"customers\"]))\n    .writer(HologresWriter::datasource(\"holo_dw\").write_mode(WriteMode::Replay))\n    .build()?\ngives:",
    );
    steps.say(&param.to_json_pretty());

    steps.step("Validate it offline (JSON Schema and semantic rules)");
    let report = validate_str(&param_json, Some(DocumentKind::RealtimeTaskParam));
    steps.say(&format!(
        "{}: {} error(s), {} warning(s)",
        if report.is_valid() {
            "valid"
        } else {
            "INVALID"
        },
        report.errors.len(),
        report.warnings.len()
    ));
    for w in &report.warnings {
        steps.say(&format!("warning {}: {}", w.pointer, w.message));
    }
    let validation = json!({
        "valid": report.is_valid(),
        "errors": report.errors.len(),
        "warnings": report.warnings.len(),
    });

    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .signature(ctx.global.signature.unwrap_or_default())
        .build()?;
    let line = ProgressLine::new(ctx.json());
    let workflow = line.attach(
        Workflow::new(client.clone()).with_poll_policy(
            PollPolicy::default()
                .first_delay(Duration::from_millis(200))
                .cap(Duration::from_secs(2)),
        ),
    );

    steps.step("Create the task: GenerateDISyncTaskConfigForCreating → poll QueryDISyncTaskConfigProcessResult → CreateDISyncTask");
    let created = workflow
        .create(
            CreateRequest::new(
                project_id,
                TaskType::DiRealtime,
                "quickstart_orders_to_holo",
                param,
            )
            .folder("Workflow/quickstart/Data Integration"),
        )
        .await;
    line.finish();
    let created = created?;
    steps.say(&applied_text(&created));
    steps.say(&format!(
        "tables: {}",
        tables_of(&created.task_content).join(", ")
    ));

    steps.step("Plan an update that adds the table `refunds` (dry run: GetDISyncTask + diff)");
    let update_param = TaskParam::update()
        .reader(
            MysqlReader::datasource("mysql_shop")
                .selected_tables("shop", ["orders", "customers", "refunds"]),
        )
        .build()
        .map_err(|e| QuickstartError::Build(e.to_string()))?;
    let update = UpdateRequest::new(
        project_id,
        TaskType::DiRealtime,
        created.file_id,
        update_param,
    );
    let plan = workflow.plan(&update).await?;
    steps.say(plan.diff.to_text().trim_end());

    steps.step("Apply it: GenerateDISyncTaskConfigForUpdating → poll → UpdateDISyncTask");
    let line = ProgressLine::new(ctx.json());
    let workflow = line.attach(workflow);
    let updated = workflow.update(update).await;
    line.finish();
    let updated = updated?;
    steps.say(&applied_text(&updated));

    steps.step("Read the task back (GetDISyncTask) and compare with the plan");
    let answer = client
        .call(&GetDISyncTask::new(
            project_id,
            TaskType::DiRealtime,
            created.file_id,
        ))
        .await?;
    let stored = answer.data.and_then(|d| d.code).unwrap_or_default();
    let tables_after = tables_of(&stored);
    let stored_value: Value = serde_json::from_str(&stored).unwrap_or(Value::Null);
    let plan_matches_result = stored_value == plan.proposed;
    steps.say(&format!("tables now: {}", tables_after.join(", ")));
    steps.say(&format!(
        "the stored content {} the plan's proposed content",
        if plan_matches_result {
            "matches"
        } else {
            "DIFFERS from"
        }
    ));

    let project = example_project(&mut steps, &workflow).await?;

    steps.step("Done");
    steps.say(&format!(
        "Try the same against a long-running emulator:\n  dwdi emulator --listen 127.0.0.1:8080 &\n  export ALIBABA_CLOUD_ACCESS_KEY_ID={DEFAULT_ACCESS_KEY_ID} ALIBABA_CLOUD_ACCESS_KEY_SECRET={DEFAULT_ACCESS_KEY_SECRET}\n  dwdi --endpoint http://127.0.0.1:8080 create --project {project_id} --type DI_REALTIME --name demo task-param.json\nor against DataWorks with --region cn-shanghai and your credentials. See docs/guide.md."
    ));

    let summary = Summary {
        endpoint: emu.endpoint(),
        project_id,
        task_param: serde_json::from_str(&param_json).unwrap_or(Value::Null),
        validation,
        created,
        plan,
        updated,
        tables_after,
        plan_matches_result,
        project,
    };
    let _ = emu.shutdown().await;
    Ok(summary)
}

/// DI as code on the same emulator: the example project's `dev` environment planned, applied
/// and planned again (which finds nothing left to do).
async fn example_project(
    steps: &mut Steps,
    workflow: &Workflow,
) -> Result<ProjectSummary, QuickstartError> {
    const NAME: &str = "docs/examples/project/dataworks.toml";
    let project_error =
        |e: dataworks_project::ManifestProblems| QuickstartError::Project(e.to_string());
    let manifest = Manifest::parse(NAME, EXAMPLE_MANIFEST).map_err(project_error)?;
    let sources: BTreeMap<String, String> = EXAMPLE_DOCUMENTS
        .iter()
        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
        .collect();
    let desired =
        resolve(&manifest, NAME, EXAMPLE_MANIFEST, Some("dev"), &sources).map_err(project_error)?;
    let client = workflow.client();
    let project_id = desired.target.workspace;

    steps.step(&format!(
        "DI as code: plan {NAME} (environment dev: {} tasks) against the emulator (ListFiles, then each task's live state)",
        desired.tasks.len()
    ));
    let observed = observe(client, &desired, 4).await?;
    let plan = dataworks_project::plan(&desired, &observed, PlanOptions::default());
    steps.say(render_text(&plan).trim_end());

    steps.step("Apply it: create, deploy, and start the `running` task, 4 tasks at a time");
    let options = ApplyOptions::default().concurrency(4);
    let applied = execute(workflow, project_id, &plan, &desired.tasks, options, |_| {}).await;
    for outcome in &applied.tasks {
        let steps_done: Vec<&str> = outcome.steps.iter().map(|s| s.as_str()).collect();
        steps.say(&format!(
            "{} {}: {}{}",
            outcome.action.as_str(),
            outcome.task,
            match &outcome.status {
                dataworks_workflow::apply::TaskStatus::Done => "done".to_owned(),
                other => format!("{other:?}"),
            },
            if steps_done.is_empty() {
                String::new()
            } else {
                format!(" ({})", steps_done.join(", "))
            }
        ));
    }
    if applied.failed() > 0 {
        let first = applied
            .tasks
            .iter()
            .find(|t| t.status != dataworks_workflow::apply::TaskStatus::Done)
            .map(|t| format!("{}: {:?}", t.task, t.status))
            .unwrap_or_default();
        return Err(QuickstartError::Apply {
            failed: applied.failed(),
            first,
        });
    }

    steps.step("Plan again: the workspace is as declared");
    let observed = observe(client, &desired, 4).await?;
    let again = dataworks_project::plan(&desired, &observed, PlanOptions::default());
    let changes_after_apply = again.changes.iter().filter(|c| c.is_change()).count();
    steps.say(&if changes_after_apply == 0 {
        "no changes".to_owned()
    } else {
        render_text(&again).trim_end().to_owned()
    });
    steps.say("The same with `dwdi check`, `dwdi plan --env dev` and `dwdi apply --env dev` in docs/examples/project against `dwdi emulator` (see docs/guide.md, \"DI as code\").");
    Ok(ProjectSummary {
        plan,
        applied,
        changes_after_apply,
    })
}

/// `db.table` for every table a TaskContent selects.
fn tables_of(content: &str) -> Vec<String> {
    TaskContent::from_json(content)
        .map(|c| {
            c.selected_pairs()
                .into_iter()
                .map(|(db, t)| {
                    if db.is_empty() {
                        t
                    } else {
                        format!("{db}.{t}")
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}
