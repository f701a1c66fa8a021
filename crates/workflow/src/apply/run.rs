//! The executor: every change of a plan, bounded concurrency, one chain per task.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use dataworks_project::{Action, Change, DesiredTask, Plan, PlanStep};
use dataworks_wire::TaskType;
use futures::{StreamExt, stream};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::workflow::{Apply, CreateRequest, UpdateRequest, Workflow};
use crate::workflow_error::WorkflowError;

/// How a plan is applied: [`ApplyOptions::default`], then setters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Tasks in flight at once (the rate limiter still paces their requests).
    pub concurrency: usize,
    /// Stop starting tasks after the first failure.
    pub fail_fast: bool,
    /// Allow `replace` (stop, delete, create again); refused otherwise.
    pub allow_replace: bool,
    /// How long to wait for a started task to run.
    pub wait_limit: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency: 8,
            fail_fast: false,
            allow_replace: false,
            wait_limit: Duration::from_secs(600),
        }
    }
}

impl ApplyOptions {
    /// Sets `concurrency`: tasks in flight at once.
    pub fn concurrency(mut self, concurrency: usize) -> ApplyOptions {
        self.concurrency = concurrency;
        self
    }

    /// Sets `fail_fast`: stop starting tasks after the first failure.
    pub fn fail_fast(mut self, fail_fast: bool) -> ApplyOptions {
        self.fail_fast = fail_fast;
        self
    }

    /// Sets `allow_replace`: allow `replace` (stop, delete, create again).
    pub fn allow_replace(mut self, allow_replace: bool) -> ApplyOptions {
        self.allow_replace = allow_replace;
        self
    }

    /// Sets `wait_limit`: how long to wait for a started task to run.
    pub fn wait_limit(mut self, wait_limit: Duration) -> ApplyOptions {
        self.wait_limit = wait_limit;
        self
    }
}

/// What happened to one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status", content = "error")]
pub enum TaskStatus {
    /// Every step done.
    Done,
    /// A step failed (the message names it).
    Failed(String),
    /// Not started (after another task failed with [`ApplyOptions::fail_fast`], or a replace
    /// without [`ApplyOptions::allow_replace`]).
    Skipped(String),
}

/// The result of one task.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct TaskOutcome {
    /// The task.
    pub task: String,
    /// Its folder.
    pub folder: String,
    /// Its type.
    #[serde(rename = "type")]
    pub task_type: TaskType,
    /// The planned action.
    pub action: Action,
    /// The lifecycle steps done.
    pub steps: Vec<PlanStep>,
    /// The task's `FileId` after the run (absent for a delete or when the create failed).
    pub file_id: Option<i64>,
    /// Done, failed or skipped.
    #[serde(flatten)]
    pub status: TaskStatus,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ApplyReport {
    /// One outcome per change that had something to do, in plan order.
    pub tasks: Vec<TaskOutcome>,
}

impl ApplyReport {
    /// How many tasks failed (skipped ones included).
    pub fn failed(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| t.status != TaskStatus::Done)
            .count()
    }
}

/// Progress of a run, for a display.
#[derive(Debug, Clone)]
pub enum ApplyEvent {
    /// A task's chain began.
    Started {
        /// The task.
        task: String,
        /// Its action.
        action: Action,
    },
    /// A task entered a step (`generate`, `create`, `update`, `delete`, `stop`, `deploy`,
    /// `start`, `wait`).
    Step {
        /// The task.
        task: String,
        /// The step.
        step: &'static str,
    },
    /// A task's chain ended.
    Finished(TaskOutcome),
}

/// The `ClientToken` of a generation process: the same workspace, task, live state and
/// document give the same token, so a re-run gets the process in flight back.
pub(crate) fn generation_token(
    project_id: i64,
    change: &Change,
    document: &str,
    attempt: u32,
) -> String {
    let mut hash = Sha256::new();
    hash.update(project_id.to_be_bytes());
    hash.update(change.folder.as_bytes());
    hash.update([0]);
    hash.update(change.task.as_bytes());
    hash.update([0]);
    hash.update(change.fingerprint.as_deref().unwrap_or("absent").as_bytes());
    hash.update([0]);
    hash.update(document.as_bytes());
    hash.update(attempt.to_be_bytes());
    let digest = hex::encode(hash.finalize());
    format!("dwdi-{}", &digest[..32])
}

