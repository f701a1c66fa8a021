//! `dwdi schema KIND`: prints the JSON Schema of one document kind (the same text as
//! `schemas/<kind>.schema.json`).

use dataworks_taskparam::{DocumentKind, schema_file_text};

use crate::commands::validate::parse_kind;
use crate::exit::Exit;

/// Arguments of `dwdi schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The document kind: realtime-task-param, update-task-param, task-content, batch-job,
    /// task-meta or solution-process.
    #[arg(value_name = "KIND", value_parser = parse_kind)]
    kind: DocumentKind,
}

/// Runs `dwdi schema`.
pub fn run(args: SchemaArgs) -> Exit {
    print!("{}", schema_file_text(args.kind));
    Exit::Success
}
