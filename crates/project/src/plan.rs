//! The planner: desired tasks + observed tasks → one change per task (create, update,
//! replace, delete, none) with its lifecycle steps and its diff. Pure: the observed state is
//! read by the caller (`dataworks-workflow`'s `apply` module), nothing here does I/O.
//!
//! What can change in place (`update`): a real-time task's reader table selection (through
//! the generate/poll/update flow), a batch task's whole content. Anything else (another
//! writer, another data source, changed mapping rules) is a `replace`. A real-time task is
//! compared as the content its create TaskParam yields: the live content's recovered param
//! ([`dataworks_taskparam::recover`]) against the declared one, so drift made out of band shows
//! as the update that undoes it.

use std::collections::BTreeSet;

use dataworks_taskparam::{
    ContentDiff, DocumentKind, RealtimeTaskParam, TaskContent, diff, diff_documents,
};
use dataworks_wire::TaskType;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::manifest::Lifecycle;
use crate::resolve::{Desired, DesiredTask};

/// Whether a task's instance runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunState {
    /// Running, or starting (waiting for resources): starting it again is not needed.
    Running,
    /// Not running (never started, stopped, paused or failed).
    Stopped,
}

/// One task as it is in the workspace (read by the caller).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedTask {
    /// `FileId`.
    pub file_id: i64,
    /// The name.
    pub name: String,
    /// The folder.
    pub folder: String,
    /// The type.
    #[serde(rename = "type")]
    pub task_type: TaskType,
    /// The content: a real-time TaskContent, or a batch job.
    pub content: String,
    /// Whether the latest version is deployed.
    pub deployed: bool,
    /// Whether the instance runs.
    pub run_state: RunState,
}

impl ObservedTask {
    /// A fingerprint of the live state (content, deployment, run state): a saved plan
    /// records it and `apply` refuses the plan when the task's fingerprint has changed.
    pub fn fingerprint(&self) -> String {
        let canonical = serde_json::from_str::<Value>(&self.content)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| self.content.clone());
        let mut hash = Sha256::new();
        hash.update(self.file_id.to_be_bytes());
        hash.update(self.task_type.as_str());
        hash.update([
            u8::from(self.deployed),
            u8::from(self.run_state == RunState::Running),
        ]);
        hash.update(canonical.as_bytes());
        hex::encode(hash.finalize())
    }
}

/// What happens to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Not in the workspace: created.
    Create,
    /// Changed in place.
    Update,
    /// A change the API cannot make in place: stopped, deleted and created again (only with
    /// `--allow-replace`).
    Replace,
    /// In a managed folder but not declared: deleted (only with `--prune`).
    Delete,
    /// Content as declared (lifecycle steps may still be needed).
    None,
}

impl Action {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::None => "none",
        }
    }
}

/// A lifecycle step. Leading `stop` steps run before the action (a running task is stopped
/// before it is updated, replaced or deleted); the others after it, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanStep {
    /// StopDISyncInstance.
    Stop,
    /// DeployDISyncTask.
    Deploy,
    /// StartDISyncInstance, then wait until it runs.
    Start,
}

impl PlanStep {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStep::Stop => "stop",
            PlanStep::Deploy => "deploy",
            PlanStep::Start => "start",
        }
    }
}

/// One task's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The task's name.
    pub task: String,
    /// Its folder.
    pub folder: String,
    /// Its type.
    #[serde(rename = "type")]
    pub task_type: TaskType,
    /// What happens to it.
    pub action: Action,
    /// The lifecycle steps after the action.
    pub lifecycle: Vec<PlanStep>,
    /// What changes in its content (tables added and removed for a real-time task; the
    /// changed paths of a batch job); absent for create, delete and none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<ContentDiff>,
    /// Why a change is a replace, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The live task (`FileId`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<i64>,
    /// The fingerprint of the live state planned against (absent when the task did not
    /// exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl Change {
    /// Whether applying it changes anything.
    pub fn is_change(&self) -> bool {
        self.action != Action::None || !self.lifecycle.is_empty()
    }
}

