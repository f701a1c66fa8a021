//! `dwdi validate [--kind K] [--output text|json] FILE...`: offline validation of TaskParam /
//! TaskContent documents. Exit 0 when every file is valid, 1 when any is not, 2 on a usage
//! error or an unreadable file.

use std::io::Read;

use serde::Serialize;

use dataworks_taskparam::{DocumentKind, Problem, validate_str};

use crate::exit::Exit;
use crate::global::{OutputArg, OutputFormat};
use crate::problem_text;

/// Arguments of `dwdi validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The document kind (realtime-task-param, update-task-param, task-content, batch-job,
    /// task-meta, solution-process); detected from each file's content when absent.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    kind: Option<DocumentKind>,
    #[command(flatten)]
    output: OutputArg,
    /// The files to validate; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
}

/// Parses a `--kind` value.
pub fn parse_kind(text: &str) -> Result<DocumentKind, String> {
    text.parse::<DocumentKind>().map_err(|e| e.to_string())
}

/// Reads a file, or standard input for `-`.
pub fn read_input(file: &str) -> std::io::Result<String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}

/// The JSON output of one file.
#[derive(Debug, Serialize)]
struct FileReport<'a> {
    file: &'a str,
    kind: Option<DocumentKind>,
    valid: bool,
    errors: &'a [Problem],
    warnings: &'a [Problem],
}

fn position(file: &str, p: &Problem) -> String {
    match (p.line, p.column) {
        (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
        _ => file.to_owned(),
    }
}

fn print_text(file: &str, severity: &str, p: &Problem) {
    print!(
        "{}",
        problem_text::render(Some(&position(file, p)), severity, p)
    );
}

/// Runs `dwdi validate`.
pub fn run(args: ValidateArgs, top_output: Option<OutputFormat>) -> Exit {
    let json = args.output.output.or(top_output).unwrap_or_default() == OutputFormat::Json;
    let mut unreadable = false;
    let mut invalid = false;
    for file in &args.files {
        let text = match read_input(file) {
            Ok(text) => text,
            Err(e) => {
                unreadable = true;
                eprintln!("error: {file}: cannot read the file: {e}");
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"file": file, "error": format!("cannot read the file: {e}")})
                    );
                }
                continue;
            }
        };
        let report = validate_str(&text, args.kind);
        invalid |= !report.is_valid();
        if json {
            let out = FileReport {
                file,
                kind: report.kind,
                valid: report.is_valid(),
                errors: &report.errors,
                warnings: &report.warnings,
            };
            match serde_json::to_string(&out) {
                Ok(line) => println!("{line}"),
                Err(e) => eprintln!("error: {file}: the report could not be written as JSON: {e}"),
            }
            continue;
        }
        for p in &report.errors {
            print_text(file, "error", p);
        }
        for p in &report.warnings {
            print_text(file, "warning", p);
        }
        let kind = report
            .kind
            .map_or("unknown kind".to_owned(), |k| k.to_string());
        let (e, w) = (report.errors.len(), report.warnings.len());
        if report.is_valid() {
            println!(
                "{file}: valid {kind} ({w} warning{})",
                if w == 1 { "" } else { "s" }
            );
        } else {
            println!(
                "{file}: invalid {kind} ({e} error{}, {w} warning{})",
                if e == 1 { "" } else { "s" },
                if w == 1 { "" } else { "s" }
            );
        }
    }
    if unreadable {
        Exit::Usage
    } else if invalid {
        Exit::Failure
    } else {
        Exit::Success
    }
}
