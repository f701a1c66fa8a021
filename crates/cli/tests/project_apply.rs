//! `dwdi plan` and `dwdi apply` as the built binary against emulators started in-process:
//! create / update / none per task kind, drift undone, faults, kill -9 and re-run, dev → prod,
//! a saved plan refused after an out-of-band change, replace refused without its flag, prune.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use dataworks_emulator::{Emulator, Faults};
use serde_json::Value;

const ID: &str = "project-test-id";
const SECRET: &str = "project-test-secret";
const FOLDER: &str = "Workflow/sales/Data Integration";

fn realtime(tables: &[&str], writer: &str) -> String {
    let infos: Vec<String> = tables
        .iter()
        .map(|t| format!("{{\"table\": \"{t}\"}}"))
        .collect();
    let (step_type, task_type, extra) = match writer {
        "holo" => ("holo", "oneclick_to_holo", r#", "writeMode": "replay""#),
        _ => ("odps", "oneclick_to_odps", ""),
    };
    format!(
        r#"{{"type": "realtime", "version": "1.0",
  "setting": {{"resourceGroup": "${{group}}", "taskType": "{task_type}"}},
  "steps": [
    {{"stepType": "mysql", "name": "Reader", "category": "reader",
     "parameter": {{"connection": [{{"datasource": "${{mysql}}",
       "selectedTables": [{{"dbName": "sales", "schema": [{{"tableInfos": [{}]}}]}}]}}]}}}},
    {{"stepType": "{step_type}", "name": "Writer", "category": "writer",
     "parameter": {{"datasource": "dw"{extra}}}}}
  ]
}}"#,
        infos.join(", ")
    )
}

fn batch(table: &str) -> String {
    format!(
        r#"{{"type": "job", "version": "2.0", "steps": [
  {{"stepType": "mysql", "name": "Reader", "category": "reader", "parameter": {{"datasource": "${{mysql}}", "column": ["*"], "connection": [{{"datasource": "${{mysql}}", "table": ["{table}"]}}]}}}},
  {{"stepType": "odps", "name": "Writer", "category": "writer", "parameter": {{"datasource": "odps_first", "table": "{table}", "column": ["*"], "partition": "pt=$${{bizdate}}"}}}}],
  "setting": {{"speed": {{"concurrent": 1}}, "errorLimit": {{"record": "0"}}}},
  "order": {{"hops": [{{"from": "Reader", "to": "Writer"}}]}}}}"#
    )
}

