//! `dwdi emulator` as a process: prints its endpoint, serves signed calls, keeps an
//! acknowledged write across `kill -9` and a restart on the same data dir, stops on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use serde_json::Value;

const ID: &str = "cli-test-id";
const SECRET: &str = "cli-test-secret-value";

struct Running {
    child: Child,
    endpoint: String,
    banner: Vec<String>,
    _stdout: BufReader<ChildStdout>,
}

fn start(extra: &[&str]) -> Running {
    start_with_env(extra, &[])
}

/// [`start`] with these environment variables set.
fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--processing-delay",
            "0s",
        ])
        .args(extra)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "dwdi emulator exited early: {banner:?}"
        );
        let line = line.trim_end().to_string();
        let done = line.starts_with("running");
        banner.push(line);
        if done {
            break;
        }
    }
    let endpoint = banner[0].strip_prefix("endpoint: ").unwrap().to_string();
    Running {
        child,
        endpoint,
        banner,
        _stdout: stdout,
    }
}

/// One signed call over a bare HTTP/1.1 connection; (status, body).
fn call(
    endpoint: &str,
    action: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
) -> (u16, Value) {
    call_as(&Credentials::new(ID, SECRET), endpoint, action, query, form)
}

/// [`call`] signed with `credentials`.
fn call_as(
    credentials: &Credentials,
    endpoint: &str,
    action: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
) -> (u16, Value) {
    let host = endpoint.trim_start_matches("http://");
    let mut req = RpcRequest::new(action, "2020-05-18", host);
    for (k, v) in query {
        req = req.query_param(*k, *v);
    }
    for (k, v) in form {
        req = req.form_param(*k, *v);
    }
    let signed = sign_request(
        &req,
        credentials,
        &SigningParams::new(
            SignatureAlgorithm::Acs3HmacSha256,
            dataworks_signer::now_utc(),
            dataworks_signer::random_nonce(),
        ),
    )
    .unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    let mut head = format!("POST {} HTTP/1.1\r\n", signed.path_and_query);
    for (k, v) in &signed.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        signed.body.len()
    ));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&signed.body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    // The answer may be chunked; the JSON object is between the first '{' and the last '}'.
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    (status, serde_json::from_str(json).unwrap())
}

fn batch_job() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../emulator/tests/data/batch-job.json"),
    )
    .unwrap()
}

#[test]
fn acknowledged_write_survives_kill_9_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let creds = [
        "--access-key-id",
        ID,
        "--access-key-secret",
        SECRET,
        "--data-dir",
        data_dir,
    ];
    let mut emu = start(&creds);
    assert!(
        emu.banner
            .iter()
            .any(|l| l == &format!("access key ids: {ID}")),
        "{:?}",
        emu.banner
    );
    assert!(
        !emu.banner.join("\n").contains(SECRET),
        "the secret must not be printed"
    );
    let (status, body) = call(
        &emu.endpoint,
        "CreateDISyncTask",
        &[
            ("ProjectId", "10000"),
            ("TaskType", "DI_OFFLINE"),
            ("TaskName", "survivor"),
        ],
        &[("TaskContent", &batch_job())],
    );
    assert_eq!(status, 200, "{body}");
    let file_id = body["Data"]["FileId"].as_i64().unwrap();
    emu.child.kill().unwrap(); // SIGKILL
    emu.child.wait().unwrap();

    let mut emu = start(&creds);
    let (status, body) = call(
        &emu.endpoint,
        "GetDISyncTask",
        &[
            ("ProjectId", "10000"),
            ("TaskType", "DI_OFFLINE"),
            ("FileId", &file_id.to_string()),
        ],
        &[],
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Data"]["Code"].as_str().unwrap(), batch_job());
    emu.child.kill().unwrap();
    emu.child.wait().unwrap();
}

