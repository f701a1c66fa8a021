//! The create/update workflow: validate offline → generate → poll the process → apply, for
//! DI_REALTIME tasks and DI_SOLUTION solutions; a direct create/update for DI_OFFLINE.

use std::sync::Arc;
use std::time::Duration;

use dataworks_wire::{
    CreateDISyncTask, GenerateDISyncTaskConfigForCreating, GenerateDISyncTaskConfigForUpdating,
    Operation, QueryDISyncTaskConfigProcessResult, TaskType, UpdateDISyncTask,
};
use rand::Rng;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::{CallError, CallErrorKind, StopReason};
use crate::input::{Purpose, TaskParamInput};
use crate::poll::{NextPoll, PollPolicy};
use crate::progress::{Progress, ProgressSink, Stage};
use crate::workflow_error::WorkflowError;

/// A new task (`Workflow::create`): [`CreateRequest::new`] with the required fields, then
/// the optional ones by setter.
///
/// ```
/// use dataworks_workflow::{CreateRequest, TaskType};
/// let request = CreateRequest::new(10000, TaskType::DiRealtime, "orders_to_holo", r#"{"type":"job"}"#)
///     .folder("Workflow/demo/Data Integration")
///     .client_token("ci-build-1234");
/// assert_eq!(request.folder.as_deref(), Some("Workflow/demo/Data Integration"));
/// assert_eq!(request.resource_group, None);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreateRequest {
    /// The workspace (`ProjectId`).
    pub project_id: i64,
    /// `DI_REALTIME`, `DI_SOLUTION` (generated asynchronously) or `DI_OFFLINE` (direct).
    pub task_type: TaskType,
    /// The task's name (`TaskName`).
    pub name: String,
    /// The folder (`FileFolderPath` of the create `TaskParam`), if any.
    pub folder: Option<String>,
    /// The resource group (`ResourceGroup`); for real-time tasks, defaults to the
    /// `TaskParam`'s `setting.resourceGroup`.
    pub resource_group: Option<String>,
    /// The document: a real-time create `TaskParam`, or a batch job for DI_OFFLINE.
    pub param: TaskParamInput,
    /// An idempotency key for the whole workflow: the `ClientToken`s of generate and create
    /// are derived from it (`<token>-generate`, `<token>-create`), so running the same
    /// workflow again with the same token does nothing twice. A random one when absent.
    pub client_token: Option<String>,
}

/// A change to an existing task (`Workflow::update`, `Workflow::plan`):
/// [`UpdateRequest::new`] with the required fields, then the optional ones by setter.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UpdateRequest {
    /// The workspace (`ProjectId`).
    pub project_id: i64,
    /// The task's type.
    pub task_type: TaskType,
    /// The task (`FileId`).
    pub file_id: i64,
    /// The document: an update `TaskParam` (the new table selection), or a batch job for
    /// DI_OFFLINE.
    pub param: TaskParamInput,
    /// A new resource group, if it changes.
    pub resource_group: Option<String>,
}

impl CreateRequest {
    /// A request for a task named `name` of `task_type` in workspace `project_id`, made from
    /// `param` (a typed document or JSON text); no folder, the `TaskParam`'s resource group, a
    /// random idempotency key.
    pub fn new(
        project_id: i64,
        task_type: TaskType,
        name: impl Into<String>,
        param: impl Into<TaskParamInput>,
    ) -> CreateRequest {
        CreateRequest {
            project_id,
            task_type,
            name: name.into(),
            folder: None,
            resource_group: None,
            param: param.into(),
            client_token: None,
        }
    }

    /// The folder the task goes in (`FileFolderPath`).
    pub fn folder(mut self, folder: impl Into<String>) -> CreateRequest {
        self.folder = Some(folder.into());
        self
    }

    /// The resource group (`ResourceGroup`), instead of the `TaskParam`'s.
    pub fn resource_group(mut self, resource_group: impl Into<String>) -> CreateRequest {
        self.resource_group = Some(resource_group.into());
        self
    }

    /// The idempotency key of the whole workflow: the `ClientToken`s of generate and create
    /// are derived from it, so running the same workflow again with it does nothing twice.
    pub fn client_token(mut self, token: impl Into<String>) -> CreateRequest {
        self.client_token = Some(token.into());
        self
    }
}