/// The changes of one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The environment's name.
    pub environment: String,
    /// One entry per declared task (in manifest order), then the undeclared tasks of the
    /// managed folders (deleted with `--prune`).
    pub changes: Vec<Change>,
}

impl Plan {
    /// Whether anything would change.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(Change::is_change)
    }

    /// How many changes of each action (the lifecycle-only ones count as `none`).
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }
}

/// Planning options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Delete the tasks of managed folders that the manifest does not declare.
    pub prune: bool,
}

impl PlanOptions {
    /// Whether to delete the undeclared tasks of managed folders (default `false`).
    pub fn prune(mut self, prune: bool) -> PlanOptions {
        self.prune = prune;
        self
    }
}

/// Plans the changes that bring `observed` to `desired`.
///
/// ```
/// use dataworks_project::{plan, Action, Desired, PlanOptions, Target};
/// let desired = Desired {
///     target: Target { environment: "dev".into(), workspace: 1, region: None, endpoint: None, profile: None, rate_limit: None },
///     folders: vec!["di".into()],
///     tasks: vec![],
/// };
/// let p = plan(&desired, &[], PlanOptions::default());
/// assert!(!p.has_changes());
/// ```
pub fn plan(desired: &Desired, observed: &[ObservedTask], options: PlanOptions) -> Plan {
    let mut changes = Vec::new();
    let declared: BTreeSet<&str> = desired.tasks.iter().map(|t| t.name.as_str()).collect();
    for task in &desired.tasks {
        let live = observed
            .iter()
            .find(|o| o.name == task.name && o.folder == task.folder);
        changes.push(plan_task(task, live));
    }
    if options.prune {
        for o in observed {
            if desired.folders.contains(&o.folder) && !declared.contains(o.name.as_str()) {
                changes.push(Change {
                    task: o.name.clone(),
                    folder: o.folder.clone(),
                    task_type: o.task_type,
                    action: Action::Delete,
                    lifecycle: if o.run_state == RunState::Running && can_stop(o.task_type) {
                        vec![PlanStep::Stop]
                    } else {
                        Vec::new()
                    },
                    diff: None,
                    reason: None,
                    file_id: Some(o.file_id),
                    fingerprint: Some(o.fingerprint()),
                });
            }
        }
    }
    Plan {
        environment: desired.target.environment.clone(),
        changes,
    }
}

/// The content comparison of one task.
enum Compare {
    Same,
    Update(ContentDiff),
    Replace(Option<ContentDiff>, String),
}

fn plan_task(task: &DesiredTask, live: Option<&ObservedTask>) -> Change {
    let can_run = task.task_type != TaskType::DiOffline;
    let wants_running = can_run && task.lifecycle == Lifecycle::Running;
    let mut change = Change {
        task: task.name.clone(),
        folder: task.folder.clone(),
        task_type: task.task_type,
        action: Action::Create,
        lifecycle: Vec::new(),
        diff: None,
        reason: None,
        file_id: live.map(|o| o.file_id),
        fingerprint: live.map(ObservedTask::fingerprint),
    };
    let Some(live) = live else {
        change.lifecycle = fresh(wants_running);
        return change;
    };
    let running = can_run && live.run_state == RunState::Running;
    let stoppable = running && can_stop(task.task_type);
    let compare = if live.task_type != task.task_type {
        Compare::Replace(
            None,
            format!(
                "the live task is {}, the manifest declares {}",
                live.task_type, task.task_type
            ),
        )
    } else {
        compare(task, &live.content)
    };
    match compare {
        Compare::Same => {
            change.action = Action::None;
            if !live.deployed {
                change.lifecycle.push(PlanStep::Deploy);
            }
            match (wants_running, running) {
                (true, false) => change.lifecycle.push(PlanStep::Start),
                (false, true) if stoppable => change.lifecycle.insert(0, PlanStep::Stop),
                _ => {}
            }
        }
        Compare::Update(d) => {
            change.action = Action::Update;
            change.diff = Some(d);
            change.lifecycle = match (wants_running, running) {
                // A running task takes the new tables only after a restart; a solution cannot be
                // stopped (it runs once per start), so it is started again.
                (true, true) if stoppable => {
                    vec![PlanStep::Stop, PlanStep::Deploy, PlanStep::Start]
                }
                (true, _) => vec![PlanStep::Deploy, PlanStep::Start],
                (false, true) if stoppable => vec![PlanStep::Stop, PlanStep::Deploy],
                (false, _) => vec![PlanStep::Deploy],
            };
        }
        Compare::Replace(d, reason) => {
            change.action = Action::Replace;
            change.diff = d;
            change.reason = Some(reason);
            change.lifecycle = fresh(wants_running);
            if stoppable {
                change.lifecycle.insert(0, PlanStep::Stop);
            }
        }
    }
    change
}

