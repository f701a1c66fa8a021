//! Create then update end to end over the in-process emulator, with both signature
//! algorithms; plan; DI_OFFLINE direct create/update; validation before sending; progress.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use dataworks_emulator::Faults;
use dataworks_signer::SignatureAlgorithm;
use dataworks_wire::TaskType;
use dataworks_workflow::{
    AppliedAction, CreateRequest, Stage, TaskParamInput, UpdateRequest, WorkflowError,
};

fn create_request(name: &str) -> CreateRequest {
    CreateRequest::new(PROJECT, TaskType::DiRealtime, name, create_param())
        .folder("Workflow/e2e/Data Integration")
}

#[tokio::test]
async fn create_then_update_with_both_signatures() {
    for algorithm in SignatureAlgorithm::ALL {
        // Processes take 3 s of (virtual) time: the workflow polls a few times.
        let (emu, clock) = emulator_in_virtual_time(Duration::from_secs(3)).await;
        let stages = Arc::new(Mutex::new(Vec::new()));
        let seen = stages.clone();
        let wf = workflow(client(&emu, algorithm, clock), Duration::from_secs(60))
            .on_progress(move |p| seen.lock().unwrap().push(p.stage));

        let created = wf.create(create_request("orders_to_holo")).await.unwrap();
        assert_eq!(created.action, AppliedAction::Created);
        assert!(created.process_id.is_some());
        assert!(created.polls >= 2, "{created:?}");
        let tasks = emu.inspect().tasks();
        assert_eq!(tasks.len(), 1, "{algorithm}");
        let task = &tasks[0];
        assert_eq!(task.file_id, created.file_id);
        assert_eq!(task.name, "orders_to_holo");
        assert_eq!(task.folder, "Workflow/e2e/Data Integration");
        assert_eq!(task.resource_group.as_deref(), Some("S_res_group_e2e"));
        assert_eq!(task.content, created.task_content);
        assert!(!task.content.contains("refunds"));

        let request = UpdateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            created.file_id,
            update_param(),
        );
        let plan = wf.plan(&request).await.unwrap();
        assert_eq!(plan.diff.tables_added.get("shop").unwrap(), &["refunds"]);
        assert!(plan.diff.tables_removed.is_empty());
        assert!(!plan.diff.rules_added.is_empty());
        assert!(plan.to_text().contains("refunds"));
        assert_eq!(
            emu.inspect().task(created.file_id).unwrap().update_count,
            0,
            "a plan applies nothing"
        );

        let updated = wf.update(request).await.unwrap();
        assert_eq!(updated.action, AppliedAction::Updated);
        assert_eq!(updated.file_id, created.file_id);
        assert!(!updated.confirmed_by_read_back);
        let task = emu.inspect().task(created.file_id).unwrap();
        assert_eq!(task.update_count, 1);
        assert!(task.content.contains("refunds"));
        assert_eq!(emu.inspect().tasks().len(), 1);

        // The plan predicted what the service generated.
        let stored: serde_json::Value = serde_json::from_str(&task.content).unwrap();
        assert_eq!(stored, plan.proposed, "{algorithm}");

        let stages = stages.lock().unwrap().clone();
        for stage in [
            Stage::Validate,
            Stage::Generate,
            Stage::Poll,
            Stage::Apply,
            Stage::Done,
        ] {
            assert!(stages.contains(&stage), "{stage} missing from {stages:?}");
        }
        emu.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn json_text_input_works_like_typed_input() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock()),
        Duration::from_secs(60),
    );
    let mut request = create_request("from_json");
    request.param = TaskParamInput::Json(create_param().to_json());
    let created = wf.create(request).await.unwrap();
    assert_eq!(
        emu.inspect().task(created.file_id).unwrap().name,
        "from_json"
    );
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock()),
        Duration::from_secs(60),
    );
    let mut request = create_request("bad");
    request.param =
        TaskParamInput::Json(r#"{"type":"realtime","version":"1.0","steps":[]}"#.into());
    let e = wf.create(request).await.unwrap_err();
    assert!(matches!(e, WorkflowError::Validation { .. }), "{e}");
    assert!(e.is_validation());
    assert_eq!(e.stage(), Stage::Validate);

    let mut request = create_request("wrong kind");
    request.param = update_param().into();
    let e = wf.create(request).await.unwrap_err();
    assert!(matches!(e, WorkflowError::InvalidInput(_)), "{e}");

    assert_eq!(emu.inspect().request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn offline_tasks_are_created_and_updated_directly() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::RpcV1HmacSha1, virtual_clock()),
        Duration::from_secs(60),
    );
    let job = |table: &str| {
        serde_json::json!({
            "type": "job", "version": "2.0",
            "steps": [
                {"stepType": "mysql", "parameter": {"datasource": "mysql_pub1", "column": ["id"], "connection": [{"datasource": "mysql_pub1", "table": [table]}]}, "name": "Reader", "category": "reader"},
                {"stepType": "odps", "parameter": {"datasource": "odps_first", "table": table, "column": ["id"], "partition": "pt=${bizdate}", "truncate": true}, "name": "Writer", "category": "writer"}
            ],
            "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": false}},
            "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
        })
        .to_string()
    };
    let created = wf
        .create(
            CreateRequest::new(PROJECT, TaskType::DiOffline, "batch_orders", job("orders"))
                .folder("Workflow/e2e/Data Integration")
                .resource_group("S_res_group_e2e"),
        )
        .await
        .unwrap();
    assert_eq!(created.process_id, None);
    assert_eq!(created.polls, 0);

    let request = UpdateRequest::new(
        PROJECT,
        TaskType::DiOffline,
        created.file_id,
        job("refunds"),
    );
    let plan = wf.plan(&request).await.unwrap();
    assert!(!plan.is_empty());
    wf.update(request).await.unwrap();
    let task = emu.inspect().task(created.file_id).unwrap();
    assert_eq!(task.update_count, 1);
    assert!(task.content.contains("refunds"));
}