/// Applies every change of `plan` that has something to do, `options.concurrency` at a time.
/// `tasks` are the desired tasks the plan was made from (found by name). Failures are
/// reported per task; the others go on unless `fail_fast`.
pub async fn execute(
    workflow: &Workflow,
    project_id: i64,
    plan: &Plan,
    tasks: &[DesiredTask],
    options: ApplyOptions,
    on_event: impl Fn(&ApplyEvent) + Send + Sync,
) -> ApplyReport {
    let stop = Arc::new(AtomicBool::new(false));
    let on_event = &on_event;
    let changes = plan.changes.iter().filter(|c| c.is_change());
    let outcomes: Vec<TaskOutcome> = stream::iter(changes)
        .map(|change| {
            let stop = stop.clone();
            async move {
                let mut chain = Chain {
                    workflow,
                    project_id,
                    change,
                    task: tasks.iter().find(|t| t.name == change.task),
                    options,
                    on_event,
                    steps: Vec::new(),
                    file_id: change.file_id,
                };
                let status = if stop.load(Ordering::SeqCst) {
                    TaskStatus::Skipped(
                        "not started: another task failed and fail-fast is on (ApplyOptions::fail_fast)"
                            .to_owned(),
                    )
                } else if change.action == Action::Replace && !options.allow_replace {
                    TaskStatus::Skipped(
                        "refused: a replace (stop, delete, create again) needs ApplyOptions::allow_replace"
                            .to_owned(),
                    )
                } else {
                    on_event(&ApplyEvent::Started {
                        task: change.task.clone(),
                        action: change.action,
                    });
                    match chain.run().await {
                        Ok(()) => TaskStatus::Done,
                        Err(message) => {
                            if options.fail_fast {
                                stop.store(true, Ordering::SeqCst);
                            }
                            TaskStatus::Failed(message)
                        }
                    }
                };
                let outcome = TaskOutcome {
                    task: change.task.clone(),
                    folder: change.folder.clone(),
                    task_type: change.task_type,
                    action: change.action,
                    steps: chain.steps,
                    file_id: if change.action == Action::Delete && status == TaskStatus::Done {
                        None
                    } else {
                        chain.file_id
                    },
                    status,
                };
                on_event(&ApplyEvent::Finished(outcome.clone()));
                outcome
            }
        })
        .buffered(options.concurrency.max(1))
        .collect()
        .await;
    ApplyReport { tasks: outcomes }
}

/// One task's chain.
struct Chain<'a, F> {
    workflow: &'a Workflow,
    project_id: i64,
    change: &'a Change,
    task: Option<&'a DesiredTask>,
    options: ApplyOptions,
    on_event: &'a F,
    steps: Vec<PlanStep>,
    file_id: Option<i64>,
}

/// Generation attempts before a failing process is reported.
const GENERATION_ATTEMPTS: u32 = 3;

