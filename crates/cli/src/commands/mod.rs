//! One module per `dwdi` subcommand.

pub mod common;
pub mod create;
pub mod emulator;
pub mod get;
pub mod query;
pub mod quickstart;
pub mod resume;
pub mod sign;
pub mod update;
