//! One module per `dwdi` subcommand.

pub mod apply;
pub mod check;
pub mod common;
pub mod convert;
pub mod create;
pub mod credentials;
pub mod diff;
pub mod emulator;
pub mod export;
pub mod get;
pub mod lifecycle;
pub mod plan;
pub mod project_common;
pub mod query;
pub mod quickstart;
pub mod resume;
pub mod schema;
pub mod sign;
pub mod update;
pub mod validate;
