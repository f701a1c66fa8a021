//! Generates the wire crate's Rust files (`crates/wire/src/generated/*.rs`) from the API
//! description. The generated code leans on the crate's hand-written support modules
//! (`crate::params`, `crate::lenient`, `crate::redact`, `crate::status`, `crate::operation`).

use crate::api_model::{Api, EnumDef, ErrorDef, Location, Operation, StatusKind, StructDef, Ty};
use crate::api_model::{lower_first, snake_case};
use std::fmt::Write as _;

/// The generated Rust files as (file name under `crates/wire/src/generated/`, unformatted source).
pub fn sources(api: &Api) -> Result<Vec<(&'static str, String)>, String> {
    Ok(vec![
        ("mod.rs", module_root()),
        ("enums.rs", enums(api)),
        ("errors.rs", errors(api)),
        ("data.rs", data(api)?),
        ("requests.rs", requests(api)?),
    ])
}

fn header(what: &str) -> String {
    format!(
        "// {}\n// source: {}\n\n//! {what}\n\n",
        crate::GENERATED_MARKER,
        crate::api_model::API_FILE
    )
}

/// Escapes text for a doc comment: brackets outside code spans would be read as intra-doc
/// links.
fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '[' | ']' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

fn doc(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {}", doc_text(line));
        }
    }
}

/// Renders an example value inline in a doc comment.
fn example_code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn module_root() -> String {
    let mut out = header(
        "Code generated from the API description: the operations' requests, their response `Data`, the `TaskType` enum and the error code catalogue.",
    );
    out.push_str(
        "mod data;\nmod enums;\nmod errors;\nmod requests;\n\n\
         pub use data::*;\npub use enums::*;\npub use errors::*;\npub use requests::*;\n",
    );
    out
}

// ---------------------------------------------------------------------------------------------
// enums

fn enums(api: &Api) -> String {
    let mut out = header("Enumerations carried as strings on the wire.");
    out.push_str("use std::fmt;\nuse std::str::FromStr;\n\nuse serde::{Deserialize, Serialize};\n\nuse crate::params::WireEnum;\n\n");
    for e in &api.enums {
        enum_def(&mut out, e);
    }
    out
}

fn enum_def(out: &mut String, e: &EnumDef) {
    let name = &e.name;
    let wires: Vec<String> = e.values.iter().map(|v| v.wire.clone()).collect();
    let expected = format!("one of {}", wires.join(", "));
    doc(out, "", &e.doc);
    doc(
        out,
        "",
        "\nMarked `#[non_exhaustive]`: the service adds values, and a new value here is not a breaking change; match with a `_` arm. It is a request parameter only (responses carry it as text), so an unknown value from the service never fails decoding.",
    );
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]\n#[non_exhaustive]\npub enum {name} {{"
    );
    for v in &e.values {
        doc(out, "    ", &format!("{} Wire value `{}`.", v.doc, v.wire));
        let _ = writeln!(
            out,
            "    #[serde(rename = \"{}\")]\n    {},",
            v.wire, v.rust
        );
    }
    out.push_str("}\n\n");

    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "    /// Every value, in the order of the API description."
    );
    let all: Vec<String> = e
        .values
        .iter()
        .map(|v| format!("{name}::{}", v.rust))
        .collect();
    let _ = writeln!(
        out,
        "    pub const ALL: &'static [{name}] = &[{}];\n",
        all.join(", ")
    );
    let _ = writeln!(
        out,
        "    /// The wire string (for example `{}`).",
        wires.first().map(String::as_str).unwrap_or_default()
    );
    out.push_str("    pub const fn as_str(self) -> &'static str {\n        match self {\n");
    for v in &e.values {
        let _ = writeln!(out, "            {name}::{} => \"{}\",", v.rust, v.wire);
    }
    out.push_str("        }\n    }\n\n");
    let _ = writeln!(
        out,
        "    /// Parses the exact wire string; `None` for anything else."
    );
    out.push_str("    pub fn from_wire(value: &str) -> Option<Self> {\n        match value {\n");
    for v in &e.values {
        let _ = writeln!(
            out,
            "            \"{}\" => Some({name}::{}),",
            v.wire, v.rust
        );
    }
    out.push_str("            _ => None,\n        }\n    }\n}\n\n");

    let _ = writeln!(
        out,
        "impl fmt::Display for {name} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl FromStr for {name} {{\n    type Err = crate::params::ParamError;\n\n    fn from_str(value: &str) -> Result<Self, Self::Err> {{\n        {name}::from_wire(value).ok_or_else(|| crate::params::ParamError::invalid(\"{name}\", <{name} as WireEnum>::EXPECTED, value))\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl WireEnum for {name} {{\n    const EXPECTED: &'static str = \"{expected}\";\n\n    fn from_wire(value: &str) -> Option<Self> {{\n        {name}::from_wire(value)\n    }}\n\n    fn as_wire(&self) -> &'static str {{\n        self.as_str()\n    }}\n}}\n"
    );
}

