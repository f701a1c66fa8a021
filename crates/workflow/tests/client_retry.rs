//! The client over a fake transport: fresh signatures per attempt, ClientToken kept across
//! attempts, which failures are retried for which operations, retry-after hints, the
//! deadline, the UpdateDISyncTask read-back rule, and SignatureDoesNotMatch explained.
//! Waits run in virtual time.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_wire::{
    CreateDISyncTask, DeleteDISyncTask, GetDISyncTask, TaskType, UpdateDISyncTask,
};
use dataworks_workflow::testing::{FakeTransport, VirtualClock, action_of, query_param};
use dataworks_workflow::transport::TransportErrorKind;
use dataworks_workflow::transport::{HttpRequest, HttpResponse, TransportError};
use dataworks_workflow::{CallErrorKind, Client, RetryPolicy, StopReason};

fn ok(data: &str) -> HttpResponse {
    HttpResponse::new(
        200,
        format!(r#"{{"RequestId":"req-ok","Success":true,"Data":{data}}}"#),
    )
}

fn err(status: u16, code: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        format!(
            r#"{{"RequestId":"req-{status}","HostId":"h","Code":"{code}","Message":"{code} happened"}}"#
        ),
    )
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(4)
        .base(Duration::from_millis(100))
        .cap(Duration::from_secs(2))
        .deadline(Duration::from_secs(60))
}

fn client(fake: &FakeTransport, clock: Arc<VirtualClock>, algorithm: SignatureAlgorithm) -> Client {
    Client::builder()
        .endpoint("https://fake.invalid:8080")
        .credentials(Credentials::new("test-id", "test-secret"))
        .signature(algorithm)
        .retry(policy())
        .transport(Arc::new(fake.clone()))
        .clock(clock)
        .build()
        .unwrap()
}

fn clock() -> Arc<VirtualClock> {
    Arc::new(VirtualClock::new(time::OffsetDateTime::now_utc()))
}

/// A fake that fails the first `failures` requests with `failure` and then answers `then`.
fn failing_then(
    failures: u32,
    failure: impl Fn() -> Result<HttpResponse, TransportError> + Send + Sync + 'static,
    then: HttpResponse,
) -> FakeTransport {
    let count = AtomicU32::new(0);
    FakeTransport::new(move |_req| {
        if count.fetch_add(1, Ordering::SeqCst) < failures {
            failure()
        } else {
            Ok(then.clone())
        }
    })
}

