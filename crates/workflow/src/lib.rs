//! The async DataWorks Data Integration client and the create/update workflow.
#![warn(missing_docs)]

pub mod clock;
pub mod endpoint;
pub mod poll;
pub mod retry;
pub mod transport;
pub mod credentials;