impl UpdateRequest {
    /// A change of task `file_id` (of `task_type`, in workspace `project_id`) to `param`; the
    /// resource group unchanged.
    pub fn new(
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
        param: impl Into<TaskParamInput>,
    ) -> UpdateRequest {
        UpdateRequest {
            project_id,
            task_type,
            file_id,
            param: param.into(),
            resource_group: None,
        }
    }

    /// A new resource group for the task.
    pub fn resource_group(mut self, resource_group: impl Into<String>) -> UpdateRequest {
        self.resource_group = Some(resource_group.into());
        self
    }
}

/// What to do once a resumed process has succeeded (`Workflow::resume`).
#[derive(Debug, Clone)]
pub enum Apply {
    /// Create a task from the generated content.
    Create {
        /// The task's name.
        name: String,
        /// The folder, if any.
        folder: Option<String>,
        /// The resource group, if any.
        resource_group: Option<String>,
        /// The `CreateDISyncTask` `ClientToken` (use the original run's `<token>-create` to
        /// stay idempotent with it); random when absent.
        client_token: Option<String>,
    },
    /// Update a task with the generated content.
    Update {
        /// The task.
        file_id: i64,
        /// A new resource group, if it changes.
        resource_group: Option<String>,
    },
}

/// Whether a task was created or updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppliedAction {
    /// `CreateDISyncTask`.
    Created,
    /// `UpdateDISyncTask`.
    Updated,
}

/// The result of a successful workflow.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Applied {
    /// Created or updated.
    pub action: AppliedAction,
    /// The workspace.
    pub project_id: i64,
    /// The task type (wire name).
    pub task_type: String,
    /// The task (`FileId`).
    pub file_id: i64,
    /// The generation process, for DI_REALTIME / DI_SOLUTION.
    pub process_id: Option<i64>,
    /// Polls made.
    pub polls: u32,
    /// Time spent, from validation to the answer of the apply.
    #[serde(rename = "elapsed_ms", with = "crate::progress::duration_ms")]
    pub elapsed: Duration,
    /// The request id of the apply's answer.
    pub request_id: Option<String>,
    /// True when the update's outcome was confirmed by reading the task back after an
    /// ambiguous failure (see [`Client::update_task`]).
    pub confirmed_by_read_back: bool,
    /// The content applied (`TaskContent`).
    pub task_content: String,
}

/// A successful generation process.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ProcessResult {
    /// The process.
    pub process_id: i64,
    /// The generated `TaskContent`.
    pub task_content: String,
    /// Polls made.
    pub polls: u32,
    /// Time spent polling.
    #[serde(rename = "elapsed_ms", with = "crate::progress::duration_ms")]
    pub elapsed: Duration,
    /// The request id of the answer that said `success`.
    pub request_id: Option<String>,
}

/// Runs create/update workflows over a [`Client`].
///
/// ```no_run
/// use dataworks_workflow::{Client, CreateRequest, TaskType, Workflow};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder().endpoint("http://127.0.0.1:8080").build()?;
/// let workflow = Workflow::new(client).on_progress(|p| eprintln!("{} {:?}", p.stage, p.process_id));
/// let created = workflow
///     .create(CreateRequest::new(
///         10000,
///         TaskType::DiRealtime,
///         "orders_to_holo",
///         std::fs::read_to_string("realtime-task-param.json")?,
///     ))
///     .await?;
/// println!("created task {}", created.file_id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Workflow {
    client: Client,
    poll: PollPolicy,
    sink: Option<ProgressSink>,
}

impl std::fmt::Debug for Workflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workflow")
            .field("client", &self.client)
            .field("poll", &self.poll)
            .field("progress", &self.sink.is_some())
            .finish()
    }
}

/// The state of one run, for progress.
pub(crate) struct Run<'a> {
    workflow: &'a Workflow,
    start: Instant,
    progress: Progress,
}

impl Run<'_> {
    pub(crate) fn emit(&mut self, stage: Stage) {
        self.progress.stage = stage;
        self.progress.elapsed = self.workflow.client.clock().now() - self.start;
        if let Some(sink) = &self.workflow.sink {
            sink(&self.progress);
        }
    }
}

