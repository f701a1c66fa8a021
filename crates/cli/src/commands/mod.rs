//! One module per `dwdi` subcommand.

pub mod sign;
