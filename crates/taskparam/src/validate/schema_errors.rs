//! Turns jsonschema errors into [`Problem`]s: rule `schema.<keyword>`, a message that never
//! prints a secret-like value (or a whole object), and a hint per keyword.

use jsonschema::ValidationError;
use serde_json::Value;

use super::Problem;
use crate::kind::DocumentKind;
use crate::util::pointer_touches_secret;

/// Longest instance value (in characters) printed in a message.
const MAX_SHOWN: usize = 60;

pub(super) fn to_problem(kind: DocumentKind, error: &ValidationError<'_>) -> Problem {
    let pointer = error.instance_path().as_str().to_owned();
    let keyword = error.kind().keyword().to_owned();
    let instance: &Value = error.instance();
    let show_value = !pointer_touches_secret(&pointer)
        && match instance {
            Value::Object(_) | Value::Array(_) => false,
            Value::String(s) => s.chars().count() <= MAX_SHOWN,
            _ => true,
        };
    let message = if show_value {
        error.to_string()
    } else {
        error.masked_with("the value").to_string()
    };
    let hint = match keyword.as_str() {
        "required" => format!("add the missing field (`dwdi schema {kind}` shows every field)"),
        "type" => "give a value of the type named".to_owned(),
        "anyOf" | "oneOf" => {
            "give a number or boolean, or the same written as a string (\"1\", \"true\"); nothing else is accepted".to_owned()
        }
        "pattern" => "write the number with decimal digits only, such as \"1\" or \"0.5\"".to_owned(),
        "enum" | "const" => "use one of the values listed".to_owned(),
        _ => format!("make the value match the schema (`dwdi schema {kind}`)"),
    };
    Problem::new(pointer, format!("schema.{keyword}"), message, hint)
}
