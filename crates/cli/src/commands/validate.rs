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
    /// The files to validate; a directory stands for every `*.json` file under it (hidden
    /// entries and symbolic links to directories skipped, in path order); `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
}

/// Parses a `--kind` value.
pub fn parse_kind(text: &str) -> Result<DocumentKind, String> {
    text.parse::<DocumentKind>().map_err(|e| e.to_string())
}

/// The files `args` name: each argument as given, or, for a directory, every `*.json` file
/// under it in path order. A directory that cannot be read, or holds no JSON file, is an
/// error naming it.
fn expand_inputs(args: &[String]) -> Vec<Result<String, (String, String)>> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" || !std::path::Path::new(arg).is_dir() {
            inputs.push(Ok(arg.clone()));
            continue;
        }
        let mut found = Vec::new();
        match json_files_under(std::path::Path::new(arg), &mut found) {
            Err(e) => inputs.push(Err((
                arg.clone(),
                format!("cannot read the directory: {e}"),
            ))),
            Ok(()) if found.is_empty() => inputs.push(Err((
                arg.clone(),
                "the directory holds no .json file".to_owned(),
            ))),
            Ok(()) => {
                found.sort();
                inputs.extend(
                    found
                        .into_iter()
                        .map(|p| Ok(p.to_string_lossy().into_owned())),
                );
            }
        }
    }
    inputs
}

/// Collects the `*.json` files under `dir`, depth first; hidden entries (`.git`) and
/// symbolic links to directories are skipped (no cycles).
fn json_files_under(
    dir: &std::path::Path,
    found: &mut Vec<std::path::PathBuf>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            json_files_under(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            found.push(path);
        }
    }
    Ok(())
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
    for input in expand_inputs(&args.files) {
        let read = input.and_then(|file| match read_input(&file) {
            Ok(text) => Ok((file, text)),
            Err(e) => Err((file, format!("cannot read the file: {e}"))),
        });
        let (file, text) = match read {
            Ok(read) => read,
            Err((file, error)) => {
                unreadable = true;
                eprintln!("error: {file}: {error}");
                if json {
                    println!("{}", serde_json::json!({"file": file, "error": error}));
                }
                continue;
            }
        };
        let file = file.as_str();
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
