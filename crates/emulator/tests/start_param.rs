//! StartDISyncInstance's `StartParam` over loopback: validated with taskparam's rules (an
//! invalid one is refused with every problem named, and the task is not started), stored
//! when the start is accepted.

mod common;

use common::{Client, V1, V3, fixture};
use dataworks_emulator::Emulator;

const DOC_EXAMPLE: &str = r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"RENAMECOLUMN":"WARNING","DROPTABLE":"WARNING","CREATETABLE":"IGNORE","MODIFYCOLUMN":"WARNING","TRUNCATETABLE":"NORMAL","DROPCOLUMN":"IGNORE","ADDCOLUMN":"NORMAL","RENAMETABLE":"CRITICAL"}}"#;

async fn deployed_realtime_task(c: &Client) -> i64 {
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
    c.file_op("DeployDISyncTask", "DI_REALTIME", id).await.ok();
    id
}

async fn start(c: &Client, file_id: i64, param: &str) -> common::Answer {
    let id = file_id.to_string();
    c.call_form(
        "StartDISyncInstance",
        &[
            ("ProjectId", "10000"),
            ("TaskType", "DI_REALTIME"),
            ("FileId", &id),
        ],
        &[("StartParam", param)],
    )
    .await
}

#[tokio::test]
async fn an_invalid_start_param_is_refused_with_every_problem_and_nothing_starts() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let id = deployed_realtime_task(&c).await;
    let bad = r#"{"failoverLimit":{"count":-1,"interval":30},"ddlMarkMap":{"ADDCOLUMN":"APPLY"}}"#;
    let answer = start(&c, id, bad).await;
    let message = answer.err(400, "Invalid.DI.Parameter");
    for needle in [
        "StartParam is invalid",
        "/failoverLimit/count",
        "start.failover-count",
        "/ddlMarkMap/ADDCOLUMN",
        "start.ddl-mark",
    ] {
        assert!(message.contains(needle), "{needle} in {message}");
    }
    let task = emu.inspect().task(id).unwrap();
    assert_eq!(task.instance_status, "NORUN");
    assert_eq!(task.start_param, None);
    let answer = start(&c, id, "[1,2]").await;
    assert!(
        answer
            .err(400, "Invalid.DI.Parameter")
            .contains("start.object")
    );
    let answer = start(&c, id, "{\"failoverLimit\":").await;
    assert!(
        answer
            .err(400, "Invalid.DI.Parameter")
            .contains("json.syntax")
    );
}

#[tokio::test]
async fn a_valid_start_param_is_stored_with_the_start() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V1);
    let id = deployed_realtime_task(&c).await;
    start(&c, id, DOC_EXAMPLE).await.ok();
    let task = emu.inspect().task(id).unwrap();
    assert_eq!(task.start_param.as_deref(), Some(DOC_EXAMPLE));
    assert_ne!(task.instance_status, "NORUN");
    // Unknown keys and DDL kinds are warnings, not refusals (the service may know them).
    c.file_op("StopDISyncInstance", "DI_REALTIME", id)
        .await
        .ok();
    let newer = r#"{"ddlMarkMap":{"ALTERVIEW":"IGNORE"},"startOffset":"1671516776"}"#;
    start(&c, id, newer).await.ok();
    assert_eq!(
        emu.inspect().task(id).unwrap().start_param.as_deref(),
        Some(newer)
    );
    // A start without one records that none was given.
    c.file_op("StopDISyncInstance", "DI_REALTIME", id)
        .await
        .ok();
    c.file_op("StartDISyncInstance", "DI_REALTIME", id)
        .await
        .ok();
    assert_eq!(emu.inspect().task(id).unwrap().start_param, None);
}
