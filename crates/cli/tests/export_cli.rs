//! `dwdi export` as the built binary against an emulator started in-process: a folder with a
//! running real-time task, a deployed batch task and a started solution is written as a
//! manifest and documents, and planning that manifest against the workspace right after
//! shows no change for any task kind; an existing manifest is not overwritten; a task that
//! cannot be exported writes nothing.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::*;
use dataworks_emulator::DEFAULT_MAX_URL_BYTES;
use dataworks_project::{Manifest, PlanOptions, plan, render_text, resolve};
use dataworks_taskparam::{MysqlReader, TaskParam};
use dataworks_wire::{GetDISyncTask, TaskType};
use dataworks_workflow::apply::observe_files;
use dataworks_workflow::{Client, PollPolicy, UpdateRequest, Workflow};

const FOLDER: &str = "Workflow/export/Data Integration";

async fn create(client: &Client, name: &str, task_type: TaskType, folder: &str) -> i64 {
    create_task(
        client,
        task_type,
        name,
        folder,
        &tables(&["orders", "users"]),
    )
    .await
}

/// Reads the exported manifest and its documents, and plans it against the workspace as it
/// is (observed with `read_live`).
async fn plan_export(client: &Client, dir: &Path) -> dataworks_project::Plan {
    let text = std::fs::read_to_string(dir.join("dataworks.toml")).unwrap();
    let manifest = Manifest::parse("dataworks.toml", &text).unwrap();
    let mut sources = BTreeMap::new();
    for task in &manifest.tasks {
        if let dataworks_project::DocumentSource::File(path) = &task.document {
            sources.insert(
                path.clone(),
                std::fs::read_to_string(dir.join(path)).unwrap(),
            );
        }
    }
    let desired = resolve(&manifest, "dataworks.toml", &text, None, &sources)
        .unwrap_or_else(|p| panic!("{p:?}"));
    let mut files = Vec::new();
    for folder in &desired.folders {
        files.extend(client.list_tasks(PROJECT, folder).await.unwrap());
    }
    let observed = observe_files(client, PROJECT, &files, 4).await.unwrap();
    plan(&desired, &observed, PlanOptions::default())
}

