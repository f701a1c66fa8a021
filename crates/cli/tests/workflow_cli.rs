//! `dwdi create`, `update` (and `--plan`), `query`, `get` and `resume`, run as the built
//! binary against an emulator started in-process: exit codes, `--output json` documents,
//! the global flags, and the credentials taken from the environment.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use dataworks_emulator::{Emulator, ManualClock};
use serde_json::Value;

const ID: &str = "cli-test-id";
const SECRET: &str = "cli-test-secret";

const CREATE_PARAM: &str = r#"{
  "type": "realtime", "version": "1.0",
  "setting": {"resourceGroup": "S_res_group_cli", "taskType": "oneclick_to_holo"},
  "steps": [
    {"stepType": "mysql", "name": "Reader", "category": "reader",
     "parameter": {"connection": [{"datasource": "mysql_pub1", "datasourceType": "mysql",
       "selectedTables": [{"dbName": "shop", "schema": [{"tableInfos": [{"table": "orders"}, {"table": "users"}]}]}]}]}},
    {"stepType": "holo", "name": "Writer", "category": "writer",
     "parameter": {"datasource": "holo_dw", "writeMode": "replay"}}
  ]
}"#;

const UPDATE_PARAM: &str = r#"{"steps": [{"name": "Reader", "category": "reader", "parameter": {"connection": [
  {"datasource": "mysql_pub1", "selectedTables": [{"dbName": "shop", "schema": [{"tableInfos": [
    {"table": "orders"}, {"table": "users"}, {"table": "refunds"}]}]}]}]}}]}"#;

/// The files of one test: an empty home, the documents.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("create.json"), CREATE_PARAM).unwrap();
        std::fs::write(dir.path().join("update.json"), UPDATE_PARAM).unwrap();
        std::fs::write(
            dir.path().join("bad.json"),
            r#"{"type":"realtime","steps":[]}"#,
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        Files { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }
}

