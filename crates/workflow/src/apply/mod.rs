//! Running a project's plan (what `dwdi apply` does): the live tasks read into the planner's observed
//! state (`observe`), then every change executed ([`execute`]) with bounded concurrency, each
//! task's chain (stop → create/update/replace/delete → deploy → start → wait until running)
//! through the client, whose rate limiter is shared by every task.
//!
//! # Interruption safety
//!
//! There is no journal: the workspace is the state. Every run plans again from what it reads,
//! so a task created or updated before an interruption is found as it is and not created or
//! updated again. Creates are protected by the task's identity (a name is unique in its folder:
//! the service refuses a second one). A generation process is started with a `ClientToken`
//! derived from the workspace, the task, the live state planned against and the document
//! (`generation_token`), so a re-run asks for the same process and gets the one in flight
//! back, resumed rather than started again; an update is applied only after reading the task
//! back ([`crate::Workflow::resume`]), so an update that landed just before the interruption is
//! not applied twice. A process that failed is not reused: the next attempt takes a fresh token.

mod observe;
mod run;

pub use observe::{observe, observe_files, observed_task};
pub use run::{ApplyEvent, ApplyOptions, ApplyReport, TaskOutcome, TaskStatus, execute};
