//! Lenient scalars: numbers and booleans that the service's own samples sometimes spell as
//! strings (`"concurrent": "1"`, `"truncate": "false"`, `"record": ""`).
//!
//! Each type accepts both spellings, gives the meaning through `value()`, and writes back
//! exactly the spelling it read, so a parse → serialise round trip is lossless. The JSON
//! Schema of each type accepts exactly what its `Deserialize` accepts.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Number;

/// The regular expression (ECMA 262 and Rust `regex` alike) an integer written as a string
/// must match: optional minus sign, decimal digits, possibly none (`""` means "not set").
pub const INT_TEXT_PATTERN: &str = "^-?[0-9]*$";

/// The regular expression a decimal number written as a string must match (or be empty).
pub const NUMBER_TEXT_PATTERN: &str = "^(-?[0-9]+(\\.[0-9]+)?)?$";

/// Whether `text` matches [`INT_TEXT_PATTERN`].
pub fn is_int_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` matches [`NUMBER_TEXT_PATTERN`].
pub fn is_number_text(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// Whether a JSON number has an integer value (`1`, `-3`, `2.0`), as JSON Schema's
/// `"type": "integer"` defines it.
fn is_integral(number: &Number) -> bool {
    number.is_i64()
        || number.is_u64()
        || number
            .as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// An integer that may be written as a JSON number or as a string of digits.
///
/// ```
/// use dataworks_taskparam::IntOrString;
/// let concurrent: IntOrString = serde_json::from_str("\"2\"").unwrap();
/// assert_eq!(concurrent.value(), Some(2));
/// assert_eq!(serde_json::to_string(&concurrent).unwrap(), "\"2\"");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum IntOrString {
    /// Written as a JSON number with an integer value.
    Number(Number),
    /// Written as a string matching `^-?[0-9]*$`; `""` means "not set".
    Text(String),
}

impl IntOrString {
    /// The integer meant, or `None` for an empty string or a value outside `i64`.
    pub fn value(&self) -> Option<i64> {
        match self {
            Self::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f <= i64::MAX as f64)
                    .map(|f| f as i64)
            }),
            Self::Text(text) => text.parse().ok(),
        }
    }
}

impl From<i64> for IntOrString {
    fn from(value: i64) -> Self {
        Self::Number(Number::from(value))
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => n.serialize(serializer),
            Self::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrString;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer, or a string of decimal digits such as \"1\" or \"\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(IntOrString::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(IntOrString::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                match Number::from_f64(v) {
                    Some(n) if is_integral(&n) => Ok(IntOrString::Number(n)),
                    _ => Err(E::custom(format_args!(
                        "expected an integer, found the fractional number {v}"
                    ))),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if is_int_text(v) {
                    Ok(IntOrString::Text(v.to_owned()))
                } else {
                    Err(E::custom(
                        "expected an integer or a string of decimal digits such as \"1\"",
                    ))
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for IntOrString {
    fn schema_name() -> Cow<'static, str> {
        "IntOrString".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An integer, written as a JSON number or as a string of decimal digits (\"1\"); an empty string means not set.",
            "anyOf": [
                { "type": "integer" },
                { "type": "string", "pattern": INT_TEXT_PATTERN }
            ]
        })
    }
}

/// A number that may be written as a JSON number or as a decimal string (`"mbps": "12"`).
#[derive(Debug, Clone, PartialEq)]
pub enum NumberOrString {
    /// Written as a JSON number.
    Number(Number),
    /// Written as a string matching `^(-?[0-9]+(\.[0-9]+)?)?$`; `""` means "not set".
    Text(String),
}

impl NumberOrString {
    /// The number meant, or `None` for an empty string.
    pub fn value(&self) -> Option<f64> {
        match self {
            Self::Number(n) => n.as_f64(),
            Self::Text(text) => text.parse().ok(),
        }
    }
}

impl From<f64> for NumberOrString {
    /// A JSON number; a non-finite `value` (which JSON cannot hold) becomes `""` (not set).
    fn from(value: f64) -> Self {
        match Number::from_f64(value) {
            Some(n) => Self::Number(n),
            None => Self::Text(String::new()),
        }
    }
}

impl Serialize for NumberOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => n.serialize(serializer),
            Self::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for NumberOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumberOrString;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, or a decimal string such as \"12\" or \"0.5\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(NumberOrString::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(NumberOrString::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Number::from_f64(v)
                    .map(NumberOrString::Number)
                    .ok_or_else(|| E::custom("expected a finite number"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if is_number_text(v) {
                    Ok(NumberOrString::Text(v.to_owned()))
                } else {
                    Err(E::custom(
                        "expected a number or a decimal string such as \"12\" or \"0.5\"",
                    ))
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for NumberOrString {
    fn schema_name() -> Cow<'static, str> {
        "NumberOrString".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number, written as a JSON number or as a decimal string (\"12\", \"0.5\"); an empty string means not set.",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": NUMBER_TEXT_PATTERN }
            ]
        })
    }
}

/// A boolean that may be written as `true`/`false` or as the strings `"true"`/`"false"`.
/// Any other string (`"yes"`) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoolOrString {
    /// Written as a JSON boolean.
    Bool(bool),
    /// Written as the string `"true"` or `"false"`.
    Text(bool),
}

