//! The model of `api/dataworks-2020-05-18.json`, the machine-readable API description, and the
//! checks that keep it consistent (every type it names exists, names are unique, ...).
//!
//! Unknown keys are rejected so a typo in the description fails codegen instead of being
//! silently ignored.

use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// The path of the API description, relative to the workspace root.
pub const API_FILE: &str = "api/dataworks-2020-05-18.json";

/// The whole API description.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// Free-form comment (ignored).
    #[serde(rename = "$comment")]
    #[allow(dead_code)]
    pub comment: Option<String>,
    /// The product code (`dataworks-public`).
    pub product: String,
    /// The API version (`2020-05-18`).
    pub version: String,
    /// The call style (`RPC`).
    pub style: String,
    /// The HTTP method of every operation.
    pub method: String,
    /// The path of every operation.
    pub path: String,
    /// Enumerations used by parameters.
    pub enums: Vec<EnumDef>,
    /// Response structures (each operation's `Data` and what they contain).
    pub structs: Vec<StructDef>,
    /// The operations.
    pub operations: Vec<Operation>,
    /// The error code catalogue.
    pub errors: Vec<ErrorDef>,
}

/// An enumeration carried as a string on the wire.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    pub values: Vec<EnumValue>,
}

/// One value of an enumeration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub wire: String,
    pub rust: String,
    pub doc: String,
}

/// What a structure's `Status` field means.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StatusKind {
    /// `Status` is the outcome of the call (`success` / `fail`).
    Outcome,
    /// `Status` is the state of the task the call reads.
    State,
    /// The `Data` has no `Status` (the file operations): a successful call is the answer.
    #[serde(rename = "none")]
    NoStatus,
}

/// A response structure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructDef {
    pub name: String,
    pub doc: String,
    /// Set on the top-level `Data` structures.
    pub status: Option<StatusKind>,
    pub fields: Vec<FieldDef>,
}

/// A field of a response structure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub wire: String,
    /// The Rust field name when the snake-case wire name does not fit.
    pub rust: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    /// `json` for a JSON document carried as a string.
    pub format: Option<String>,
    pub doc: String,
    pub example: serde_json::Value,
}

/// Where a request parameter travels.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// The URL query string.
    Query,
    /// The `application/x-www-form-urlencoded` body.
    Form,
}

impl Location {
    /// The name used in docs.
    pub fn label(self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Form => "form body",
        }
    }
}

/// An operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub action: String,
    pub summary: String,
    pub description: String,
    /// Whether the operation only reads (safe to retry at will).
    pub read_only: bool,
    pub params: Vec<ParamDef>,
    /// The name of the `Data` structure.
    pub data: String,
    /// The operation-specific error codes (the catalogue's common codes apply too).
    pub errors: Vec<String>,
    pub errors_note: Option<String>,
    /// The official reference page.
    pub reference: String,
}

/// A request parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub wire: String,
    pub rust: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub format: Option<String>,
    pub required: bool,
    #[serde(rename = "in")]
    pub location: Location,
    #[serde(default)]
    pub allowed: Vec<String>,
    pub doc: String,
    pub example: String,
}

/// A catalogued error code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    pub code: String,
    pub variant: String,
    pub http_status: u16,
    pub retryable: bool,
    /// `dataworks` (public codes), `gateway` (signature and parameter codes) or `di`.
    pub group: String,
    pub message: String,
    pub fix: String,
}

/// The Rust shape of a type named in the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `integer` → `i64`.
    Integer,
    /// `string` → `String`.
    String,
    /// `boolean` → `bool`.
    Boolean,
    /// One of the description's enums.
    Enum(String),
    /// One of the description's structs.
    Struct(String),
    /// `list<T>` → `Vec<T>`.
    List(Box<Ty>),
}

impl Ty {
    /// The Rust type.
    pub fn rust(&self) -> String {
        match self {
            Ty::Integer => "i64".into(),
            Ty::String => "String".into(),
            Ty::Boolean => "bool".into(),
            Ty::Enum(name) | Ty::Struct(name) => name.clone(),
            Ty::List(inner) => format!("Vec<{}>", inner.rust()),
        }
    }

    /// A short name for doc comments (`integer`, `array of object`, ...).
    pub fn short_name(&self) -> String {
        match self {
            Ty::Integer => "integer".into(),
            Ty::String => "string".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Enum(name) => format!("string ({name})"),
            Ty::Struct(_) => "object".into(),
            Ty::List(inner) => format!("array of {}", inner.short_name()),
        }
    }

    /// The name used in docs/api.md.
    pub fn doc_name(&self) -> String {
        match self {
            Ty::Integer => "integer (int64)".into(),
            Ty::String => "string".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Enum(name) => format!("string ({name})"),
            Ty::Struct(name) => format!("object ([{name}](#{}))", name.to_lowercase()),
            Ty::List(inner) => format!("array of {}", inner.doc_name()),
        }
    }
}

