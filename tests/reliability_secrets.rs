//! Secrets (issue 7): with logging at the most verbose level (every target at `TRACE`, the
//! `log` records of the HTTP stack included), full workflows and their failures leave no
//! AccessKey secret and no STS security token in the logs, the errors (`Display` and
//! `Debug`) or the `Debug` of the client and workflow; and `dwdi -vvv` prints neither on
//! stdout or stderr.
//!
//! One test function, so that the process-wide subscriber sees exactly this binary's work.

mod reliability_support;

use std::io::Write;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, PoisonError};

use dataworks_emulator::Emulator;
use dataworks_signer::encoding::decode_form;
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{ReceivedRequest, Verifier};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use dataworks_wire::{GetDISyncTask, TaskType};
use dataworks_workflow::BoxFuture;
use dataworks_workflow::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use dataworks_workflow::{Client, CreateRequest, UpdateRequest, Workflow};
use reliability_support::*;

const STS_ID: &str = "STS.reliability-temporary-id";
const STS_SECRET: &str = "sts-SECRET-0c4b1e9d77aa42f3";
const STS_TOKEN: &str = "CAIS-sts-TOKEN-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const WRONG_SECRET: &str = "wrong-SECRET-5d2c7b19e6f84a03";

/// Everything logged by this process, at `TRACE`, every target.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in [SECRET, STS_SECRET, STS_TOKEN, WRONG_SECRET] {
        assert!(
            !text.contains(secret),
            "{what} contains a secret ({} chars of text)",
            text.len()
        );
    }
}

/// Plays an STS-aware gateway in front of the emulator (which only knows long-term keys):
/// checks the client's request against the temporary key and its token with the signer's
/// verifier, then signs the same call again with the emulator's key and forwards it.
#[derive(Debug)]
struct StsGateway {
    upstream: Arc<dyn Transport>,
    endpoint: String,
    host: String,
    verifier: Verifier,
}

/// The v1 common parameters, which are the signature's and not the operation's.
const V1_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "SecurityToken",
    "Signature",
];

impl Transport for StsGateway {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let after_scheme = request.url.split_once("://").map_or("", |(_, r)| r);
            let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
            let (path, query) = path_and_query
                .split_once('?')
                .unwrap_or((path_and_query, ""));
            let received = ReceivedRequest {
                method: &request.method,
                path,
                raw_query: query,
                headers: &request.headers,
                body: &request.body,
            };
            let sts = Credentials::new(STS_ID, STS_SECRET).with_security_token(STS_TOKEN);
            let now = dataworks_signer::now_utc();
            let verified = self
                .verifier
                .verify(&received, now, &sts)
                .expect("the client signed the STS request correctly");
            let mut forward = RpcRequest::new(&verified.action, &verified.version, &self.host);
            for (k, v) in decode_form(query).unwrap() {
                if !V1_COMMON.contains(&k.as_str()) {
                    forward = forward.query_param(&k, &v);
                }
            }
            if !request.body.is_empty() {
                for (k, v) in decode_form(std::str::from_utf8(&request.body).unwrap()).unwrap() {
                    forward = forward.form_param(&k, &v);
                }
            }
            let params =
                SigningParams::new(verified.algorithm, now, dataworks_signer::random_nonce());
            let signed = sign_request(&forward, &Credentials::new(ID, SECRET), &params).unwrap();
            self.upstream
                .send(HttpRequest {
                    method: signed.method,
                    url: format!("{}{}", self.endpoint, signed.path_and_query),
                    headers: signed.headers,
                    body: signed.body,
                })
                .await
        })
    }
}

fn sts_client(emu: &Emulator, algorithm: SignatureAlgorithm) -> Client {
    let gateway = StsGateway {
        upstream: http_transport(),
        endpoint: emu.endpoint(),
        host: emu.local_addr().to_string(),
        verifier: Verifier::new(),
    };
    Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(STS_ID, STS_SECRET).with_security_token(STS_TOKEN))
        .signature(algorithm)
        .retry(fast_retry())
        .transport(Arc::new(gateway))
        .build()
        .unwrap()
}

/// Create, plan, update and read a task; returns what the caller could print.
async fn full_workflow(client: Client, name: &str) -> String {
    let debug_client = format!("{client:?}");
    let wf = workflow(client.clone());
    let mut shown = format!("{debug_client}\n{wf:?}\n");
    let created = wf
        .create(
            CreateRequest::new(PROJECT, TaskType::DiRealtime, name, create_param())
                .folder("reliability/secrets"),
        )
        .await
        .unwrap();
    shown.push_str(&format!("{created:?}\n"));
    let update = UpdateRequest::new(
        PROJECT,
        TaskType::DiRealtime,
        created.file_id,
        update_param(),
    );
    let plan = wf.plan(&update).await.unwrap();
    shown.push_str(&format!("{plan:?}\n"));
    let updated = wf.update(update).await.unwrap();
    shown.push_str(&format!("{updated:?}\n"));
    let got = client
        .call(&GetDISyncTask::new(
            PROJECT,
            TaskType::DiRealtime,
            created.file_id,
        ))
        .await
        .unwrap();
    shown.push_str(&format!("{got:?}\n"));
    shown
}