// ---------------------------------------------------------------------------------------------
// errors

fn errors(api: &Api) -> String {
    let mut out = header(
        "The error code catalogue: every code the client and the emulator know, with its HTTP status and whether a retry can help.",
    );
    out.push_str("use std::fmt;\n\n");
    out.push_str("/// A service error code. Known codes have a variant (with their HTTP status, retryability\n/// and a hint on how to fix the cause); anything else is kept verbatim in [`ErrorCode::Other`].\n");
    out.push_str(
        "#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n#[non_exhaustive]\npub enum ErrorCode {\n",
    );
    for e in &api.errors {
        doc(
            &mut out,
            "    ",
            &format!(
                "`{}` (HTTP {}, {}): {}",
                e.code,
                e.http_status,
                if e.retryable {
                    "retryable"
                } else {
                    "not retryable"
                },
                e.message
            ),
        );
        let _ = writeln!(out, "    {},", e.variant);
    }
    out.push_str(
        "    /// A code the catalogue does not know, verbatim.\n    Other(String),\n}\n\n",
    );

    out.push_str("impl ErrorCode {\n");
    out.push_str("    /// Every catalogued code, in the order of the API description.\n");
    let all: Vec<String> = api
        .errors
        .iter()
        .map(|e| format!("ErrorCode::{}", e.variant))
        .collect();
    let _ = writeln!(
        out,
        "    pub const KNOWN: &'static [ErrorCode] = &[{}];\n",
        all.join(", ")
    );

    out.push_str("    /// The catalogued code for `code` (exact match), or [`ErrorCode::Other`].\n    pub fn from_code(code: &str) -> ErrorCode {\n        match code {\n");
    for e in &api.errors {
        let _ = writeln!(
            out,
            "            \"{}\" => ErrorCode::{},",
            e.code, e.variant
        );
    }
    out.push_str("            other => ErrorCode::Other(other.to_owned()),\n        }\n    }\n\n");

    match_fn(
        &mut out,
        api,
        "The code as the service writes it.",
        "as_str",
        "&str",
        |e| format!("\"{}\"", e.code),
        "other.as_str()",
        "other",
    );
    match_fn(
        &mut out,
        api,
        "The HTTP status the service answers this code with (400 for unknown codes).",
        "http_status",
        "u16",
        |e| e.http_status.to_string(),
        "400",
        "_",
    );
    match_fn(
        &mut out,
        api,
        "Whether repeating the request (re-signed, after a backoff) can succeed. Unknown codes are not retryable here; [`crate::ApiError::is_retryable`] falls back on the HTTP status for them.",
        "is_retryable",
        "bool",
        |e| e.retryable.to_string(),
        "false",
        "_",
    );
    match_fn(
        &mut out,
        api,
        "The service's usual message for this code (empty for unknown codes).",
        "default_message",
        "&'static str",
        |e| format!("{:?}", e.message),
        "\"\"",
        "_",
    );
    match_fn(
        &mut out,
        api,
        "How to fix the cause, for error messages.",
        "fix",
        "Option<&'static str>",
        |e| format!("Some({:?})", e.fix),
        "None",
        "_",
    );
    match_fn(
        &mut out,
        api,
        "Where the code comes from: `dataworks` (the product's public codes), `gateway` (the API gateway's signature and parameter checks) or `di` (Data Integration); `None` for unknown codes.",
        "group",
        "Option<&'static str>",
        |e| format!("Some({:?})", e.group),
        "None",
        "_",
    );
    out.push_str("}\n\n");
    out.push_str("impl fmt::Display for ErrorCode {\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n        f.write_str(self.as_str())\n    }\n}\n\n");
    out.push_str("impl std::str::FromStr for ErrorCode {\n    type Err = std::convert::Infallible;\n\n    fn from_str(code: &str) -> Result<Self, Self::Err> {\n        Ok(ErrorCode::from_code(code))\n    }\n}\n\n");
    out.push_str("impl From<&str> for ErrorCode {\n    fn from(code: &str) -> Self {\n        ErrorCode::from_code(code)\n    }\n}\n");
    out
}

