//! Helpers shared by the `tests/reliability_*.rs` suites (issue 7): credentials, documents,
//! a request-counting transport, fast retry/poll policies, and the `dwdi emulator` child
//! process.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_taskparam::{
    HologresWriter, MysqlReader, RealtimeTaskParam, TaskParam, UpdateTaskParam, WriteMode,
};
use dataworks_workflow::BoxFuture;
use dataworks_workflow::transport::ReqwestTransport;
use dataworks_workflow::transport::{
    HttpRequest, HttpResponse, Timeouts, Transport, TransportError,
};
use dataworks_workflow::{Client, PollPolicy, RetryPolicy, Workflow};

/// The AccessKey pair the suites' emulators accept.
pub const ID: &str = "reliability-access-key-id";
/// Its secret (the secrets suite greps logs for it).
pub const SECRET: &str = "reliability-SECRET-7f3a9c2e51d04b8a";
/// The workspace.
pub const PROJECT: i64 = 10000;

/// MySQL `mysql_pub1` (database `shop`: orders, users) → Hologres `holo_dw`.
pub fn create_param() -> RealtimeTaskParam {
    TaskParam::realtime()
        .resource_group("S_res_group_reliability")
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", ["orders", "users"]))
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .unwrap()
}

/// The same selection plus `refunds` (so an update always changes the content).
pub fn update_param() -> UpdateTaskParam {
    TaskParam::update()
        .reader(
            MysqlReader::datasource("mysql_pub1")
                .selected_tables("shop", ["orders", "users", "refunds"]),
        )
        .build()
        .unwrap()
}

/// A transport that counts the requests it forwards (one per attempt, read-backs included).
#[derive(Debug)]
pub struct CountingTransport {
    inner: Arc<dyn Transport>,
    count: AtomicU32,
}

impl CountingTransport {
    /// Counts what goes through `inner`.
    pub fn new(inner: Arc<dyn Transport>) -> Arc<CountingTransport> {
        Arc::new(CountingTransport {
            inner,
            count: AtomicU32::new(0),
        })
    }

    /// Requests sent so far.
    pub fn count(&self) -> u32 {
        self.count.load(Ordering::Relaxed)
    }
}

impl Transport for CountingTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.inner.send(request)
    }
}

/// The real HTTP transport (reqwest, one shared connection pool).
pub fn http_transport() -> Arc<dyn Transport> {
    Arc::new(ReqwestTransport::new(Timeouts::default()).unwrap())
}

/// Retries sized for tests: many attempts, short backoff, a 60 s budget per call.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(12)
        .base(Duration::from_millis(10))
        .cap(Duration::from_millis(200))
        .deadline(Duration::from_secs(60))
}

/// Polling sized for a short processing delay.
pub fn fast_poll() -> PollPolicy {
    PollPolicy::default()
        .first_delay(Duration::from_millis(40))
        .cap(Duration::from_millis(250))
        .factor(2.0)
        .jitter(true)
        .max_wait(Duration::from_secs(60))
}

/// A client for `endpoint` over `transport` with the suites' credentials.
pub fn client(endpoint: &str, transport: Arc<dyn Transport>, retry: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::new(ID, SECRET))
        .signature(SignatureAlgorithm::Acs3HmacSha256)
        .retry(retry)
        .transport(transport)
        .build()
        .unwrap()
}

/// A workflow over `client` polling with [`fast_poll`].
pub fn workflow(client: Client) -> Workflow {
    Workflow::new(client).with_poll_policy(fast_poll())
}

/// The newest modification time of the files that go into `dwdi` (our crates' sources and
/// manifests, the lock file).
fn newest_source(root: &Path) -> std::time::SystemTime {
    fn walk(path: &Path, newest: &mut std::time::SystemTime) {
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        if meta.is_dir() {
            for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                walk(&entry.path(), newest);
            }
        } else if let Ok(modified) = meta.modified() {
            *newest = (*newest).max(modified);
        }
    }
    let mut newest = std::time::SystemTime::UNIX_EPOCH;
    for krate in ["cli", "workflow", "emulator", "signer", "wire", "taskparam"] {
        walk(&root.join("crates").join(krate).join("src"), &mut newest);
        walk(
            &root.join("crates").join(krate).join("Cargo.toml"),
            &mut newest,
        );
    }
    walk(&root.join("Cargo.toml"), &mut newest);
    walk(&root.join("Cargo.lock"), &mut newest);
    newest
}

/// The `dwdi` binary of this build profile, never stale.
///
/// The root package cannot see another package's binary through `CARGO_BIN_EXE_*` (that
/// needs the unstable artifact dependencies), so the path is derived from this test's own
/// executable: `<target>/<profile>/deps/<test>` → `<target>/<profile>/dwdi`. When the binary is
/// missing or older than a source file of our crates, it is built first with
/// `cargo build -p dataworks-cli --bin dwdi` in the same target directory and profile. (Not
/// unconditionally: `cargo test --workspace` unifies features differently than `-p
/// dataworks-cli`, so a build would redo work that the test run already did.)
pub fn dwdi_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in <target>/<profile>/deps")
        .to_path_buf();
    let target_dir = profile_dir
        .parent()
        .expect("profile directory has a parent")
        .to_path_buf();
    let binary = profile_dir.join(format!("dwdi{}", std::env::consts::EXE_SUFFIX));
    let fresh = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .is_ok_and(|built| built >= newest_source(Path::new(env!("CARGO_MANIFEST_DIR"))));
    if fresh {
        return binary;
    }
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "--quiet", "-p", "dataworks-cli", "--bin", "dwdi"])
        .arg("--target-dir")
        .arg(&target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => {}
        Some("release") => {
            build.arg("--release");
        }
        Some(other) => {
            build.args(["--profile", other]);
        }
        None => {}
    }
    let status = build.status().expect("cargo can be run from a test");
    assert!(
        status.success(),
        "building dwdi failed ({status}); run `cargo build -p dataworks-cli` and retry"
    );
    assert!(binary.is_file(), "dwdi not found at {}", binary.display());
    binary
}

/// A `dwdi emulator` child process.
pub struct DwdiEmulator {
    child: Child,
    /// `http://127.0.0.1:PORT`, as the process printed it.
    pub endpoint: String,
}

impl DwdiEmulator {
    /// Starts `dwdi emulator --listen 127.0.0.1:0 --data-dir DIR` with the suites' credentials
    /// and `extra` arguments, and waits for the endpoint line on its stdout.
    pub fn start(dwdi: &Path, data_dir: &Path, extra: &[&str]) -> DwdiEmulator {
        let mut child = Command::new(dwdi)
            .args(["emulator", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(["--access-key-id", ID, "--access-key-secret", SECRET])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut endpoint = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(e) = line.strip_prefix("endpoint: ") {
                endpoint = Some(e.trim().to_owned());
                break;
            }
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let endpoint = endpoint.expect("dwdi emulator printed its endpoint");
        DwdiEmulator { child, endpoint }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `kill -9` (SIGKILL on Unix), then reaps the process.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for DwdiEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percentile `p` (0..=100) of `values` (sorted inside), nearest rank.
pub fn percentile(values: &[u32], p: f64) -> u32 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
