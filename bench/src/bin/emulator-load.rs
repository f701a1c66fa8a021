//! The emulator under load, as a separate `dwdi emulator` process on loopback: signed
//! requests per second and latency percentiles at C concurrent clients, for reads
//! (`GetDISyncTask`) and writes (`CreateDISyncTask`, each committed to SQLite before the
//! answer), and the process's memory once it holds T tasks.
//!
//! `emulator-load --dwdi PATH [--clients 64] [--seconds 10] [--tasks 10000] [--memory]`
//! (`--memory`: state in memory instead of a data dir). One JSON line per measurement.
//! Every request is signed afresh (ACS3) and verified by the emulator.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dataworks_bench::{flag, flag_str, percentile, task_content};
use dataworks_signer::Credentials;
use dataworks_wire::{CreateDISyncTask, GetDISyncTask, TaskType};
use dataworks_workflow::transport::ReqwestTransport;
use dataworks_workflow::transport::{Timeouts, Transport};
use dataworks_workflow::{Client, RateLimit, RetryPolicy};
use serde_json::json;

const ID: &str = "bench-id";
const SECRET: &str = "bench-secret";

fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn report(what: &str, clients: usize, done: usize, elapsed: Duration, latencies: &mut [Duration]) {
    println!(
        "{}",
        json!({
            "measure": what,
            "clients": clients,
            "requests": done,
            "seconds": (elapsed.as_secs_f64() * 100.0).round() / 100.0,
            "per_sec": (done as f64 / elapsed.as_secs_f64()).round(),
            "p50_ms": (percentile(latencies, 50.0).as_secs_f64() * 1e5).round() / 100.0,
            "p99_ms": (percentile(latencies, 99.0).as_secs_f64() * 1e5).round() / 100.0,
            "max_ms": (percentile(latencies, 100.0).as_secs_f64() * 1e5).round() / 100.0,
        })
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dwdi = flag_str("--dwdi").expect("--dwdi PATH");
    let clients: usize = flag("--clients", 64);
    let seconds: f64 = flag("--seconds", 10.0);
    let tasks: usize = flag("--tasks", 10_000);
    let in_memory = std::env::args().any(|a| a == "--memory");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut cmd = Command::new(&dwdi);
    cmd.args([
        "emulator",
        "--listen",
        "127.0.0.1:0",
        "--processing-delay",
        "0s",
    ])
    .args(["--access-key-id", ID, "--access-key-secret", SECRET])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    if !in_memory {
        cmd.arg("--data-dir").arg(dir.path());
    }
    let mut child = cmd.spawn().expect("dwdi starts");
    let pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let endpoint = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("endpoint: ").map(str::to_owned))
        .expect("the endpoint line");
    std::thread::spawn(move || for _ in lines {});
    println!(
        "{}",
        json!({"measure": "start", "state": if in_memory { "memory" } else { "data dir (WAL, synchronous=FULL)" },
               "rss_kb": status_kb(pid, "VmRSS:")})
    );

    let transport: Arc<dyn Transport> = Arc::new(
        ReqwestTransport::new(
            Timeouts::default()
                .connect(Duration::from_secs(5))
                .read(Duration::from_secs(60)),
        )
        .expect("transport"),
    );
    let client = Client::builder()
        .endpoint(endpoint.clone())
        .credentials(Credentials::new(ID, SECRET))
        .rate_limit(RateLimit::unlimited()) // measures the emulator, not the budget
        .retry(RetryPolicy::none())
        .transport(transport)
        .build()
        .expect("client");
    let content = task_content(2).to_json();

    // Writes: C clients create tasks until there are T.
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, next, content) = (client.clone(), next.clone(), content.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= tasks {
                    break;
                }
                let t = Instant::now();
                let answer = client
                    .call(
                        &CreateDISyncTask::new(10000, TaskType::DiRealtime, content.clone())
                            .task_name(format!("load_{i:06}")),
                    )
                    .await
                    .expect("create succeeds");
                latencies.push(t.elapsed());
                ids.extend(answer.data.and_then(|d| d.file_id));
            }
            (latencies, ids)
        }));
    }
    let mut latencies = Vec::new();
    let mut ids = Vec::new();
    for w in workers {
        let (l, i) = w.await.expect("worker");
        latencies.extend(l);
        ids.extend(i);
    }
    let elapsed = start.elapsed();
    report(
        "CreateDISyncTask (write, committed before the answer)",
        clients,
        latencies.len(),
        elapsed,
        &mut latencies,
    );
    println!(
        "{}",
        json!({"measure": "memory", "tasks": ids.len(), "content_bytes": content.len(),
               "rss_kb": status_kb(pid, "VmRSS:"), "peak_rss_kb": status_kb(pid, "VmHWM:")})
    );

    // Reads: C clients read random tasks for the given time.
    let ids = Arc::new(ids);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut workers = Vec::new();
    for w in 0..clients {
        let (client, ids) = (client.clone(), ids.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut k = w * 7919;
            while Instant::now() < deadline {
                k = k.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let file_id = ids[k % ids.len()];
                let t = Instant::now();
                client
                    .call(&GetDISyncTask::new(10000, TaskType::DiRealtime, file_id))
                    .await
                    .expect("get succeeds");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.expect("worker"));
    }
    let elapsed = start.elapsed();
    report(
        "GetDISyncTask (read)",
        clients,
        latencies.len(),
        elapsed,
        &mut latencies,
    );
    println!(
        "{}",
        json!({"measure": "memory after reads", "tasks": ids.len(),
               "rss_kb": status_kb(pid, "VmRSS:"), "peak_rss_kb": status_kb(pid, "VmHWM:")})
    );
    let _ = child.kill();
    let _ = child.wait();
}
