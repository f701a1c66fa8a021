//! One module per `dwdi` subcommand.

pub mod emulator;
pub mod sign;
