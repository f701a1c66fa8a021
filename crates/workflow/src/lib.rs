//! The async DataWorks Data Integration client and the create/update workflow.
#![warn(missing_docs)]

pub mod client;
pub mod clock;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod input;
pub mod plan;
pub mod poll;
pub mod progress;
pub mod retry;
pub mod signature_mismatch;
pub mod testing;
pub mod transport;
pub mod workflow;
pub mod workflow_error;

pub use client::{BuildError, Client, ClientBuilder, UpdateOutcome};
pub use clock::{Clock, TokioClock};
pub use error::{CallError, CallErrorKind, StopReason};
pub use input::TaskParamInput;
pub use plan::Plan;
pub use poll::PollPolicy;
pub use progress::{Progress, Stage};
pub use retry::RetryPolicy;
pub use transport::{HttpRequest, HttpResponse, Timeouts, Transport, TransportError};
pub use workflow::{
    Applied, AppliedAction, Apply, CreateRequest, ProcessResult, UpdateRequest, Workflow,
};
pub use workflow_error::WorkflowError;
