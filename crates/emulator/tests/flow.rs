//! The whole create → update workflow and the task/instance operations, by raw signed HTTP,
//! with both signature algorithms.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Client, V1, V3, fixture};
use dataworks_emulator::{Emulator, ManualClock, ProcessState};
use dataworks_signer::SignatureAlgorithm;
use serde_json::Value;

fn content_tables(content: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(content).unwrap();
    let mut out = Vec::new();
    for rule in v
        .pointer("/steps/1/parameter/tableMappingRule/datasource/0/tableRule")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push(rule["srcTable"].as_str().unwrap().to_string());
    }
    out
}

async fn create_then_update(algorithm: SignatureAlgorithm) {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, algorithm);

    // Generate for creating → a process, complete at once (delay 0).
    let generated = c
        .generate_create(
            "DI_REALTIME",
            &fixture("create-holo.json"),
            Some("tok-create-1"),
        )
        .await;
    let pid = generated.ok()["ProcessId"].as_i64().unwrap();
    assert_eq!(generated.data()["Status"], "success");
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "success", "{:?}", q.body);
    let content = q.data()["TaskContent"].as_str().unwrap().to_string();
    let doc: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(doc["type"], "job");
    assert_eq!(content_tables(&content), vec!["m_v1"]);

    // Create stores it (TaskContent in the form body).
    let created = c
        .create("DI_REALTIME", "rt_task", &content, Some("tok-create-2"))
        .await;
    let file_id = created.ok()["FileId"].as_i64().unwrap();
    let get = c.file_op("GetDISyncTask", "DI_REALTIME", file_id).await;
    assert_eq!(get.ok()["Code"].as_str().unwrap(), content);

    // Generate for updating: add m_v2.
    let generated = c
        .generate_update(file_id, &fixture("update-add-table.json"))
        .await;
    let pid = generated.ok()["ProcessId"].as_i64().unwrap();
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "success", "{:?}", q.body);
    let new_content = q.data()["TaskContent"].as_str().unwrap().to_string();
    assert_eq!(content_tables(&new_content), vec!["m_v1", "m_v2"]);

    // Update applies it (TaskContent in the query).
    c.update("DI_REALTIME", file_id, &new_content).await.ok();
    let task = emu.inspect().task(file_id).unwrap();
    assert_eq!(task.content, new_content);
    assert_eq!(task.version, 2);
    assert_eq!(task.update_count, 1);
    assert_eq!(task.name, "rt_task");
    assert_eq!(task.folder, "Business Flow/demo/Data Integration");
    assert_eq!(emu.inspect().tasks().len(), 1);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn create_then_update_v3() {
    create_then_update(V3).await;
}

#[tokio::test]
async fn create_then_update_v1() {
    create_then_update(V1).await;
}

