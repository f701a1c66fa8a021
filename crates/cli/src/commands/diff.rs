//! `dwdi diff [--kind K] [--output text|json] OLD NEW`: what changed between two documents of
//! the same kind: tables added and removed per database, writer mapping rules, other paths.
//! Exit 0 when they are the same, 1 when they differ, 2 on a usage error or unreadable input
//! (the convention of `diff(1)`).

use serde::Serialize;
use serde_json::Value;

use dataworks_taskparam::{ContentDiff, DocumentKind, diff_documents};

use crate::commands::validate::{parse_kind, read_input};
use crate::exit::Exit;
use crate::global::{OutputArg, OutputFormat};

/// Arguments of `dwdi diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The document kind of both files; detected from the content when absent.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    kind: Option<DocumentKind>,
    #[command(flatten)]
    output: OutputArg,
    /// The old document (`-` reads standard input).
    #[arg(value_name = "OLD")]
    old: String,
    /// The new document (`-` reads standard input).
    #[arg(value_name = "NEW")]
    new: String,
}

/// The JSON output of `dwdi diff`.
#[derive(Debug, Serialize)]
struct DiffOutput<'a> {
    old: &'a str,
    new: &'a str,
    kind: DocumentKind,
    identical: bool,
    #[serde(flatten)]
    diff: &'a ContentDiff,
}

fn load(file: &str) -> Result<Value, String> {
    let text = read_input(file).map_err(|e| format!("{file}: cannot read the file: {e}"))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{file}: not valid JSON: {e} (run `dwdi validate {file}`)"))
}

/// Runs `dwdi diff`.
pub fn run(args: DiffArgs, top_output: Option<OutputFormat>) -> Exit {
    let json = args.output.output.or(top_output).unwrap_or_default() == OutputFormat::Json;
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let kind = match args.kind {
        Some(kind) => kind,
        None => match (DocumentKind::detect(&old), DocumentKind::detect(&new)) {
            (Some(a), Some(b)) if a == b => a,
            (Some(a), Some(b)) => {
                eprintln!(
                    "error: {} is a {a} but {} is a {b}; compare documents of one kind (or force one with --kind)",
                    args.old, args.new
                );
                return Exit::Usage;
            }
            _ => {
                eprintln!(
                    "error: cannot tell the document kind; give it with --kind (one of: {})",
                    DocumentKind::names().join(", ")
                );
                return Exit::Usage;
            }
        },
    };
    let diff = diff_documents(&old, &new, kind);
    if json {
        let out = DiffOutput {
            old: &args.old,
            new: &args.new,
            kind,
            identical: diff.is_empty(),
            diff: &diff,
        };
        match serde_json::to_string_pretty(&out) {
            Ok(doc) => println!("{doc}"),
            Err(e) => {
                eprintln!("error: the diff could not be written as JSON: {e}");
                return Exit::Usage;
            }
        }
    } else {
        print!("--- {}\n+++ {}\n{}", args.old, args.new, diff.to_text());
    }
    if diff.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    }
}