impl Workflow {
    /// A workflow with the default [`PollPolicy`] and no progress observer.
    pub fn new(client: Client) -> Workflow {
        Workflow {
            client,
            poll: PollPolicy::default(),
            sink: None,
        }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sets the polling policy.
    pub fn with_poll_policy(mut self, policy: PollPolicy) -> Workflow {
        self.poll = policy;
        self
    }

    /// The polling policy.
    pub fn poll_policy(&self) -> PollPolicy {
        self.poll
    }

    /// Calls `observer` at every stage change and after every poll.
    pub fn on_progress(mut self, observer: impl Fn(&Progress) + Send + Sync + 'static) -> Workflow {
        self.sink = Some(Arc::new(observer));
        self
    }

    /// Publishes progress on a `watch` channel (replacing any callback) and returns the
    /// receiving end, for callers that prefer to await changes.
    pub fn progress_channel(&mut self) -> watch::Receiver<Progress> {
        let (tx, rx) = watch::channel(Progress::start());
        self.sink = Some(Arc::new(move |p: &Progress| {
            tx.send_replace(p.clone());
        }));
        rx
    }

    pub(crate) fn run(&self) -> Run<'_> {
        Run {
            workflow: self,
            start: self.client.clock().now(),
            progress: Progress::start(),
        }
    }

    /// Creates a task: validate offline, then for DI_REALTIME / DI_SOLUTION generate → poll →
    /// `CreateDISyncTask` with the generated content; for DI_OFFLINE `CreateDISyncTask`
    /// with the job directly.
    pub async fn create(&self, request: CreateRequest) -> Result<Applied, WorkflowError> {
        let mut run = self.run();
        run.emit(Stage::Validate);
        if request.name.trim().is_empty() {
            return Err(WorkflowError::InvalidInput(
                "the task name is empty; give a name".to_owned(),
            ));
        }
        let param = request
            .param
            .validated(Purpose::Create, request.task_type)?;
        let token = request
            .client_token
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let resource_group = request
            .resource_group
            .clone()
            .or_else(|| setting_resource_group(&param));
        let apply = Apply::Create {
            name: request.name.clone(),
            folder: request.folder.clone(),
            resource_group,
            client_token: Some(format!("{token}-create")),
        };
        if request.task_type == TaskType::DiOffline {
            return self
                .apply(
                    &mut run,
                    request.project_id,
                    request.task_type,
                    None,
                    param,
                    &apply,
                )
                .await;
        }
        run.emit(Stage::Generate);
        let generated = self
            .client
            .call(
                &GenerateDISyncTaskConfigForCreating::new(
                    request.project_id,
                    request.task_type,
                    param,
                )
                .client_token(format!("{token}-generate")),
            )
            .await
            .map_err(|source| WorkflowError::Generate {
                source: Box::new(source),
            })?;
        let process_id =
            process_id_of(generated).map_err(|source| WorkflowError::Generate { source })?;
        let result = self
            .wait_in(&mut run, request.project_id, request.task_type, process_id)
            .await?;
        self.apply(
            &mut run,
            request.project_id,
            request.task_type,
            Some(&result),
            result.task_content.clone(),
            &apply,
        )
        .await
    }

    /// Updates a task: validate offline, then for DI_REALTIME / DI_SOLUTION generate (for
    /// updating) → poll → `UpdateDISyncTask` with the generated content (read-back rule of
    /// [`Client::update_task`]); for DI_OFFLINE `UpdateDISyncTask` with the job directly.
    pub async fn update(&self, request: UpdateRequest) -> Result<Applied, WorkflowError> {
        let mut run = self.run();
        run.emit(Stage::Validate);
        let param = request
            .param
            .validated(Purpose::Update, request.task_type)?;
        let apply = Apply::Update {
            file_id: request.file_id,
            resource_group: request.resource_group.clone(),
        };
        if request.task_type == TaskType::DiOffline {
            return self
                .apply(
                    &mut run,
                    request.project_id,
                    request.task_type,
                    None,
                    param,
                    &apply,
                )
                .await;
        }
        run.emit(Stage::Generate);
        let generated = self
            .client
            .call(
                &GenerateDISyncTaskConfigForUpdating::new(
                    request.project_id,
                    request.task_type,
                    param,
                    request.file_id,
                )
                .client_token(format!("{}-generate", uuid::Uuid::new_v4())),
            )
            .await
            .map_err(|source| WorkflowError::Generate {
                source: Box::new(source),
            })?;
        let process_id =
            process_id_of(generated).map_err(|source| WorkflowError::Generate { source })?;
        let result = self
            .wait_in(&mut run, request.project_id, request.task_type, process_id)
            .await?;
        self.apply(
            &mut run,
            request.project_id,
            request.task_type,
            Some(&result),
            result.task_content.clone(),
            &apply,
        )
        .await
    }