fn create_op() -> CreateDISyncTask {
    CreateDISyncTask::new(10000, TaskType::DiRealtime, r#"{"type":"job"}"#).task_name("t")
}

fn nonce(req: &HttpRequest) -> String {
    req.header("x-acs-signature-nonce")
        .map(str::to_owned)
        .or_else(|| query_param(req, "SignatureNonce"))
        .unwrap()
}

#[tokio::test]
async fn every_attempt_is_signed_afresh_and_keeps_the_client_token() {
    for algorithm in SignatureAlgorithm::ALL {
        let fake = failing_then(
            2,
            || Ok(err(503, "ServiceUnavailable")),
            ok(r#"{"FileId":7}"#),
        );
        let c = client(&fake, clock(), algorithm);
        let answer = c.call(&create_op()).await.unwrap();
        assert_eq!(answer.data.unwrap().file_id, Some(7));
        let requests = fake.requests();
        assert_eq!(requests.len(), 3, "{algorithm}");
        let nonces: HashSet<String> = requests.iter().map(nonce).collect();
        assert_eq!(
            nonces.len(),
            3,
            "every attempt has its own nonce ({algorithm})"
        );
        let tokens: HashSet<Option<String>> = requests
            .iter()
            .map(|r| query_param(r, "ClientToken"))
            .collect();
        assert_eq!(tokens.len(), 1, "one ClientToken for the logical call");
        assert!(tokens.iter().all(Option::is_some));
        for r in &requests {
            assert_eq!(action_of(r).as_deref(), Some("CreateDISyncTask"));
            assert!(r.header("user-agent").unwrap().starts_with("dataworks-di/"));
        }
    }
}

#[tokio::test]
async fn a_given_client_token_is_used_verbatim() {
    let fake = FakeTransport::new(|_| Ok(ok(r#"{"FileId":1}"#)));
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    let op = create_op().client_token("mine-1");
    c.call(&op).await.unwrap();
    assert_eq!(
        query_param(&fake.requests()[0], "ClientToken").as_deref(),
        Some("mine-1")
    );
}

#[tokio::test]
async fn two_logical_calls_get_two_tokens() {
    let fake = FakeTransport::new(|_| Ok(ok(r#"{"FileId":1}"#)));
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    c.call(&create_op()).await.unwrap();
    c.call(&create_op()).await.unwrap();
    let r = fake.requests();
    assert_ne!(
        query_param(&r[0], "ClientToken"),
        query_param(&r[1], "ClientToken")
    );
}

#[tokio::test]
async fn throttling_honours_the_retry_after_hint_in_virtual_time() {
    let throttled = || Ok(err(429, "Throttling.User").with_header("x-acs-retry-after", "1500"));
    let fake = failing_then(2, throttled, ok("{}"));
    let clk = clock();
    let c = client(&fake, clk.clone(), SignatureAlgorithm::Acs3HmacSha256);
    let delete = DeleteDISyncTask::new(1, TaskType::DiRealtime, 2);
    c.call(&delete).await.unwrap();
    assert_eq!(
        fake.requests().len(),
        3,
        "throttling is retried even for unsafe ops"
    );
    assert_eq!(clk.elapsed(), Duration::from_millis(3000));
}

#[tokio::test]
async fn backoff_is_full_jitter_within_the_ceilings() {
    let fake = failing_then(3, || Ok(err(500, "InternalError.System")), ok("{}"));
    let clk = clock();
    let c = client(&fake, clk.clone(), SignatureAlgorithm::Acs3HmacSha256);
    let get = GetDISyncTask::new(1, TaskType::DiRealtime, 2);
    c.call(&get).await.unwrap();
    assert_eq!(fake.requests().len(), 4);
    // Ceilings 100 + 200 + 400 ms.
    assert!(
        clk.elapsed() <= Duration::from_millis(700),
        "{:?}",
        clk.elapsed()
    );
}

#[tokio::test]
async fn an_ambiguous_failure_of_an_unsafe_mutation_is_not_retried() {
    for failure in [
        (|| Ok(err(500, "InternalError.System"))) as fn() -> Result<HttpResponse, TransportError>,
        || {
            Err(TransportError::new(
                TransportErrorKind::Timeout,
                "read timed out",
            ))
        },
        || {
            Err(TransportError::new(
                TransportErrorKind::Interrupted,
                "connection reset",
            ))
        },
    ] {
        let fake = failing_then(1, failure, ok("{}"));
        let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
        let delete = DeleteDISyncTask::new(1, TaskType::DiRealtime, 2);
        let e = c.call(&delete).await.unwrap_err();
        assert_eq!(fake.requests().len(), 1);
        assert_eq!(e.stopped, StopReason::UnsafeToRetry);
        assert!(e.maybe_applied());
        assert!(e.to_string().contains("may have applied"), "{e}");
    }
}

#[tokio::test]
async fn a_connect_error_is_retried_for_any_operation() {
    let fake = failing_then(
        2,
        || {
            Err(TransportError::new(
                TransportErrorKind::Connect,
                "connection refused",
            ))
        },
        ok("{}"),
    );
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    let delete = DeleteDISyncTask::new(1, TaskType::DiRealtime, 2);
    c.call(&delete).await.unwrap();
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_carry_the_service_details() {
    let fake = FakeTransport::new(|_| Ok(err(400, "Invalid.DI.Parameter")));
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    let e = c.call(&create_op()).await.unwrap_err();
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(e.stopped, StopReason::NotRetryable);
    assert_eq!(e.code(), Some("Invalid.DI.Parameter"));
    assert_eq!(e.request_id(), Some("req-400"));
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(e.action, "CreateDISyncTask");
}

#[tokio::test]
async fn attempts_run_out() {
    let fake = FakeTransport::new(|_| Ok(err(503, "ServiceUnavailable")));
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    let e = c.call(&create_op()).await.unwrap_err();
    assert_eq!(fake.requests().len(), 4);
    assert_eq!(e.attempts, 4);
    assert_eq!(e.stopped, StopReason::AttemptsExhausted);
}

#[tokio::test]
async fn a_hint_past_the_deadline_stops_the_call() {
    let fake = FakeTransport::new(|_| {
        Ok(err(429, "Throttling.User").with_header("x-acs-retry-after", "120000"))
    });
    let clk = clock();
    let c = client(&fake, clk.clone(), SignatureAlgorithm::Acs3HmacSha256);
    let e = c.call(&create_op()).await.unwrap_err();
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(e.stopped, StopReason::DeadlineReached);
    assert_eq!(clk.elapsed(), Duration::ZERO, "no pointless wait");
}

#[tokio::test(start_paused = true)]
async fn the_default_clock_waits_in_tokio_virtual_time() {
    let fake = failing_then(
        1,
        || Ok(err(429, "Throttling.User").with_header("x-acs-retry-after", "30000")),
        ok("{}"),
    );
    let c = Client::builder()
        .endpoint("https://fake.invalid")
        .credentials(Credentials::new("id", "secret"))
        .retry(policy())
        .transport(Arc::new(fake.clone()))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    c.call(&create_op()).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(30));
}

fn update_op(content: &str) -> UpdateDISyncTask {
    UpdateDISyncTask::new(10000, TaskType::DiRealtime, 5).task_content(content)
}

#[tokio::test]
async fn update_after_an_ambiguous_failure_is_confirmed_by_reading_back() {
    let new = r#"{"type":"job","version":"2.0","steps":[]}"#;
    let stored =
        serde_json::to_string(&serde_json::json!({"steps": [], "version": "2.0", "type": "job"}))
            .unwrap();
    let fake = FakeTransport::new(move |req| {
        match action_of(req).as_deref() {
            // The update was applied, but the answer was lost.
            Some("UpdateDISyncTask") => Ok(err(500, "InternalError.System")),
            Some("GetDISyncTask") => Ok(ok(&serde_json::json!({"Code": stored}).to_string())),
            other => panic!("unexpected {other:?}"),
        }
    });
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    let outcome = c.update_task(&update_op(new)).await.unwrap();
    assert!(outcome.confirmed_by_read_back);
    let actions: Vec<_> = fake.requests().iter().filter_map(action_of).collect();
    assert_eq!(actions, ["UpdateDISyncTask", "GetDISyncTask"]);
}

#[tokio::test]
async fn update_not_applied_is_sent_again() {
    let updates = Arc::new(AtomicU32::new(0));
    let seen = updates.clone();
    let fake = FakeTransport::new(move |req| match action_of(req).as_deref() {
        Some("UpdateDISyncTask") => {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    "timed out",
                ))
            } else {
                Ok(ok(r#"{"Status":"success"}"#))
            }
        }
        Some("GetDISyncTask") => Ok(ok(r#"{"Code":"{\"old\":true}"}"#)),
        other => panic!("unexpected {other:?}"),
    });
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    let outcome = c.update_task(&update_op(r#"{"new":true}"#)).await.unwrap();
    assert!(!outcome.confirmed_by_read_back);
    assert_eq!(outcome.status.as_deref(), Some("success"));
    let actions: Vec<_> = fake.requests().iter().filter_map(action_of).collect();
    assert_eq!(
        actions,
        ["UpdateDISyncTask", "GetDISyncTask", "UpdateDISyncTask"]
    );
}

#[tokio::test]
async fn update_without_content_is_not_retried_after_an_ambiguous_failure() {
    let fake = FakeTransport::new(|_| Ok(err(502, "BadGateway")));
    let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
    let op = UpdateDISyncTask::new(10000, TaskType::DiRealtime, 5)
        .task_param(r#"{"ResourceGroup":"g"}"#);
    let e = c.update_task(&op).await.unwrap_err();
    assert!(e.maybe_applied());
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn signature_mismatch_shows_both_strings_and_the_first_difference() {
    let fake = FakeTransport::new(|req: &HttpRequest| {
        let theirs = "POST&%2F&AccessKeyId%3Dtest-id%26Action%3DGetDISyncTask%26X";
        let _ = req;
        Ok(HttpResponse::new(
            400,
            serde_json::json!({
                "RequestId": "req-sig",
                "Code": "SignatureDoesNotMatch",
                "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{theirs}")
            })
            .to_string(),
        ))
    });
    let c = client(&fake, clock(), SignatureAlgorithm::RpcV1HmacSha1);
    let get = GetDISyncTask::new(1, TaskType::DiRealtime, 2);
    let e = c.call(&get).await.unwrap_err();
    assert_eq!(fake.requests().len(), 1);
    let CallErrorKind::SignatureMismatch { comparison, .. } = &e.kind else {
        panic!("{e}");
    };
    assert!(
        comparison
            .ours
            .starts_with("POST&%2F&AccessKeyId%3Dtest-id%26Action%3DGetDISyncTask")
    );
    let d = comparison.first_difference.unwrap();
    assert_eq!(
        d.offset,
        "POST&%2F&AccessKeyId%3Dtest-id%26Action%3DGetDISyncTask%26".len()
    );
    let text = e.to_string();
    assert!(
        text.contains("our string to sign") && text.contains("service string to sign"),
        "{text}"
    );
    assert!(!text.contains("test-secret"));
}

#[tokio::test]
async fn malformed_answers_are_errors_not_panics() {
    for body in ["", "not json", "{\"Data\": 5}", "[1,2]"] {
        let fake = FakeTransport::new(move |_| Ok(HttpResponse::new(200, body)));
        let c = client(&fake, clock(), SignatureAlgorithm::Acs3HmacSha256);
        let get = GetDISyncTask::new(1, TaskType::DiRealtime, 2);
        match c.call(&get).await {
            Ok(_) => {}
            Err(e) => assert!(
                matches!(e.kind, CallErrorKind::Malformed { .. }),
                "{body}: {e}"
            ),
        }
    }
}

#[tokio::test]
async fn no_debug_output_or_error_contains_the_secret_or_token() {
    let fake = FakeTransport::new(|_| Ok(err(500, "InternalError.System")));
    let c = Client::builder()
        .endpoint("https://fake.invalid")
        .credentials(Credentials::new("test-id", "s3cr3t-value").with_security_token("t0k3n-value"))
        .signature(SignatureAlgorithm::RpcV1HmacSha1)
        .retry(RetryPolicy::none())
        .transport(Arc::new(fake.clone()))
        .build()
        .unwrap();
    let e = c.call(&create_op()).await.unwrap_err();
    let wf = dataworks_workflow::Workflow::new(c.clone());
    for text in [
        format!("{c:?}"),
        format!("{wf:?}"),
        format!("{e:?}"),
        e.to_string(),
        format!("{:?}", fake.requests()),
    ] {
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(!text.contains("t0k3n-value"), "{text}");
    }
}