/// A workflow that fails; returns its error's `Display` and `Debug`.
async fn failing_workflow(client: Client) -> String {
    let error = Workflow::new(client)
        .create(CreateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            "refused",
            create_param(),
        ))
        .await
        .unwrap_err();
    format!("{error}\n{error:?}\n")
}

fn dwdi(
    dwdi: &std::path::Path,
    home: &std::path::Path,
    token: Option<&str>,
    args: &[&str],
) -> Output {
    let mut cmd = Command::new(dwdi);
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    if let Some(token) = token {
        cmd.env("ALIBABA_CLOUD_SECURITY_TOKEN", token);
    }
    cmd.output().unwrap()
}

#[test]
fn no_secret_or_token_in_trace_logs_errors_or_cli_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let mut shown = String::new();
    runtime.block_on(async {
        let emu = Emulator::builder()
            .credentials(ID, SECRET)
            .start()
            .await
            .unwrap();
        for algorithm in SignatureAlgorithm::ALL {
            // Long-term key, straight to the emulator.
            let plain = Client::builder()
                .endpoint(emu.endpoint())
                .credentials(Credentials::new(ID, SECRET))
                .signature(algorithm)
                .retry(fast_retry())
                .build()
                .unwrap();
            shown.push_str(&full_workflow(plain, &format!("plain_{algorithm}")).await);
            // Temporary key and token, through the STS gateway.
            shown.push_str(
                &full_workflow(sts_client(&emu, algorithm), &format!("sts_{algorithm}")).await,
            );
            // Failures: a wrong secret (SignatureDoesNotMatch with both strings to sign) and a
            // token the emulator does not accept.
            let wrong = Client::builder()
                .endpoint(emu.endpoint())
                .credentials(Credentials::new(ID, WRONG_SECRET))
                .signature(algorithm)
                .build()
                .unwrap();
            shown.push_str(&failing_workflow(wrong).await);
            let refused = Client::builder()
                .endpoint(emu.endpoint())
                .credentials(Credentials::new(ID, SECRET).with_security_token(STS_TOKEN))
                .signature(algorithm)
                .build()
                .unwrap();
            shown.push_str(&failing_workflow(refused).await);
        }
        emu.shutdown().await.unwrap();
    });
    let logs = captured.text();
    assert!(
        logs.contains("TRACE"),
        "the subscriber captured trace-level events"
    );
    assert!(
        logs.lines().count() > 50,
        "only {} log lines",
        logs.lines().count()
    );
    // The logs are about the work (not empty of it): the actions and the emulator's side.
    for action in [
        "GenerateDISyncTaskConfigForCreating",
        "UpdateDISyncTask",
        "request verified",
    ] {
        assert!(logs.contains(action), "no {action:?} in the logs");
    }
    assert_clean("the TRACE logs of the workflows", &logs);
    assert_clean("the results and errors shown", &shown);

    // The CLI at -vvv, against a `dwdi emulator` process: create and update succeed...
    let dwdi_bin = dwdi_binary();
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let emu = DwdiEmulator::start(&dwdi_bin, data.path(), &["--processing-delay", "50ms"]);
    let create_file = home.path().join("create.json");
    let update_file = home.path().join("update.json");
    std::fs::write(&create_file, create_param().to_json()).unwrap();
    std::fs::write(&update_file, update_param().to_json()).unwrap();
    let create = dwdi(
        &dwdi_bin,
        home.path(),
        None,
        &[
            "-vvv",
            "--endpoint",
            &emu.endpoint,
            "--output",
            "json",
            "create",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--name",
            "cli_secrets",
            create_file.to_str().unwrap(),
        ],
    );
    let out = String::from_utf8_lossy(&create.stdout).into_owned();
    let err = String::from_utf8_lossy(&create.stderr).into_owned();
    assert!(create.status.success(), "dwdi create: {out}\n{err}");
    assert!(err.contains("TRACE"), "-vvv logs at trace level");
    assert_clean("dwdi create -vvv", &format!("{out}\n{err}"));
    let created: serde_json::Value = serde_json::from_str(&out).unwrap();
    let file_id = created["file_id"].as_i64().unwrap().to_string();
    let update = dwdi(
        &dwdi_bin,
        home.path(),
        None,
        &[
            "-vvv",
            "--endpoint",
            &emu.endpoint,
            "update",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "--file-id",
            &file_id,
            update_file.to_str().unwrap(),
        ],
    );
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&update.stdout),
        String::from_utf8_lossy(&update.stderr)
    );
    assert!(update.status.success(), "dwdi update: {text}");
    assert_clean("dwdi update -vvv", &text);
    // ...and a refused call (an STS token the emulator does not know) prints its error
    // without the token or the secret.
    let refused = dwdi(
        &dwdi_bin,
        home.path(),
        Some(STS_TOKEN),
        &[
            "-vvv",
            "--endpoint",
            &emu.endpoint,
            "get",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            &file_id,
        ],
    );
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        !refused.status.success(),
        "the emulator refuses an unknown token: {text}"
    );
    assert_clean("dwdi get -vvv with a refused token", &text);
}