/// A project directory: a manifest with environments pointing at emulators, and documents.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(envs: &[(&str, &str, i64)]) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tasks")).unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        let mut manifest = format!("folders = [\"{FOLDER}\"]\n[defaults]\nfolder = \"{FOLDER}\"\n");
        for (name, endpoint, workspace) in envs {
            manifest.push_str(&format!(
                "\n[environments.{name}]\nworkspace = {workspace}\nendpoint = \"{endpoint}\"\n[environments.{name}.variables]\nmysql = \"mysql_{name}\"\ngroup = \"S_group_{name}\"\n[environments.{name}.rate_limit]\nreads_per_second = 200\nwrites_per_second = 200\n"
            ));
        }
        manifest.push_str(
            r#"
[[tasks]]
name = "orders_to_holo"
type = "DI_REALTIME"
document = "tasks/orders.json"
lifecycle = "running"
[tasks.start]
failoverLimit = { count = 3, interval = 30 }

[[tasks]]
name = "customers_to_odps"
type = "DI_REALTIME"
document = "tasks/customers.json"

[[tasks]]
name = "daily_copy"
type = "DI_OFFLINE"
document = "tasks/daily.json"
"#,
        );
        std::fs::write(dir.path().join("dataworks.toml"), manifest).unwrap();
        let p = Project { dir };
        p.write("orders.json", &realtime(&["orders", "refunds"], "holo"));
        p.write("customers.json", &realtime(&["customers"], "odps"));
        p.write("daily.json", &batch("person"));
        p
    }

    fn write(&self, doc: &str, text: &str) {
        std::fs::write(self.dir.path().join("tasks").join(doc), text).unwrap();
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
        cmd.args(args)
            .current_dir(self.path())
            .env("HOME", self.path().join("home"))
            .stdin(Stdio::null());
        for (k, _) in std::env::vars() {
            if k.starts_with("ALIBABA_CLOUD_") || k == "RUST_LOG" {
                cmd.env_remove(k);
            }
        }
        cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
        cmd
    }

    async fn dwdi(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn plan_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

fn actions(plan: &Value) -> Vec<(String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["task"].as_str().unwrap().to_owned(),
                c["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn emulator(builder: dataworks_emulator::EmulatorBuilder) -> Emulator {
    builder.credentials(ID, SECRET).start().await.unwrap()
}

/// Tasks by name in the emulator: (count, the record of the last one).
fn tasks_named(emu: &Emulator, name: &str) -> Vec<dataworks_emulator::TaskRecord> {
    emu.inspect()
        .tasks()
        .into_iter()
        .filter(|t| t.name == name)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_apply_then_nothing_to_do_then_update_for_every_kind() {
    let emu = emulator(Emulator::builder()).await;
    let p = Project::new(&[("dev", &emu.endpoint(), 10000)]);

    let out = p
        .dwdi(&["plan", "--detailed-exitcode", "--output", "json"])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let plan = plan_json(&out);
    assert_eq!(plan["environment"], "dev");
    assert_eq!(
        actions(&plan),
        [
            ("orders_to_holo".into(), "create".into()),
            ("customers_to_odps".into(), "create".into()),
            ("daily_copy".into(), "create".into())
        ]
    );
    assert_eq!(
        plan["changes"][0]["lifecycle"],
        serde_json::json!(["deploy", "start"])
    );

    // No terminal and no --yes: refused, nothing changed.
    let out = p.dwdi(&["apply"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("pass --yes"), "{}", text(&out));
    assert!(emu.inspect().tasks().is_empty());

    let out = p.dwdi(&["apply", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("3 tasks applied, 0 failed"),
        "{}",
        text(&out)
    );
    let orders = &tasks_named(&emu, "orders_to_holo")[0];
    assert_eq!(orders.folder, FOLDER);
    assert_eq!(orders.deployed_version, Some(orders.version));
    assert!(orders.content.contains("mysql_dev"));
    assert_eq!(tasks_named(&emu, "daily_copy")[0].deployed_version, Some(1));

    let out = p.dwdi(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("no changes (3 tasks as declared)"),
        "{}",
        text(&out)
    );

    // Add a table to the running task, change the batch job.
    p.write(
        "orders.json",
        &realtime(&["orders", "refunds", "payments"], "holo"),
    );
    p.write("daily.json", &batch("person_v2"));
    let out = p.dwdi(&["plan"]).await;
    let shown = text(&out);
    assert!(shown.contains("~ orders_to_holo (DI_REALTIME, Workflow/sales/Data Integration): update; stop, deploy, start"), "{shown}");
    assert!(shown.contains("    + table sales.payments"), "{shown}");
    assert!(
        shown
            .contains("~ daily_copy (DI_OFFLINE, Workflow/sales/Data Integration): update; deploy"),
        "{shown}"
    );
    let out = p.dwdi(&["apply", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let orders = &tasks_named(&emu, "orders_to_holo")[0];
    assert_eq!(orders.update_count, 1);
    assert!(orders.content.contains("payments"));
    assert_eq!(tasks_named(&emu, "daily_copy")[0].update_count, 1);
    let out = p.dwdi(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // A sync solution: created from a real-time TaskParam, started, then its tables changed.
    let manifest = std::fs::read_to_string(p.path().join("dataworks.toml")).unwrap();
    let solution = "\n[[tasks]]\nname = \"orders_solution\"\ntype = \"DI_SOLUTION\"\ndocument = \"tasks/solution.json\"\nlifecycle = \"running\"\n";
    std::fs::write(p.path().join("dataworks.toml"), manifest + solution).unwrap();
    p.write("solution.json", &realtime(&["orders"], "holo"));
    let out = p.dwdi(&["apply", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("orders_solution  create  deploy,start  done"),
        "{}",
        text(&out)
    );
    assert_eq!(
        tasks_named(&emu, "orders_solution")[0].task_type,
        "DI_SOLUTION"
    );
    let out = p.dwdi(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    p.write("solution.json", &realtime(&["orders", "refunds"], "holo"));
    let out = p.dwdi(&["plan"]).await;
    assert!(
        text(&out)
            .contains("~ orders_solution (DI_SOLUTION, Workflow/sales/Data Integration): update"),
        "{}",
        text(&out)
    );
    let out = p.dwdi(&["apply", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = p.dwdi(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_is_shown_and_undone_and_a_saved_plan_is_refused_after_it() {
    let emu = emulator(Emulator::builder()).await;
    let p = Project::new(&[("dev", &emu.endpoint(), 10000)]);
    let out = p.dwdi(&["apply", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Save a plan of nothing, then drift out of band: `dwdi update` adds a table.
    let out = p.dwdi(&["plan", "--out", "plan.json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file_id = tasks_named(&emu, "orders_to_holo")[0].file_id.to_string();
    let update = r#"{"steps": [{"name": "Reader", "category": "reader", "parameter": {"connection": [
  {"datasource": "mysql_dev", "selectedTables": [{"dbName": "sales", "schema": [{"tableInfos": [
    {"table": "orders"}, {"table": "refunds"}, {"table": "secret_drift"}]}]}]}]}}]}"#;
    std::fs::write(p.path().join("drift.json"), update).unwrap();
    let out = p
        .dwdi(&[
            "--endpoint",
            &emu.endpoint(),
            "update",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--file-id",
            &file_id,
            "drift.json",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = p.dwdi(&["apply", "plan.json"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("task `orders_to_holo` changed since the plan was made"),
        "{}",
        text(&out)
    );

    let out = p.dwdi(&["plan"]).await;
    assert!(
        text(&out).contains("    - table sales.secret_drift"),
        "{}",
        text(&out)
    );
    let out = p.dwdi(&["plan", "--out", "plan.json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = p.dwdi(&["apply", "plan.json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        !tasks_named(&emu, "orders_to_holo")[0]
            .content
            .contains("secret_drift")
    );
    let out = p.dwdi(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn replace_needs_its_flag_and_prune_deletes_undeclared_tasks() {
    let emu = emulator(Emulator::builder()).await;
    let p = Project::new(&[("dev", &emu.endpoint(), 10000)]);
    let out = p.dwdi(&["apply", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let old_id = tasks_named(&emu, "customers_to_odps")[0].file_id;

    p.write("customers.json", &realtime(&["customers"], "holo"));
    let out = p.dwdi(&["apply", "--yes"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--allow-replace"), "{}", text(&out));
    assert_eq!(tasks_named(&emu, "customers_to_odps")[0].file_id, old_id);

    let out = p.dwdi(&["apply", "--yes", "--allow-replace"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let now = tasks_named(&emu, "customers_to_odps");
    assert_eq!(now.len(), 1, "{now:?}");
    assert_ne!(now[0].file_id, old_id);
    assert!(now[0].content.contains("migration_holo"));

    // Remove a task from the manifest: kept without --prune, deleted with it.
    let manifest = std::fs::read_to_string(p.path().join("dataworks.toml")).unwrap();
    let cut = manifest.find("[[tasks]]\nname = \"daily_copy\"").unwrap();
    std::fs::write(p.path().join("dataworks.toml"), &manifest[..cut]).unwrap();
    let out = p.dwdi(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = p.dwdi(&["plan", "--prune"]).await;
    assert!(
        text(&out).contains("- daily_copy (DI_OFFLINE, Workflow/sales/Data Integration): delete"),
        "{}",
        text(&out)
    );
    let out = p.dwdi(&["apply", "--yes", "--prune"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(tasks_named(&emu, "daily_copy").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_is_promoted_to_prod_on_another_emulator() {
    let dev = emulator(Emulator::builder()).await;
    let prod = emulator(Emulator::builder().project(20000)).await;
    let p = Project::new(&[
        ("dev", &dev.endpoint(), 10000),
        ("prod", &prod.endpoint(), 20000),
    ]);
    let out = p.dwdi(&["plan"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("choose one with --env"),
        "{}",
        text(&out)
    );
    for env in ["dev", "prod"] {
        let out = p.dwdi(&["apply", "--env", env, "--yes"]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let in_prod = &tasks_named(&prod, "orders_to_holo")[0];
    assert_eq!(in_prod.project_id, 20000);
    assert!(in_prod.content.contains("mysql_prod") && !in_prod.content.contains("mysql_dev"));
    for env in ["dev", "prod"] {
        let out = p.dwdi(&["plan", "--env", env, "--detailed-exitcode"]).await;
        assert_eq!(out.status.code(), Some(0), "{env}: {}", text(&out));
    }
}

/// Applies until it succeeds (at most `runs` times): what a CI job retrying a failed apply does.
async fn apply_until_done(p: &Project, runs: usize) -> Output {
    let mut last = None;
    for _ in 0..runs {
        let out = p.dwdi(&["apply", "--yes"]).await;
        if out.status.code() == Some(0) {
            return out;
        }
        last = Some(out);
    }
    panic!("apply did not converge: {}", text(&last.unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_under_injected_faults_creates_and_updates_each_task_once() {
    let faults = Faults::none()
        .throttle_rate(0.05)
        .server_error_rate(0.05)
        .drop_rate(0.05)
        .process_fail_rate(0.05)
        .seed(11);
    let emu = emulator(Emulator::builder().faults(faults)).await;
    let p = Project::new(&[("dev", &emu.endpoint(), 10000)]);
    apply_until_done(&p, 4).await;
    p.write(
        "orders.json",
        &realtime(&["orders", "refunds", "payments"], "holo"),
    );
    p.write("daily.json", &batch("person_v2"));
    apply_until_done(&p, 4).await;
    for name in ["orders_to_holo", "customers_to_odps", "daily_copy"] {
        assert_eq!(tasks_named(&emu, name).len(), 1, "{name} created once");
    }
    assert_eq!(tasks_named(&emu, "orders_to_holo")[0].update_count, 1);
    assert_eq!(tasks_named(&emu, "daily_copy")[0].update_count, 1);
    assert_eq!(tasks_named(&emu, "customers_to_odps")[0].update_count, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_mid_apply_then_a_rerun_converges_without_duplicates() {
    let emu = emulator(Emulator::builder().processing_delay(Duration::from_millis(1500))).await;
    let p = Project::new(&[("dev", &emu.endpoint(), 10000)]);
    let mut child = p
        .command(&["apply", "--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed while the generation processes are in flight.
    tokio::time::sleep(Duration::from_millis(800)).await;
    child.kill().unwrap();
    let _ = child.wait();
    let processes_before = emu.inspect().processes().len();
    assert!(
        processes_before >= 1,
        "the run was killed before it generated anything"
    );

    apply_until_done(&p, 2).await;
    for name in ["orders_to_holo", "customers_to_odps", "daily_copy"] {
        assert_eq!(tasks_named(&emu, name).len(), 1, "{name} created once");
    }
    // The processes in flight were resumed, not started again.
    let generated = emu.inspect().processes().len();
    assert_eq!(generated, 2, "one process per real-time task");
    let out = p.dwdi(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