impl BoolOrString {
    /// The boolean meant.
    pub fn value(&self) -> bool {
        match self {
            Self::Bool(b) | Self::Text(b) => *b,
        }
    }
}

impl From<bool> for BoolOrString {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl Serialize for BoolOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Text(true) => serializer.serialize_str("true"),
            Self::Text(false) => serializer.serialize_str("false"),
        }
    }
}

impl<'de> Deserialize<'de> for BoolOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = BoolOrString;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true, false, \"true\" or \"false\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(BoolOrString::Bool(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "true" => Ok(BoolOrString::Text(true)),
                    "false" => Ok(BoolOrString::Text(false)),
                    _ => Err(E::custom("expected true, false, \"true\" or \"false\"")),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for BoolOrString {
    fn schema_name() -> Cow<'static, str> {
        "BoolOrString".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A boolean, written as true/false or as the string \"true\"/\"false\".",
            "anyOf": [
                { "type": "boolean" },
                { "enum": ["true", "false"] }
            ]
        })
    }
}

/// A string or a list of strings: the pages write `table`, `object`, `path` and `partition`
/// either way (`"table": "t"` beside `"table": ["t"]`). Written back as read.
///
/// ```
/// use dataworks_taskparam::StringOrList;
/// let one: StringOrList = serde_json::from_str("\"t\"").unwrap();
/// let many: StringOrList = serde_json::from_str("[\"a\", \"b\"]").unwrap();
/// assert_eq!(one.items(), ["t"]);
/// assert_eq!(many.items(), ["a", "b"]);
/// assert_eq!(serde_json::to_string(&one).unwrap(), "\"t\"");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StringOrList {
    /// Written as one string.
    One(String),
    /// Written as a list of strings.
    Many(Vec<String>),
}

impl StringOrList {
    /// The strings, in order (one for [`Self::One`]).
    pub fn items(&self) -> Vec<&str> {
        match self {
            Self::One(s) => vec![s.as_str()],
            Self::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

impl From<&str> for StringOrList {
    fn from(value: &str) -> Self {
        Self::One(value.to_owned())
    }
}

impl JsonSchema for StringOrList {
    fn schema_name() -> Cow<'static, str> {
        "StringOrList".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A string, or a list of strings.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn samples_are_accepted_and_written_back() {
        for text in ["\"1\"", "\"\"", "0", "12", "-3", "2.0", "\"-7\""] {
            let v: IntOrString = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
        for text in ["\"yes\"", "1.5", "true", "null", "\"1.0\""] {
            assert!(serde_json::from_str::<IntOrString>(text).is_err(), "{text}");
        }
        for text in ["true", "\"false\""] {
            let v: BoolOrString = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
        assert!(serde_json::from_str::<BoolOrString>("\"yes\"").is_err());
        for text in ["\"12\"", "0.02", "\"0.5\"", "\"\""] {
            let v: NumberOrString = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
        assert!(serde_json::from_str::<NumberOrString>("\"1e3\"").is_err());
    }

    #[test]
    fn values_are_meant() {
        assert_eq!(IntOrString::Text(String::new()).value(), None);
        assert_eq!(IntOrString::Text("42".into()).value(), Some(42));
        assert!(!BoolOrString::Text(false).value());
        assert_eq!(NumberOrString::Text("1.5".into()).value(), Some(1.5));
    }

    proptest! {
        #[test]
        fn int_text_agrees_with_the_pattern(text in "-?[0-9]{0,5}|[a-z0-9 .-]{0,6}") {
            let by_hand = is_int_text(&text);
            let json = serde_json::Value::String(text.clone());
            let schema = serde_json::json!({"type": "string", "pattern": INT_TEXT_PATTERN});
            prop_assert_eq!(by_hand, jsonschema::is_valid(&schema, &json));
            prop_assert_eq!(by_hand, serde_json::from_value::<IntOrString>(json).is_ok());
        }

        #[test]
        fn number_text_agrees_with_the_pattern(text in "-?[0-9]{0,3}(\\.[0-9]{0,2})?|[a-z0-9 .e-]{0,6}") {
            let by_hand = is_number_text(&text);
            let json = serde_json::Value::String(text.clone());
            let schema = serde_json::json!({"type": "string", "pattern": NUMBER_TEXT_PATTERN});
            prop_assert_eq!(by_hand, jsonschema::is_valid(&schema, &json));
            prop_assert_eq!(by_hand, serde_json::from_value::<NumberOrString>(json).is_ok());
        }

        #[test]
        fn int_round_trips(n in any::<i64>(), as_text in any::<bool>()) {
            let text = if as_text { format!("\"{n}\"") } else { n.to_string() };
            let v: IntOrString = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(v.value(), Some(n));
            prop_assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
    }
}
