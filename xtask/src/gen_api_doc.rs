//! Generates `docs/api.md`, the reference page of every operation, from the API description.

use crate::api_model::{Api, ErrorDef, Operation, StatusKind, StructDef, Ty, snake_case};
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The contents of `docs/api.md`.
pub fn markdown(api: &Api) -> Result<String, String> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- {} (source: {}) -->\n",
        crate::GENERATED_MARKER,
        crate::api_model::API_FILE
    );
    let _ = writeln!(
        out,
        "# DataWorks {} Data Integration operations\n",
        api.version
    );
    let _ = writeln!(
        out,
        "Every operation is an {} call of the product `{}`: `{} {}` on the DataWorks endpoint with the action and version `{}` (headers `x-acs-action` / `x-acs-version` with the ACS3 signature, or `Action` / `Version` query parameters with the RPC v1 signature). Parameters travel in the query string unless the table says *form body* (`application/x-www-form-urlencoded`). Integers are int64 written in decimal; `TaskParam`, `TaskContent`, `StartParam` and the other *JSON* strings are JSON documents carried as strings.\n",
        api.style, api.product, api.method, api.path, api.version
    );
    out.push_str("Every successful answer is `{\"RequestId\": …, \"Success\": true, \"Data\": {…}}`. A `Data.Status` of `fail` on HTTP 200 is a business failure (the reason is in `Data.Message`), except for GetDISyncInstanceInfo, whose `Status` is the task's state. Errors are HTTP 4xx/5xx with `{\"RequestId\", \"HostId\", \"Code\", \"Message\", \"Recommend\"}`; see [Error codes](#error-codes).\n\n");
    out.push_str("The Rust types are in the `dataworks-wire` crate: one request struct per operation (named after the action), its `Data` struct, and `ErrorCode`.\n\n");

    out.push_str("## Operations\n\n| Action | Reads only | What it does |\n|---|---|---|\n");
    for op in &api.operations {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} |",
            op.action,
            op.action.to_lowercase(),
            if op.read_only { "yes" } else { "no" },
            cell(&op.summary)
        );
    }
    out.push('\n');

    for op in &api.operations {
        operation(&mut out, api, op)?;
    }

    out.push_str("## Response structures\n\nThe structures nested in the `Data` of the operations above.\n\n");
    for s in api.structs.iter().filter(|s| s.status.is_none()) {
        let _ = writeln!(out, "### {}\n\n{}\n", s.name, s.doc);
        fields_table(&mut out, api, s)?;
    }

    out.push_str("## Error codes\n\n");
    out.push_str("The catalogue (`ErrorCode` in the wire crate). *Retry* says whether repeating the request, re-signed and after a backoff, can succeed; mutations should only be retried with the same `ClientToken`. Codes outside the catalogue are retryable when their HTTP status is 429 or 5xx.\n\n");
    for (group, title) in [
        ("dataworks", "DataWorks public codes"),
        (
            "gateway",
            "API gateway codes (signature, credentials, parameters)",
        ),
        ("di", "Data Integration codes"),
    ] {
        let _ = writeln!(out, "### {title}\n");
        errors_table(&mut out, api.errors.iter().filter(|e| e.group == group));
    }
    Ok(out)
}