impl Api {
    /// Reads and checks the description under `root`.
    pub fn load(root: &Path) -> Result<Api, String> {
        let path = root.join(API_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let api: Api = serde_json::from_str(&text)
            .map_err(|e| format!("{API_FILE} is not a valid API description: {e}"))?;
        api.check()?;
        Ok(api)
    }

    /// Parses a type name (`integer`, `string`, `boolean`, an enum, a struct, `list<T>`).
    pub fn parse_type(&self, name: &str) -> Result<Ty, String> {
        if let Some(inner) = name
            .strip_prefix("list<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return Ok(Ty::List(Box::new(self.parse_type(inner)?)));
        }
        match name {
            "integer" => Ok(Ty::Integer),
            "string" => Ok(Ty::String),
            "boolean" => Ok(Ty::Boolean),
            other if self.enums.iter().any(|e| e.name == other) => Ok(Ty::Enum(other.into())),
            other if self.structs.iter().any(|s| s.name == other) => Ok(Ty::Struct(other.into())),
            other => Err(format!(
                "{API_FILE}: unknown type `{other}` (use integer, string, boolean, list<T>, or an enum or struct defined in the file)"
            )),
        }
    }

    /// Looks a struct up by name.
    pub fn struct_def(&self, name: &str) -> Option<&StructDef> {
        self.structs.iter().find(|s| s.name == name)
    }

    /// Looks an error up by code.
    pub fn error_def(&self, code: &str) -> Option<&ErrorDef> {
        self.errors.iter().find(|e| e.code == code)
    }

    fn check(&self) -> Result<(), String> {
        if self.version != "2020-05-18" || self.method != "POST" || self.path != "/" {
            return Err(format!(
                "{API_FILE}: expected version 2020-05-18, method POST and path / (the wire crate assumes them)"
            ));
        }
        unique("enum", self.enums.iter().map(|e| e.name.as_str()))?;
        unique("struct", self.structs.iter().map(|s| s.name.as_str()))?;
        unique("action", self.operations.iter().map(|o| o.action.as_str()))?;
        unique("error code", self.errors.iter().map(|e| e.code.as_str()))?;
        unique(
            "error variant",
            self.errors.iter().map(|e| e.variant.as_str()),
        )?;
        for e in &self.enums {
            unique(
                &format!("{} value", e.name),
                e.values.iter().map(|v| v.wire.as_str()),
            )?;
        }
        for s in &self.structs {
            unique(
                &format!("{} field", s.name),
                s.fields.iter().map(|f| f.wire.as_str()),
            )?;
            for f in &s.fields {
                self.parse_type(&f.ty)?;
                check_format(&f.format, &f.ty, &format!("{}.{}", s.name, f.wire))?;
            }
            if matches!(s.status, Some(StatusKind::Outcome | StatusKind::State)) {
                let has = |name: &str| s.fields.iter().any(|f| f.wire == name && f.ty == "string");
                if !has("Status") || !has("Message") {
                    return Err(format!(
                        "{API_FILE}: struct {} has a `status` kind but no string Status and Message fields",
                        s.name
                    ));
                }
            }
        }
        for op in &self.operations {
            unique(
                &format!("{} parameter", op.action),
                op.params.iter().map(|p| p.wire.as_str()),
            )?;
            let data = self.struct_def(&op.data).ok_or_else(|| {
                format!(
                    "{API_FILE}: {} names unknown data struct {}",
                    op.action, op.data
                )
            })?;
            if data.status.is_none() {
                return Err(format!(
                    "{API_FILE}: {} uses {} as Data, which needs a `status` kind",
                    op.action, op.data
                ));
            }
            for p in &op.params {
                let ty = self.parse_type(&p.ty)?;
                if matches!(ty, Ty::Struct(_) | Ty::List(_)) {
                    return Err(format!(
                        "{API_FILE}: {}.{}: request parameters must be scalars or enums",
                        op.action, p.wire
                    ));
                }
                check_format(&p.format, &p.ty, &format!("{}.{}", op.action, p.wire))?;
                if p.format.is_some() && p.location != Location::Form {
                    return Err(format!(
                        "{API_FILE}: {}.{} carries a JSON document and must travel in the form body \
                         (\"in\": \"form\"): documents make URLs too long (docs/wire.md, \"Where parameters travel\")",
                        op.action, p.wire
                    ));
                }
                if let Ty::Enum(name) = &ty {
                    let def = self.enums.iter().find(|e| &e.name == name);
                    for value in &p.allowed {
                        if !def.is_some_and(|d| d.values.iter().any(|v| &v.wire == value)) {
                            return Err(format!(
                                "{API_FILE}: {}.{} allows `{value}`, which is not a value of {name}",
                                op.action, p.wire
                            ));
                        }
                    }
                }
            }
            for code in &op.errors {
                if self.error_def(code).is_none() {
                    return Err(format!(
                        "{API_FILE}: {} lists error {code}, which is not in the catalogue",
                        op.action
                    ));
                }
            }
        }
        Ok(())
    }
}

fn check_format(format: &Option<String>, ty: &str, what: &str) -> Result<(), String> {
    match format.as_deref() {
        None => Ok(()),
        Some("json") if ty == "string" => Ok(()),
        Some(other) => Err(format!(
            "{API_FILE}: {what}: format `{other}` is only allowed as `json` on a string"
        )),
    }
}

fn unique<'a>(what: &str, names: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(format!("{API_FILE}: duplicate {what} `{name}`"));
        }
    }
    Ok(())
}

/// `ProjectId` → `project_id`, `AsyncProcessId` → `async_process_id`.
pub fn snake_case(wire: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = wire.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_ascii_lowercase());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_ascii_uppercase());
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `ProjectId` → `projectId` (the other spelling the decoder accepts).
pub fn lower_first(wire: &str) -> String {
    let mut chars = wire.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms() {
        assert_eq!(snake_case("ProjectId"), "project_id");
        assert_eq!(snake_case("AsyncProcessId"), "async_process_id");
        assert_eq!(snake_case("Code"), "code");
        assert_eq!(snake_case("DIJobId"), "di_job_id");
    }

    #[test]
    fn lower_first_lowers_one_letter() {
        assert_eq!(lower_first("RequestId"), "requestId");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn the_description_loads_and_is_consistent() {
        let api = Api::load(&crate::workspace_root()).unwrap();
        assert_eq!(api.operations.len(), 14);
    }
}
