//! A task's lifecycle after it exists: deploy, start, stop, terminate, delete, its
//! instance's status, waiting until it runs, and reading its whole live state in as few
//! requests as possible.
//!
//! Every method is one operation through [`Client::call`] (rate limit, retries, signing), and
//! a business failure (`Data.Status = fail` on an HTTP 200) is an error of the call
//! ([`CallErrorKind::Rejected`]), never a success.
//!
//! How the live state is read ([`Client::read_live`]): the content comes from
//! `GetDISyncTask` (`Data.Code`, or a solution's real-time content inside
//! `SolutionDetail.ProcessContent`, as [`crate::Workflow::plan`] reads it); whether
//! the latest version is deployed comes from the [`TaskFile`] found by
//! `Client::list_tasks` / `Client::find_task` (ListFiles' `CommitStatus`), so it costs no
//! request; the instance's status comes from `GetDISyncInstanceInfo` (none for a
//! `DI_OFFLINE` task, which has no instance: [`InstanceStatus::NoRun`]). Both requests go
//! out together. A no-op plan therefore reads a real-time task with 2 requests and a batch
//! task with 1, plus its share of the ListFiles pages (one per 100 tasks of a folder).

use std::time::Duration;

use dataworks_taskparam::StartParam;
use dataworks_wire::{
    DeleteDISyncTask, DeployDISyncTask, GetDISyncInstanceInfo, GetDISyncTask, Operation, Response,
    StartDISyncInstance, StatusData, StopDISyncInstance, TaskType, TerminateDISyncInstance,
};
use rand::Rng;

use dataworks_wire::InstanceStatus;

use crate::client::Client;
use crate::discovery::TaskFile;
use crate::error::{CallError, CallErrorKind, StopReason};
use crate::plan::current_content;
use crate::poll::{NextPoll, PollPolicy};

/// A task as it is in the workspace now.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LiveTask {
    /// The file the task is.
    pub file: TaskFile,
    /// Its content: a real-time task's `TaskContent`, a solution's process content, or a
    /// batch task's job JSON.
    pub content: String,
    /// Whether its latest version is deployed (ListFiles' `CommitStatus`).
    pub deployed: bool,
    /// Its instance's status (`NoRun` for a batch task, which has none).
    pub status: InstanceStatus,
}

/// Why [`Client::wait_until_running`] did not see the task running.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// A status request failed (the [`CallError`] is also the
    /// [`source`](std::error::Error::source)).
    #[error("{0}")]
    Call(#[from] CallError),
    /// The instance failed.
    #[error("the task's instance failed (status {0}); see its log in the DataWorks console")]
    Failed(InstanceStatus),
    /// The limit was reached before the task ran.
    #[error(
        "the task was not running after {elapsed:.1?} ({polls} status requests; last status {last}); \
         read its status again later, or wait longer"
    )]
    TimedOut {
        /// The last status seen.
        last: InstanceStatus,
        /// Status requests made.
        polls: u32,
        /// Time waited.
        elapsed: Duration,
    },
}

/// Whether a status means the task runs (or, for a solution, ran or is running).
pub(crate) fn is_running(status: &InstanceStatus) -> bool {
    match status {
        InstanceStatus::Run | InstanceStatus::Success => true,
        InstanceStatus::Other(other) => other.trim().eq_ignore_ascii_case("running"),
        _ => false,
    }
}

/// Whether a status means the instance failed.
pub(crate) fn is_failed(status: &InstanceStatus) -> bool {
    matches!(status, InstanceStatus::Fail)
}

/// The business failure of an answer as an error of the call.
pub(crate) fn reject_failure<D: StatusData>(
    response: Response<D>,
) -> Result<Response<D>, CallError> {
    match response.business_failure() {
        None => Ok(response),
        Some(failure) => Err(CallError {
            action: response.action,
            attempts: 1,
            elapsed: Duration::ZERO,
            stopped: StopReason::NotRetryable,
            kind: CallErrorKind::Rejected {
                status: Some(failure.status),
                message: failure
                    .message
                    .unwrap_or_else(|| "(the service gave no message)".to_owned()),
                request_id: response.request_id,
            },
        }),
    }
}

impl Client {
    /// [`Client::call`], with a business failure (`Data.Status = fail` on HTTP 200) as an
    /// error ([`CallErrorKind::Rejected`]).
    pub async fn call_checked<Op: Operation>(
        &self,
        op: &Op,
    ) -> Result<Response<Op::Data>, CallError> {
        reject_failure(self.call(op).await?)
    }

    /// `DeployDISyncTask`: deploys the task's latest version (it then runs on the next start).
    pub async fn deploy_task(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
    ) -> Result<(), CallError> {
        self.call_checked(&DeployDISyncTask::new(project_id, task_type, file_id))
            .await
            .map(drop)
    }

    /// `StartDISyncInstance`, with the start settings (`StartParam`) when given.
    pub async fn start_task(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
        start: Option<&StartParam>,
    ) -> Result<(), CallError> {
        let mut request = StartDISyncInstance::new(project_id, task_type, file_id);
        request.start_param = start.map(StartParam::to_json);
        self.call_checked(&request).await.map(drop)
    }

    /// `StopDISyncInstance`: pauses a running real-time task (it can be started again).
    pub async fn stop_task(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
    ) -> Result<(), CallError> {
        self.call_checked(&StopDISyncInstance::new(project_id, task_type, file_id))
            .await
            .map(drop)
    }

