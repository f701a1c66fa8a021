//! Bounded memory under hostile input (issue 7): the peak resident memory of this process
//! (which runs the emulator in-process) while the emulator receives a body far over its
//! limit, a 10 GB declared length, a 100,000-deep document and a document with 60,000
//! tables. The peak is reset before each case (`/proc/self/clear_refs`, Linux), so each
//! figure is that case's own.
//!
//! One test function in its own binary: no other test shares the process's memory figures.

#![cfg(target_os = "linux")]

mod reliability_support;

use std::time::Duration;

use dataworks_emulator::{DEFAULT_MAX_BODY_BYTES, Emulator};
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use dataworks_taskparam::{HologresWriter, MysqlReader, TaskContent, TaskParam, WriteMode};
use dataworks_workflow::transport::ReqwestTransport;
use dataworks_workflow::transport::{HttpRequest, Timeouts, Transport};
use reliability_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MIB: u64 = 1024 * 1024;

/// `VmRSS` and `VmHWM` (peak) of this process, bytes.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap()
            * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak to the current RSS.
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}

/// Runs `case` and returns how far the peak rose above the RSS before it.
async fn peak_growth<F: Future<Output = ()>>(case: F) -> u64 {
    reset_peak();
    let (before, _) = memory();
    case.await;
    let (_, peak) = memory();
    peak.saturating_sub(before)
}

async fn signed_create(emu: &Emulator, http: &dyn Transport, name: &str, content: &str) -> u16 {
    let request = RpcRequest::new(
        "CreateDISyncTask",
        "2020-05-18",
        emu.local_addr().to_string(),
    )
    .query_param("ProjectId", "10000")
    .query_param("TaskType", "DI_REALTIME")
    .query_param("TaskName", name)
    .form_param("TaskContent", content);
    let params = SigningParams::new(
        SignatureAlgorithm::Acs3HmacSha256,
        dataworks_signer::now_utc(),
        dataworks_signer::random_nonce(),
    );
    let signed = sign_request(&request, &Credentials::new(ID, SECRET), &params).unwrap();
    http.send(HttpRequest {
        method: signed.method,
        url: format!("{}{}", emu.endpoint(), signed.path_and_query),
        headers: signed.headers,
        body: signed.body,
    })
    .await
    .unwrap()
    .status
}

/// Declares `declared` bytes of body and streams up to `send` bytes of it in 64 KiB
/// chunks (stopping when the server closes); returns the status line's code.
async fn stream_body(emu: &Emulator, declared: u64, send: u64) -> u16 {
    let stream = TcpStream::connect(emu.local_addr()).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let reader = tokio::spawn(async move {
        let mut out = Vec::new();
        let _ = read.read_to_end(&mut out).await;
        out
    });
    let head = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {declared}\r\n\r\n"
    );
    let _ = write.write_all(head.as_bytes()).await;
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0u64;
    while sent < send {
        if write.write_all(&chunk).await.is_err() {
            break;
        }
        sent += chunk.len() as u64;
    }
    drop(write);
    let answer = reader.await.unwrap();
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_use_bounded_memory() {
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .start()
        .await
        .unwrap();
    let http = ReqwestTransport::new(
        Timeouts::default()
            .connect(Duration::from_secs(5))
            .read(Duration::from_secs(300)),
    )
    .unwrap();
    // Warm up the server, the pools and the validator before measuring.
    assert_eq!(signed_create(&emu, &http, "warm", "{}").await, 400);

    // Prepared before the measurements, so they count the server's memory, not ours.
    let deep = "[".repeat(100_000);
    let tables: Vec<String> = (0..10_000).map(|i| format!("t{i:05}")).collect();
    let param = TaskParam::realtime()
        .resource_group("S_res_group_1")
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", tables))
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .unwrap();
    let huge = TaskContent::from_realtime_param(&param).to_json();

    let mut status = 0;
    let streamed = peak_growth(async {
        status = stream_body(&emu, 1 << 30, 64 * MIB).await;
    })
    .await;
    assert_eq!(status, 413, "a 1 GiB body is refused");

    let declared = peak_growth(async {
        status = stream_body(&emu, 10_000_000_000, 0).await;
    })
    .await;
    assert_eq!(status, 413, "a declared 10 GB body is refused at once");

    let nested = peak_growth(async {
        status = signed_create(&emu, &http, "deep", &deep).await;
    })
    .await;
    assert_eq!(status, 400);

    let big_doc = peak_growth(async {
        status = signed_create(&emu, &http, "huge", &huge).await;
    })
    .await;
    assert_eq!(status, 200, "a valid 10,000-table TaskContent is stored");

    println!(
        "reliability_memory: peak RSS growth: 64 MiB streamed of a 1 GiB body {:.1} MiB; \
         10 GB declared {:.1} MiB; 100k-deep document {:.1} MiB; {:.1} MB document with \
         10,000 tables {:.1} MiB",
        streamed as f64 / MIB as f64,
        declared as f64 / MIB as f64,
        nested as f64 / MIB as f64,
        huge.len() as f64 / 1e6,
        big_doc as f64 / MIB as f64,
    );
    let limit = DEFAULT_MAX_BODY_BYTES as u64;
    assert!(streamed < 4 * limit, "streamed body: {streamed} bytes");
    assert!(declared < 16 * MIB, "declared body: {declared} bytes");
    assert!(nested < 16 * MIB, "deep nesting: {nested} bytes");
    // Parsing, validating and storing a document costs a bounded multiple of its size.
    assert!(
        big_doc < 40 * huge.len() as u64,
        "large document: {big_doc} bytes"
    );
    emu.shutdown().await.unwrap();
}
