//! The timeout and resume paths, in virtual time: the emulator's processes take longer than
//! the wait limit, the workflow gives up with a typed timeout carrying the process id, and a
//! resume from that id finishes the job. No test waits for real.

mod common;

use std::time::Duration;

use common::*;
use dataworks_signer::SignatureAlgorithm;
use dataworks_wire::TaskType;
use dataworks_workflow::Apply;
use dataworks_workflow::{AppliedAction, CreateRequest, Stage, UpdateRequest, WorkflowError};

#[tokio::test]
async fn create_times_out_then_resumes() {
    let (emu, clock) = emulator_in_virtual_time(Duration::from_secs(120)).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, clock.clone()),
        Duration::from_secs(30),
    );
    let before = clock.elapsed();
    let e = wf
        .create(
            CreateRequest::new(PROJECT, TaskType::DiRealtime, "slow", create_param())
                .client_token("slow-run"),
        )
        .await
        .unwrap_err();
    let WorkflowError::Timeout {
        process_id,
        polls,
        elapsed,
        ref last_status,
    } = e
    else {
        panic!("{e}");
    };
    assert_eq!(
        elapsed,
        Duration::from_secs(30),
        "the last poll is at the deadline"
    );
    assert!(polls >= 3, "{polls}");
    assert_eq!(last_status.as_deref(), Some("running"));
    assert_eq!(e.stage(), Stage::Poll);
    assert_eq!(e.process_id(), Some(process_id));
    assert!(e.to_string().contains(&process_id.to_string()));
    assert!(clock.elapsed() - before >= Duration::from_secs(30));
    assert!(emu.inspect().tasks().is_empty(), "nothing created yet");

    // Resume (with a longer limit) from the process id: create from its content.
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, clock.clone()),
        Duration::from_secs(600),
    );
    let resumed = wf
        .resume(
            PROJECT,
            TaskType::DiRealtime,
            process_id,
            Apply::Create {
                name: "slow".into(),
                folder: None,
                resource_group: Some("S_res_group_e2e".into()),
                client_token: Some("slow-run-create".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(resumed.action, AppliedAction::Created);
    assert_eq!(resumed.process_id, Some(process_id));
    let tasks = emu.inspect().tasks();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].name, "slow");
    assert!(clock.elapsed() >= Duration::from_secs(120));
}

#[tokio::test]
async fn update_times_out_then_resumes() {
    let (emu, clock) = emulator_in_virtual_time(Duration::from_secs(45)).await;
    let quick = workflow(
        client(&emu, SignatureAlgorithm::RpcV1HmacSha1, clock.clone()),
        Duration::from_secs(600),
    );
    let created = quick
        .create(CreateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            "t",
            create_param(),
        ))
        .await
        .unwrap();

    let impatient = workflow(
        client(&emu, SignatureAlgorithm::RpcV1HmacSha1, clock.clone()),
        Duration::from_secs(10),
    );
    let e = impatient
        .update(UpdateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            created.file_id,
            update_param(),
        ))
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e}");
    let process_id = e.process_id().unwrap();
    assert_eq!(emu.inspect().task(created.file_id).unwrap().update_count, 0);

    let done = quick
        .resume(
            PROJECT,
            TaskType::DiRealtime,
            process_id,
            Apply::Update {
                file_id: created.file_id,
                resource_group: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(done.action, AppliedAction::Updated);
    assert!(!done.confirmed_by_read_back, "the first resume applies");
    let task = emu.inspect().task(created.file_id).unwrap();
    assert_eq!(task.update_count, 1);
    assert!(task.content.contains("refunds"));

    // A second resume from the same process (as after a crash that lost only the answer of
    // the first apply) reads the task back, finds the content applied, and sends no update.
    let again = quick
        .resume(
            PROJECT,
            TaskType::DiRealtime,
            process_id,
            Apply::Update {
                file_id: created.file_id,
                resource_group: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(again.action, AppliedAction::Updated);
    assert!(again.confirmed_by_read_back);
    assert_eq!(again.task_content, done.task_content);
    let task = emu.inspect().task(created.file_id).unwrap();
    assert_eq!(
        task.update_count, 1,
        "a resumed update is never applied twice"
    );
}

#[tokio::test]
async fn wait_reports_polls_and_a_zero_limit_polls_once() {
    let (emu, clock) = emulator_in_virtual_time(Duration::from_secs(5)).await;
    let c = client(&emu, SignatureAlgorithm::Acs3HmacSha256, clock.clone());
    let generated = c
        .call(&dataworks_wire::GenerateDISyncTaskConfigForCreating::new(
            PROJECT,
            TaskType::DiRealtime,
            create_param().to_json(),
        ))
        .await
        .unwrap();
    let process_id = generated.data.unwrap().process_id.unwrap();

    let e = workflow(c.clone(), Duration::ZERO)
        .wait(PROJECT, TaskType::DiRealtime, process_id)
        .await
        .unwrap_err();
    let WorkflowError::Timeout { polls, elapsed, .. } = e else {
        panic!("{e}");
    };
    assert_eq!((polls, elapsed), (1, Duration::ZERO));

    let mut wf = workflow(c, Duration::from_secs(60));
    let progress = wf.progress_channel();
    let result = wf
        .wait(PROJECT, TaskType::DiRealtime, process_id)
        .await
        .unwrap();
    assert_eq!(result.process_id, process_id);
    assert!(result.polls >= 2);
    assert!(result.task_content.contains("holo_dw"));
    let last = progress.borrow().clone();
    assert_eq!(last.stage, Stage::Done);
    assert_eq!(last.process_id, Some(process_id));
    assert_eq!(last.polls, result.polls);
    assert_eq!(last.status.as_deref(), Some("success"));
}

#[tokio::test]
async fn an_unknown_process_is_a_poll_error_with_the_service_code() {
    let (emu, clock) = emulator_in_virtual_time(Duration::ZERO).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, clock),
        Duration::from_secs(5),
    );
    let e = wf
        .wait(PROJECT, TaskType::DiRealtime, 424_242)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            WorkflowError::Poll { .. } | WorkflowError::ProcessFailed { .. }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("424242"), "{e}");
}
