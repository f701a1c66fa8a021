//! The transport's hardening rules against loopback servers that misbehave: plain HTTP only
//! to loopback unless allowed (checked before any connection), a cap on the response body
//! (an endless 200 body, a body that declares too much), and every attempt bounded as a whole
//! (a body dripping one byte a second, an answer that never comes). The limits are set short
//! so each test ends in about a second whatever the machine's load: the misbehaving servers
//! never finish, so only the limit under test can end the call.

use std::sync::Arc;
use std::time::Duration;

use dataworks_signer::Credentials;
use dataworks_wire::{GetDISyncTask, TaskType};
use dataworks_workflow::EndpointError;
use dataworks_workflow::testing::FakeTransport;
use dataworks_workflow::transport::{DEFAULT_MAX_RESPONSE_BYTES, TransportErrorKind};
use dataworks_workflow::transport::{HttpResponse, Timeouts};
use dataworks_workflow::{
    CallError, CallErrorKind, Client, ClientBuildError, ClientBuilder, RetryPolicy, StopReason,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a misbehaving server does once it has read the request head.
#[derive(Clone, Copy)]
enum Misbehaviour {
    /// `200 OK` with no length, then zeros until the client hangs up.
    EndlessBody,
    /// `200 OK` declaring 10 GiB, then nothing.
    HugeDeclaredLength,
    /// `200 OK` declaring 1,000 bytes, then one byte a second.
    Drip,
    /// Reads the request and never answers.
    Silent,
}

/// Starts a server on 127.0.0.1 (ephemeral port) that answers every connection with
/// `behaviour`; returns its endpoint. It lives as long as the test's runtime.
async fn misbehaving_server(behaviour: Misbehaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, behaviour));
        }
    });
    endpoint
}

async fn serve(mut stream: TcpStream, behaviour: Misbehaviour) {
    // Read up to the end of the request head (the bodies sent here are empty).
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let status = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n";
    match behaviour {
        Misbehaviour::EndlessBody => {
            let headers = format!("{status}connection: close\r\n\r\n");
            if stream.write_all(headers.as_bytes()).await.is_err() {
                return;
            }
            let zeros = vec![b'0'; 64 * 1024];
            while stream.write_all(&zeros).await.is_ok() {}
        }
        Misbehaviour::HugeDeclaredLength => {
            let headers = format!("{status}content-length: {}\r\n\r\n", 10u64 << 30);
            let _ = stream.write_all(headers.as_bytes()).await;
            std::future::pending::<()>().await;
        }
        Misbehaviour::Drip => {
            let headers = format!("{status}content-length: 1000\r\n\r\n{{");
            if stream.write_all(headers.as_bytes()).await.is_err() {
                return;
            }
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if stream.write_all(b" ").await.is_err() {
                    return;
                }
            }
        }
        Misbehaviour::Silent => std::future::pending::<()>().await,
    }
}

fn builder(endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::new("test-id", "test-secret"))
}

fn one_attempt(deadline: Duration) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(1)
        .base(Duration::from_millis(10))
        .cap(Duration::from_millis(10))
        .deadline(deadline)
}

async fn get(client: &Client) -> CallError {
    client
        .call(&GetDISyncTask::new(10000, TaskType::DiRealtime, 1))
        .await
        .expect_err("a misbehaving server gives no answer")
}

fn transport_error(error: &CallError) -> (TransportErrorKind, String) {
    match &error.kind {
        CallErrorKind::Transport(e) => (e.kind, error.to_string()),
        other => panic!("expected a transport error, got {other}"),
    }
}