#[tokio::test]
async fn maxcompute_update_with_tables() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let pid = c
        .generate_create("DI_REALTIME", &fixture("create-odps.json"), None)
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let content = c.query(pid).await.ok()["TaskContent"]
        .as_str()
        .unwrap()
        .to_string();
    let file_id = c
        .create("DI_REALTIME", "odps_task", &content, None)
        .await
        .ok()["FileId"]
        .as_i64()
        .unwrap();
    let pid = c
        .generate_update(file_id, &fixture("update-odps-tables.json"))
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "success", "{:?}", q.body);
    let updated: Value = serde_json::from_str(q.data()["TaskContent"].as_str().unwrap()).unwrap();
    let text = updated.to_string();
    assert!(text.contains("customers"), "{text}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn processing_delay_reports_running_then_success() {
    let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
    let emu = Emulator::builder()
        .processing_delay(Duration::from_secs(30))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3).with_clock(clock.clone());
    let pid = c
        .generate_create("DI_REALTIME", &fixture("create-holo.json"), None)
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "running");
    assert!(q.data().get("TaskContent").is_none());
    clock.advance(Duration::from_secs(29));
    assert_eq!(c.query(pid).await.ok()["Status"], "running");
    clock.advance(Duration::from_secs(1));
    assert_eq!(c.query(pid).await.ok()["Status"], "success");
    let rec = emu.inspect().process(pid).unwrap();
    assert_eq!(rec.outcome, ProcessState::Success);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn instance_state_machine() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let pid = c
        .generate_create("DI_REALTIME", &fixture("create-holo.json"), None)
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let content = c.query(pid).await.ok()["TaskContent"]
        .as_str()
        .unwrap()
        .to_string();
    let id = c.create("DI_REALTIME", "rt", &content, None).await.ok()["FileId"]
        .as_i64()
        .unwrap();
    let status = |a: &common::Answer| a.ok()["Status"].as_str().unwrap().to_string();

    assert_eq!(
        status(&c.file_op("GetDISyncInstanceInfo", "DI_REALTIME", id).await),
        "NORUN"
    );
    let msg = c.file_op("StartDISyncInstance", "DI_REALTIME", id).await;
    assert!(
        msg.err(400, "Invalid.DI.Parameter")
            .contains("DeployDISyncTask")
    );
    c.file_op("DeployDISyncTask", "DI_REALTIME", id).await.ok();
    c.file_op("StartDISyncInstance", "DI_REALTIME", id)
        .await
        .ok();
    assert_eq!(
        status(&c.file_op("GetDISyncInstanceInfo", "DI_REALTIME", id).await),
        "RUN"
    );
    let del = c.file_op("DeleteDISyncTask", "DI_REALTIME", id).await;
    assert!(
        del.err(400, "Invalid.DI.Parameter")
            .contains("running instance")
    );
    c.file_op("StopDISyncInstance", "DI_REALTIME", id)
        .await
        .ok();
    assert_eq!(
        status(&c.file_op("GetDISyncInstanceInfo", "DI_REALTIME", id).await),
        "PAUSE"
    );
    let again = c.file_op("StopDISyncInstance", "DI_REALTIME", id).await;
    assert!(again.err(400, "Invalid.DI.Parameter").contains("PAUSE"));
    c.file_op("TerminateDISyncInstance", "DI_REALTIME", id)
        .await
        .ok();
    assert_eq!(
        status(&c.file_op("GetDISyncInstanceInfo", "DI_REALTIME", id).await),
        "NORUN"
    );
    c.file_op("DeleteDISyncTask", "DI_REALTIME", id).await.ok();
    assert!(emu.inspect().task(id).is_none());
    let gone = c.file_op("GetDISyncTask", "DI_REALTIME", id).await;
    assert_eq!(
        gone.err(400, "Invalid.DI.Parameter"),
        format!("fileId:[{id}] is invalid.")
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn offline_task_is_created_and_updated_directly() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V1);
    let job = fixture("batch-job.json");
    let id = c.create("DI_OFFLINE", "batch", &job, None).await.ok()["FileId"]
        .as_i64()
        .unwrap();
    let changed = job.replace("\"concurrent\":2", "\"concurrent\":3");
    c.update("DI_OFFLINE", id, &changed).await.ok();
    assert_eq!(
        c.file_op("GetDISyncTask", "DI_OFFLINE", id).await.ok()["Code"],
        changed.as_str()
    );
    let start = c.file_op("StartDISyncInstance", "DI_OFFLINE", id).await;
    assert!(
        start
            .err(400, "Invalid.DI.Parameter")
            .contains("DI_OFFLINE")
    );
    let generated = c
        .generate_create("DI_OFFLINE", &fixture("create-holo.json"), None)
        .await;
    assert!(
        generated
            .err(400, "Invalid.DI.Parameter")
            .contains("DI_OFFLINE")
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn solution_detail_and_instance_info() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let pid = c
        .generate_create("DI_SOLUTION", &fixture("create-holo.json"), None)
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let q = c
        .call(
            "QueryDISyncTaskConfigProcessResult",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_SOLUTION"),
                ("AsyncProcessId", &pid.to_string()),
            ],
        )
        .await;
    let content = q.ok()["TaskContent"].as_str().unwrap().to_string();
    let id = c.create("DI_SOLUTION", "sol", &content, None).await.ok()["FileId"]
        .as_i64()
        .unwrap();
    let get = c.file_op("GetDISyncTask", "DI_SOLUTION", id).await;
    let detail = &get.ok()["SolutionDetail"];
    let pc: Value = serde_json::from_str(detail["ProcessContent"].as_str().unwrap()).unwrap();
    assert!(pc["realtimeSyncConfig"]["content"]["steps"].is_array());
    c.file_op("DeployDISyncTask", "DI_SOLUTION", id).await.ok();
    c.file_op("StartDISyncInstance", "DI_SOLUTION", id)
        .await
        .ok();
    let info = c.file_op("GetDISyncInstanceInfo", "DI_SOLUTION", id).await;
    assert_eq!(info.ok()["Status"], "success");
    assert_eq!(info.data()["SolutionInfo"]["Id"], id);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn kafka_update_adds_and_drops_rules() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V1);
    let pid = c
        .generate_create("DI_REALTIME", &fixture("create-kafka.json"), None)
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "success", "{:?}", q.body);
    let content = q.data()["TaskContent"].as_str().unwrap().to_string();
    assert_eq!(content_tables(&content), vec!["orders", "items"]);
    let id = c.create("DI_REALTIME", "kafka", &content, None).await.ok()["FileId"]
        .as_i64()
        .unwrap();
    let pid = c
        .generate_update(id, &fixture("update-kafka-drop-items.json"))
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "success", "{:?}", q.body);
    let updated = q.data()["TaskContent"].as_str().unwrap();
    assert_eq!(content_tables(updated), vec!["orders", "users"]);
    let doc: Value = serde_json::from_str(updated).unwrap();
    assert_eq!(
        doc.pointer("/steps/1/parameter/tableMappingRule/totalTableMapping"),
        Some(&Value::from(2))
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn get_is_accepted_too() {
    // The service accepts GET; v1 signs the method, so sign for GET by hand.
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V1);
    let timestamp = dataworks_signer::timestamp::format(time::OffsetDateTime::now_utc()).unwrap();
    let params: Vec<(String, String)> = [
        ("AccessKeyId", dataworks_emulator::DEFAULT_ACCESS_KEY_ID),
        ("Action", "GetDISyncInstanceInfo"),
        ("FileId", "5"),
        ("Format", "JSON"),
        ("ProjectId", "10000"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "get-nonce-1"),
        ("SignatureVersion", "1.0"),
        ("TaskType", "DI_REALTIME"),
        ("Timestamp", timestamp.as_str()),
        ("Version", "2020-05-18"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let sig = dataworks_signer::v1::sign(
        "GET",
        params,
        Vec::<(String, String)>::new(),
        dataworks_emulator::DEFAULT_ACCESS_KEY_SECRET,
    );
    let url = format!(
        "{}/?{}&Signature={}",
        c.endpoint,
        sig.canonicalized_query_string,
        dataworks_signer::encoding::percent_encode(&sig.signature)
    );
    let resp = c.http.get(url).send().await.unwrap();
    let status = resp.status().as_u16();
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    // Signature accepted; the task does not exist.
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["Message"], "fileId:[5] is invalid.");
    emu.shutdown().await.unwrap();
}