#[tokio::test(flavor = "multi_thread")]
async fn export_then_plan_shows_no_changes_for_every_task_kind() {
    let emu = emulator(Duration::ZERO).await;
    let c = client(&emu);
    let rt = create(&c, "rt_orders", TaskType::DiRealtime, FOLDER).await;
    c.deploy_task(PROJECT, TaskType::DiRealtime, rt)
        .await
        .unwrap();
    c.start_task(PROJECT, TaskType::DiRealtime, rt, None)
        .await
        .unwrap();
    let batch = create(&c, "batch_orders", TaskType::DiOffline, FOLDER).await;
    c.deploy_task(PROJECT, TaskType::DiOffline, batch)
        .await
        .unwrap();
    let solution = create(&c, "sol_orders", TaskType::DiSolution, FOLDER).await;
    c.deploy_task(PROJECT, TaskType::DiSolution, solution)
        .await
        .unwrap();
    c.start_task(PROJECT, TaskType::DiSolution, solution, None)
        .await
        .unwrap();
    let idle = create(&c, "rt_idle", TaskType::DiRealtime, FOLDER).await;
    c.deploy_task(PROJECT, TaskType::DiRealtime, idle)
        .await
        .unwrap();
    create(&c, "elsewhere", TaskType::DiRealtime, "Workflow/other").await;

    let home = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let dir = out_dir.path().join("export");
    let dir_text = dir.to_string_lossy().into_owned();
    let args = [
        "export",
        "--project",
        "10000",
        "--folder",
        FOLDER,
        "--env",
        "dev",
    ];
    let out = dwdi(
        &emu,
        home.path(),
        &[&args[..], &["--output", "json", &dir_text]].concat(),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json(&out);
    let tasks = doc["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 4, "{doc}");
    let by_name = |n: &str| tasks.iter().find(|t| t["name"] == n).unwrap().clone();
    assert_eq!(by_name("rt_orders")["lifecycle"], "running");
    assert_eq!(by_name("rt_idle")["lifecycle"], "deployed");
    assert_eq!(by_name("batch_orders")["type"], "DI_OFFLINE");
    assert_eq!(by_name("sol_orders")["type"], "DI_SOLUTION");
    assert_eq!(by_name("rt_orders")["document"], "tasks/rt_orders.json");

    let manifest = std::fs::read_to_string(dir.join("dataworks.toml")).unwrap();
    assert!(manifest.contains(&emu.endpoint()), "{manifest}");
    let rt_doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("tasks/rt_orders.json")).unwrap())
            .unwrap();
    assert_eq!(rt_doc["type"], "realtime", "a create TaskParam: {rt_doc}");

    let p = plan_export(&c, &dir).await;
    assert!(!p.has_changes(), "{}", render_text(&p));
    assert_eq!(p.changes.len(), 4);
    // And `dwdi plan` itself: nothing to do (exit 0 with --detailed-exitcode; 2 would mean changes).
    let manifest_path = dir.join("dataworks.toml").to_string_lossy().into_owned();
    let out = dwdi(
        &emu,
        home.path(),
        &["plan", "--manifest", &manifest_path, "--detailed-exitcode"],
    )
    .await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));

    // Again into the same directory: refused without --force, written with it.
    let out = dwdi(&emu, home.path(), &[&args[..], &[&dir_text[..]]].concat()).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"));
    let out = dwdi(
        &emu,
        home.path(),
        &[&args[..], &["--force", &dir_text]].concat(),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("exported 4 tasks of project 10000"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_name_in_two_folders_writes_nothing() {
    let emu = emulator(Duration::ZERO).await;
    let c = client(&emu);
    create(&c, "twice", TaskType::DiOffline, FOLDER).await;
    create(&c, "twice", TaskType::DiOffline, "Workflow/other").await;
    let home = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let dir = out_dir.path().join("export");
    let out = dwdi(
        &emu,
        home.path(),
        &["export", "--project", "10000", &dir.to_string_lossy()],
    )
    .await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("twice"), "{}", stderr(&out));
    assert!(!dir.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_5000_table_realtime_task_exports_and_plans_with_no_changes() {
    let emu = emulator(Duration::ZERO).await;
    let c = client(&emu);
    let all = numbered_tables(5000);
    let created = create_task(&c, TaskType::DiRealtime, "whole_shop", FOLDER, &all).await;
    c.deploy_task(PROJECT, TaskType::DiRealtime, created)
        .await
        .unwrap();
    let content_len = emu.inspect().task(created).unwrap().content.len();

    let home = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let dir = out_dir.path().join("export");
    let dir_text = dir.to_string_lossy().into_owned();
    let out = dwdi(
        &emu,
        home.path(),
        &[
            "export",
            "--project",
            "10000",
            "--folder",
            FOLDER,
            &dir_text,
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let document = std::fs::read_to_string(dir.join("tasks/whole_shop.json")).unwrap();
    assert!(
        document.contains("table_4999"),
        "a {} byte document",
        document.len()
    );
    let p = plan_export(&c, &dir).await;
    assert!(!p.has_changes(), "{}", render_text(&p));
    assert!(
        content_len > 160_000,
        "the live content is {content_len} bytes"
    );
}

/// The update's content (MBs for 5,000 tables) goes in the POST body: the emulator refuses a
/// request target over [`DEFAULT_MAX_URL_BYTES`] with 414, so the update could not succeed
/// with it in the query.
#[tokio::test(flavor = "multi_thread")]
async fn a_5000_table_realtime_task_updates_through_the_workflow() {
    let emu = emulator(Duration::ZERO).await;
    let c = client(&emu);
    let mut all = numbered_tables(5001);
    let added = all.pop().unwrap();
    let created = create_task(&c, TaskType::DiRealtime, "whole_shop", FOLDER, &all).await;
    all.push(added.clone());
    let update = TaskParam::update()
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", all))
        .build()
        .unwrap();
    Workflow::new(c.clone())
        .with_poll_policy(PollPolicy::default().max_wait(Duration::from_secs(600)))
        .update(UpdateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            created,
            update,
        ))
        .await
        .unwrap();

    let read = c
        .call(&GetDISyncTask::new(PROJECT, TaskType::DiRealtime, created))
        .await
        .unwrap();
    let code = read.data.unwrap().code.unwrap();
    assert!(code.contains(&added), "a {} byte content", code.len());
    assert!(code.contains("table_0000"), "a {} byte content", code.len());
    assert!(
        code.len() > 2 * DEFAULT_MAX_URL_BYTES,
        "the content is {} bytes",
        code.len()
    );
    assert_eq!(emu.inspect().task(created).unwrap().content, code);
}