    /// Starts a generation process alone (no poll, no apply) and returns its id: for a new
    /// task (`file_id` `None`) or an update of `file_id`. The `client_token` is sent as given, so
    /// a caller that derives it from the content gets the same process back when it asks again
    /// (`apply` resumes processes in flight this way); follow with [`Workflow::resume`].
    pub async fn generate(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: Option<i64>,
        param: &str,
        client_token: &str,
    ) -> Result<i64, WorkflowError> {
        let answer = match file_id {
            None => {
                self.client
                    .call(
                        &GenerateDISyncTaskConfigForCreating::new(
                            project_id,
                            task_type,
                            param.to_owned(),
                        )
                        .client_token(client_token.to_owned()),
                    )
                    .await
            }
            Some(task_id) => {
                self.client
                    .call(
                        &GenerateDISyncTaskConfigForUpdating::new(
                            project_id,
                            task_type,
                            param.to_owned(),
                            task_id,
                        )
                        .client_token(client_token.to_owned()),
                    )
                    .await
            }
        }
        .map_err(|source| WorkflowError::Generate {
            source: Box::new(source),
        })?;
        process_id_of(answer).map_err(|source| WorkflowError::Generate { source })
    }

    /// Resumes after an interruption: polls `process_id` until it ends (within the wait
    /// limit), then applies its content as `then` says.
    ///
    /// An update is applied only when the task does not have the content already: the
    /// interrupted run may have sent `UpdateDISyncTask` and lost only the answer, so the
    /// task is read back first (`GetDISyncTask`) and, when its content equals the process's
    /// content, the result says `confirmed_by_read_back` and nothing is sent again. (A create
    /// needs no such check: its `ClientToken` makes the repeat return the first answer.)
    pub async fn resume(
        &self,
        project_id: i64,
        task_type: TaskType,
        process_id: i64,
        then: Apply,
    ) -> Result<Applied, WorkflowError> {
        let mut run = self.run();
        run.progress.process_id = Some(process_id);
        let result = self
            .wait_in(&mut run, project_id, task_type, process_id)
            .await?;
        if let Apply::Update { file_id, .. } = &then {
            let read_back = self
                .client
                .read_task_content_matches(project_id, task_type, *file_id, &result.task_content)
                .await
                .map_err(|source| WorkflowError::Read {
                    file_id: *file_id,
                    source: Box::new(source),
                })?;
            if read_back.matches {
                run.emit(Stage::Apply);
                run.emit(Stage::Done);
                return Ok(Applied {
                    action: AppliedAction::Updated,
                    project_id,
                    task_type: task_type.to_string(),
                    file_id: *file_id,
                    process_id: Some(process_id),
                    polls: result.polls,
                    elapsed: run.progress.elapsed,
                    request_id: read_back.request_id,
                    confirmed_by_read_back: true,
                    task_content: result.task_content,
                });
            }
        }
        self.apply(
            &mut run,
            project_id,
            task_type,
            Some(&result),
            result.task_content.clone(),
            &then,
        )
        .await
    }

    /// Polls a process until it ends or the wait limit is reached (no apply).
    pub async fn wait(
        &self,
        project_id: i64,
        task_type: TaskType,
        process_id: i64,
    ) -> Result<ProcessResult, WorkflowError> {
        let mut run = self.run();
        run.progress.process_id = Some(process_id);
        let result = self
            .wait_in(&mut run, project_id, task_type, process_id)
            .await?;
        run.emit(Stage::Done);
        Ok(result)
    }

