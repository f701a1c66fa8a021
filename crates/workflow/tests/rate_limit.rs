//! The client-wide rate limiter over a fake service that throttles beyond its own rate
//! (HTTP 429 `Throttling.User`), in tokio's paused (virtual) time: calls from many concurrent
//! tasks stay within the budget, and a client set above the service's limit slows down as a
//! whole without any throttling error reaching the caller.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dataworks_signer::Credentials;
use dataworks_wire::{GetDISyncTask, TaskType};
use dataworks_workflow::testing::FakeTransport;
use dataworks_workflow::transport::HttpResponse;
use dataworks_workflow::{Client, ClientBuildError, Edition, RateLimit};
use tokio::time::Instant;

/// What the fake service saw: accepted request times, and how many it throttled.
#[derive(Default)]
struct Seen {
    accepted: VecDeque<Instant>,
    all_accepted: Vec<Instant>,
    throttled: u32,
}

/// A service accepting at most `per_second` requests in any second (sliding), answering 429
/// `Throttling.User` beyond.
fn throttling_service(per_second: usize) -> (FakeTransport, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let state = seen.clone();
    let fake = FakeTransport::new(move |_req| {
        let now = Instant::now();
        let mut s = state.lock().unwrap();
        while s
            .accepted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            s.accepted.pop_front();
        }
        if s.accepted.len() >= per_second {
            s.throttled += 1;
            return Ok(HttpResponse::new(
                429,
                r#"{"RequestId":"r-429","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
            ));
        }
        s.accepted.push_back(now);
        s.all_accepted.push(now);
        Ok(HttpResponse::new(
            200,
            r#"{"RequestId":"r-ok","Success":true,"Data":{"Status":"success","Code":"{}"}}"#,
        ))
    });
    (fake, seen)
}

fn client(fake: &FakeTransport, limit: RateLimit) -> Client {
    Client::builder()
        .endpoint("https://service.invalid")
        .credentials(Credentials::new("id", "secret"))
        .transport(Arc::new(fake.clone()))
        .rate_limit(limit)
        .build()
        .unwrap()
}

/// `n` concurrent GetDISyncTask calls; every one must succeed.
async fn concurrent_reads(client: &Client, n: usize) {
    let mut tasks = Vec::new();
    for i in 0..n {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            c.call(&GetDISyncTask::new(10000, TaskType::DiRealtime, i as i64))
                .await
        }));
    }
    for t in tasks {
        let answer = t.await.unwrap();
        assert!(answer.is_ok(), "{answer:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn at_the_service_limit_nothing_is_throttled() {
    let (fake, seen) = throttling_service(5);
    let client = client(&fake, RateLimit::for_edition(Edition::Basic));
    let start = Instant::now();
    concurrent_reads(&client, 60).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.throttled, 0);
    assert_eq!(seen.all_accepted.len(), 60);
    // 5 at once, then 5 more every 1.02 s (paced at 98 % of 5 a second): the last starts
    // 11 periods in.
    let period = Duration::from_secs_f64(5.0 / 4.9);
    // (tokio's timer rounds a sleep up to its next millisecond)
    let took = Instant::now() - start;
    assert!(
        took >= period * 11 && took - period * 11 < Duration::from_millis(1),
        "{took:?}"
    );
    let stats = client.rate_limit_stats();
    assert_eq!(
        (stats.requests, stats.throttled, stats.factor),
        (60, 0, 1.0)
    );
}

#[tokio::test(start_paused = true)]
async fn above_the_service_limit_the_client_slows_down_and_every_call_succeeds() {
    let (fake, seen) = throttling_service(5);
    // Configured for twice what the service allows (say another edition than the account's).
    let client = client(&fake, RateLimit::new(10.0, 10.0));
    concurrent_reads(&client, 100).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.all_accepted.len(), 100);
    assert!(seen.throttled > 0);
    let stats = client.rate_limit_stats();
    assert_eq!(stats.throttled, u64::from(seen.throttled));
    assert!(stats.slowdowns >= 1, "{stats:?}");
    // Slowed down once to the service's rate, the client is mostly not throttled again:
    // far fewer 429s than calls.
    assert!(seen.throttled < 30, "{} throttled", seen.throttled);
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_budget() {
    let (fake, seen) = throttling_service(5);
    let a = client(&fake, RateLimit::for_edition(Edition::Basic));
    let b = a.clone();
    let (x, y) = tokio::join!(concurrent_reads(&a, 20), concurrent_reads(&b, 20));
    let _ = (x, y);
    assert_eq!(seen.lock().unwrap().throttled, 0);
    assert_eq!(a.rate_limit_stats().requests, 40);
}

#[test]
fn an_invalid_rate_limit_is_a_build_error() {
    let err = Client::builder()
        .endpoint("https://service.invalid")
        .credentials(Credentials::new("id", "secret"))
        .rate_limit(RateLimit::new(0.0, 5.0))
        .build()
        .unwrap_err();
    assert!(matches!(err, ClientBuildError::RateLimit(_)), "{err}");
    assert!(err.to_string().contains("reads per second"), "{err}");
}

/// Against the emulator's own limit (a token bucket holding a second's worth of 10 a second,
/// real time over loopback, so how many requests it throttles depends on the machine's load):
/// at the emulator's rate and at twice its rate every call succeeds, every 429 the emulator
/// answered is one the client's limiter saw, and a throttled client slowed down.
#[tokio::test(flavor = "multi_thread")]
async fn against_the_emulators_rate_limit() {
    const ID: &str = "rate-id";
    const SECRET: &str = "rate-secret";
    let emu = dataworks_emulator::Emulator::builder()
        .credentials(ID, SECRET)
        .rate_limit(10)
        .start()
        .await
        .unwrap();
    let client = |limit: RateLimit| {
        Client::builder()
            .endpoint(emu.endpoint())
            .credentials(Credentials::new(ID, SECRET))
            .rate_limit(limit)
            .build()
            .unwrap()
    };
    let listings = |c: Client, n: usize| async move {
        let mut calls = Vec::new();
        for _ in 0..n {
            let c = c.clone();
            calls.push(tokio::spawn(async move { c.list_all_tasks(10000).await }));
        }
        for call in calls {
            let answer = call.await.unwrap();
            assert!(answer.is_ok(), "{answer:?}");
        }
    };
    let at_limit = client(RateLimit::new(10.0, 10.0));
    listings(at_limit.clone(), 25).await;
    let stats = at_limit.rate_limit_stats();
    assert_eq!(stats.requests, 25 + stats.throttled, "{stats:?}");
    assert_eq!(emu.stats().rate_limited, stats.throttled);

    let before = emu.stats().rate_limited;
    let above = client(RateLimit::new(20.0, 20.0));
    listings(above.clone(), 50).await;
    let stats = above.rate_limit_stats();
    assert_eq!(stats.requests, 50 + stats.throttled, "{stats:?}");
    assert_eq!(emu.stats().rate_limited - before, stats.throttled);
    assert_eq!(stats.slowdowns >= 1, stats.throttled >= 1, "{stats:?}");
}