    /// `TerminateDISyncInstance`: ends the task's instance (undeploys it).
    pub async fn terminate_task(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
    ) -> Result<(), CallError> {
        self.call_checked(&TerminateDISyncInstance::new(
            project_id, task_type, file_id,
        ))
        .await
        .map(drop)
    }

    /// `DeleteDISyncTask`: deletes the task.
    pub async fn delete_task(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
    ) -> Result<(), CallError> {
        self.call_checked(&DeleteDISyncTask::new(project_id, task_type, file_id))
            .await
            .map(drop)
    }

    /// `GetDISyncInstanceInfo`'s status; `NoRun` without a request for a `DI_OFFLINE` task
    /// (a batch task has no instance).
    pub async fn instance_status(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
    ) -> Result<InstanceStatus, CallError> {
        if task_type == TaskType::DiOffline {
            return Ok(InstanceStatus::NoRun);
        }
        let answer = self
            .call(&GetDISyncInstanceInfo::new(project_id, task_type, file_id))
            .await?;
        Ok(answer
            .data
            .and_then(|d| d.instance_status())
            .unwrap_or_else(|| InstanceStatus::Other(String::new())))
    }

    /// Polls `GetDISyncInstanceInfo` (backoff with jitter, on the client's clock) until the
    /// task runs (`RUN`, or `SUCCESS` for a solution), its instance fails, or `limit` passes (a last poll at the
    /// limit).
    pub async fn wait_until_running(
        &self,
        project_id: i64,
        task_type: TaskType,
        file_id: i64,
        limit: Duration,
    ) -> Result<InstanceStatus, WaitError> {
        let policy = PollPolicy {
            max_wait: limit,
            ..PollPolicy::default()
        };
        let clock = self.clock().clone();
        let started = clock.now();
        let mut polls = 0;
        loop {
            let sample: f64 = rand::rng().random();
            let (wait, last_poll) = match policy.next(polls, clock.now() - started, sample) {
                NextPoll::Wait(d) => (d, false),
                NextPoll::Last(d) => (d, true),
                NextPoll::GiveUp => (Duration::ZERO, true),
            };
            clock.sleep(wait).await;
            polls += 1;
            let status = self.instance_status(project_id, task_type, file_id).await?;
            if is_running(&status) {
                return Ok(status);
            }
            if is_failed(&status) {
                return Err(WaitError::Failed(status));
            }
            if last_poll {
                return Err(WaitError::TimedOut {
                    last: status,
                    polls,
                    elapsed: clock.now() - started,
                });
            }
        }
    }

    /// The task's live state: content, deployed or not, instance status. One
    /// `GetDISyncTask` and (not for `DI_OFFLINE`) one `GetDISyncInstanceInfo`, sent together;
    /// `deployed` comes from `file` (see the module's documentation).
    pub async fn read_live(&self, project_id: i64, file: &TaskFile) -> Result<LiveTask, CallError> {
        let read = GetDISyncTask::new(project_id, file.task_type, file.file_id);
        let (task, status) = futures::join!(
            self.call_checked(&read),
            self.instance_status(project_id, file.task_type, file.file_id)
        );
        let task = task?;
        let request_id = task.request_id.clone();
        let data = task.data.unwrap_or_default();
        let content = current_content(&data, file.task_type).ok_or_else(|| CallError {
            action: <GetDISyncTask as Operation>::ACTION,
            attempts: 1,
            elapsed: Duration::ZERO,
            stopped: StopReason::NotRetryable,
            kind: CallErrorKind::Rejected {
                status: data.status,
                message: format!("task {} has no content (Data.Code)", file.file_id),
                request_id,
            },
        })?;
        Ok(LiveTask {
            file: file.clone(),
            content,
            deployed: file.committed,
            status: status?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_that_failed_on_a_call_has_the_call_as_its_source() {
        use std::error::Error as _;
        let call = CallError {
            action: "GetDISyncInstanceInfo",
            attempts: 1,
            elapsed: Duration::ZERO,
            stopped: StopReason::NotRetryable,
            kind: CallErrorKind::Rejected {
                status: Some("fail".into()),
                message: "no such task".into(),
                request_id: None,
            },
        };
        let error = WaitError::from(call.clone());
        assert_eq!(
            error.source().and_then(|s| s.downcast_ref::<CallError>()),
            Some(&call)
        );
        assert_eq!(error.to_string(), call.to_string());
        let timed_out = WaitError::TimedOut {
            last: InstanceStatus::Wait,
            polls: 3,
            elapsed: Duration::from_secs(60),
        };
        assert!(timed_out.source().is_none());
        assert!(!timed_out.to_string().contains("dwdi"), "{timed_out}");
    }

    #[test]
    fn running_and_failed_states() {
        for s in ["RUN", "success", "running", "Running "] {
            assert!(is_running(&InstanceStatus::parse(s)), "{s}");
        }
        for s in ["NORUN", "WAIT", "PAUSE", "KILLING", "fail", ""] {
            assert!(!is_running(&InstanceStatus::parse(s)), "{s}");
        }
        assert!(is_failed(&InstanceStatus::parse("fail")));
        assert!(!is_failed(&InstanceStatus::parse("RUN")));
    }
}