impl<F: Fn(&ApplyEvent) + Send + Sync> Chain<'_, F> {
    fn step(&self, step: &'static str) {
        (self.on_event)(&ApplyEvent::Step {
            task: self.change.task.clone(),
            step,
        });
    }

    fn task(&self) -> Result<&DesiredTask, String> {
        self.task.ok_or_else(|| {
            format!(
                "the plan has no desired document for task `{}`",
                self.change.task
            )
        })
    }

    fn file_id(&self) -> Result<i64, String> {
        self.file_id
            .ok_or_else(|| format!("task `{}` has no FileId", self.change.task))
    }

    async fn run(&mut self) -> Result<(), String> {
        let lifecycle = &self.change.lifecycle;
        let leading_stops = lifecycle
            .iter()
            .take_while(|s| **s == PlanStep::Stop)
            .count();
        for _ in 0..leading_stops {
            self.lifecycle_step(PlanStep::Stop).await?;
        }
        match self.change.action {
            Action::None => {}
            Action::Create => self.create().await?,
            Action::Update => self.update().await?,
            Action::Replace => {
                self.delete().await?;
                self.create().await?;
            }
            Action::Delete => self.delete().await?,
        }
        for step in lifecycle.iter().skip(leading_stops) {
            self.lifecycle_step(*step).await?;
        }
        Ok(())
    }

    async fn lifecycle_step(&mut self, step: PlanStep) -> Result<(), String> {
        let client = self.workflow.client();
        let (project, kind, file_id) = (self.project_id, self.change.task_type, self.file_id()?);
        self.step(step.as_str());
        match step {
            PlanStep::Stop => client
                .stop_task(project, kind, file_id)
                .await
                .map_err(|e| format!("stop: {e}"))?,
            PlanStep::Deploy => client
                .deploy_task(project, kind, file_id)
                .await
                .map_err(|e| format!("deploy: {e}"))?,
            PlanStep::Start => {
                let start = self.task.and_then(|t| t.start.as_ref());
                client
                    .start_task(project, kind, file_id, start)
                    .await
                    .map_err(|e| format!("start: {e}"))?;
                self.step("wait");
                client
                    .wait_until_running(project, kind, file_id, self.options.wait_limit)
                    .await
                    .map_err(|e| format!("waiting until it runs: {e}"))?;
            }
        }
        self.steps.push(step);
        Ok(())
    }

    async fn create(&mut self) -> Result<(), String> {
        let task = self.task()?;
        let document = task.document.to_string();
        if task.task_type == TaskType::DiOffline {
            self.step("create");
            let applied = self
                .workflow
                .create(CreateRequest {
                    resource_group: task.resource_group.clone(),
                    ..CreateRequest::new(
                        self.project_id,
                        task.task_type,
                        task.name.clone(),
                        document,
                    )
                    .folder(task.folder.clone())
                })
                .await
                .map_err(|e| format!("create: {e}"))?;
            self.file_id = Some(applied.file_id);
            return Ok(());
        }
        let resource_group = task.resource_group.clone().or_else(|| {
            task.document
                .pointer("/setting/resourceGroup")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        });
        let then = Apply::Create {
            name: task.name.clone(),
            folder: Some(task.folder.clone()),
            resource_group,
            client_token: None,
        };
        let applied = self.generate_and_apply(None, &document, then).await?;
        self.file_id = Some(applied);
        Ok(())
    }

    async fn update(&mut self) -> Result<(), String> {
        let task = self.task()?;
        let file_id = self.file_id()?;
        if task.task_type == TaskType::DiOffline {
            self.step("update");
            self.workflow
                .update(UpdateRequest::new(
                    self.project_id,
                    task.task_type,
                    file_id,
                    task.document.to_string(),
                ))
                .await
                .map_err(|e| format!("update: {e}"))?;
            return Ok(());
        }
        let param = dataworks_taskparam::RealtimeTaskParam::from_value(task.document.clone())
            .map_err(|e| format!("the declared TaskParam does not parse: {e}"))?;
        let update = param.update_param().ok_or_else(|| {
            "the declared TaskParam selects no tables; nothing to update with".to_owned()
        })?;
        let then = Apply::Update {
            file_id,
            resource_group: None,
        };
        self.generate_and_apply(Some(file_id), &update.to_json(), then)
            .await?;
        Ok(())
    }

    /// Generate (content-derived token, so a re-run resumes the same process) → poll →
    /// create or update (read back first). A failed process is retried with a fresh token.
    async fn generate_and_apply(
        &mut self,
        file_id: Option<i64>,
        param: &str,
        then: Apply,
    ) -> Result<i64, String> {
        let kind = self.change.task_type;
        let mut attempt = 0;
        loop {
            let token = generation_token(self.project_id, self.change, param, attempt);
            self.step("generate");
            let process = self
                .workflow
                .generate(self.project_id, kind, file_id, param, &token)
                .await
                .map_err(|e| format!("generate: {e}"))?;
            self.step(if file_id.is_some() {
                "update"
            } else {
                "create"
            });
            match self
                .workflow
                .resume(self.project_id, kind, process, then.clone())
                .await
            {
                Ok(applied) => return Ok(applied.file_id),
                Err(WorkflowError::ProcessFailed { .. }) if attempt + 1 < GENERATION_ATTEMPTS => {
                    attempt += 1;
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    async fn delete(&mut self) -> Result<(), String> {
        let file_id = self.file_id()?;
        self.step("delete");
        self.workflow
            .client()
            .delete_task(self.project_id, self.change.task_type, file_id)
            .await
            .map_err(|e| format!("delete: {e}"))?;
        self.file_id = None;
        Ok(())
    }
}
