//! The saved plan (`dwdi plan --out plan.json`): the plan, the desired tasks it applies, the
//! target, and per task the fingerprint of the live state it was planned against, so that
//! `dwdi apply plan.json` applies exactly that plan or refuses it.

use serde::{Deserialize, Serialize};

use crate::plan::{ObservedTask, Plan};
use crate::resolve::{DesiredTask, Target};

/// The format version written in `format`.
pub const SAVED_PLAN_FORMAT: u32 = 1;

/// A plan written to a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// [`SAVED_PLAN_FORMAT`].
    pub format: u32,
    /// Where it applies.
    pub target: Target,
    /// Planned with `--prune`.
    pub prune: bool,
    /// The changes, each with the fingerprint of the live task it was planned against.
    pub plan: Plan,
    /// The desired tasks (documents substituted), so the plan applies without the manifest.
    pub tasks: Vec<DesiredTask>,
}

/// A saved plan that no longer matches the workspace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StalePlan {
    /// A task changed since the plan was made.
    #[error(
        "task `{task}` changed since the plan was made ({what}); run `dwdi plan --out FILE` again and review the new plan"
    )]
    Changed {
        /// The task.
        task: String,
        /// What changed.
        what: String,
    },
    /// The plan was written by another format version.
    #[error(
        "the plan file has format {found}, this dwdi reads format {SAVED_PLAN_FORMAT}; plan again with this dwdi"
    )]
    Format {
        /// The version found.
        found: u32,
    },
}

impl SavedPlan {
    /// Checks the plan against the live tasks now: every planned task's fingerprint must be the
    /// same (a task that did not exist must still not exist). Every stale task is reported.
    pub fn check_fresh(&self, observed: &[ObservedTask]) -> Result<(), Vec<StalePlan>> {
        if self.format != SAVED_PLAN_FORMAT {
            return Err(vec![StalePlan::Format { found: self.format }]);
        }
        let mut stale = Vec::new();
        for change in &self.plan.changes {
            let live = observed
                .iter()
                .find(|o| o.name == change.task && o.folder == change.folder);
            let what = match (&change.fingerprint, live) {
                (None, None) => continue,
                (None, Some(_)) => "it exists now".to_owned(),
                (Some(_), None) => "it no longer exists".to_owned(),
                (Some(fp), Some(o)) if *fp == o.fingerprint() => continue,
                (Some(_), Some(_)) => "its content, deployment or run state differs".to_owned(),
            };
            stale.push(StalePlan::Changed {
                task: change.task.clone(),
                what,
            });
        }
        if stale.is_empty() { Ok(()) } else { Err(stale) }
    }
}