/// Runs `dwdi` with the test credentials in the environment and an empty home.
async fn dwdi(files: &Files, secret: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
    cmd.args(args)
        .env("HOME", files.home().join("home"))
        .env("DWDI_CREDENTIALS_LOOPBACK_ONLY", "1");
    for (k, _) in std::env::vars() {
        if k.starts_with("ALIBABA_CLOUD_") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    if let Some(secret) = secret {
        cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .credentials(ID, SECRET)
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_plan_update_get_query_with_json_output() {
    let emu = emulator().await;
    let f = Files::new();
    let ep = emu.endpoint();

    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "create",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--name",
            "orders_to_holo",
            "--folder",
            "Workflow/cli/Data Integration",
            "--output",
            "json",
            &f.path("create.json"),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let created = json(&out);
    assert_eq!(created["action"], "created");
    let file_id = created["file_id"].as_i64().unwrap();
    let process_id = created["process_id"].as_i64().unwrap();
    assert!(created["polls"].as_u64().unwrap() >= 1);
    assert!(created["request_id"].is_string());
    assert_eq!(emu.inspect().tasks().len(), 1);
    assert_eq!(emu.inspect().task(file_id).unwrap().name, "orders_to_holo");
    let file_id_text = file_id.to_string();

    // --output before the subcommand works too; the plan applies nothing.
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--output",
            "json",
            "--endpoint",
            &ep,
            "update",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--file-id",
            &file_id_text,
            "--plan",
            &f.path("update.json"),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan = json(&out);
    assert_eq!(plan["diff"]["tables_added"]["shop"][0], "refunds");
    assert_eq!(plan["file_id"], file_id);
    assert!(plan["current"].is_object() && plan["proposed"].is_object());
    assert_eq!(emu.inspect().task(file_id).unwrap().update_count, 0);

    // Text plan.
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "update",
            "--endpoint",
            &ep,
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--file-id",
            &file_id_text,
            "--plan",
            &f.path("update.json"),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("shop.refunds"));

    // The update, with the v1 signature and the global flag after the subcommand.
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "update",
            "--endpoint",
            &ep,
            "--signature",
            "v1",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--file-id",
            &file_id_text,
            "--output",
            "json",
            &f.path("update.json"),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let updated = json(&out);
    assert_eq!(updated["action"], "updated");
    assert_eq!(updated["file_id"], file_id);
    let task = emu.inspect().task(file_id).unwrap();
    assert_eq!(task.update_count, 1);
    assert!(task.content.contains("refunds"));

    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "get",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--output",
            "json",
            &file_id_text,
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = json(&out);
    assert_eq!(got["file_id"], file_id);
    assert!(got["data"]["Code"].as_str().unwrap().contains("refunds"));

    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "query",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--output",
            "json",
            &process_id.to_string(),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let q = json(&out);
    assert_eq!(q["process_id"], process_id);
    assert_eq!(q["status"], "success");
    assert!(q["task_content"].as_str().unwrap().contains("holo_dw"));

    // Text output of get and query.
    for args in [["get", &file_id_text], ["query", &process_id.to_string()]] {
        let out = dwdi(
            &f,
            Some(SECRET),
            &[
                "--endpoint",
                &ep,
                args[0],
                "--project",
                "10000",
                "--type",
                "DI_REALTIME",
                args[1],
            ],
        )
        .await;
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(!out.stdout.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_failures_exit_2_and_send_nothing() {
    let emu = emulator().await;
    let f = Files::new();
    let ep = emu.endpoint();
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "create",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--name",
            "bad",
            "--output",
            "json",
            &f.path("bad.json"),
        ],
    )
    .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let e = json(&out);
    assert_eq!(e["error"]["kind"], "validation");
    assert_eq!(e["error"]["exit_code"], 2);
    assert!(!e["error"]["problems"].as_array().unwrap().is_empty());
    assert!(stderr(&out).contains("invalid"));
    assert_eq!(emu.inspect().request_count(), 0);

    // An unreadable file, a missing flag, an endpoint without a scheme: usage errors.
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "create",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--name",
            "x",
            "/nonexistent.json",
        ],
    )
    .await;
    assert_eq!(code(&out), 2);
    let out = dwdi(
        &f,
        Some(SECRET),
        &["--endpoint", &ep, "get", "--project", "10000", "1"],
    )
    .await;
    assert_eq!(code(&out), 2, "clap usage error");
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            "127.0.0.1:1",
            "get",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("scheme"), "{}", stderr(&out));
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "get",
            "--project",
            "10000",
            "--type",
            "DI_NOPE",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&out), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_credentials_exit_2_listing_every_source() {
    let emu = emulator().await;
    let f = Files::new();
    let out = dwdi(
        &f,
        None,
        &[
            "--endpoint",
            &emu.endpoint(),
            "get",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--output",
            "json",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let text = stderr(&out);
    for source in ["environment", "config.json", "credentials.ini"] {
        assert!(text.contains(source), "{text}");
    }
    assert_eq!(json(&out)["error"]["exit_code"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_from_the_cli_profile_file_and_the_profile_flag() {
    let emu = emulator().await;
    let f = Files::new();
    let aliyun = f.home().join("home/.aliyun");
    std::fs::create_dir_all(&aliyun).unwrap();
    std::fs::write(
        aliyun.join("config.json"),
        format!(
            r#"{{"current":"broken","profiles":[
                {{"name":"broken","mode":"AK","access_key_id":"{ID}","access_key_secret":"wrong"}},
                {{"name":"good","mode":"AK","access_key_id":"{ID}","access_key_secret":"{SECRET}"}}]}}"#
        ),
    )
    .unwrap();
    let args = |profile: Option<&'static str>| {
        let mut v: Vec<String> = vec!["--endpoint".into(), emu.endpoint()];
        if let Some(p) = profile {
            v.extend(["--profile".into(), p.into()]);
        }
        v.extend(
            ["get", "--project", "10000", "--type", "DI_REALTIME", "1"]
                .iter()
                .map(|s| s.to_string()),
        );
        v
    };
    // The current profile has a wrong secret: the service refuses the signature (exit 1),
    // and the error shows the strings to sign side by side.
    let a = args(None);
    let out = dwdi(&f, None, &a.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    assert!(
        text.contains("our string to sign") && text.contains("service string to sign"),
        "{text}"
    );
    assert!(!text.contains("wrong\"") && !text.contains(SECRET));

    // --profile picks the good one: the call reaches the service (task 1 does not exist: exit 1
    // with the service's code, not a signature error).
    let a = args(Some("good"));
    let out = dwdi(&f, None, &a.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("SignatureDoesNotMatch"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn service_failures_exit_1_with_code_and_request_id() {
    let emu = emulator().await;
    let f = Files::new();
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &emu.endpoint(),
            "update",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--file-id",
            "424242",
            "--output",
            "json",
            &f.path("update.json"),
        ],
    )
    .await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let e = json(&out);
    assert_eq!(e["error"]["exit_code"], 1);
    assert!(e["error"]["message"].as_str().unwrap().contains("424242"));
    assert!(e["error"]["request_id"].is_string(), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_exits_3_and_resume_finishes_the_create() {
    // The emulator's clock only moves when the test says so: the process stays running
    // until the test advances it.
    let clock = Arc::new(ManualClock::new(dataworks_signer::now_utc()));
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(Duration::from_secs(60))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let f = Files::new();
    let ep = emu.endpoint();
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "create",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--name",
            "slow",
            "--max-wait",
            "0s",
            "--client-token",
            "cli-run",
            "--output",
            "json",
            &f.path("create.json"),
        ],
    )
    .await;
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let e = json(&out);
    assert_eq!(e["error"]["kind"], "timeout");
    assert_eq!(e["error"]["exit_code"], 3);
    assert_eq!(e["error"]["polls"], 1);
    assert_eq!(e["error"]["last_status"], "running");
    let process_id = e["error"]["process_id"].as_i64().unwrap();
    assert!(
        stderr(&out).contains("dwdi resume --process-id"),
        "{}",
        stderr(&out)
    );
    assert!(emu.inspect().tasks().is_empty());

    clock.advance(Duration::from_secs(61));
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "resume",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--process-id",
            &process_id.to_string(),
            "--create-name",
            "slow",
            "--client-token",
            "cli-run-create",
            "--output",
            "json",
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let done = json(&out);
    assert_eq!(done["action"], "created");
    assert_eq!(done["process_id"], process_id);
    assert_eq!(emu.inspect().tasks().len(), 1);

    // resume needs to know what to do.
    let out = dwdi(
        &f,
        Some(SECRET),
        &[
            "--endpoint",
            &ep,
            "resume",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--process-id",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&out), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_create_from_stdin_is_direct() {
    let emu = emulator().await;
    let f = Files::new();
    let job = r#"{"type":"job","version":"2.0","steps":[
      {"stepType":"mysql","parameter":{"datasource":"mysql_pub1","column":["id"],"connection":[{"datasource":"mysql_pub1","table":["orders"]}]},"name":"Reader","category":"reader"},
      {"stepType":"odps","parameter":{"datasource":"odps_first","table":"orders","column":["id"]},"name":"Writer","category":"writer"}],
      "setting":{"errorLimit":{"record":"0"},"speed":{"concurrent":2}},"order":{"hops":[{"from":"Reader","to":"Writer"}]}}"#;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
    cmd.args([
        "--endpoint",
        &emu.endpoint(),
        "create",
        "--project",
        "10000",
        "--type",
        "DI_OFFLINE",
        "--name",
        "batch",
        "--output",
        "json",
        "-",
    ])
    .env("HOME", f.home())
    .env("ALIBABA_CLOUD_ACCESS_KEY_ID", ID)
    .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let job = job.to_owned();
    let out = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(job.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let created = json(&out);
    assert_eq!(created["process_id"], Value::Null);
    assert_eq!(created["polls"], 0);
    assert_eq!(emu.inspect().tasks()[0].task_type, "DI_OFFLINE");
}