/// Whether StopDISyncInstance applies: real-time tasks only (a solution runs once per start,
/// a batch task has no instance).
fn can_stop(task_type: TaskType) -> bool {
    task_type == TaskType::DiRealtime
}

fn fresh(wants_running: bool) -> Vec<PlanStep> {
    if wants_running {
        vec![PlanStep::Deploy, PlanStep::Start]
    } else {
        vec![PlanStep::Deploy]
    }
}

fn compare(task: &DesiredTask, live: &str) -> Compare {
    if task.task_type == TaskType::DiOffline {
        let Ok(current) = serde_json::from_str::<Value>(live) else {
            return Compare::Replace(None, "the live batch job is not JSON".to_owned());
        };
        let d = diff_documents(&current, &task.document, DocumentKind::BatchJob);
        return if d.is_empty() {
            Compare::Same
        } else {
            Compare::Update(d)
        };
    }
    let param = match RealtimeTaskParam::from_value(task.document.clone()) {
        Ok(p) => p,
        Err(e) => {
            return Compare::Replace(None, format!("the declared TaskParam does not parse: {e}"));
        }
    };
    let expected = TaskContent::from_realtime_param(&param);
    let current = match live_canonical(live) {
        Ok(c) => c,
        Err(why) => return Compare::Replace(None, why),
    };
    let d = diff(&current, &expected);
    if d.is_empty() {
        return Compare::Same;
    }
    let updated = param
        .update_param()
        .and_then(|u| current.apply_update(&u).ok());
    match updated {
        Some(next) if diff(&next, &expected).is_empty() => Compare::Update(d),
        _ => Compare::Replace(Some(d), replace_reason(&current, &expected)),
    }
}

/// The live content as its recovered create param yields it (fields the create TaskParam
/// cannot express are left out of the comparison).
fn live_canonical(live: &str) -> Result<TaskContent, String> {
    let content = TaskContent::from_json(live)
        .map_err(|e| format!("the live content is not a real-time TaskContent: {e}"))?;
    let param = content
        .recover_param()
        .map_err(|e| format!("the live content cannot be compared: {e}"))?;
    Ok(TaskContent::from_realtime_param(&param))
}

fn replace_reason(current: &TaskContent, expected: &TaskContent) -> String {
    let ds = |c: &TaskContent| c.reader_datasource().map(str::to_owned);
    let writer = |c: &TaskContent| {
        c.steps.iter().find(|s| s.is_writer()).map(|s| {
            (
                s.step_type.clone(),
                s.parameter.datasource().map(str::to_owned),
            )
        })
    };
    if ds(current) != ds(expected) {
        "the reader's data source changes; the API cannot change it in place".to_owned()
    } else if writer(current) != writer(expected) {
        "the writer changes; the API cannot change it in place".to_owned()
    } else {
        "a change other than the table selection (mapping rules, settings); the API changes only the table selection in place".to_owned()
    }
}
