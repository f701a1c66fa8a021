//! The workflow's polling, in virtual time: for a generation process that takes D in the
//! emulator, the time from the process being ready to the workflow seeing it, and the number
//! of polls, with the default `PollPolicy` (500 ms first wait, ×2, 10 s cap, jitter, 10 min
//! limit), for D from 1 s to 10 min.
//!
//! The emulator runs in-process on a `ManualClock` that the client's `VirtualClock` moves on
//! every sleep, so a 10-minute process takes milliseconds of real time.
//!
//! `workflow-latency [--runs 20]`: one JSON line per D.
#![forbid(unsafe_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dataworks_bench::{flag, percentile};
use dataworks_emulator::Emulator;
use dataworks_signer::Credentials;
use dataworks_wire::TaskType;
use dataworks_workflow::{
    Client, Clock, CreateRequest, PollPolicy, RateLimit, RetryPolicy, Workflow,
};
use serde_json::json;

const ID: &str = "bench-id";
const SECRET: &str = "bench-secret";

/// One create workflow; returns (readiness-to-seen latency, polls).
async fn one(delay: Duration) -> (Duration, u32) {
    let (emu_clock, clock) = dataworks_test_support::linked_clocks();
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(delay)
        .clock(emu_clock)
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .rate_limit(RateLimit::unlimited()) // measures the emulator, not the budget
        .retry(RetryPolicy::default())
        .clock(clock.clone())
        .build()
        .expect("client");
    let seen_at = Arc::new(Mutex::new(None));
    let seen = seen_at.clone();
    let observer_clock = clock.clone();
    let wf = Workflow::new(client)
        .with_poll_policy(PollPolicy::default())
        .on_progress(move |p| {
            if p.status.as_deref() == Some("success") {
                let mut slot = seen.lock().expect("not poisoned");
                if slot.is_none() {
                    *slot = Some(observer_clock.utc_now());
                }
            }
        });
    let created = wf
        .create(CreateRequest::new(
            10000,
            TaskType::DiRealtime,
            "latency",
            dataworks_bench::realtime_param(2),
        ))
        .await
        .expect("the workflow succeeds");
    let process = emu
        .inspect()
        .process(created.process_id.expect("a process"))
        .expect("recorded");
    let ready = time::OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(process.ready_at_ms) * 1_000_000,
    )
    .expect("valid");
    let seen = seen_at
        .lock()
        .expect("not poisoned")
        .expect("success was seen");
    let latency = Duration::try_from(seen - ready).unwrap_or(Duration::ZERO);
    emu.shutdown().await.expect("stops");
    (latency, created.polls)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runs: usize = flag("--runs", 20);
    for secs in [1u64, 2, 5, 10, 30, 60, 120, 300, 600] {
        let delay = Duration::from_secs(secs);
        let mut latencies = Vec::with_capacity(runs);
        let mut polls = Vec::with_capacity(runs);
        for _ in 0..runs {
            let (latency, n) = one(delay).await;
            latencies.push(latency);
            polls.push(n);
        }
        let mean = latencies.iter().sum::<Duration>() / runs as u32;
        let max_polls = polls.iter().max().copied().unwrap_or(0);
        let mean_polls = f64::from(polls.iter().sum::<u32>()) / runs as f64;
        println!(
            "{}",
            json!({
                "d_s": secs,
                "runs": runs,
                "latency_mean_ms": mean.as_millis() as u64,
                "latency_p50_ms": percentile(&mut latencies, 50.0).as_millis() as u64,
                "latency_max_ms": percentile(&mut latencies, 100.0).as_millis() as u64,
                "polls_mean": (mean_polls * 10.0).round() / 10.0,
                "polls_max": max_polls,
            })
        );
    }
}
