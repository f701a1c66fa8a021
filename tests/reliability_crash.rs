//! Crash (issue 7): `kill -9` the `dwdi emulator` process in the middle of a run of create
//! and update workflows, restart it on the same data directory, and check that
//!
//! - the database passes SQLite's `PRAGMA integrity_check` (right after the kill and at the end);
//! - every task and update the emulator acknowledged before the kill is still there;
//! - the interrupted workflows, resumed from their process id (or re-run with the same
//!   `ClientToken` when they never got one), all finish, and nothing is created twice.
//!
//! The binary is the real `dwdi` of this build profile, built by the test if needed (see
//! `reliability_support::dwdi_binary`).

mod reliability_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use dataworks_emulator::{DB_FILE_NAME, Emulator};
use dataworks_taskparam::TaskContent;
use dataworks_wire::{CreateDISyncTask, GetDISyncTask, TaskType};
use dataworks_workflow::{
    Applied, Apply, Client, CreateRequest, RetryPolicy, UpdateRequest, Workflow, WorkflowError,
};
use reliability_support::*;
use tokio::sync::mpsc;

const CREATES: usize = 40;
const UPDATES: usize = 30;
/// The emulator is killed once this many workflows were acknowledged.
const KILL_AFTER: usize = 20;
const FOLDER: &str = "reliability/crash";

/// Short retries, so the workflows caught by the kill end quickly in a typed error.
fn crash_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base(Duration::from_millis(20))
        .cap(Duration::from_millis(100))
        .deadline(Duration::from_secs(5))
}

fn integrity_check(data_dir: &Path) -> String {
    let conn = rusqlite::Connection::open(data_dir.join(DB_FILE_NAME)).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |row| row.get::<_, String>(0))
        .unwrap()
}

#[derive(Debug, Clone)]
enum Job {
    Create { name: String, token: String },
    Update { file_id: i64 },
}

struct Outcome {
    job: Job,
    process_id: Option<i64>,
    result: Result<Applied, WorkflowError>,
}

async fn run_job(wf: Workflow, job: Job) -> Result<Applied, WorkflowError> {
    match job {
        Job::Create { name, token } => {
            wf.create(
                CreateRequest::new(PROJECT, TaskType::DiRealtime, name, create_param())
                    .folder(FOLDER)
                    .client_token(token),
            )
            .await
        }
        Job::Update { file_id } => {
            wf.update(UpdateRequest::new(
                PROJECT,
                TaskType::DiRealtime,
                file_id,
                update_param(),
            ))
            .await
        }
    }
}