    async fn wait_in(
        &self,
        run: &mut Run<'_>,
        project_id: i64,
        task_type: TaskType,
        process_id: i64,
    ) -> Result<ProcessResult, WorkflowError> {
        let clock = self.client.clock().clone();
        let started = clock.now();
        run.progress.process_id = Some(process_id);
        run.progress.polls = 0;
        run.emit(Stage::Poll);
        let mut polls: u32 = 0;
        let mut last_status: Option<String> = None;
        loop {
            let sample: f64 = rand::rng().random();
            let last = match self.poll.next(polls, clock.now() - started, sample) {
                NextPoll::Wait(d) => {
                    clock.sleep(d).await;
                    false
                }
                NextPoll::Last(d) => {
                    clock.sleep(d).await;
                    true
                }
                NextPoll::GiveUp => {
                    return Err(WorkflowError::Timeout {
                        process_id,
                        polls,
                        elapsed: clock.now() - started,
                        last_status,
                    });
                }
            };
            polls += 1;
            let answer = self
                .client
                .call(&QueryDISyncTaskConfigProcessResult::new(
                    project_id, task_type, process_id,
                ))
                .await
                .map_err(|source| WorkflowError::Poll {
                    process_id,
                    polls,
                    source: Box::new(source),
                })?;
            let data = answer.data.unwrap_or_default();
            let status = data.status.clone();
            run.progress.polls = polls;
            run.progress.status = status.clone();
            run.emit(Stage::Poll);
            tracing::debug!(process_id, polls, status = ?status, "polled");
            match status.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("success") => {
                    let Some(task_content) = data.task_content.filter(|c| !c.trim().is_empty())
                    else {
                        return Err(WorkflowError::Poll {
                            process_id,
                            polls,
                            source: rejected(
                                <QueryDISyncTaskConfigProcessResult as Operation>::ACTION,
                                status,
                                "the process succeeded but returned no TaskContent".to_owned(),
                                answer.request_id,
                            ),
                        });
                    };
                    return Ok(ProcessResult {
                        process_id,
                        task_content,
                        polls,
                        elapsed: clock.now() - started,
                        request_id: answer.request_id,
                    });
                }
                Some("fail") => {
                    return Err(WorkflowError::ProcessFailed {
                        process_id,
                        message: data
                            .message
                            .unwrap_or_else(|| "(the service gave no message)".to_owned()),
                        request_id: answer.request_id,
                        polls,
                    });
                }
                _ => {
                    last_status = status;
                    if last {
                        return Err(WorkflowError::Timeout {
                            process_id,
                            polls,
                            elapsed: clock.now() - started,
                            last_status,
                        });
                    }
                }
            }
        }
    }

    async fn apply(
        &self,
        run: &mut Run<'_>,
        project_id: i64,
        task_type: TaskType,
        process: Option<&ProcessResult>,
        task_content: String,
        apply: &Apply,
    ) -> Result<Applied, WorkflowError> {
        run.emit(Stage::Apply);
        let process_id = process.map(|p| p.process_id);
        let polls = process.map_or(0, |p| p.polls);
        let applied = match apply {
            Apply::Create {
                name,
                folder,
                resource_group,
                client_token,
            } => {
                let meta = task_meta(folder.as_deref(), resource_group.as_deref());
                let mut create = CreateDISyncTask::new(project_id, task_type, task_content.clone())
                    .task_name(name.clone());
                create.task_param = meta;
                create.client_token = client_token.clone();
                let answer =
                    self.client
                        .call(&create)
                        .await
                        .map_err(|source| WorkflowError::Apply {
                            action: <CreateDISyncTask as Operation>::ACTION,
                            source: Box::new(source),
                        })?;
                let data = answer.data.unwrap_or_default();
                if is_fail(data.status.as_deref()) || data.file_id.is_none() {
                    return Err(WorkflowError::Apply {
                        action: <CreateDISyncTask as Operation>::ACTION,
                        source: rejected(
                            <CreateDISyncTask as Operation>::ACTION,
                            data.status,
                            data.message
                                .unwrap_or_else(|| "the answer has no FileId".to_owned()),
                            answer.request_id,
                        ),
                    });
                }
                Applied {
                    action: AppliedAction::Created,
                    project_id,
                    task_type: task_type.to_string(),
                    file_id: data.file_id.unwrap_or_default(),
                    process_id,
                    polls,
                    elapsed: Duration::ZERO,
                    request_id: answer.request_id,
                    confirmed_by_read_back: false,
                    task_content,
                }
            }
            Apply::Update {
                file_id,
                resource_group,
            } => {
                let meta = task_meta(None, resource_group.as_deref());
                let mut update = UpdateDISyncTask::new(project_id, task_type, *file_id)
                    .task_content(task_content.clone());
                update.task_param = meta;
                let outcome = self.client.update_task(&update).await.map_err(|source| {
                    WorkflowError::Apply {
                        action: <UpdateDISyncTask as Operation>::ACTION,
                        source: Box::new(source),
                    }
                })?;
                if is_fail(outcome.status.as_deref()) {
                    return Err(WorkflowError::Apply {
                        action: <UpdateDISyncTask as Operation>::ACTION,
                        source: rejected(
                            <UpdateDISyncTask as Operation>::ACTION,
                            outcome.status,
                            outcome
                                .message
                                .unwrap_or_else(|| "(the service gave no message)".to_owned()),
                            outcome.request_id,
                        ),
                    });
                }
                Applied {
                    action: AppliedAction::Updated,
                    project_id,
                    task_type: task_type.to_string(),
                    file_id: *file_id,
                    process_id,
                    polls,
                    elapsed: Duration::ZERO,
                    request_id: outcome.request_id,
                    confirmed_by_read_back: outcome.confirmed_by_read_back,
                    task_content,
                }
            }
        };
        run.emit(Stage::Done);
        Ok(Applied {
            elapsed: run.progress.elapsed,
            ..applied
        })
    }
}

