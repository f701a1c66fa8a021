//! Turns jsonschema errors into [`Problem`]s: rule `schema.<keyword>`, a message that never
//! prints a secret-like value (or a whole object), and a hint per keyword.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::Problem;
use crate::kind::DocumentKind;
use crate::util::pointer_touches_secret;

/// The lenient scalars: (schema name, what they accept, hint).
const LENIENT: &[(&str, &str, &str)] = &[
    (
        "BoolOrString",
        "a boolean (true, false, \"true\" or \"false\")",
        "write true or false",
    ),
    (
        "IntOrString",
        "an integer (a number, or a string of decimal digits such as \"1\")",
        "write an integer such as 1 (or \"1\")",
    ),
    (
        "NumberOrString",
        "a number (a number, or a decimal string such as \"12\" or \"0.5\")",
        "write a number such as 12 (or \"12\")",
    ),
];

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
    // The lenient scalars fail with a generic `anyOf` message; say what they accept.
    let location = format!(
        "{} {}",
        error.schema_path().as_str(),
        error.evaluation_path().as_str()
    );
    let shown = if show_value {
        instance.to_string()
    } else {
        "the value".to_owned()
    };
    for (def, what, hint) in LENIENT {
        if keyword == "anyOf" && location.contains(def) {
            return Problem::new(
                pointer,
                format!("schema.{keyword}"),
                format!("{shown} is not {what}"),
                *hint,
            );
        }
    }
    let hint = match keyword.as_str() {
        "required" => format!("add the missing field (`dwdi schema {kind}` shows every field)"),
        "type" => type_hint(error.kind(), instance),
        "anyOf" | "oneOf" => {
            "give a number or boolean, or the same written as a string (\"1\", \"true\"); nothing else is accepted".to_owned()
        }
        "pattern" => "write the number with decimal digits only, such as \"1\" or \"0.5\"".to_owned(),
        "enum" | "const" => "use one of the values listed".to_owned(),
        _ => format!("make the value match the schema (`dwdi schema {kind}`)"),
    };
    Problem::new(pointer, format!("schema.{keyword}"), message, hint)
}

/// The fix for a value of the wrong JSON type, by the type the schema wants: a scalar where a
/// list is wanted (`"preSql": "delete ..."`) is the usual slip, and wrapping it is the fix.
fn type_hint(kind: &ValidationErrorKind, instance: &Value) -> String {
    let wanted = match kind {
        ValidationErrorKind::Type {
            kind: TypeKind::Single(wanted),
        } => *wanted,
        _ => return "give a value of the type named".to_owned(),
    };
    match wanted {
        JsonType::Array if !matches!(instance, Value::Object(_)) => {
            "write it as a list, even of one entry: [ ... ]".to_owned()
        }
        JsonType::Array => "write it as a list: [ ... ]".to_owned(),
        JsonType::Object => "write it as an object: { \"key\": value, ... }".to_owned(),
        JsonType::String => "write it as a string, in double quotes".to_owned(),
        JsonType::Integer => "write a whole number, such as 1".to_owned(),
        JsonType::Number => "write a number, such as 1 or 0.5".to_owned(),
        JsonType::Boolean => "write true or false".to_owned(),
        JsonType::Null => "write null".to_owned(),
    }
}
