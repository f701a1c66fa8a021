//! Offline validation of JSON text: syntax (with line and column), JSON Schema (the
//! schemas of [`crate::schema`], compiled once) and the semantic rules the schema cannot
//! say. Every problem is reported in one pass, each with a JSON pointer, a rule id, a
//! message and a one-line fix. Values of secret-like fields are never printed.

mod locate;
mod plugins;
mod rules;
mod schema_errors;

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::kind::DocumentKind;

pub use locate::locate;
pub use plugins::explicit_columns;

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer (RFC 6901) of the value at fault; `""` is the whole document.
    pub pointer: String,
    /// Stable rule id, such as `json.syntax`, `schema.required`, `conn.tables-xor`.
    pub rule: String,
    /// What is wrong. Never contains the value of a secret-like field.
    pub message: String,
    /// A one-line fix.
    pub hint: String,
    /// 1-based line of the value in the text, when validating text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (in characters) of the value in the text, when validating text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Problem {
    /// A problem without a text position.
    pub fn new(
        pointer: impl Into<String>,
        rule: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            pointer: pointer.into(),
            rule: rule.into(),
            message: message.into(),
            hint: hint.into(),
            line: None,
            column: None,
        }
    }

    /// What is wrong and the rule, `message [rule]`, without the place or the fix: for a
    /// caller that shows those its own way (a manifest's file and line, its own fix line).
    ///
    /// ```
    /// use dataworks_taskparam::Problem;
    /// let p = Problem::new("/steps", "schema.required", "steps is missing", "add a steps array");
    /// assert_eq!(p.summary(), "steps is missing [schema.required]");
    /// ```
    pub fn summary(&self) -> String {
        format!("{} [{}]", self.message, self.rule)
    }
}

impl std::fmt::Display for Problem {
    /// `pointer (line L, column C): message [rule]; hint`, the pointer `/` for the whole
    /// document and the position only when known.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            self.pointer.as_str()
        };
        write!(f, "{at}")?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        write!(f, ": {}; {}", self.summary(), self.hint)
    }
}

/// A list of problems as text, one line per problem (see [`Problem`]'s `Display`).
///
/// ```
/// use dataworks_taskparam::{Problem, describe_problems};
/// let problems = [Problem::new("/steps", "schema.required", "steps is missing", "add a steps array")];
/// assert_eq!(
///     describe_problems(&problems),
///     "/steps: steps is missing [schema.required]; add a steps array"
/// );
/// ```
pub fn describe_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The outcome of validating one document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ValidationReport {
    /// The kind validated against (given or detected); `None` when it could not be told.
    pub kind: Option<DocumentKind>,
    /// Problems that make the document invalid.
    pub errors: Vec<Problem>,
    /// Problems worth a look that do not make it invalid (unknown step types, ...).
    pub warnings: Vec<Problem>,
}

impl ValidationReport {
    /// Whether the document has no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The compiled schema validators, one per kind, each built on first use (a run that
/// validates batch jobs only compiles the batch-job schema).
static VALIDATORS: [OnceLock<Result<jsonschema::Validator, String>>; DocumentKind::ALL.len()] =
    [const { OnceLock::new() }; DocumentKind::ALL.len()];

/// The compiled validator of a kind's schema.
pub(crate) fn validator(kind: DocumentKind) -> Result<&'static jsonschema::Validator, String> {
    let index = DocumentKind::ALL
        .iter()
        .position(|k| *k == kind)
        .ok_or_else(|| format!("no schema for {kind}"))?;
    let slot = VALIDATORS
        .get(index)
        .ok_or_else(|| format!("no schema for {kind}"))?;
    slot.get_or_init(|| {
        jsonschema::validator_for(&crate::schema::schema_for(kind)).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Validates JSON text. `kind` is detected from the content when `None`.
///
/// Problems carry the line and column of the value they point at.
///
/// ```
/// use dataworks_taskparam::{validate_str, DocumentKind};
/// let report = validate_str(r#"{"steps":[{"parameter":{"connection":[{"table":[]}]},"name":"Reader","category":"reader"}]}"#, None);
/// assert_eq!(report.kind, Some(DocumentKind::UpdateTaskParam));
/// assert_eq!(report.errors[0].rule, "tables.non-empty");
/// assert_eq!(report.errors[0].pointer, "/steps/0/parameter/connection/0/table");
/// assert_eq!(report.errors[0].line, Some(1));
/// ```
pub fn validate_str(text: &str, kind: Option<DocumentKind>) -> ValidationReport {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(at) => message.get(..at).unwrap_or(&message).to_owned(),
                None => message,
            };
            let mut problem = Problem::new(
                "",
                "json.syntax",
                format!("not valid JSON: {message}"),
                "fix the JSON at this position (comments, trailing commas and `......` placeholders copied from doc templates are not JSON)",
            );
            if e.line() > 0 {
                problem.line = Some(e.line());
                problem.column = Some(e.column());
            }
            return ValidationReport {
                kind,
                errors: vec![problem],
                warnings: Vec::new(),
            };
        }
    };
    let mut report = validate_value(&value, kind);
    if !report.errors.is_empty() || !report.warnings.is_empty() {
        let wanted: HashSet<&str> = report
            .errors
            .iter()
            .chain(&report.warnings)
            .map(|p| p.pointer.as_str())
            .collect();
        let positions = locate(text, &wanted);
        for problem in report.errors.iter_mut().chain(report.warnings.iter_mut()) {
            if let Some((line, column)) = positions.get(&problem.pointer) {
                problem.line = Some(*line);
                problem.column = Some(*column);
            }
        }
    }
    report
}

/// Validates a parsed JSON value (no line/column information). `kind` is detected from the
/// content when `None`.
pub fn validate_value(value: &Value, kind: Option<DocumentKind>) -> ValidationReport {
    let mut report = ValidationReport {
        kind: kind.or_else(|| DocumentKind::detect(value)),
        ..ValidationReport::default()
    };
    if let Some(problem) = rules::legacy_form(value) {
        report.errors.push(problem);
        return report;
    }
    let Some(kind) = report.kind else {
        report.errors.push(Problem::new(
            "",
            "kind.unknown",
            "cannot tell which document kind this is (no `type`, `steps`, `extend`, `realtimeSyncConfig` or `ResourceGroup` that identifies it)",
            format!("give the kind explicitly (`--kind`, one of: {})", DocumentKind::names().join(", ")),
        ));
        return report;
    };
    match validator(kind) {
        Ok(validator) => {
            for error in validator.iter_errors(value) {
                report.errors.push(schema_errors::to_problem(kind, &error));
            }
        }
        Err(message) => report.errors.push(Problem::new(
            "",
            "internal.schema",
            format!("the {kind} schema did not compile: {message}"),
            "report this bug to the dataworks-di maintainers",
        )),
    }
    let mut sink = rules::Sink::default();
    rules::check(kind, value, &mut sink);
    report.errors.append(&mut sink.errors);
    report.warnings.append(&mut sink.warnings);
    report
}
