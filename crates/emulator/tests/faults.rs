//! Faults on demand: throttling with a retry-after hint, 5xx, dropped connections (before and
//! after processing), failing processes; the same seed gives the same faults.

mod common;

use common::{Client, V3, fixture};
use dataworks_emulator::{Emulator, Faults, THROTTLE_RETRY_AFTER_MS};

const INFO: &[(&str, &str)] = &[
    ("ProjectId", "10000"),
    ("TaskType", "DI_REALTIME"),
    ("FileId", "100"),
];

/// The outcome of each of `n` requests: HTTP status, or 0 for a dropped connection.
async fn outcomes(faults: Faults, n: usize) -> Vec<u16> {
    let emu = Emulator::builder().faults(faults).start().await.unwrap();
    let c = Client::new(&emu, V3);
    let mut out = Vec::new();
    for _ in 0..n {
        let signed = c.sign("GetDISyncInstanceInfo", INFO, &[]);
        out.push(match c.send(&signed).await {
            Ok(a) => a.status,
            Err(_) => 0,
        });
    }
    assert_eq!(emu.inspect().request_count(), n as u64);
    emu.shutdown().await.unwrap();
    out
}

#[tokio::test]
async fn same_seed_same_faults() {
    let faults = Faults::none()
        .throttle_rate(0.2)
        .server_error_rate(0.2)
        .drop_rate(0.2)
        .seed(42);
    let a = outcomes(faults, 40).await;
    let b = outcomes(faults, 40).await;
    assert_eq!(a, b);
    for code in [429, 500, 0, 400] {
        assert!(a.contains(&code), "{code} never happened in {a:?}");
    }
    let c = outcomes(faults.seed(43), 40).await;
    assert_ne!(a, c);
}

#[tokio::test]
async fn throttling_carries_retry_after() {
    let emu = Emulator::builder()
        .faults(Faults::none().throttle_rate(1.0))
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3);
    let a = c.call("GetDISyncInstanceInfo", INFO).await;
    a.err(429, "Throttling.User");
    assert_eq!(
        a.headers
            .get("x-acs-retry-after")
            .unwrap()
            .to_str()
            .unwrap(),
        THROTTLE_RETRY_AFTER_MS.to_string()
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn dropped_after_processing_still_applies_the_effect() {
    // With drop_rate 1, half the drops (seeded) happen after the commit.
    let emu = Emulator::builder()
        .faults(Faults::none().drop_rate(1.0).seed(7))
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3);
    let job = fixture("batch-job.json");
    let mut names = Vec::new();
    for i in 0..12 {
        let name = format!("t{i}");
        let res = c
            .send(&c.sign(
                "CreateDISyncTask",
                &[
                    ("ProjectId", "10000"),
                    ("TaskType", "DI_OFFLINE"),
                    ("TaskName", &name),
                ],
                &[("TaskContent", &job)],
            ))
            .await;
        assert!(res.is_err(), "every connection is dropped");
        names.push(name);
    }
    let stored = emu.inspect().tasks().len();
    assert!(stored > 0 && stored < 12, "{stored} of 12 applied");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn server_errors_are_internal_error_system() {
    let emu = Emulator::builder()
        .faults(Faults::none().server_error_rate(1.0))
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3);
    c.call("GetDISyncInstanceInfo", INFO)
        .await
        .err(500, "InternalError.System");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn process_failures_on_demand() {
    let emu = Emulator::builder()
        .faults(Faults::none().process_fail_rate(1.0))
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3);
    let pid = c
        .generate_create("DI_REALTIME", &fixture("create-holo.json"), None)
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "fail");
    assert!(
        q.data()["Message"]
            .as_str()
            .unwrap()
            .contains("fault injection")
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn invalid_rates_are_refused_at_start() {
    let err = Emulator::builder()
        .faults(Faults::none().throttle_rate(2.0))
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("throttle_rate"));
}

#[tokio::test]
async fn latency_delays_but_answers() {
    let emu = Emulator::builder()
        .faults(Faults::none().latency(std::time::Duration::from_millis(5)))
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3);
    c.call("GetDISyncInstanceInfo", INFO)
        .await
        .err(400, "Invalid.DI.Parameter");
    emu.shutdown().await.unwrap();
}
