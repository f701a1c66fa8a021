//! Rough throughput of the emulator over loopback HTTP (sequential, one client):
//! `cargo run --release -p dataworks-emulator --example throughput`.
//!
//! Prints requests per second for a read (GetDISyncTask) and a durable write
//! (CreateDISyncTask, committed with fsync before the answer), in memory and on disk.

use std::time::Instant;

use dataworks_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};
use dataworks_signer::{Credentials, SignatureAlgorithm, now_utc, random_nonce};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};

const JOB: &str = include_str!("../tests/data/batch-job.json");

async fn call(http: &reqwest::Client, endpoint: &str, req: RpcRequest) -> u16 {
    let creds = Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET);
    let params = SigningParams::new(
        SignatureAlgorithm::Acs3HmacSha256,
        now_utc(),
        random_nonce(),
    );
    let signed = sign_request(&req, &creds, &params).expect("signable");
    let mut b = http.post(signed.url(endpoint));
    for (k, v) in &signed.headers {
        if k != "host" {
            b = b.header(k.as_str(), v.as_str());
        }
    }
    let resp = b.body(signed.body).send().await.expect("answer");
    let status = resp.status().as_u16();
    let _ = resp.bytes().await;
    status
}

async fn measure(label: &str, emu: &Emulator, n: usize) {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let endpoint = emu.endpoint();
    let host = endpoint.trim_start_matches("http://").to_string();
    let start = Instant::now();
    for i in 0..n {
        let req = RpcRequest::new("CreateDISyncTask", "2020-05-18", host.clone())
            .query_param("ProjectId", "10000")
            .query_param("TaskType", "DI_OFFLINE")
            .query_param("TaskName", format!("t{i}"))
            .form_param("TaskContent", JOB);
        assert_eq!(call(&http, &endpoint, req).await, 200);
    }
    let writes = n as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    for i in 0..n {
        let req = RpcRequest::new("GetDISyncTask", "2020-05-18", host.clone())
            .query_param("ProjectId", "10000")
            .query_param("TaskType", "DI_OFFLINE")
            .query_param("FileId", (1000 + i).to_string());
        assert_eq!(call(&http, &endpoint, req).await, 200);
    }
    let reads = n as f64 / start.elapsed().as_secs_f64();
    println!(
        "{label}: CreateDISyncTask {writes:.0} req/s, GetDISyncTask {reads:.0} req/s ({n} each, sequential)"
    );
}

#[tokio::main]
async fn main() {
    let n = 500;
    let emu = Emulator::builder().start().await.expect("start");
    measure("in memory", &emu, n).await;
    emu.shutdown().await.expect("stop");
    let dir = tempfile::tempdir().expect("tempdir");
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .expect("start");
    measure("on disk (WAL, synchronous=FULL)", &emu, n).await;
    emu.shutdown().await.expect("stop");
}