#[tokio::test]
async fn a_failed_process_is_a_typed_error_and_nothing_is_created() {
    let emu = emulator(
        Duration::ZERO,
        Faults::none().process_fail_rate(1.0).seed(1),
    )
    .await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock()),
        Duration::from_secs(60),
    );
    let e = wf.create(create_request("doomed")).await.unwrap_err();
    let WorkflowError::ProcessFailed {
        process_id,
        message,
        request_id,
        ..
    } = &e
    else {
        panic!("{e}");
    };
    assert!(*process_id > 0);
    assert!(!message.is_empty());
    assert!(request_id.is_some());
    assert_eq!(e.stage(), Stage::Poll);
    assert!(emu.inspect().tasks().is_empty());
}

#[tokio::test]
async fn an_unknown_task_fails_the_update_with_the_service_message() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock()),
        Duration::from_secs(60),
    );
    let e = wf
        .update(UpdateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            999_999,
            update_param(),
        ))
        .await
        .unwrap_err();
    assert!(e.message().unwrap_or_default().contains("999999"), "{e}");
}

#[tokio::test]
async fn wrong_credentials_show_the_signature_comparison() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    for algorithm in SignatureAlgorithm::ALL {
        let c = dataworks_workflow::Client::builder()
            .endpoint(emu.endpoint())
            .credentials(dataworks_signer::Credentials::new(ID, "not-the-secret"))
            .signature(algorithm)
            .build()
            .unwrap();
        let e = c
            .call(&dataworks_wire::GetDISyncTask::new(
                PROJECT,
                TaskType::DiRealtime,
                1,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("SignatureDoesNotMatch"), "{e}");
        let cmp = e.signature_comparison().expect("a comparison");
        assert!(
            cmp.theirs.is_some(),
            "{algorithm}: the emulator echoes its string to sign"
        );
        assert!(!e.to_string().contains("not-the-secret"));
    }
}

#[tokio::test]
async fn solutions_go_through_the_same_workflow() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock()),
        Duration::from_secs(60),
    );
    let mut request = create_request("solution");
    request.task_type = TaskType::DiSolution;
    let created = wf.create(request).await.unwrap();
    let update = UpdateRequest::new(
        PROJECT,
        TaskType::DiSolution,
        created.file_id,
        update_param(),
    );
    let plan = wf.plan(&update).await.unwrap();
    assert_eq!(plan.diff.tables_added.get("shop").unwrap(), &["refunds"]);
    wf.update(update).await.unwrap();
    let task = emu.inspect().task(created.file_id).unwrap();
    assert_eq!(task.task_type, "DI_SOLUTION");
    assert_eq!(task.update_count, 1);
    assert!(task.content.contains("refunds"));
}