#[allow(clippy::too_many_arguments)]
fn match_fn(
    out: &mut String,
    api: &Api,
    docs: &str,
    name: &str,
    ret: &str,
    value: impl Fn(&ErrorDef) -> String,
    other: &str,
    other_pat: &str,
) {
    doc(out, "    ", docs);
    let _ = writeln!(
        out,
        "    pub fn {name}(&self) -> {ret} {{\n        match self {{"
    );
    for e in &api.errors {
        let _ = writeln!(out, "            ErrorCode::{} => {},", e.variant, value(e));
    }
    let _ = writeln!(
        out,
        "            ErrorCode::Other({other_pat}) => {other},\n        }}\n    }}\n"
    );
}

// ---------------------------------------------------------------------------------------------
// response data

fn data(api: &Api) -> Result<String, String> {
    // The generated enums are request parameters only (docs/DECISIONS.md, "Public surface"):
    // they have no variant for a value they do not know, so a response must carry them as text.
    for s in &api.structs {
        for f in &s.fields {
            let ty = api.parse_type(&f.ty)?;
            let item = match &ty {
                Ty::List(inner) => inner.as_ref(),
                other => other,
            };
            if let Ty::Enum(name) = item {
                return Err(format!(
                    "{}.{}: response fields cannot be of enum type {name} (an unknown value from the service would fail decoding); use `string`",
                    s.name, f.wire
                ));
            }
        }
    }
    let mut out = header(
        "The operations' response `Data` structures. Decoding is lenient: unknown fields are ignored, missing or null fields are `None`, integers may arrive as numbers or numeric strings, and `camelCase` spellings of the field names are accepted.",
    );
    out.push_str("use std::fmt;\n\nuse serde::{Deserialize, Serialize};\n\nuse crate::redact::JsonDoc;\nuse crate::status::StatusData;\n\n");
    for s in &api.structs {
        struct_def(&mut out, api, s)?;
    }
    Ok(out)
}

fn used_by(api: &Api, s: &StructDef) -> Vec<String> {
    api.operations
        .iter()
        .filter(|o| o.data == s.name)
        .map(|o| format!("[`{}`](crate::{})", o.action, o.action))
        .collect()
}

