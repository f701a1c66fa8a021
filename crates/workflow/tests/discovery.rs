//! Finding tasks over the in-process emulator: every page of a folder, exactly that folder
//! (not its subfolders), by name with and without a folder, by id, and the deployed flag.

mod common;

use std::time::Duration;

use common::*;
use dataworks_emulator::Faults;
use dataworks_signer::SignatureAlgorithm;
use dataworks_wire::{CreateDISyncTask, TaskType};
use dataworks_workflow::Client;

const FOLDER: &str = "Workflow/disc/Data Integration";

fn job(table: &str) -> String {
    serde_json::json!({
        "type": "job", "version": "2.0",
        "steps": [
            {"stepType": "mysql", "parameter": {"datasource": "mysql_pub1", "column": ["id"], "connection": [{"datasource": "mysql_pub1", "table": [table]}]}, "name": "Reader", "category": "reader"},
            {"stepType": "odps", "parameter": {"datasource": "odps_first", "table": table, "column": ["id"], "partition": "pt=${bizdate}"}, "name": "Writer", "category": "writer"}
        ],
        "setting": {"speed": {"concurrent": 2}},
        "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
    })
    .to_string()
}

/// Creates a batch task directly; returns its file id.
async fn batch(client: &Client, name: &str, folder: &str) -> i64 {
    let answer = client
        .call(
            &CreateDISyncTask::new(PROJECT, TaskType::DiOffline, job(name))
                .task_name(name.to_owned())
                .task_param(serde_json::json!({ "FileFolderPath": folder }).to_string()),
        )
        .await
        .unwrap();
    answer.data.unwrap().file_id.unwrap()
}

#[tokio::test]
async fn every_page_of_exactly_one_folder() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let client = client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock());
    for i in 0..205 {
        batch(&client, &format!("t{i:03}"), FOLDER).await;
    }
    batch(&client, "nested", &format!("{FOLDER}/sub")).await;
    batch(&client, "elsewhere", "Workflow/other").await;

    let before = client.rate_limit_stats().requests;
    let tasks = client.list_tasks(PROJECT, FOLDER).await.unwrap();
    assert_eq!(
        client.rate_limit_stats().requests - before,
        3,
        "3 pages of 100"
    );
    assert_eq!(tasks.len(), 205);
    assert!(
        tasks
            .iter()
            .all(|t| t.folder == FOLDER && t.task_type == TaskType::DiOffline)
    );
    assert!(tasks.iter().all(|t| t.file_type == 23 && !t.committed));
    let mut names: Vec<&str> = tasks.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 205);
    // A trailing slash names the same folder.
    assert_eq!(
        client
            .list_tasks(PROJECT, &format!("/{FOLDER}/"))
            .await
            .unwrap()
            .len(),
        205
    );
    assert!(
        client
            .list_tasks(PROJECT, "Workflow/none")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(client.list_all_tasks(PROJECT).await.unwrap().len(), 207);
}

#[tokio::test]
async fn by_name_by_id_and_deployed() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let client = client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock());
    let a = batch(&client, "orders", FOLDER).await;
    let b = batch(&client, "orders", "Workflow/other").await;
    batch(&client, "orders_v2", FOLDER).await;

    let found = client
        .find_task(PROJECT, Some(FOLDER), "orders")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.file_id, found.name.as_str()), (a, "orders"));
    let all = client.find_tasks(PROJECT, None, "orders").await.unwrap();
    let mut ids: Vec<i64> = all.iter().map(|t| t.file_id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [a, b]);
    assert_eq!(
        client
            .find_task(PROJECT, Some(FOLDER), "order")
            .await
            .unwrap(),
        None
    );

    client
        .deploy_task(PROJECT, TaskType::DiOffline, a)
        .await
        .unwrap();
    let by_id = client.task_by_id(PROJECT, a).await.unwrap().unwrap();
    assert_eq!((by_id.folder.as_str(), by_id.committed), (FOLDER, true));
    assert_eq!(client.task_by_id(PROJECT, 999_999).await.unwrap(), None);
}
