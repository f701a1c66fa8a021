//! The async DataWorks Data Integration client and the create/update workflow.
//!
//! - [`Client`]: endpoint from a region or an explicit URL ([`Endpoint`]), credentials
//!   from the chain ([`credentials`]), every attempt signed afresh (ACS3-HMAC-SHA256 by
//!   default, v1 on request), retries with exponential backoff and full jitter that are
//!   safe for mutations ([`RetryPolicy`]: `ClientToken`s kept across attempts, the read-back
//!   rule for `UpdateDISyncTask`), over a small [`transport::Transport`] trait (reqwest, an
//!   in-process service, or `testing::FakeTransport` with the `test-util` feature).
//! - [`Workflow`]: `create` / `update` of DI_REALTIME tasks and DI_SOLUTION solutions
//!   (validate offline → generate → poll → apply), direct for DI_OFFLINE; `plan` (dry run);
//!   `resume` from a process id; polling with backoff, jitter and a required wait limit
//!   ([`PollPolicy`]); progress by callback or `watch` channel ([`Progress`]); errors that
//!   name the stage ([`WorkflowError`]).
//! - One client-wide rate limiter ([`RateLimit`]): separate read and write budgets from
//!   DataWorks' documented per-edition limits, shared by every clone of the client, slowing
//!   down as a whole on throttling answers.
//! - Finding tasks by folder and name ([`Client::list_tasks`], [`Client::find_task`]) and
//!   their lifecycle after creation ([`Client::deploy_task`], [`Client::start_task`], …,
//!   [`Client::wait_until_running`], [`Client::read_live`]); running a project's plan
//!   ([`apply`]).
//! - Time is injectable ([`Clock`]): tests run in virtual time (tokio's paused time, or
//!   `testing::VirtualClock` over real loopback I/O, with the `test-util` feature).
//!
//! Decisions are in `docs/workflow.md`; the user's guide is `docs/guide.md`.
//!
//! # Example
//!
//! Create a MySQL → Hologres real-time task, then plan and apply adding a table. Only this
//! crate (and tokio) in Cargo.toml: the TaskParam builders come re-exported as
//! [`taskparam`]. Credentials come from the default chain (environment,
//! `~/.aliyun/config.json`, ...) unless given with [`ClientBuilder::credentials`]; against
//! the local emulator, give `.endpoint("http://127.0.0.1:PORT")` instead of the region.
//!
//! ```no_run
//! use dataworks_workflow::taskparam::{HologresWriter, MysqlReader, TaskParam, WriteMode};
//! use dataworks_workflow::{Client, CreateRequest, TaskType, UpdateRequest, Workflow};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder().region("cn-shanghai").build()?;
//! let workflow = Workflow::new(client);
//!
//! let param = TaskParam::realtime()
//!     .resource_group("S_res_group_1")
//!     .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", ["orders"]))
//!     .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
//!     .build()?; // validated offline
//! let created = workflow
//!     .create(CreateRequest::new(10000, TaskType::DiRealtime, "orders_to_holo", param))
//!     .await?;
//!
//! let selection = TaskParam::update()
//!     .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", ["orders", "refunds"]))
//!     .build()?;
//! let update = UpdateRequest::new(10000, TaskType::DiRealtime, created.file_id, selection);
//! let plan = workflow.plan(&update).await?; // dry run: nothing is changed
//! print!("{}", plan.to_text());
//! workflow.update(update).await?;
//! # Ok(()) }
//! ```
//!
//! The same flow runs against the emulator in this crate's tests (`tests/workflow_e2e.rs`).

#![warn(missing_docs)]
#![forbid(unsafe_code)]

// The public surface (docs/DECISIONS.md, "Public surface (issue 14)"): what a client or
// workflow user needs is re-exported here, each item at one path; the modules are private.
// Public modules only where a group of items belongs together and its names would be vague
// at the root: `apply` (running a project's plan), `transport` (the kit of a `Transport`
// implementor: request, response, error, the reqwest transport and its settings), and
// `testing` (feature `test-util`).

pub mod apply;
mod client;
mod clock;
mod discovery;
mod endpoint;
mod error;
mod input;
mod lifecycle;
mod plan;
mod poll;
mod progress;
mod rate_limit;
mod retry;
mod signature_mismatch;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod transport;
mod workflow;
mod workflow_error;

/// Credentials: the `dataworks-credentials` crate (providers, cache, default chain).
pub use dataworks_credentials as credentials;
/// TaskParams and batch jobs: the `dataworks-taskparam` crate (builders, validation, diff),
/// what [`CreateRequest`] and [`UpdateRequest`] are made from.
pub use dataworks_taskparam as taskparam;
/// The typed operations and answers of the API: the `dataworks-wire` crate, for
/// [`Client::call`].
pub use dataworks_wire as wire;

pub use client::{Client, ClientBuildError, ClientBuilder, ReadBack, UpdateOutcome};
pub use clock::{BoxFuture, Clock, TokioClock};
pub use dataworks_signer::SignatureAlgorithm;
pub use dataworks_wire::{InstanceStatus, TaskType};
pub use discovery::{TaskFile, normalize_folder};
pub use endpoint::{Endpoint, EndpointError, Scheme};
pub use error::{CallError, CallErrorKind, StopReason};
pub use input::TaskParamInput;
pub use lifecycle::{LiveTask, WaitError};
pub use plan::UpdatePlan;
pub use poll::PollPolicy;
pub use progress::{Progress, Stage};
pub use rate_limit::{Edition, RateLimit, RateLimitError, RateLimitStats, UnknownEdition};
pub use retry::RetryPolicy;
pub use signature_mismatch::{FirstDifference, SignatureComparison};
pub use workflow::{
    Applied, AppliedAction, Apply, CreateRequest, ProcessResult, UpdateRequest, Workflow,
};
pub use workflow_error::WorkflowError;
