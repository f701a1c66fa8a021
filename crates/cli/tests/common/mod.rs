//! Running the built `dwdi` against an emulator started in-process, with the test
//! credentials in the environment and an empty home.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use dataworks_emulator::Emulator;
use dataworks_signer::Credentials;
use dataworks_taskparam::{HologresWriter, MysqlReader, TaskParam, WriteMode};
use dataworks_wire::{CreateDISyncTask, TaskType};
use dataworks_workflow::{Client, CreateRequest, PollPolicy, RateLimit, Workflow};
use serde_json::Value;

pub const ID: &str = "cli-test-id";
pub const SECRET: &str = "cli-test-secret";
pub const PROJECT: i64 = 10000;

/// An emulator on 127.0.0.1:0 with the test credentials and a processing delay.
pub async fn emulator(delay: Duration) -> Emulator {
    Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(delay)
        .start()
        .await
        .unwrap()
}

/// An emulator whose clock moves only when the returned client's virtual clock sleeps, so
/// set-up runs in virtual time and the emulator then stands still while `dwdi` runs.
pub async fn emulator_in_virtual_time(delay: Duration) -> (Emulator, Client) {
    let (emu_clock, clock) = dataworks_test_support::linked_clocks();
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(delay)
        .clock(emu_clock)
        .start()
        .await
        .unwrap();
    let client = client_builder(&emu).clock(clock).build().unwrap();
    (emu, client)
}

fn client_builder(emu: &Emulator) -> dataworks_workflow::ClientBuilder {
    Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .rate_limit(RateLimit::unlimited())
}

/// A client of the emulator (for setting up and checking).
pub fn client(emu: &Emulator) -> Client {
    client_builder(emu).build().unwrap()
}

/// Creates a task named `name` in `folder` selecting `tables` of MySQL `shop`: a real-time
/// task or solution (→ Hologres) through the workflow, a batch job (→ MaxCompute, the first
/// table) directly. Returns its file id.
pub async fn create_task(
    client: &Client,
    task_type: TaskType,
    name: &str,
    folder: &str,
    tables: &[String],
) -> i64 {
    if task_type == TaskType::DiOffline {
        let table = tables.first().map_or("orders", String::as_str);
        let job = serde_json::json!({
            "type": "job", "version": "2.0",
            "steps": [
                {"stepType": "mysql", "parameter": {"datasource": "mysql_pub1", "column": ["id"], "connection": [{"datasource": "mysql_pub1", "table": [table]}]}, "name": "Reader", "category": "reader"},
                {"stepType": "odps", "parameter": {"datasource": "odps_first", "table": table, "column": ["id"], "partition": "pt=${bizdate}"}, "name": "Writer", "category": "writer"}
            ],
            "setting": {"speed": {"concurrent": 2}},
            "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
        });
        let answer = client
            .call(
                &CreateDISyncTask::new(PROJECT, task_type, job.to_string())
                    .task_name(name.to_owned())
                    .task_param(serde_json::json!({ "FileFolderPath": folder }).to_string()),
            )
            .await
            .unwrap();
        return answer.data.unwrap().file_id.unwrap();
    }
    let param = TaskParam::realtime()
        .resource_group("S_res_group_cli")
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", tables.to_vec()))
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .unwrap();
    Workflow::new(client.clone())
        .with_poll_policy(PollPolicy::default().max_wait(Duration::from_secs(600)))
        .create(CreateRequest::new(PROJECT, task_type, name, param).folder(folder))
        .await
        .unwrap()
        .file_id
}

/// `n` table names, `table_0000`, `table_0001`, … (a large real-time selection).
pub fn numbered_tables(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("table_{i:04}")).collect()
}

/// Table names.
pub fn tables(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Runs `dwdi --endpoint <emulator> ARGS` with the test credentials and `home` as HOME.
pub async fn dwdi(emu: &Emulator, home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
    cmd.arg("--endpoint")
        .arg(emu.endpoint())
        .args(args)
        .env("HOME", home);
    for (k, _) in std::env::vars() {
        if k.starts_with("ALIBABA_CLOUD_") || k.starts_with("DWDI_") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// The exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// Stdout as one JSON document.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
