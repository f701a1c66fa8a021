//! The lifecycle methods over the in-process emulator, in virtual time: deploy, start (with
//! start settings), wait until running, stop, terminate, delete; reading a task's live state
//! with the fewest requests; business failures as errors.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_taskparam::{DdlKind, DdlMark, StartParam};
use dataworks_wire::TaskType;
use dataworks_workflow::testing::{FakeTransport, action_of};
use dataworks_workflow::transport::HttpResponse;
use dataworks_workflow::{
    CallErrorKind, Client, CreateRequest, InstanceStatus, RateLimit, TaskFile, WaitError,
};

async fn created_task(delay: Duration) -> (dataworks_emulator::Emulator, Client, i64) {
    let (emu, clock) = emulator_in_virtual_time(delay).await;
    let client = client(&emu, SignatureAlgorithm::Acs3HmacSha256, clock);
    let created = workflow(client.clone(), Duration::from_secs(600))
        .create(
            CreateRequest::new(PROJECT, TaskType::DiRealtime, "orders", create_param())
                .folder("Workflow/lc/Data Integration"),
        )
        .await
        .unwrap();
    (emu, client, created.file_id)
}

fn file(file_id: i64, committed: bool) -> TaskFile {
    TaskFile {
        file_id,
        name: "orders".into(),
        folder: "Workflow/lc/Data Integration".into(),
        task_type: TaskType::DiRealtime,
        file_type: 900,
        committed,
    }
}

#[tokio::test]
async fn deploy_start_wait_stop_terminate_delete() {
    let (emu, client, id) = created_task(Duration::from_secs(3)).await;
    let rt = TaskType::DiRealtime;
    assert_eq!(
        client.instance_status(PROJECT, rt, id).await.unwrap(),
        InstanceStatus::NoRun
    );
    // Starting before deploying is refused by the service: an error, not a success.
    let refused = client.start_task(PROJECT, rt, id, None).await.unwrap_err();
    assert!(
        refused.to_string().contains("DeployDISyncTask"),
        "{refused}"
    );

    client.deploy_task(PROJECT, rt, id).await.unwrap();
    assert_eq!(emu.inspect().task(id).unwrap().deployed_version, Some(1));
    let settings = StartParam::new()
        .failover_limit(10, 30)
        .ddl(DdlKind::DropTable, DdlMark::Warning);
    client
        .start_task(PROJECT, rt, id, Some(&settings))
        .await
        .unwrap();
    assert_eq!(
        client.instance_status(PROJECT, rt, id).await.unwrap(),
        InstanceStatus::Wait
    );
    let running = client
        .wait_until_running(PROJECT, rt, id, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(running, InstanceStatus::Run);

    client.stop_task(PROJECT, rt, id).await.unwrap();
    assert_eq!(
        client.instance_status(PROJECT, rt, id).await.unwrap(),
        InstanceStatus::Pause
    );
    client.terminate_task(PROJECT, rt, id).await.unwrap();
    client.delete_task(PROJECT, rt, id).await.unwrap();
    assert!(emu.inspect().task(id).is_none());
}

#[tokio::test]
async fn waiting_gives_up_at_the_limit_with_the_last_status() {
    let (_emu, client, id) = created_task(Duration::from_secs(120)).await;
    let rt = TaskType::DiRealtime;
    client.deploy_task(PROJECT, rt, id).await.unwrap();
    client.start_task(PROJECT, rt, id, None).await.unwrap();
    let err = client
        .wait_until_running(PROJECT, rt, id, Duration::from_secs(20))
        .await
        .unwrap_err();
    let WaitError::TimedOut {
        last,
        polls,
        elapsed,
    } = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(last, InstanceStatus::Wait);
    assert!(polls >= 2);
    assert!(elapsed >= Duration::from_secs(20), "{elapsed:?}");
}

#[tokio::test]
async fn read_live_takes_two_requests_for_a_realtime_task() {
    let (emu, client, id) = created_task(Duration::ZERO).await;
    let rt = TaskType::DiRealtime;
    client.deploy_task(PROJECT, rt, id).await.unwrap();
    client.start_task(PROJECT, rt, id, None).await.unwrap();
    let before = client.rate_limit_stats().requests;
    let live = client.read_live(PROJECT, &file(id, true)).await.unwrap();
    assert_eq!(client.rate_limit_stats().requests - before, 2);
    assert_eq!(live.content, emu.inspect().task(id).unwrap().content);
    assert!(live.deployed);
    assert_eq!(live.status, InstanceStatus::Run);

    let batch = TaskFile {
        task_type: TaskType::DiOffline,
        file_type: 23,
        ..file(id, false)
    };
    // A batch task has no instance: one request (here the emulator refuses the type mix-up,
    // which shows that only GetDISyncTask was sent).
    let before = client.rate_limit_stats().requests;
    let _ = client.read_live(PROJECT, &batch).await;
    assert_eq!(client.rate_limit_stats().requests - before, 1);
}

#[tokio::test]
async fn a_business_failure_is_an_error_of_the_call() {
    let fake = FakeTransport::new(|req| {
        assert_eq!(action_of(req).as_deref(), Some("DeployDISyncTask"));
        Ok(HttpResponse::new(
            200,
            r#"{"RequestId":"r-1","Success":true,"Data":{"Status":"fail","Message":"the resource group is not bound"}}"#,
        ))
    });
    let client = Client::builder()
        .endpoint("https://service.invalid")
        .credentials(Credentials::new("id", "secret"))
        .transport(Arc::new(fake))
        .rate_limit(RateLimit::unlimited())
        .build()
        .unwrap();
    let err = client
        .deploy_task(PROJECT, TaskType::DiRealtime, 7)
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind, CallErrorKind::Rejected { .. }),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("r-1"));
    assert!(
        err.to_string().contains("resource group is not bound"),
        "{err}"
    );
}
