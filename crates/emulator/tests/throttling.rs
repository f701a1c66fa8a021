//! The rate limit (per account, token bucket on the emulator's clock) and the statistics
//! (`Emulator::stats`, `GET /_emulator/stats`), over loopback with a manual clock so that no
//! outcome depends on timing.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Client, V1, V3};
use dataworks_emulator::{Emulator, ManualClock};

fn list(c: &Client) -> impl std::future::Future<Output = common::Answer> + '_ {
    c.call_form("ListFiles", &[], &[("ProjectId", "10000")])
}

#[tokio::test]
async fn beyond_the_rate_an_account_is_answered_throttling_user() {
    let clock = Arc::new(ManualClock::starting_now());
    let emu = Emulator::builder()
        .credentials("key-a", "secret-a")
        .credentials("key-b", "secret-b")
        .credentials("ram-user-of-a", "secret-c")
        .account("ram-user-of-a", "key-a")
        .rate_limit(3)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let a = Client::new(&emu, V3)
        .with_credentials("key-a", "secret-a")
        .with_clock(clock.clone());
    let b = Client::new(&emu, V1)
        .with_credentials("key-b", "secret-b")
        .with_clock(clock.clone());
    let ram = Client::new(&emu, V3)
        .with_credentials("ram-user-of-a", "secret-c")
        .with_clock(clock.clone());

    // One second's worth of burst, shared by the main account and its RAM user.
    list(&a).await.ok();
    list(&ram).await.ok();
    list(&a).await.ok();
    let refused = list(&ram).await;
    let message = refused.err(429, "Throttling.User");
    assert!(message.contains("3 requests per second"), "{message}");
    let wait: u64 = refused.headers["x-acs-retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wait, 334, "a third of a second, rounded up");
    // Another account has its own budget.
    for _ in 0..3 {
        list(&b).await.ok();
    }
    list(&b).await.err(429, "Throttling.User");
    // Waiting the advised time gives one token back, not more.
    clock.advance(Duration::from_millis(wait));
    list(&a).await.ok();
    list(&a).await.err(429, "Throttling.User");
    // A refused request changed nothing: the workspace still has no task, and a mutation that
    // is refused is not executed.
    let job = common::fixture("batch-job.json");
    a.create("DI_OFFLINE", "t", &job, None)
        .await
        .err(429, "Throttling.User");
    assert!(emu.inspect().tasks().is_empty());
    clock.advance(Duration::from_secs(1));
    a.create("DI_OFFLINE", "t", &job, None).await.ok();
    assert_eq!(emu.inspect().tasks().len(), 1);

    let stats = emu.stats();
    assert_eq!(stats.rate_limit, Some(3));
    assert_eq!(stats.requests, 12);
    assert_eq!(stats.throttled, 4);
    assert_eq!(stats.rate_limited, 4);
    assert_eq!(stats.by_status[&200], 8);
    assert_eq!(stats.by_status[&429], 4);
    let action = stats.by_action["ListFiles"];
    assert_eq!((action.ok, action.errors), (7, 3));
    let action = stats.by_action["CreateDISyncTask"];
    assert_eq!((action.ok, action.errors), (1, 1));
    assert_eq!(emu.inspect().stats(), stats);
}

#[tokio::test]
async fn an_unlimited_emulator_never_throttles_and_a_zero_rate_is_refused() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    for _ in 0..50 {
        list(&c).await.ok();
    }
    let stats = emu.stats();
    assert_eq!(stats.rate_limit, None);
    assert_eq!((stats.requests, stats.throttled), (50, 0));
    let err = Emulator::builder().rate_limit(0).start().await.unwrap_err();
    assert!(err.to_string().contains("at least 1"), "{err}");
}

#[tokio::test]
async fn stats_are_served_as_json_without_a_signature() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    list(&c).await.ok();
    c.call_form("ListFiles", &[], &[])
        .await
        .err(400, "MissingParameter");
    c.call("NoSuchAction", &[])
        .await
        .err(404, "InvalidAction.NotFound");
    // A request whose signature fails is counted, but under no action.
    let bad =
        Client::new(&emu, V3).with_credentials(dataworks_emulator::DEFAULT_ACCESS_KEY_ID, "wrong");
    list(&bad).await.err(400, "SignatureDoesNotMatch");

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let resp = http.get(emu.stats_url()).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["requests"], 4, "{body}");
    assert_eq!(body["by_action"]["ListFiles"]["ok"], 1, "{body}");
    assert_eq!(body["by_action"]["ListFiles"]["errors"], 1, "{body}");
    assert_eq!(body["by_action"]["NoSuchAction"]["errors"], 1, "{body}");
    assert_eq!(body["by_status"]["200"], 1, "{body}");
    assert_eq!(body["by_status"]["400"], 2, "{body}");
    assert_eq!(body["by_status"]["404"], 1, "{body}");
    assert!(body["rate_limit"].is_null(), "{body}");
    // Reading the statistics is not a request to the service.
    assert_eq!(emu.stats().requests, 4);
    assert_eq!(emu.inspect().request_count(), 4);
}