/// The process id of a generate answer, or a "rejected" call error.
fn process_id_of(
    answer: dataworks_wire::Response<dataworks_wire::GenerateDISyncTaskConfigData>,
) -> Result<i64, Box<CallError>> {
    let data = answer.data.unwrap_or_default();
    match data.process_id {
        Some(id) if !is_fail(data.status.as_deref()) => Ok(id),
        _ => Err(rejected(
            "GenerateDISyncTaskConfig",
            data.status,
            data.message
                .unwrap_or_else(|| "the answer has no ProcessId".to_owned()),
            answer.request_id,
        )),
    }
}

fn is_fail(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("fail"))
}

fn rejected(
    action: &'static str,
    status: Option<String>,
    message: String,
    request_id: Option<String>,
) -> Box<CallError> {
    Box::new(CallError {
        action,
        attempts: 1,
        elapsed: Duration::ZERO,
        stopped: StopReason::NotRetryable,
        kind: CallErrorKind::Rejected {
            status,
            message,
            request_id,
        },
    })
}

/// The small `TaskParam` of Create/UpdateDISyncTask (`FileFolderPath`, `ResourceGroup`),
/// `None` when neither is given.
fn task_meta(folder: Option<&str>, resource_group: Option<&str>) -> Option<String> {
    let mut meta = Map::new();
    if let Some(folder) = folder {
        meta.insert("FileFolderPath".to_owned(), Value::from(folder));
    }
    if let Some(group) = resource_group {
        meta.insert("ResourceGroup".to_owned(), Value::from(group));
    }
    (!meta.is_empty()).then(|| Value::Object(meta).to_string())
}

/// `setting.resourceGroup` of a real-time create `TaskParam`, if any.
fn setting_resource_group(param: &str) -> Option<String> {
    let value: Value = serde_json::from_str(param).ok()?;
    value
        .pointer("/setting/resourceGroup")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_meta_has_only_what_is_given() {
        assert_eq!(task_meta(None, None), None);
        assert_eq!(
            task_meta(Some("a/b"), Some("g")).as_deref(),
            Some(r#"{"FileFolderPath":"a/b","ResourceGroup":"g"}"#)
        );
        assert_eq!(
            task_meta(None, Some("g")).as_deref(),
            Some(r#"{"ResourceGroup":"g"}"#)
        );
    }

    #[test]
    fn resource_group_from_the_setting() {
        assert_eq!(
            setting_resource_group(r#"{"setting":{"resourceGroup":"S_res"}}"#).as_deref(),
            Some("S_res")
        );
        assert_eq!(setting_resource_group("{}"), None);
        assert_eq!(setting_resource_group("nope"), None);
    }
}
