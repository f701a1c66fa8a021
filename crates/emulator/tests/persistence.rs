//! State on disk survives a restart on the same data dir; processes keep their timing.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Client, V3, fixture};
use dataworks_emulator::{Emulator, ManualClock};

#[tokio::test]
async fn tasks_processes_and_tokens_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
    let start = || {
        Emulator::builder()
            .data_dir(dir.path())
            .project(20000)
            .processing_delay(Duration::from_secs(60))
            .clock(clock.clone())
            .start()
    };
    let emu = start().await.unwrap();
    let c = Client::new(&emu, V3).with_clock(clock.clone());
    let id = c
        .create(
            "DI_OFFLINE",
            "kept",
            &fixture("batch-job.json"),
            Some("tok"),
        )
        .await
        .ok()["FileId"]
        .as_i64()
        .unwrap();
    let pid = c
        .generate_create("DI_REALTIME", &fixture("create-holo.json"), None)
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    assert_eq!(c.query(pid).await.ok()["Status"], "running");
    assert!(emu.database_path().unwrap().starts_with(dir.path()));
    emu.shutdown().await.unwrap();

    // A new emulator (new port) on the same directory, without --project 20000.
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .processing_delay(Duration::from_secs(60))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3).with_clock(clock.clone());
    let task = emu.inspect().task(id).unwrap();
    assert_eq!(task.name, "kept");
    assert_eq!(emu.inspect().projects(), vec![10000, 20000]);
    // The ClientToken record survived: a repeat creates nothing.
    let again = c
        .create(
            "DI_OFFLINE",
            "kept",
            &fixture("batch-job.json"),
            Some("tok"),
        )
        .await;
    assert_eq!(again.ok()["FileId"], id);
    // The process is still running until its delay has passed, then complete.
    assert_eq!(c.query(pid).await.ok()["Status"], "running");
    clock.advance(Duration::from_secs(61));
    assert_eq!(c.query(pid).await.ok()["Status"], "success");
    // New ids continue after the old ones.
    let id2 = c
        .create("DI_OFFLINE", "second", &fixture("batch-job.json"), None)
        .await
        .ok()["FileId"]
        .as_i64()
        .unwrap();
    assert!(id2 > id);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn dropping_the_emulator_stops_it_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let endpoint = emu.endpoint();
    let c = Client::new(&emu, V3);
    c.create("DI_OFFLINE", "dropped", &fixture("batch-job.json"), None)
        .await
        .ok();
    drop(emu);
    // Give the server task a chance to finish its graceful stop.
    for _ in 0..100 {
        if reqwest::Client::new().post(&endpoint).send().await.is_err() {
            break;
        }
        tokio::task::yield_now().await;
    }
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    assert_eq!(emu.inspect().tasks()[0].name, "dropped");
    emu.shutdown().await.unwrap();
}
