//! The workflow's polling in virtual time (issue 7): for generation processes that take D
//! from 1 s to 10 min in the emulator, with the default `PollPolicy`, the workflow sees the
//! process within one poll interval (the 10 s cap) of it being ready, and the number of
//! polls stays bounded (84 on average for 10 minutes, 127 at worst). `bench/src/bin/workflow-latency.rs` measures
//! the same with more runs for docs/PERFORMANCE.md.

mod reliability_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dataworks_emulator::Emulator;
use dataworks_signer::Credentials;
use dataworks_wire::TaskType;
use dataworks_workflow::{Client, Clock, CreateRequest, PollPolicy, Workflow};
use reliability_support::*;

/// (readiness-to-seen latency, polls) of one create workflow whose process takes `delay`.
async fn one(delay: Duration) -> (Duration, u32) {
    let (emu_clock, clock) = dataworks_test_support::linked_clocks();
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(delay)
        .clock(emu_clock)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .clock(clock.clone())
        .build()
        .unwrap();
    let seen_at = Arc::new(Mutex::new(None));
    let seen = seen_at.clone();
    let observer = clock.clone();
    let wf = Workflow::new(client)
        .with_poll_policy(PollPolicy::default())
        .on_progress(move |p| {
            if p.status.as_deref() == Some("success") {
                seen.lock().unwrap().get_or_insert(observer.utc_now());
            }
        });
    let created = wf
        .create(CreateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            "polling",
            create_param(),
        ))
        .await
        .unwrap();
    let process = emu.inspect().process(created.process_id.unwrap()).unwrap();
    let ready = time::OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(process.ready_at_ms) * 1_000_000,
    )
    .unwrap();
    let seen = seen_at.lock().unwrap().unwrap();
    assert!(seen >= ready, "seen before ready");
    emu.shutdown().await.unwrap();
    (Duration::try_from(seen - ready).unwrap(), created.polls)
}

#[tokio::test]
async fn processes_of_one_second_to_ten_minutes_are_seen_within_one_poll_interval() {
    let cap = PollPolicy::default().cap;
    for secs in [1u64, 10, 60, 300, 600] {
        // Worst case with equal jitter (every wait at half its size): the five growing
        // waits, then one poll per cap/2, plus the last poll at the deadline.
        let max_polls = 7 + u32::try_from(secs / 5).unwrap();
        for _ in 0..3 {
            let (latency, polls) = one(Duration::from_secs(secs)).await;
            assert!(latency <= cap, "D = {secs} s: seen {latency:?} after ready");
            assert!(polls <= max_polls, "D = {secs} s: {polls} polls");
        }
    }
}
