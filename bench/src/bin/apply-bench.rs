//! `apply` and `plan` of many real-time tasks against the in-process emulator: wall time
//! against its lower bound max(requests / rate, longest chain), requests per task, throttled
//! answers, peak memory (VmHWM of this process, emulator included).
//!
//! ```sh
//! cargo run --release -p dataworks-bench --bin apply-bench -- --tasks 100 --delay-ms 2000 --rate 20
//! cargo run --release -p dataworks-bench --bin apply-bench -- --tasks 500 --delay-ms 2000 --rate 20 --skip-update
//! ```

use std::time::{Duration, Instant};

use dataworks_emulator::Emulator;
use dataworks_project::{Desired, DesiredTask, Lifecycle, PlanOptions, Target, plan};
use dataworks_signer::Credentials;
use dataworks_taskparam::{HologresWriter, MysqlReader, TaskParam};
use dataworks_wire::TaskType;
use dataworks_workflow::RateLimit;
use dataworks_workflow::apply::{ApplyOptions, TaskStatus, execute, observe};
use dataworks_workflow::{Client, Workflow};

const ID: &str = "bench-id";
const SECRET: &str = "bench-secret";
const FOLDER: &str = "Workflow/bench";

fn desired(tasks: usize, tables: &[&str]) -> Desired {
    let document = |i: usize| {
        TaskParam::realtime()
            .resource_group("S_res_group_1")
            .reader(
                MysqlReader::datasource("mysql_pub1")
                    .selected_tables(format!("shop{i}"), tables.iter().copied()),
            )
            .writer(HologresWriter::datasource("holo_dw"))
            .build()
            .expect("a valid param")
            .to_value()
    };
    Desired {
        target: Target {
            environment: "bench".into(),
            workspace: 10000,
            region: None,
            endpoint: None,
            profile: None,
            rate_limit: None,
        },
        folders: vec![FOLDER.into()],
        tasks: (0..tasks)
            .map(|i| DesiredTask {
                name: format!("task_{i:04}"),
                folder: FOLDER.into(),
                task_type: TaskType::DiRealtime,
                resource_group: None,
                document: document(i),
                lifecycle: Lifecycle::Running,
                start: None,
            })
            .collect(),
    }
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tasks: usize = dataworks_bench::flag("--tasks", 100);
    let delay = Duration::from_millis(dataworks_bench::flag("--delay-ms", 2000));
    let rate: f64 = dataworks_bench::flag("--rate", 20.0);
    let concurrency: usize = dataworks_bench::flag("--concurrency", tasks);
    // The emulator's own limit (`dwdi emulator --rate-limit`), 0 for none: requests beyond it
    // are answered 429 `Throttling.User`, as the service does.
    let emulator_rate: u32 = dataworks_bench::flag("--emulator-rate", 0);
    let emulator = || {
        let builder = Emulator::builder()
            .credentials(ID, SECRET)
            .processing_delay(delay);
        if emulator_rate > 0 {
            builder.rate_limit(emulator_rate)
        } else {
            builder
        }
    };
    let emu = emulator().start().await.expect("the emulator starts");
    // One budget for reads and writes together, as the emulator's (and a Basic edition's) limit.
    let limit = RateLimit::new(rate, rate).total_per_second(rate);
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .rate_limit(limit)
        .build()
        .expect("a client");
    let workflow = Workflow::new(client.clone());
    let options = ApplyOptions::default()
        .concurrency(concurrency)
        .wait_limit(Duration::from_secs(600));

    // apply: create, deploy, start and wait for every task.
    let want = desired(tasks, &["orders"]);
    let before = emu.inspect().request_count();
    let started = Instant::now();
    let observed = observe(&client, &want, concurrency).await.expect("observe");
    let first = plan(&want, &observed, PlanOptions::default());
    let report = execute(&workflow, 10000, &first, &want.tasks, options, |_| {}).await;
    let apply_time = started.elapsed();
    let apply_requests = emu.inspect().request_count() - before;
    let failed: Vec<&String> = report
        .tasks
        .iter()
        .filter(|t| t.status != TaskStatus::Done)
        .map(|t| &t.task)
        .collect();
    // One task alone: the longest chain's waits.
    let single = desired(1, &["orders"]);
    let emu_single = emulator().start().await.expect("the emulator starts");
    let single_client = Client::builder()
        .endpoint(emu_single.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .rate_limit(limit)
        .build()
        .expect("a client");
    let t = Instant::now();
    let p = plan(&single, &[], PlanOptions::default());
    execute(
        &Workflow::new(single_client),
        10000,
        &p,
        &single.tasks,
        options,
        |_| {},
    )
    .await;
    let chain = t.elapsed();
    let bound = (apply_requests as f64 / rate).max(chain.as_secs_f64());
    println!(
        "apply {tasks} tasks: {:.1}s, {apply_requests} requests ({:.1}/task), bound max({:.1}s, chain {:.1}s) → ratio {:.2}; failed {}; throttled by the emulator {}",
        apply_time.as_secs_f64(),
        apply_requests as f64 / tasks as f64,
        apply_requests as f64 / rate,
        chain.as_secs_f64(),
        apply_time.as_secs_f64() / bound,
        failed.len(),
        emu.stats().rate_limited
    );

    // no-op plan over the same tasks.
    let before = emu.inspect().request_count();
    let t = Instant::now();
    let observed = observe(&client, &want, concurrency).await.expect("observe");
    let again = plan(&want, &observed, PlanOptions::default());
    let plan_time = t.elapsed();
    let plan_requests = emu.inspect().request_count() - before;
    println!(
        "plan {tasks} tasks (no changes: {}): {:.1}s, {plan_requests} requests ({:.2}/task), bound {:.1}s → ratio {:.2}",
        !again.has_changes(),
        plan_time.as_secs_f64(),
        plan_requests as f64 / tasks as f64,
        plan_requests as f64 / rate,
        plan_time.as_secs_f64() / (plan_requests as f64 / rate)
    );

    // update: one table added to every task (running: stop, update, deploy, start).
    if std::env::args().any(|a| a == "--skip-update") {
        println!(
            "peak memory (VmHWM, client and emulator in one process): {} MiB",
            peak_memory_kib().unwrap_or(0) / 1024
        );
        return;
    }
    let want = desired(tasks, &["orders", "refunds"]);
    let second = plan(&want, &observed, PlanOptions::default());
    let before = emu.inspect().request_count();
    let t = Instant::now();
    let report = execute(&workflow, 10000, &second, &want.tasks, options, |_| {}).await;
    let requests = emu.inspect().request_count() - before;
    println!(
        "update {tasks} tasks: {:.1}s, {requests} requests ({:.1}/task), failed {}",
        t.elapsed().as_secs_f64(),
        requests as f64 / tasks as f64,
        report.failed()
    );
    println!(
        "peak memory (VmHWM, client and emulator in one process): {} MiB",
        peak_memory_kib().unwrap_or(0) / 1024
    );
}
