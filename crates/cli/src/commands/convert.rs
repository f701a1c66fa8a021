//! `dwdi convert datax JOB.json [--datasource-map FILE] [--out FILE]`: an open-source DataX
//! job as a DataWorks batch job (the library's `dataworks_taskparam::datax`). The job goes
//! to stdout (or `--out`); every field not carried over unchanged, and the job's validation,
//! go to stderr as notes. Exit 0 when the job validates, 1 when it does not (it is still
//! written), 2 when it cannot be converted (unreadable input, unknown plugin, a connection
//! with no data source in the map).

use serde_json::{Value, json};

use dataworks_taskparam::Problem;
use dataworks_taskparam::datax::{DatasourceMap, convert_datax};

use crate::commands::validate::read_input;
use crate::exit::Exit;
use crate::global::{OutputArg, OutputFormat};
use crate::problem_text;

/// Arguments of `dwdi convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    #[command(subcommand)]
    from: ConvertFrom,
}

/// What `dwdi convert` reads.
#[derive(Debug, clap::Subcommand)]
enum ConvertFrom {
    /// An open-source DataX job (`{"job": {"content": [{"reader", "writer"}], "setting"}}`).
    Datax(DataxArgs),
}

/// Arguments of `dwdi convert datax`.
#[derive(Debug, clap::Args)]
struct DataxArgs {
    /// The DataX job file; `-` reads standard input.
    #[arg(value_name = "JOB")]
    job: String,
    /// JSON object mapping each DataX connection (jdbcUrl, MaxCompute project, HDFS
    /// defaultFS, OSS bucket, ...) to the DataWorks data source that replaces it.
    #[arg(long, value_name = "FILE")]
    datasource_map: Option<String>,
    /// Write the job here instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
    #[command(flatten)]
    output: OutputArg,
}

fn fail(json: bool, message: &str) -> Exit {
    eprintln!("error: {message}");
    if json {
        println!("{}", json!({"error": {"message": message, "exit_code": 2}}));
    }
    Exit::Usage
}

fn print_problem(severity: &str, p: &Problem) {
    eprint!("{}", problem_text::render(None, severity, p));
}

/// Runs `dwdi convert`.
pub fn run(args: ConvertArgs, top_output: Option<OutputFormat>) -> Exit {
    let ConvertFrom::Datax(args) = args.from;
    let json = args.output.output.or(top_output).unwrap_or_default() == OutputFormat::Json;
    let text = match read_input(&args.job) {
        Ok(text) => text,
        Err(e) => return fail(json, &format!("{}: cannot read the file: {e}", args.job)),
    };
    let datax: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return fail(json, &format!("{}: not valid JSON: {e}", args.job)),
    };
    let map = match &args.datasource_map {
        None => DatasourceMap::new(),
        Some(path) => match std::fs::read_to_string(path) {
            Err(e) => return fail(json, &format!("{path}: cannot read the file: {e}")),
            Ok(text) => match DatasourceMap::from_json(&text) {
                Ok(map) => map,
                Err(e) => return fail(json, &format!("{path}: {e}")),
            },
        },
    };
    let conversion = match convert_datax(&datax, &map) {
        Ok(c) => c,
        Err(e) => return fail(json, &format!("{}: {e}", args.job)),
    };
    let valid = conversion.report.is_valid();
    let job_text = conversion.job.to_json_pretty();
    if let Some(out) = &args.out
        && let Err(e) = std::fs::write(out, format!("{job_text}\n"))
    {
        return fail(json, &format!("{out}: cannot write the file: {e}"));
    }
    if json {
        let doc = json!({
            "job": conversion.job.to_value(),
            "notes": conversion.notes,
            "valid": valid,
            "errors": conversion.report.errors,
            "warnings": conversion.report.warnings,
        });
        println!("{doc}");
    } else {
        if args.out.is_none() {
            println!("{job_text}");
        }
        for note in &conversion.notes {
            eprintln!(
                "note: {}: {}: {}",
                problem_text::escape_controls(&note.pointer),
                note.action,
                problem_text::escape_controls(&note.detail)
            );
        }
        for p in &conversion.report.errors {
            print_problem("error", p);
        }
        for p in &conversion.report.warnings {
            print_problem("warning", p);
        }
        eprintln!(
            "{}: converted to a {} batch job ({} note{})",
            args.job,
            if valid { "valid" } else { "INVALID" },
            conversion.notes.len(),
            if conversion.notes.len() == 1 { "" } else { "s" }
        );
    }
    if valid { Exit::Success } else { Exit::Failure }
}