#[test]
fn default_pair_is_printed_and_sigterm_stops() {
    let mut emu = start(&[
        "--project",
        "20000",
        "--throttle-rate",
        "0.5",
        "--seed",
        "9",
    ]);
    let banner = emu.banner.join("\n");
    assert!(
        banner.contains(dataworks_emulator::DEFAULT_ACCESS_KEY_SECRET),
        "{banner}"
    );
    assert!(banner.contains("workspaces: 10000, 20000"), "{banner}");
    assert!(banner.contains("throttle 0.5 (seed 9)"), "{banner}");
    let status = Command::new("kill")
        .args(["-TERM", &emu.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = emu.child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
}

#[test]
fn sts_access_keys_from_the_command_line() {
    let mut emu = start(&[
        "--sts-access-key-id",
        "STS.cli-test-id",
        "--sts-access-key-secret",
        "sts-test-secret",
        "--sts-security-token",
        "sts-test-token",
    ]);
    let banner = emu.banner.join("\n");
    assert!(
        banner.contains("access key ids: STS.cli-test-id"),
        "{banner}"
    );
    assert!(
        !banner.contains(dataworks_emulator::DEFAULT_ACCESS_KEY_SECRET),
        "the default pair is off once keys are given: {banner}"
    );
    assert!(
        !banner.contains("sts-test-secret") && !banner.contains("sts-test-token"),
        "neither the STS secret nor the token may be printed: {banner}"
    );
    let query = [
        ("ProjectId", "10000"),
        ("TaskType", "DI_OFFLINE"),
        ("TaskName", "made-with-sts"),
    ];
    let form = [("TaskContent", batch_job())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sts = Credentials::new("STS.cli-test-id", "sts-test-secret");
    let (status, body) = call_as(
        &sts.clone().with_security_token("sts-test-token"),
        &emu.endpoint,
        "CreateDISyncTask",
        &query,
        &form,
    );
    assert_eq!(status, 200, "{body}");
    for (creds, code) in [
        (sts.clone(), "InvalidSecurityToken.MismatchWithAccessKey"),
        (
            sts.with_security_token("another-token"),
            "InvalidSecurityToken.MismatchWithAccessKey",
        ),
        (
            Credentials::new(
                dataworks_emulator::DEFAULT_ACCESS_KEY_ID,
                dataworks_emulator::DEFAULT_ACCESS_KEY_SECRET,
            ),
            "InvalidAccessKeyId.NotFound",
        ),
    ] {
        let (status, body) = call_as(&creds, &emu.endpoint, "CreateDISyncTask", &query, &form);
        assert_ne!(status, 200, "{body}");
        assert_eq!(body["Code"], code, "{body}");
    }
    emu.child.kill().unwrap();
    emu.child.wait().unwrap();
}

/// `GET` over a bare HTTP/1.1 connection; (status, JSON body).
fn get_json(url: &str) -> (u16, Value) {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    (status, serde_json::from_str(json).unwrap())
}

#[test]
fn rate_limit_answers_429_and_stats_count_it() {
    let mut emu = start(&[
        "--access-key-id",
        ID,
        "--access-key-secret",
        SECRET,
        "--rate-limit",
        "1",
    ]);
    let banner = emu.banner.join("\n");
    assert!(
        banner.contains("rate limit: 1 requests per second per account"),
        "{banner}"
    );
    let stats_line = emu
        .banner
        .iter()
        .find(|l| l.starts_with("statistics: "))
        .unwrap();
    let stats_url = stats_line.trim_start_matches("statistics: ").to_string();
    let read = [("ProjectId", "10000"), ("ExactFileName", "nothing")];
    // Five calls back to back: the bucket holds one second's worth (1), so all but the calls
    // that find a refilled token are refused (at least three, unless the five take over 3 s).
    let mut ok = 0;
    let mut throttled = 0;
    for _ in 0..5 {
        let (status, body) = call(&emu.endpoint, "ListFiles", &[], &read);
        match status {
            200 => ok += 1,
            429 => {
                assert_eq!(body["Code"], "Throttling.User", "{body}");
                throttled += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(ok >= 1 && throttled >= 1, "{ok} ok, {throttled} throttled");
    let (status, stats) = get_json(&stats_url);
    assert_eq!(status, 200);
    assert_eq!(stats["requests"], 5, "{stats}");
    assert_eq!(stats["throttled"], throttled, "{stats}");
    assert_eq!(stats["rate_limited"], throttled, "{stats}");
    assert_eq!(stats["rate_limit"], 1, "{stats}");
    assert_eq!(stats["by_action"]["ListFiles"]["ok"], ok, "{stats}");
    assert_eq!(
        stats["by_action"]["ListFiles"]["errors"], throttled,
        "{stats}"
    );
    assert_eq!(stats["by_status"]["429"], throttled, "{stats}");
    emu.child.kill().unwrap();
    emu.child.wait().unwrap();
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["emulator", "--access-key-id", "only-id"],
        vec![
            "emulator",
            "--sts-access-key-id",
            "STS.id",
            "--sts-access-key-secret",
            "secret",
        ],
        vec![
            "emulator",
            "--access-key-id",
            "",
            "--access-key-secret",
            "secret",
        ],
        vec!["emulator", "--drop-rate", "1.5"],
        vec!["emulator", "--rate-limit", "0"],
        vec!["emulator", "--processing-delay", "soon"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_dwdi"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn keys_from_the_environment_and_from_a_file_stay_off_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.json");
    std::fs::write(
        &file,
        r#"{"access_keys": [{"id": "file-id", "secret": "file-secret"}],
            "sts_access_keys": [{"id": "STS.file-id", "secret": "file-sts-secret", "security_token": "file-token"}]}"#,
    )
    .unwrap();
    let mut emu = start_with_env(
        &[],
        &[
            ("DWDI_EMULATOR_ACCESS_KEY_ID", "env-id"),
            ("DWDI_EMULATOR_ACCESS_KEY_SECRET", "env-secret"),
            ("DWDI_EMULATOR_CREDENTIALS_FILE", file.to_str().unwrap()),
        ],
    );
    let banner = emu.banner.join("\n");
    for id in ["env-id", "file-id", "STS.file-id"] {
        assert!(banner.contains(id), "{id} is accepted: {banner}");
    }
    for secret in [
        "env-secret",
        "file-secret",
        "file-sts-secret",
        "file-token",
        dataworks_emulator::DEFAULT_ACCESS_KEY_SECRET,
    ] {
        assert!(
            !banner.contains(secret),
            "{secret} is not printed: {banner}"
        );
    }
    // The key from the environment signs a call the emulator accepts.
    let (status, body) = call_as(
        &Credentials::new("env-id", "env-secret"),
        &emu.endpoint,
        "GetDISyncTask",
        &[
            ("ProjectId", "10000"),
            ("TaskType", "DI_OFFLINE"),
            ("FileId", "1"),
        ],
        &[],
    );
    assert_ne!(
        body["Code"], "InvalidAccessKeyId.NotFound",
        "{status} {body}"
    );
    assert_ne!(body["Code"], "SignatureDoesNotMatch", "{status} {body}");
    emu.child.kill().unwrap();
    emu.child.wait().unwrap();
}

#[test]
fn a_bad_credentials_file_is_a_usage_error_that_echoes_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.json");
    std::fs::write(
        &file,
        r#"{"access_keys": [{"id": "x", "secret": 42424242}]}"#,
    )
    .unwrap();
    let missing = dir.path().join("missing.json");
    for path in [&file, &missing] {
        let out = Command::new(env!("CARGO_BIN_EXE_dwdi"))
            .args(["emulator", "--listen", "127.0.0.1:0", "--credentials-file"])
            .arg(path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--credentials-file"), "{stderr}");
        assert!(!stderr.contains("42424242"), "{stderr}");
    }
}