fn operation(out: &mut String, api: &Api, op: &Operation) -> Result<(), String> {
    let _ = writeln!(
        out,
        "## {}\n\n{}\n\n{}\n",
        op.action, op.summary, op.description
    );
    let _ = writeln!(
        out,
        "`{} {}` · action `{}` · version `{}` · {} · Rust: `dataworks_wire::{}` · [official reference]({})\n",
        api.method,
        api.path,
        op.action,
        api.version,
        if op.read_only {
            "reads only"
        } else {
            "changes state"
        },
        op.action,
        op.reference
    );

    out.push_str("### Request parameters\n\n| Name | Rust field | Type | Required | In | Description | Example |\n|---|---|---|---|---|---|---|\n");
    for p in &op.params {
        let ty = api.parse_type(&p.ty)?;
        let mut description = p.doc.clone();
        if !p.allowed.is_empty() {
            let _ = write!(
                description,
                " Allowed: {}.",
                p.allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} | {} | {} |",
            p.wire,
            p.rust.clone().unwrap_or_else(|| snake_case(&p.wire)),
            type_cell(&ty, p.format.as_deref()),
            if p.required { "yes" } else { "no" },
            p.location.label(),
            cell(&description),
            code_cell(&p.example)
        );
    }
    out.push('\n');

    let data = api
        .struct_def(&op.data)
        .ok_or_else(|| format!("{}: unknown data struct {}", op.action, op.data))?;
    let _ = writeln!(
        out,
        "### Response `Data`: `{}`\n\n{}\n",
        data.name, data.doc
    );
    if data.status == Some(StatusKind::State) {
        out.push_str("`Status` here is the state of the task, not the outcome of the call: it is never treated as a business failure.\n\n");
    }
    fields_table(out, api, data)?;

    out.push_str("Example answer:\n\n```json\n");
    let mut body = Map::new();
    body.insert(
        "RequestId".into(),
        Value::String("0bc1411515937635973****".into()),
    );
    body.insert("Success".into(), Value::Bool(true));
    body.insert("Data".into(), example_struct(api, data, 0)?);
    out.push_str(&serde_json::to_string_pretty(&Value::Object(body)).map_err(|e| e.to_string())?);
    out.push_str("\n```\n\n");

    out.push_str("### Errors\n\n");
    if op.errors.is_empty() {
        out.push_str("The reference lists no operation-specific codes; the [common codes](#error-codes) apply.\n\n");
    } else {
        let errors: Vec<&ErrorDef> = op.errors.iter().filter_map(|c| api.error_def(c)).collect();
        errors_table(out, errors.into_iter());
        if let Some(note) = &op.errors_note {
            let _ = writeln!(out, "{note}\n");
        }
        out.push_str("The [common codes](#error-codes) apply too.\n\n");
    }
    Ok(())
}

fn fields_table(out: &mut String, api: &Api, s: &StructDef) -> Result<(), String> {
    out.push_str("| Name | Rust field | Type | Description | Example |\n|---|---|---|---|---|\n");
    for f in &s.fields {
        let ty = api.parse_type(&f.ty)?;
        let example = match &f.example {
            Value::Null => String::new(),
            Value::String(text) => code_cell(text),
            other => code_cell(&other.to_string()),
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} |",
            f.wire,
            f.rust.clone().unwrap_or_else(|| snake_case(&f.wire)),
            type_cell(&ty, f.format.as_deref()),
            cell(&f.doc),
            example
        );
    }
    out.push('\n');
    Ok(())
}

fn errors_table<'a>(out: &mut String, errors: impl Iterator<Item = &'a ErrorDef>) {
    out.push_str("| Code | HTTP | Retry | Meaning | How to fix |\n|---|---|---|---|---|\n");
    for e in errors {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            e.code,
            e.http_status,
            if e.retryable { "yes" } else { "no" },
            cell(&e.message),
            cell(&e.fix)
        );
    }
    out.push('\n');
}

/// An example `Data` object built from the per-field examples (nested structures are built
/// the same way), as the official reference pages do.
fn example_struct(api: &Api, s: &StructDef, depth: usize) -> Result<Value, String> {
    if depth > 8 {
        return Err(format!("{}: structures nest too deeply", s.name));
    }
    let mut map = Map::new();
    for f in &s.fields {
        let ty = api.parse_type(&f.ty)?;
        let value = match (&f.example, &ty) {
            (Value::Null, Ty::Struct(name)) => {
                let inner = api
                    .struct_def(name)
                    .ok_or_else(|| format!("unknown struct {name}"))?;
                example_struct(api, inner, depth + 1)?
            }
            (Value::Null, Ty::List(inner)) => match inner.as_ref() {
                Ty::Struct(name) => {
                    let inner = api
                        .struct_def(name)
                        .ok_or_else(|| format!("unknown struct {name}"))?;
                    Value::Array(vec![example_struct(api, inner, depth + 1)?])
                }
                _ => Value::Array(Vec::new()),
            },
            (example, _) => example.clone(),
        };
        map.insert(f.wire.clone(), value);
    }
    Ok(Value::Object(map))
}

fn type_cell(ty: &Ty, format: Option<&str>) -> String {
    let name = ty.doc_name();
    if format == Some("json") {
        format!("{name} (JSON)")
    } else {
        name
    }
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// An inline-code table cell.
fn code_cell(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let escaped = text.replace('|', "\\|");
    if escaped.contains('`') {
        format!("`` {escaped} ``")
    } else {
        format!("`{escaped}`")
    }
}
