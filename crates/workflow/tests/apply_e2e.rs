//! The executor over the in-process emulator: a plan's creates (deployed, started) and
//! updates (stop, update, deploy, start) applied, read back, and planned again with no changes.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dataworks_emulator::{Emulator, Faults};
use dataworks_project::{
    Action, Desired, DesiredTask, Lifecycle, ObservedTask, PlanOptions, PlanStep, Target, plan,
};
use dataworks_taskparam::{HologresWriter, MysqlReader, TaskParam};
use dataworks_wire::TaskType;
use dataworks_workflow::apply::{ApplyEvent, ApplyOptions, TaskStatus, execute, observe_files};
use dataworks_workflow::{Client, TaskFile, Workflow};
use serde_json::json;

const FOLDER: &str = "Workflow/e2e";

fn realtime(tables: &[&str]) -> serde_json::Value {
    TaskParam::realtime()
        .resource_group("S_res_group_1")
        .reader(
            MysqlReader::datasource("mysql_pub1").selected_tables("shop", tables.iter().copied()),
        )
        .writer(HologresWriter::datasource("holo_dw"))
        .build()
        .unwrap()
        .to_value()
}

fn batch(table: &str) -> serde_json::Value {
    json!({"type": "job", "version": "2.0", "steps": [
        {"stepType": "mysql", "name": "Reader", "category": "reader", "parameter": {"datasource": "m", "column": ["*"], "connection": [{"datasource": "m", "table": [table]}]}},
        {"stepType": "odps", "name": "Writer", "category": "writer", "parameter": {"datasource": "o", "table": table, "column": ["*"]}}],
        "order": {"hops": [{"from": "Reader", "to": "Writer"}]}})
}

fn desired(realtime_tables: &[&str], batch_table: &str) -> Desired {
    let task = |name: &str, task_type, document, lifecycle| DesiredTask {
        name: name.into(),
        folder: FOLDER.into(),
        task_type,
        resource_group: None,
        document,
        lifecycle,
        start: None,
    };
    Desired {
        target: Target {
            environment: "e2e".into(),
            workspace: common::PROJECT,
            region: None,
            endpoint: None,
            profile: None,
            rate_limit: None,
        },
        folders: vec![FOLDER.into()],
        tasks: vec![
            task(
                "orders",
                TaskType::DiRealtime,
                realtime(realtime_tables),
                Lifecycle::Running,
            ),
            task(
                "copy",
                TaskType::DiOffline,
                batch(batch_table),
                Lifecycle::Deployed,
            ),
        ],
    }
}

/// The emulator's tasks as the files ListFiles would give.
fn files(emu: &Emulator) -> Vec<TaskFile> {
    emu.inspect()
        .tasks()
        .into_iter()
        .map(|t| {
            let task_type = TaskType::from_wire(&t.task_type).unwrap();
            TaskFile {
                file_id: t.file_id,
                name: t.name,
                folder: t.folder,
                task_type,
                file_type: if task_type == TaskType::DiOffline {
                    23
                } else {
                    900
                },
                committed: t.deployed_version == Some(t.version),
            }
        })
        .collect()
}

fn client(emu: &Emulator) -> Client {
    Client::builder()
        .endpoint(emu.endpoint())
        .credentials(dataworks_signer::Credentials::new(
            common::ID,
            common::SECRET,
        ))
        .build()
        .unwrap()
}

/// Reads the workspace back and plans again: nothing may be left to do.
async fn assert_nothing_to_do(
    client: &Client,
    emu: &Emulator,
    want: &Desired,
) -> Vec<ObservedTask> {
    let live = observed(client, emu).await;
    let again = plan(want, &live, PlanOptions::default());
    assert!(
        !again.has_changes(),
        "{}",
        dataworks_project::render_text(&again)
    );
    live
}

async fn observed(client: &Client, emu: &Emulator) -> Vec<ObservedTask> {
    observe_files(client, common::PROJECT, &files(emu), 4)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_is_applied_read_back_and_planned_again_with_no_changes() {
    let emu = common::emulator(Duration::from_millis(200), Faults::none()).await;
    let client = client(&emu);
    let workflow = Workflow::new(client.clone());
    let options = ApplyOptions::default().wait_limit(Duration::from_secs(30));

    let want = desired(&["orders", "users"], "person");
    let first = plan(&want, &[], PlanOptions::default());
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let report = execute(
        &workflow,
        common::PROJECT,
        &first,
        &want.tasks,
        options,
        move |e| {
            if let ApplyEvent::Step { task, step } = e {
                seen.lock().unwrap().push(format!("{task}:{step}"));
            }
        },
    )
    .await;
    assert_eq!(report.failed(), 0, "{report:?}");
    assert_eq!(report.tasks[0].steps, [PlanStep::Deploy, PlanStep::Start]);
    let steps = events.lock().unwrap().clone();
    for step in [
        "orders:generate",
        "orders:create",
        "orders:deploy",
        "orders:start",
        "orders:wait",
        "copy:create",
        "copy:deploy",
    ] {
        assert!(steps.contains(&step.to_owned()), "{step} in {steps:?}");
    }
    let live = assert_nothing_to_do(&client, &emu, &want).await;

    // A table added to the running task: stop, update, deploy, start; the batch job changes whole.
    let want = desired(&["orders", "users", "refunds"], "person_v2");
    let second = plan(&want, &live, PlanOptions::default());
    assert_eq!(second.changes[0].action, Action::Update);
    assert_eq!(
        second.changes[0].lifecycle,
        [PlanStep::Stop, PlanStep::Deploy, PlanStep::Start]
    );
    let report = execute(
        &workflow,
        common::PROJECT,
        &second,
        &want.tasks,
        options,
        |_| {},
    )
    .await;
    assert_eq!(report.failed(), 0, "{report:?}");
    let orders = emu
        .inspect()
        .tasks()
        .into_iter()
        .find(|t| t.name == "orders")
        .unwrap();
    assert_eq!(orders.update_count, 1);
    assert!(orders.content.contains("refunds"));
    assert_eq!(orders.deployed_version, Some(orders.version));
    assert_nothing_to_do(&client, &emu, &want).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replace_is_skipped_without_its_option_and_fail_fast_skips_the_rest() {
    let emu = common::emulator(Duration::ZERO, Faults::none()).await;
    let client = client(&emu);
    let workflow = Workflow::new(client);
    let want = desired(&["orders"], "person");
    let mut p = plan(&want, &[], PlanOptions::default());
    p.changes[0].action = Action::Replace;
    let report = execute(
        &workflow,
        common::PROJECT,
        &p,
        &want.tasks,
        ApplyOptions::default(),
        |_| {},
    )
    .await;
    assert!(
        matches!(&report.tasks[0].status, TaskStatus::Skipped(why) if why.contains("ApplyOptions::allow_replace"))
    );
    assert_eq!(report.tasks[1].status, TaskStatus::Done);
    assert_eq!(emu.inspect().tasks().len(), 1);
}
