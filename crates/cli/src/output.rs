//! Printing results and errors of the workflow commands, and their exit codes.
//!
//! Results go to stdout (text or one JSON document); errors go to stderr as text and, with
//! `--output json`, also to stdout as `{"error": {...}}` so scripts can read one stream.

use serde::Serialize;
use serde_json::{Value, json};

use dataworks_workflow::EndpointError;
use dataworks_workflow::{CallError, ClientBuildError, WorkflowError};

use crate::exit::Exit;
use crate::global::Context;

/// Prints a successful result: `json` as the JSON document, `text` as the text.
pub fn success<T: Serialize>(ctx: &Context, value: &T, text: &str) -> Exit {
    if ctx.json() {
        match serde_json::to_string_pretty(value) {
            Ok(doc) => println!("{doc}"),
            Err(e) => {
                eprintln!("error: the result could not be written as JSON: {e}");
                return Exit::Failure;
            }
        }
    } else {
        println!("{text}");
    }
    Exit::Success
}

/// The exit code of a workflow error: 2 for problems found before sending, 3 for a
/// timeout, 1 for anything the service refused or failed.
pub fn workflow_exit(error: &WorkflowError) -> Exit {
    if error.is_validation() {
        Exit::Usage
    } else if error.is_timeout() {
        Exit::Timeout
    } else {
        Exit::Failure
    }
}

/// Reports a workflow error and returns its exit code.
pub fn workflow_error(ctx: &Context, error: &WorkflowError) -> Exit {
    let exit = workflow_exit(error);
    eprintln!("error: {error}");
    if let (true, Some(process_id)) = (error.is_timeout(), error.process_id()) {
        eprintln!(
            "hint: resume with `dwdi resume --process-id {process_id} (--create-name NAME | --file-id ID) ...` once the process has had more time"
        );
    }
    if ctx.json() {
        let mut doc = json!({
            "stage": error.stage(),
            "kind": workflow_kind(error),
            "message": error.to_string(),
            "code": error.code(),
            "service_message": error.message(),
            "request_id": error.request_id(),
            "process_id": error.process_id(),
            "exit_code": exit_number(exit),
        });
        if let (Some(map), Some(call)) = (doc.as_object_mut(), error.call_error()) {
            add_call_details(map, call);
        }
        match error {
            WorkflowError::Validation { problems, .. } => {
                if let Some(map) = doc.as_object_mut() {
                    map.insert(
                        "problems".to_owned(),
                        serde_json::to_value(problems).unwrap_or(Value::Null),
                    );
                }
            }
            WorkflowError::Timeout {
                polls,
                elapsed,
                last_status,
                ..
            } => {
                if let Some(map) = doc.as_object_mut() {
                    map.insert("polls".to_owned(), json!(polls));
                    map.insert(
                        "elapsed_ms".to_owned(),
                        json!(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)),
                    );
                    map.insert("last_status".to_owned(), json!(last_status));
                }
            }
            _ => {}
        }
        print_json_error(doc);
    }
    exit
}

/// Reports a failed single call (`query`, `get`) and returns exit code 1.
pub fn call_error(ctx: &Context, error: &CallError) -> Exit {
    eprintln!("error: {error}");
    if ctx.json() {
        let mut doc = json!({
            "stage": "call",
            "kind": "call",
            "message": error.to_string(),
            "code": error.code(),
            "service_message": error.message(),
            "request_id": error.request_id(),
            "exit_code": exit_number(Exit::Failure),
        });
        if let Some(map) = doc.as_object_mut() {
            add_call_details(map, error);
        }
        print_json_error(doc);
    }
    Exit::Failure
}

/// Reports a client that could not be built (no credentials, bad endpoint): exit 2. The
/// library names its builder options; the flags that set them are added here.
pub fn build_error(ctx: &Context, error: &ClientBuildError) -> Exit {
    let mut message = error.to_string();
    if let Some(flags) = build_error_flags(error) {
        message.push_str(&format!(" (dwdi: {flags})"));
    }
    usage_error(ctx, &message)
}

/// The `dwdi` flags that fix a client build error, when some do.
fn build_error_flags(error: &ClientBuildError) -> Option<&'static str> {
    match error {
        ClientBuildError::NoEndpoint => Some("give --region or --endpoint"),
        ClientBuildError::Endpoint(EndpointError::InsecureHttp { .. }) => {
            Some("pass --allow-insecure-http")
        }
        _ => None,
    }
}

/// Reports an error of some `kind` (e.g. `not-found`) with the given exit code.
pub fn error(ctx: &Context, exit: Exit, kind: &str, message: &str) -> Exit {
    eprintln!("error: {message}");
    if ctx.json() {
        print_json_error(json!({
            "stage": "call",
            "kind": kind,
            "message": message,
            "exit_code": exit_number(exit),
        }));
    }
    exit
}

/// Reports a usage problem (bad input file, bad flag combination): exit 2.
pub fn usage_error(ctx: &Context, message: &str) -> Exit {
    eprintln!("error: {message}");
    if ctx.json() {
        print_json_error(json!({
            "stage": "validate",
            "kind": "usage",
            "message": message,
            "exit_code": exit_number(Exit::Usage),
        }));
    }
    Exit::Usage
}

fn add_call_details(map: &mut serde_json::Map<String, Value>, call: &CallError) {
    map.insert("action".to_owned(), json!(call.action));
    map.insert("attempts".to_owned(), json!(call.attempts));
    map.insert("http_status".to_owned(), json!(call.http_status()));
    if let Some(comparison) = call.signature_comparison() {
        map.insert(
            "signature".to_owned(),
            serde_json::to_value(comparison).unwrap_or(Value::Null),
        );
    }
}

fn workflow_kind(error: &WorkflowError) -> &'static str {
    match error {
        WorkflowError::Validation { .. } => "validation",
        WorkflowError::InvalidInput(_) => "invalid-input",
        WorkflowError::Generate { .. } => "generate",
        WorkflowError::Poll { .. } => "poll",
        WorkflowError::ProcessFailed { .. } => "process-failed",
        WorkflowError::Timeout { .. } => "timeout",
        WorkflowError::Apply { .. } => "apply",
        WorkflowError::Read { .. } => "read",
        WorkflowError::Plan(_) => "plan",
        _ => "other",
    }
}

fn print_json_error(doc: Value) {
    let wrapped = json!({ "error": doc });
    println!(
        "{}",
        serde_json::to_string_pretty(&wrapped).unwrap_or_else(|_| wrapped.to_string())
    );
}

/// The number of an exit code (as documented in docs/guide.md).
pub fn exit_number(exit: Exit) -> u8 {
    match exit {
        Exit::Success => 0,
        Exit::Failure => 1,
        Exit::Usage => 2,
        Exit::Timeout => 3,
        Exit::Changes => 2,
    }
}

/// Reads a document from a path, or stdin for `-`.
pub fn read_input(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_errors_get_the_flags_that_fix_them() {
        assert_eq!(
            build_error_flags(&ClientBuildError::NoEndpoint),
            Some("give --region or --endpoint")
        );
        let insecure = ClientBuildError::Endpoint(EndpointError::InsecureHttp {
            endpoint: "http://dataworks.example.invalid".into(),
        });
        assert_eq!(
            build_error_flags(&insecure),
            Some("pass --allow-insecure-http")
        );
        // the library's own text names the builder option, not the flag
        assert!(
            insecure
                .to_string()
                .contains("ClientBuilder::allow_insecure_http")
        );
        assert!(!insecure.to_string().contains("--"));
        assert!(!ClientBuildError::NoEndpoint.to_string().contains("--"));
    }
}