#[test]
fn plain_http_to_a_host_that_is_not_loopback_is_refused_before_any_connection() {
    // A fake transport records anything sent; a reserved `.invalid` host could not be
    // resolved anyway.
    let fake = FakeTransport::new(|_| Ok(HttpResponse::new(500, "")));
    let error = builder("http://dataworks.example.invalid:8080")
        .transport(Arc::new(fake.clone()))
        .build()
        .expect_err("plain HTTP to a remote host is refused");
    assert!(
        matches!(
            &error,
            ClientBuildError::Endpoint(EndpointError::InsecureHttp { endpoint })
                if endpoint == "http://dataworks.example.invalid:8080"
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains("not a loopback address"), "{text}");
    assert!(text.contains("https://"), "{text}");
    assert!(text.contains("allow_insecure_http"), "{text}");
    assert!(fake.requests().is_empty());

    // Allowed explicitly, it builds (the fake would carry the calls); HTTPS always builds.
    builder("http://dataworks.example.invalid:8080")
        .allow_insecure_http(true)
        .transport(Arc::new(fake.clone()))
        .build()
        .expect("allowed explicitly");
    builder("https://dataworks.example.invalid")
        .transport(Arc::new(fake))
        .build()
        .expect("https is always allowed");
}

#[tokio::test]
async fn plain_http_to_loopback_is_allowed_by_default() {
    let endpoint = misbehaving_server(Misbehaviour::Silent).await;
    let client = builder(&endpoint)
        .build()
        .expect("loopback may be plain HTTP");
    assert!(client.endpoint().is_loopback());
}

#[tokio::test]
async fn an_endless_body_stops_at_the_size_limit() {
    let endpoint = misbehaving_server(Misbehaviour::EndlessBody).await;
    let client = builder(&endpoint)
        .retry(one_attempt(Duration::from_secs(120)))
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let error = get(&client).await;
    let (kind, text) = transport_error(&error);
    assert_eq!(kind, TransportErrorKind::TooLarge, "{text}");
    assert!(text.contains("limit of 1048576 bytes"), "{text}");
    assert!(text.contains("went on past"), "{text}");
    assert_eq!(error.stopped, StopReason::NotRetryable, "{text}");
}

#[tokio::test]
async fn a_body_declaring_more_than_the_limit_is_refused_unread() {
    let endpoint = misbehaving_server(Misbehaviour::HugeDeclaredLength).await;
    // The default limit, and a policy that would retry: too large is not retried.
    let client = builder(&endpoint).build().unwrap();
    let error = get(&client).await;
    let (kind, text) = transport_error(&error);
    assert_eq!(kind, TransportErrorKind::TooLarge, "{text}");
    assert!(text.contains("declares 10737418240 bytes"), "{text}");
    assert!(
        text.contains(&format!("limit of {DEFAULT_MAX_RESPONSE_BYTES} bytes")),
        "{text}"
    );
    assert_eq!(error.attempts, 1);
}

#[tokio::test]
async fn a_dripping_body_is_cut_by_the_attempt_limit() {
    let endpoint = misbehaving_server(Misbehaviour::Drip).await;
    let client = builder(&endpoint)
        .retry(one_attempt(Duration::from_secs(120)))
        .attempt_timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    let error = get(&client).await;
    let (kind, text) = transport_error(&error);
    assert_eq!(kind, TransportErrorKind::Timeout, "{text}");
    assert!(
        text.contains("the attempt took longer than its limit of 1.5s"),
        "{text}"
    );
    assert!(text.contains("connect, headers and body"), "{text}");
}

#[tokio::test]
async fn an_answer_that_never_comes_ends_at_the_call_deadline() {
    let endpoint = misbehaving_server(Misbehaviour::Silent).await;
    // Read timeout far away and five attempts allowed: only the deadline can end the call.
    let client = builder(&endpoint)
        .timeouts(
            Timeouts::default()
                .connect(Duration::from_secs(5))
                .read(Duration::from_secs(3600)),
        )
        .retry(
            RetryPolicy::default()
                .max_attempts(5)
                .base(Duration::from_millis(10))
                .cap(Duration::from_millis(10))
                .deadline(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    let error = get(&client).await;
    let (kind, text) = transport_error(&error);
    assert_eq!(kind, TransportErrorKind::Timeout, "{text}");
    assert!(
        text.contains("the call's deadline was reached during the attempt"),
        "{text}"
    );
    assert_eq!(error.stopped, StopReason::DeadlineReached, "{text}");
}