fn struct_def(out: &mut String, api: &Api, s: &StructDef) -> Result<(), String> {
    let name = &s.name;
    doc(out, "", &s.doc);
    let users = used_by(api, s);
    if !users.is_empty() {
        let _ = writeln!(out, "///\n/// Returned by {}.", users.join(" and "));
    }
    out.push_str("///\n/// Marked `#[non_exhaustive]`: the service adds fields, and a new field here is not a breaking\n/// change. Read the fields; to build one (a test, a server), start from `Default` and assign them.\n");
    let _ = writeln!(
        out,
        "#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]\n#[non_exhaustive]\npub struct {name} {{"
    );
    let mut debug_fields = Vec::new();
    for f in &s.fields {
        let ty = api.parse_type(&f.ty)?;
        let field = f.rust.clone().unwrap_or_else(|| snake_case(&f.wire));
        let example = match &f.example {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => format!(" Example: {}.", example_code(text)),
            other => format!(" Example: {}.", example_code(&other.to_string())),
        };
        doc(
            out,
            "    ",
            &format!(
                "{}\n\nWire `{}`, {}.{example}",
                f.doc,
                f.wire,
                ty.short_name()
            ),
        );
        let mut attrs = format!(
            "rename = \"{}\", alias = \"{}\", default, skip_serializing_if = \"Option::is_none\"",
            f.wire,
            lower_first(&f.wire)
        );
        match ty {
            Ty::Integer => attrs.push_str(", deserialize_with = \"crate::lenient::opt_i64\""),
            Ty::Boolean => attrs.push_str(", deserialize_with = \"crate::lenient::opt_bool\""),
            _ => {}
        }
        let _ = writeln!(
            out,
            "    #[serde({attrs})]\n    pub {field}: Option<{}>,",
            ty.rust()
        );
        let shown = if f.format.as_deref() == Some("json") {
            format!("&self.{field}.as_deref().map(JsonDoc)")
        } else {
            format!("&self.{field}")
        };
        debug_fields.push((field, shown));
    }
    out.push_str("}\n\n");

    // Debug: JSON documents (scripts that may hold connection settings) print as their size.
    let _ = writeln!(
        out,
        "impl fmt::Debug for {name} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.debug_struct(\"{name}\")"
    );
    for (field, shown) in &debug_fields {
        let _ = writeln!(out, "            .field(\"{field}\", {shown})");
    }
    out.push_str("            .finish()\n    }\n}\n\n");

    if s.status == Some(StatusKind::NoStatus) {
        let _ = writeln!(
            out,
            "impl StatusData for {name} {{\n    const STATUS_IS_OUTCOME: bool = false;\n\n    fn status(&self) -> Option<&str> {{\n        None\n    }}\n\n    fn message(&self) -> Option<&str> {{\n        None\n    }}\n}}\n"
        );
    } else if let Some(kind) = s.status {
        let outcome = kind == StatusKind::Outcome;
        let _ = writeln!(
            out,
            "impl StatusData for {name} {{\n    const STATUS_IS_OUTCOME: bool = {outcome};\n\n    fn status(&self) -> Option<&str> {{\n        self.status.as_deref()\n    }}\n\n    fn message(&self) -> Option<&str> {{\n        self.message.as_deref()\n    }}\n}}\n"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// requests

fn requests(api: &Api) -> Result<String, String> {
    let mut out = header(
        "One request type per operation, with its wire encoding (`Operation`), and `AnyRequest` over all of them.",
    );
    out.push_str("use std::fmt;\n\nuse crate::operation::Operation;\nuse crate::params::{ParamError, Params};\nuse crate::redact::JsonDoc;\nuse crate::{TaskType};\n");
    let mut data_types: Vec<&str> = api.operations.iter().map(|o| o.data.as_str()).collect();
    data_types.sort_unstable();
    data_types.dedup();
    let _ = writeln!(out, "use crate::{{{}}};\n", data_types.join(", "));

    let actions: Vec<String> = api
        .operations
        .iter()
        .map(|o| format!("\"{}\"", o.action))
        .collect();
    let _ = writeln!(
        out,
        "/// Every action this crate knows, in the order of the API description.\npub const ACTIONS: &[&str] = &[{}];\n",
        actions.join(", ")
    );
    for op in &api.operations {
        request(&mut out, api, op)?;
    }
    any_request(&mut out, api);
    Ok(out)
}

struct ParamInfo {
    wire: String,
    field: String,
    ty: Ty,
    required: bool,
    location: Location,
    json: bool,
}

fn param_infos(api: &Api, op: &Operation) -> Result<Vec<ParamInfo>, String> {
    op.params
        .iter()
        .map(|p| {
            Ok(ParamInfo {
                wire: p.wire.clone(),
                field: p.rust.clone().unwrap_or_else(|| snake_case(&p.wire)),
                ty: api.parse_type(&p.ty)?,
                required: p.required,
                location: p.location,
                json: p.format.as_deref() == Some("json"),
            })
        })
        .collect()
}

fn request(out: &mut String, api: &Api, op: &Operation) -> Result<(), String> {
    let name = &op.action;
    let params = param_infos(api, op)?;
    for p in &params {
        if !matches!(p.ty, Ty::Integer | Ty::String | Ty::Boolean | Ty::Enum(_)) {
            return Err(format!(
                "{name}.{}: unsupported request parameter type",
                p.wire
            ));
        }
    }
    let project_id = params.iter().find(|p| p.wire == "ProjectId");
    let task_type = params.iter().find(|p| p.wire == "TaskType");
    if project_id.is_some_and(|p| p.ty != Ty::Integer)
        || task_type.is_some_and(|p| p.ty != Ty::Enum("TaskType".into()))
    {
        return Err(format!(
            "{name}: ProjectId must be an integer and TaskType the TaskType enum"
        ));
    }
    let client_token = params.iter().find(|p| p.wire == "ClientToken");

    doc(out, "", &format!("{}\n\n{}", op.summary, op.description));
    let _ = writeln!(
        out,
        "///\n/// Wire: `{} {}`, action `{name}`, version `{}`; the response `Data` is [`{}`]. Reference: <{}>",
        api.method, api.path, api.version, op.data, op.reference
    );
    let _ = writeln!(
        out,
        "///\n/// Build it with [`{name}::new`]\n/// (the required parameters) and the setters named after the optional ones; the fields are\n/// public to read. Marked `#[non_exhaustive]`: a parameter the service adds becomes an\n/// optional field with a setter, without breaking callers."
    );
    let _ = writeln!(
        out,
        "#[derive(Clone, PartialEq, Eq)]\n#[non_exhaustive]\npub struct {name} {{"
    );
    for (p, def) in params.iter().zip(&op.params) {
        let ty = if p.required {
            p.ty.rust()
        } else {
            format!("Option<{}>", p.ty.rust())
        };
        let allowed = if def.allowed.is_empty() {
            String::new()
        } else {
            format!(
                " Allowed: {}.",
                def.allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        doc(
            out,
            "    ",
            &format!(
                "{}\n\nWire `{}`, {}, {}.{allowed} Example: {}.",
                def.doc,
                p.wire,
                p.location.label(),
                if p.required { "required" } else { "optional" },
                example_code(&def.example)
            ),
        );
        let _ = writeln!(out, "    pub {}: {ty},", p.field);
    }
    out.push_str("}\n\n");

    constructors(out, api, op, &params)?;

    // Debug
    let _ = writeln!(
        out,
        "impl fmt::Debug for {name} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.debug_struct(\"{name}\")"
    );
    for p in &params {
        let shown = match (p.json, p.required) {
            (true, true) => format!("&JsonDoc(&self.{})", p.field),
            (true, false) => format!("&self.{}.as_deref().map(JsonDoc)", p.field),
            _ => format!("&self.{}", p.field),
        };
        let _ = writeln!(out, "            .field(\"{}\", {shown})", p.field);
    }
    out.push_str("            .finish()\n    }\n}\n\n");

    // Operation
    let _ = writeln!(out, "impl Operation for {name} {{");
    let _ = writeln!(out, "    const ACTION: &'static str = \"{name}\";");
    let _ = writeln!(out, "    const READ_ONLY: bool = {};", op.read_only);
    let _ = writeln!(
        out,
        "    const SUPPORTS_CLIENT_TOKEN: bool = {};",
        client_token.is_some()
    );
    let _ = writeln!(out, "    type Data = {};\n", op.data);
    for location in [Location::Query, Location::Form] {
        let fn_name = match location {
            Location::Query => "query_params",
            Location::Form => "form_params",
        };
        let mut sorted: Vec<&ParamInfo> =
            params.iter().filter(|p| p.location == location).collect();
        sorted.sort_by(|a, b| a.wire.cmp(&b.wire));
        if sorted.is_empty() {
            let _ = writeln!(
                out,
                "    fn {fn_name}(&self) -> Vec<(String, String)> {{\n        Vec::new()\n    }}\n"
            );
            continue;
        }
        let _ = writeln!(
            out,
            "    fn {fn_name}(&self) -> Vec<(String, String)> {{\n        ["
        );
        for p in sorted {
            let value = |expr: &str| match &p.ty {
                Ty::Integer | Ty::Boolean => format!("{expr}.to_string()"),
                Ty::Enum(_) => format!("{expr}.as_str().to_owned()"),
                _ => format!("{expr}.clone()"),
            };
            if p.required {
                let _ = writeln!(
                    out,
                    "            Some((\"{}\".to_owned(), {})),",
                    p.wire,
                    value(&format!("self.{}", p.field))
                );
            } else {
                let _ = writeln!(
                    out,
                    "            self.{}.as_ref().map(|value| (\"{}\".to_owned(), {})),",
                    p.field,
                    p.wire,
                    value("value")
                );
            }
        }
        out.push_str(
            "        ]\n        .into_iter()\n        .flatten()\n        .collect()\n    }\n\n",
        );
    }
    let _ = writeln!(
        out,
        "    fn from_params(params: &Params) -> Result<Self, ParamError> {{\n        Ok({name} {{"
    );
    for p in &params {
        let getter = match (&p.ty, p.required) {
            (Ty::Integer, true) => format!("params.required_i64(\"{}\")?", p.wire),
            (Ty::Integer, false) => format!("params.optional_i64(\"{}\")?", p.wire),
            (Ty::Boolean, true) => format!("params.required_bool(\"{}\")?", p.wire),
            (Ty::Boolean, false) => format!("params.optional_bool(\"{}\")?", p.wire),
            (Ty::Enum(_), true) => format!("params.required_enum(\"{}\")?", p.wire),
            (Ty::Enum(_), false) => format!("params.optional_enum(\"{}\")?", p.wire),
            (_, true) => format!("params.required_string(\"{}\")?", p.wire),
            (_, false) => format!("params.optional_string(\"{}\")", p.wire),
        };
        let _ = writeln!(out, "            {}: {getter},", p.field);
    }
    out.push_str("        })\n    }\n\n");
    if let Some(token) = client_token {
        let _ = writeln!(
            out,
            "    fn client_token(&self) -> Option<&str> {{\n        self.{}.as_deref()\n    }}\n",
            token.field
        );
        let _ = writeln!(
            out,
            "    fn set_client_token(&mut self, token: String) -> bool {{\n        self.{} = Some(token);\n        true\n    }}\n",
            token.field
        );
    }
    let accessor = |param: Option<&ParamInfo>, getter: &str, ty: &str| match param {
        Some(p) if p.required => format!(
            "    fn {getter}(&self) -> Option<{ty}> {{\n        Some(self.{})\n    }}\n\n",
            p.field
        ),
        Some(p) => format!(
            "    fn {getter}(&self) -> Option<{ty}> {{\n        self.{}\n    }}\n\n",
            p.field
        ),
        None => format!("    fn {getter}(&self) -> Option<{ty}> {{\n        None\n    }}\n\n"),
    };
    out.push_str(&accessor(project_id, "project_id", "i64"));
    out.push_str(&accessor(task_type, "task_type", "TaskType"));
    let _ = writeln!(
        out,
        "    fn into_any(self) -> AnyRequest {{\n        AnyRequest::{name}(self)\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl From<{name}> for AnyRequest {{\n    fn from(request: {name}) -> Self {{\n        AnyRequest::{name}(request)\n    }}\n}}\n"
    );
    Ok(())
}

/// The first line of a parameter's description, for lists of parameters.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// The parameter's Rust type as a `new` argument or a setter takes it.
fn argument_type(p: &ParamInfo) -> String {
    match p.ty {
        Ty::String => "impl Into<String>".into(),
        _ => p.ty.rust(),
    }
}

/// The expression that stores argument `name` in the field.
fn stored(p: &ParamInfo, name: &str) -> String {
    match p.ty {
        Ty::String => format!("{name}.into()"),
        _ => name.to_owned(),
    }
}

/// A Rust literal for the parameter's example value, for the generated doc examples.
fn example_literal(api: &Api, p: &ParamInfo, example: &str) -> Result<String, String> {
    let bad = || format!("{}: example `{example}` does not fit its type", p.wire);
    match &p.ty {
        Ty::Integer => example
            .parse::<i64>()
            .map(|v| v.to_string())
            .map_err(|_| bad()),
        Ty::Boolean => example
            .parse::<bool>()
            .map(|v| v.to_string())
            .map_err(|_| bad()),
        Ty::Enum(name) => api
            .enums
            .iter()
            .find(|e| &e.name == name)
            .and_then(|e| e.values.iter().find(|v| v.wire == example))
            .map(|v| format!("{name}::{}", v.rust))
            .ok_or_else(bad),
        _ => {
            let mut hashes = String::new();
            while example.contains(&format!("\"{hashes}")) {
                hashes.push('#');
            }
            Ok(if hashes.is_empty() && !example.contains('\\') {
                format!("{example:?}")
            } else {
                format!("r{hashes}\"{example}\"{hashes}")
            })
        }
    }
}

/// `new` (the required parameters, in the order of the API description), a setter per
/// optional parameter, and `Default` when nothing is required.
fn constructors(
    out: &mut String,
    api: &Api,
    op: &Operation,
    params: &[ParamInfo],
) -> Result<(), String> {
    let name = &op.action;
    let required: Vec<(&ParamInfo, &crate::api_model::ParamDef)> = params
        .iter()
        .zip(&op.params)
        .filter(|(p, _)| p.required)
        .collect();
    let optional: Vec<(&ParamInfo, &crate::api_model::ParamDef)> = params
        .iter()
        .zip(&op.params)
        .filter(|(p, _)| !p.required)
        .collect();

    let _ = writeln!(out, "impl {name} {{");
    if required.is_empty() {
        let _ = writeln!(
            out,
            "    /// A `{name}` request: every parameter is optional and starts unset; set them\n    /// with the methods named after them."
        );
    } else {
        let _ = writeln!(
            out,
            "    /// A `{name}` request\n    /// from its required parameters, in the order of the API description:\n    ///"
        );
        for (p, def) in &required {
            let _ = writeln!(
                out,
                "    /// - `{}` (wire `{}`): {}",
                p.field,
                p.wire,
                doc_text(first_line(&def.doc))
            );
        }
        if !optional.is_empty() {
            let _ = writeln!(
                out,
                "    ///\n    /// The optional parameters start unset; set them with the methods named after them."
            );
        }
    }
    // A compiled example from the API description's example values.
    let mut enums: Vec<&str> = required
        .iter()
        .chain(optional.iter().take(2))
        .filter_map(|(p, _)| match &p.ty {
            Ty::Enum(e) => Some(e.as_str()),
            _ => None,
        })
        .collect();
    enums.sort_unstable();
    enums.dedup();
    let mut imports = vec![name.as_str()];
    imports.extend(enums);
    imports.push("Operation");
    let args = required
        .iter()
        .map(|(p, def)| example_literal(api, p, &def.example))
        .collect::<Result<Vec<_>, _>>()?;
    let _ = writeln!(
        out,
        "    ///\n    /// # Example\n    ///\n    /// ```\n    /// use dataworks_wire::{{{}}};\n    ///",
        imports.join(", ")
    );
    let mut lines = vec![format!("let request = {name}::new({})", args.join(", "))];
    for (p, def) in optional.iter().take(2) {
        lines.push(format!(
            "    .{}({})",
            p.field,
            example_literal(api, p, &def.example)?
        ));
    }
    let _ = writeln!(out, "    /// {};", lines.join("\n    /// "));
    if let Some((p, def)) = optional.first() {
        let value = example_literal(api, p, &def.example)?;
        let read = match p.ty {
            Ty::String => format!("request.{}.as_deref()", p.field),
            _ => format!("request.{}", p.field),
        };
        let _ = writeln!(out, "    /// assert_eq!({read}, Some({value}));");
    }
    if let Some((p, def)) = required.last() {
        let value = example_literal(api, p, &def.example)?;
        let _ = writeln!(out, "    /// assert_eq!(request.{}, {value});", p.field);
    }
    let _ = writeln!(
        out,
        "    /// assert_eq!({name}::ACTION, \"{name}\");\n    /// ```"
    );
    let signature: Vec<String> = required
        .iter()
        .map(|(p, _)| format!("{}: {}", p.field, argument_type(p)))
        .collect();
    let _ = writeln!(
        out,
        "    pub fn new({}) -> Self {{\n        {name} {{",
        signature.join(", ")
    );
    for p in params {
        if p.required {
            let value = stored(p, &p.field);
            if value == p.field {
                let _ = writeln!(out, "            {},", p.field);
            } else {
                let _ = writeln!(out, "            {}: {value},", p.field);
            }
        } else {
            let _ = writeln!(out, "            {}: None,", p.field);
        }
    }
    out.push_str("        }\n    }\n");
    for (p, def) in &optional {
        out.push('\n');
        doc(
            out,
            "    ",
            &format!(
                "Sets `{}`: {}\n\nWire `{}`, {}. Example: {}.",
                p.field,
                def.doc,
                p.wire,
                p.location.label(),
                example_code(&def.example)
            ),
        );
        let _ = writeln!(
            out,
            "    pub fn {0}(mut self, {0}: {1}) -> Self {{\n        self.{0} = Some({2});\n        self\n    }}",
            p.field,
            argument_type(p),
            stored(p, &p.field)
        );
    }
    out.push_str("}\n\n");
    if required.is_empty() {
        let _ = writeln!(
            out,
            "impl Default for {name} {{\n    /// The same as [`{name}::new`]: nothing set.\n    fn default() -> Self {{\n        {name}::new()\n    }}\n}}\n"
        );
    }
    Ok(())
}

fn any_request(out: &mut String, api: &Api) {
    out.push_str("/// Any of the operations, for code that handles requests by action name (the emulator).\n");
    out.push_str("///\n/// Marked `#[non_exhaustive]`: a new operation adds a variant; answer the ones you do not\n/// handle in a `_` arm.\n");
    out.push_str(
        "#[derive(Debug, Clone, PartialEq, Eq)]\n#[non_exhaustive]\npub enum AnyRequest {\n",
    );
    for op in &api.operations {
        let _ = writeln!(
            out,
            "    /// [`{0}`]: {1}\n    {0}({0}),",
            op.action,
            doc_text(&op.summary)
        );
    }
    out.push_str("}\n\n");
    out.push_str("impl AnyRequest {\n");
    out.push_str("    /// Decodes the request of `action` from its wire parameters. Unknown actions give\n    /// [`ParamError::UnknownAction`] (service code `InvalidAction.NotFound`, HTTP 404).\n");
    out.push_str("    pub fn from_action(action: &str, params: &Params) -> Result<AnyRequest, ParamError> {\n        match action {\n");
    for op in &api.operations {
        let _ = writeln!(
            out,
            "            \"{0}\" => {0}::from_params(params).map(AnyRequest::{0}),",
            op.action
        );
    }
    out.push_str(
        "            other => Err(ParamError::unknown_action(other)),\n        }\n    }\n\n",
    );

    let per_variant = |out: &mut String, docs: &str, sig: &str, body: &str| {
        doc(out, "    ", docs);
        let _ = writeln!(out, "    pub fn {sig} {{\n        match self {{");
        for op in &api.operations {
            let _ = writeln!(
                out,
                "            AnyRequest::{}(request) => {},",
                op.action,
                body.replace("{op}", &op.action)
            );
        }
        out.push_str("        }\n    }\n\n");
    };
    per_variant(
        out,
        "The action name.",
        "action(&self) -> &'static str",
        "{ let _ = request; <{op} as Operation>::ACTION }",
    );
    per_variant(
        out,
        "Whether the operation only reads.",
        "read_only(&self) -> bool",
        "{ let _ = request; <{op} as Operation>::READ_ONLY }",
    );
    per_variant(
        out,
        "The parameters that travel in the query string.",
        "query_params(&self) -> Vec<(String, String)>",
        "<{op} as Operation>::query_params(request)",
    );
    per_variant(
        out,
        "The parameters that travel in the form body.",
        "form_params(&self) -> Vec<(String, String)>",
        "<{op} as Operation>::form_params(request)",
    );
    per_variant(
        out,
        "The idempotency token, when the operation has one and it is set.",
        "client_token(&self) -> Option<&str>",
        "<{op} as Operation>::client_token(request)",
    );
    per_variant(
        out,
        "The workspace id (`ProjectId`), when the operation takes one and it is set.",
        "project_id(&self) -> Option<i64>",
        "<{op} as Operation>::project_id(request)",
    );
    per_variant(
        out,
        "The task type (`TaskType`), when the operation takes one.",
        "task_type(&self) -> Option<TaskType>",
        "<{op} as Operation>::task_type(request)",
    );
    out.push_str("}\n");
}