async fn content_of(client: &Client, file_id: i64) -> String {
    client
        .call(&GetDISyncTask::new(PROJECT, TaskType::DiRealtime, file_id))
        .await
        .unwrap()
        .data
        .unwrap()
        .code
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_run_loses_nothing_acknowledged_and_resumed_workflows_finish() {
    let t0 = std::time::Instant::now();
    let dwdi = dwdi_binary();
    eprintln!("reliability_crash: dwdi ready after {:?}", t0.elapsed());
    let dir = tempfile::tempdir().unwrap();
    let delay = ["--processing-delay", "300ms"];
    let emu = DwdiEmulator::start(&dwdi, dir.path(), &delay);
    let http = http_transport();

    // The tasks the update workflows will change (acknowledged before the run).
    let setup = client(&emu.endpoint, http.clone(), fast_retry());
    let content = TaskContent::from_realtime_param(&create_param()).to_json();
    let mut base = Vec::new();
    for i in 0..UPDATES {
        let answer = setup
            .call(
                &CreateDISyncTask::new(PROJECT, TaskType::DiRealtime, content.clone())
                    .task_name(format!("base_{i:02}"))
                    .task_param(format!(r#"{{"FileFolderPath":"{FOLDER}"}}"#)),
            )
            .await
            .unwrap();
        base.push(answer.data.unwrap().file_id.unwrap());
    }

    // The run: 40 creates and 30 updates, interleaved and started 20 ms apart, so that when
    // dwdi is killed (after 20 acknowledgements) some workflows are polling or applying and
    // some have not got a process id yet (they are re-run with the same ClientToken).
    let creates = (0..CREATES).map(|i| Job::Create {
        name: format!("crash_{i:02}"),
        token: format!("crash-run-{i:02}"),
    });
    let mut updates = base.iter().map(|&file_id| Job::Update { file_id });
    let mut jobs: Vec<Job> = Vec::new();
    for create in creates {
        jobs.push(create);
        jobs.extend(updates.next());
    }
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<()>();
    let mut handles = Vec::new();
    for (n, job) in jobs.into_iter().enumerate() {
        let start_after = Duration::from_millis(20 * n as u64);
        let pid = Arc::new(AtomicI64::new(0));
        let seen = pid.clone();
        let wf = Workflow::new(client(&emu.endpoint, http.clone(), crash_retry()))
            .with_poll_policy(fast_poll())
            .on_progress(move |p| {
                if let Some(id) = p.process_id {
                    seen.store(id, Ordering::SeqCst);
                }
            });
        let done = done_tx.clone();
        handles.push(tokio::spawn(async move {
            tokio::time::sleep(start_after).await;
            let result = tokio::time::timeout(Duration::from_secs(120), run_job(wf, job.clone()))
                .await
                .expect("a workflow hung");
            if result.is_ok() {
                let _ = done.send(());
            }
            let id = pid.load(Ordering::SeqCst);
            Outcome {
                job,
                process_id: (id != 0).then_some(id),
                result,
            }
        }));
    }
    drop(done_tx);
    let mut acknowledged_before_kill = 0;
    while acknowledged_before_kill < KILL_AFTER && done_rx.recv().await.is_some() {
        acknowledged_before_kill += 1;
    }
    emu.kill9();
    eprintln!("reliability_crash: killed after {:?}", t0.elapsed());

    let mut outcomes = Vec::new();
    for handle in handles {
        outcomes.push(handle.await.unwrap());
    }
    let acknowledged: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_ok()).collect();
    let interrupted: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    assert!(
        !interrupted.is_empty(),
        "the kill came after every workflow had finished; nothing was interrupted"
    );
    assert_eq!(integrity_check(dir.path()), "ok", "right after kill -9");

    // Restart on the same data dir: everything acknowledged is there.
    let emu = DwdiEmulator::start(&dwdi, dir.path(), &delay);
    let after = client(&emu.endpoint, http.clone(), fast_retry());
    for outcome in &acknowledged {
        let applied = outcome.result.as_ref().unwrap();
        assert_eq!(
            content_of(&after, applied.file_id).await,
            applied.task_content,
            "acknowledged {:?} lost by the crash",
            outcome.job
        );
    }

    eprintln!(
        "reliability_crash: restarted and checked after {:?}",
        t0.elapsed()
    );
    // Resume the interrupted workflows: from the process id when they had one, else again
    // from the start with the same ClientToken.
    let resumed_from_process = interrupted
        .iter()
        .filter(|o| o.process_id.is_some())
        .count();
    let rerun = interrupted.len() - resumed_from_process;
    let mut finished: Vec<(Job, Applied)> = acknowledged
        .iter()
        .map(|o| (o.job.clone(), o.result.as_ref().unwrap().clone()))
        .collect();
    let resumes = interrupted.iter().map(|outcome| {
        let wf = workflow(client(&emu.endpoint, http.clone(), fast_retry()));
        async move {
            let applied = match (&outcome.job, outcome.process_id) {
                (Job::Create { name, token }, Some(pid)) => {
                    let then = Apply::Create {
                        name: name.clone(),
                        folder: Some(FOLDER.into()),
                        resource_group: Some("S_res_group_reliability".into()),
                        client_token: Some(format!("{token}-create")),
                    };
                    wf.resume(PROJECT, TaskType::DiRealtime, pid, then).await
                }
                (Job::Update { file_id }, Some(pid)) => {
                    let then = Apply::Update {
                        file_id: *file_id,
                        resource_group: None,
                    };
                    wf.resume(PROJECT, TaskType::DiRealtime, pid, then).await
                }
                (job, None) => run_job(wf, job.clone()).await,
            };
            let applied =
                applied.unwrap_or_else(|e| panic!("resumed {:?} failed: {e}", outcome.job));
            (outcome.job.clone(), applied)
        }
    });
    finished.extend(futures::future::join_all(resumes).await);
    emu.kill9();
    eprintln!("reliability_crash: resumed after {:?}", t0.elapsed());
    assert_eq!(integrity_check(dir.path()), "ok", "at the end");

    // The final state, read in-process from the same data dir.
    let check = Emulator::builder()
        .credentials(ID, SECRET)
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let tasks: BTreeMap<String, _> = check
        .inspect()
        .tasks()
        .into_iter()
        .map(|t| (t.name.clone(), t))
        .collect();
    assert_eq!(
        tasks.len(),
        CREATES + UPDATES,
        "no task lost, none created twice"
    );
    for (job, applied) in &finished {
        let task = check.inspect().task(applied.file_id).unwrap();
        assert_eq!(task.content, applied.task_content, "{job:?}");
        match job {
            Job::Create { name, .. } => {
                assert_eq!(&task.name, name);
                assert_eq!(task.version, 1, "{job:?}");
            }
            Job::Update { .. } => {
                assert!(task.content.contains("refunds"));
                // Exactly once: a resumed update reads the task back first and does not
                // send an update whose content already landed before the kill.
                assert_eq!(task.version, 2, "{job:?}");
                assert_eq!(task.update_count, 1, "updated twice: {job:?}");
            }
        }
    }
    println!(
        "reliability_crash: {} workflows, {acknowledged_before_kill} acknowledged when dwdi was \
         killed, {} acknowledged in all, {} interrupted: {resumed_from_process} resumed from \
         their process id, {rerun} re-run with the same ClientToken; integrity_check ok",
        outcomes.len(),
        acknowledged.len(),
        interrupted.len()
    );
    check.shutdown().await.unwrap();
}
