//! Retries under injected faults (throttling with retry-after, 5xx and dropped connections,
//! before and after processing): the workflow succeeds and the effect is applied exactly
//! once, as the emulator's records show (one task, one update).

mod common;

use std::time::Duration;

use common::*;
use dataworks_emulator::Faults;
use dataworks_signer::SignatureAlgorithm;
use dataworks_wire::TaskType;
use dataworks_workflow::{CreateRequest, UpdateRequest};

#[tokio::test]
async fn create_and_update_apply_exactly_once_under_faults() {
    let mut confirmed = 0;
    for seed in 1..=6u64 {
        let algorithm = SignatureAlgorithm::ALL[(seed % 2) as usize];
        let emu = emulator(
            Duration::ZERO,
            Faults::none()
                .throttle_rate(0.15)
                .server_error_rate(0.15)
                .drop_rate(0.15)
                .seed(seed),
        )
        .await;
        let wf = workflow(
            client(&emu, algorithm, virtual_clock()),
            Duration::from_secs(600),
        );
        let created = wf
            .create(CreateRequest::new(
                PROJECT,
                TaskType::DiRealtime,
                format!("faulty_{seed}"),
                create_param(),
            ))
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let updated = wf
            .update(UpdateRequest::new(
                PROJECT,
                TaskType::DiRealtime,
                created.file_id,
                update_param(),
            ))
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));

        let tasks = emu.inspect().tasks();
        assert_eq!(tasks.len(), 1, "seed {seed}: exactly one task");
        let task = &tasks[0];
        assert_eq!(task.file_id, created.file_id);
        assert_eq!(task.update_count, 1, "seed {seed}: exactly one update");
        assert!(task.content.contains("refunds"));
        assert!(
            emu.inspect().request_count() > 6,
            "seed {seed}: faults forced retries"
        );
        confirmed += u32::from(updated.confirmed_by_read_back);
        emu.shutdown().await.unwrap();
    }
    assert!(
        confirmed > 0,
        "some seed lost an update's answer after it was applied (read-back path)"
    );
}

#[tokio::test]
async fn the_same_workflow_token_twice_creates_one_task() {
    let emu = emulator(Duration::ZERO, Faults::none()).await;
    let wf = workflow(
        client(&emu, SignatureAlgorithm::Acs3HmacSha256, virtual_clock()),
        Duration::from_secs(60),
    );
    let request = CreateRequest::new(PROJECT, TaskType::DiRealtime, "once", create_param())
        .client_token("ci-run-42");
    let first = wf.create(request.clone()).await.unwrap();
    let second = wf.create(request).await.unwrap();
    assert_eq!(first.file_id, second.file_id);
    assert_eq!(emu.inspect().tasks().len(), 1);
}
