//! DataWorks DI as code: a workspace's sync tasks declared in a `dataworks.toml`, and the pure
//! planner that compares them with what the workspace holds.
//!
//! - **Manifest** ([`Manifest`]): environments (workspace, region or endpoint, profile,
//!   variables, rate limits), managed folders, defaults, tasks (name, type, folder,
//!   document, lifecycle, start settings); its JSON Schema ([`manifest_schema`]).
//! - **Resolution** ([`resolve()`]): one environment's desired state, `${variable}`s substituted,
//!   documents read through [`Sources`] (no I/O here) and validated; every problem located
//!   ([`ManifestProblem`]: file, line or JSON pointer, fix) and reported at once.
//! - **Planning** ([`plan()`]): desired + observed → per task `create`, `update`, `replace`,
//!   `delete` (with prune) or `none`, lifecycle steps and a diff; text and JSON rendering;
//!   the saved plan with fingerprints of the live state ([`SavedPlan`]).
//!
//! Reading the workspace and applying a plan are I/O, in `dataworks-workflow` (`apply`).
//!
//! ```
//! use std::collections::BTreeMap;
//! use dataworks_project::{Manifest, PlanOptions, plan, resolve, render_text};
//! let text = r#"
//! [environments.dev]
//! workspace = 10000
//! [environments.dev.variables]
//! area = "sales"
//! [[tasks]]
//! name = "copy_orders"
//! type = "DI_OFFLINE"
//! folder = "di/${area}"
//! document = "copy.json"
//! "#;
//! let job = r#"{"type":"job","version":"2.0","steps":[
//!   {"stepType":"mysql","name":"Reader","category":"reader","parameter":{"datasource":"m","table":["orders"],"column":["*"]}},
//!   {"stepType":"odps","name":"Writer","category":"writer","parameter":{"datasource":"o","table":"orders","column":["*"]}}],
//!   "order":{"hops":[{"from":"Reader","to":"Writer"}]}}"#;
//! let manifest = Manifest::parse("dataworks.toml", text)?;
//! let sources = BTreeMap::from([("copy.json".to_owned(), job.to_owned())]);
//! let desired = resolve(&manifest, "dataworks.toml", text, None, &sources)?;
//! let p = plan(&desired, &[], PlanOptions::default());
//! assert!(render_text(&p).starts_with("+ copy_orders (DI_OFFLINE, di/sales): create; deploy"));
//! # Ok::<(), dataworks_project::ManifestProblems>(())
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod manifest;
mod plan;
mod problem;
mod render;
mod resolve;
mod saved;
mod variables;

pub use dataworks_taskparam::StartParam;
pub use manifest::{
    Defaults, DocumentSource, Environment, Lifecycle, MANIFEST_FILE, Manifest, RateLimitDecl,
    TaskDecl, manifest_schema, manifest_schema_text,
};
pub use plan::{Action, Change, ObservedTask, Plan, PlanOptions, PlanStep, RunState, plan};
pub use problem::{Location, ManifestProblem, ManifestProblems};
pub use render::{render_json, render_text};
pub use resolve::{Desired, DesiredTask, Sources, Target, document_kind, resolve};
pub use saved::{SAVED_PLAN_FORMAT, SavedPlan, StalePlan};
pub use variables::{UndefinedVariable, substitute};
