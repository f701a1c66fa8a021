//! `ClientToken`: a repeat with the same parameters returns the first answer and does nothing
//! again; the same token with other parameters is refused.

mod common;

use common::{Client, V1, V3, fixture};
use dataworks_emulator::Emulator;
use dataworks_wire::ErrorCode;

#[tokio::test]
async fn create_task_repeat_returns_first_answer() {
    let emu = Emulator::builder().start().await.unwrap();
    let v3 = Client::new(&emu, V3);
    let v1 = Client::new(&emu, V1);
    let job = fixture("batch-job.json");
    let first = v3.create("DI_OFFLINE", "once", &job, Some("ct-1")).await;
    let id = first.ok()["FileId"].as_i64().unwrap();
    // Same token, same parameters: same Data, whatever the signature algorithm.
    for c in [&v3, &v1] {
        let again = c.create("DI_OFFLINE", "once", &job, Some("ct-1")).await;
        assert_eq!(again.ok(), first.data());
        assert_ne!(again.body["RequestId"], first.body["RequestId"]);
    }
    assert_eq!(emu.inspect().tasks().len(), 1);
    assert_eq!(emu.inspect().task(id).unwrap().name, "once");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn same_token_other_parameters_is_refused() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let job = fixture("batch-job.json");
    c.create("DI_OFFLINE", "one", &job, Some("ct-2")).await.ok();
    let other = c.create("DI_OFFLINE", "two", &job, Some("ct-2")).await;
    let msg = other.err(400, ErrorCode::IdempotentParameterMismatch.as_str());
    assert!(
        msg.contains("ct-2") && msg.contains("CreateDISyncTask"),
        "{msg}"
    );
    assert_eq!(emu.inspect().tasks().len(), 1);
    // The token is per action: the same token on another action is a new request.
    let generated = c
        .generate_create("DI_REALTIME", &fixture("create-holo.json"), Some("ct-2"))
        .await;
    generated.ok();
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn generate_repeat_starts_one_process() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let param = fixture("create-holo.json");
    let a = c
        .generate_create("DI_REALTIME", &param, Some("generated-1"))
        .await;
    let b = c
        .generate_create("DI_REALTIME", &param, Some("generated-1"))
        .await;
    assert_eq!(a.ok()["ProcessId"], b.ok()["ProcessId"]);
    assert_eq!(emu.inspect().processes().len(), 1);
    // Without a token every call starts a process.
    c.generate_create("DI_REALTIME", &param, None).await.ok();
    c.generate_create("DI_REALTIME", &param, None).await.ok();
    assert_eq!(emu.inspect().processes().len(), 3);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn refused_first_attempt_is_not_recorded() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let bad = c.create("DI_OFFLINE", "x", "{bad", Some("ct-3")).await;
    bad.err(400, "Invalid.DI.Parameter");
    // A corrected retry with the same token but other parameters is a fresh request.
    c.create("DI_OFFLINE", "x", &fixture("batch-job.json"), Some("ct-3"))
        .await
        .ok();
    assert_eq!(emu.inspect().tasks().len(), 1);
    emu.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_repeats_create_one_task() {
    let emu = Emulator::builder().start().await.unwrap();
    let job = fixture("batch-job.json");
    let mut handles = Vec::new();
    for i in 0..8 {
        let endpoint = emu.endpoint();
        let job = job.clone();
        let alg = if i % 2 == 0 { V3 } else { V1 };
        handles.push(tokio::spawn(async move {
            let c = Client::for_endpoint(&endpoint, alg);
            c.create("DI_OFFLINE", "racy", &job, Some("ct-race")).await
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.unwrap().ok()["FileId"].as_i64().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(emu.inspect().tasks().len(), 1);
    emu.shutdown().await.unwrap();
}
