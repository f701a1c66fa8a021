//! Decoded wire parameters ([`Params`]) and what can be wrong with them ([`ParamError`]).

use std::collections::BTreeMap;
use std::fmt;

use crate::error::ApiError;
use crate::generated::ErrorCode;

/// How many characters of an offending value an error repeats.
const MAX_SHOWN: usize = 64;

/// An enumeration carried as a string on the wire (generated for `TaskType`).
pub trait WireEnum: Sized + Copy {
    /// What a valid value looks like, for error messages (`one of DI_OFFLINE, ...`).
    const EXPECTED: &'static str;
    /// Parses the exact wire string.
    fn from_wire(value: &str) -> Option<Self>;
    /// The wire string.
    fn as_wire(&self) -> &'static str;
}

/// The decoded parameters of a request (query string and form body merged), by wire name.
///
/// A name given twice keeps the last value. `Debug` shows the names and the size of each
/// value, never the values (they may hold a security token or a script with credentials).
///
/// ```
/// use dataworks_wire::{AnyRequest, Params, ParamError, TaskType};
///
/// let params = Params::from_urlencoded(
///     "ProjectId=10000&TaskType=DI_OFFLINE&TaskName=new+task",
///     b"TaskContent=%7B%22type%22%3A%22job%22%7D",
/// );
/// let AnyRequest::CreateDISyncTask(create) = AnyRequest::from_action("CreateDISyncTask", &params)? else {
///     unreachable!()
/// };
/// assert_eq!(create.task_type, TaskType::DiOffline);
/// assert_eq!(create.task_name.as_deref(), Some("new task"));
/// assert_eq!(create.task_content, r#"{"type":"job"}"#);
///
/// let err = AnyRequest::from_action("GetDISyncTask", &params).unwrap_err();
/// assert_eq!(err, ParamError::missing("FileId"));
/// assert_eq!(err.to_api_error().code, "MissingParameter");
/// # Ok::<(), ParamError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// No parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// Parameters from (name, value) pairs; a repeated name keeps its last value.
    pub fn from_pairs<I, K, V>(pairs: I) -> Params
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Params(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// Parameters from a raw query string (without `?`) and a raw
    /// `application/x-www-form-urlencoded` body, decoded with form rules (`+` is a space,
    /// `%XX` escapes, invalid UTF-8 replaced). Body parameters win over query parameters of the
    /// same name.
    pub fn from_urlencoded(query: &str, form_body: &[u8]) -> Params {
        let pairs = form_urlencoded::parse(query.as_bytes())
            .chain(form_urlencoded::parse(form_body))
            .map(|(k, v)| (k.into_owned(), v.into_owned()));
        Params::from_pairs(pairs)
    }

    /// Sets a parameter, returning the previous value.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        self.0.insert(name.into(), value.into())
    }

    /// Removes a parameter, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    /// The value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Whether the parameter is present.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The parameters, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A required parameter, verbatim (an empty string is a value).
    pub fn required_string(&self, name: &str) -> Result<String, ParamError> {
        self.get(name)
            .map(str::to_owned)
            .ok_or_else(|| ParamError::missing(name))
    }

    /// An optional parameter, verbatim.
    pub fn optional_string(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// A required int64 parameter in decimal.
    pub fn required_i64(&self, name: &str) -> Result<i64, ParamError> {
        let value = self.get(name).ok_or_else(|| ParamError::missing(name))?;
        parse_i64(name, value)
    }

    /// An optional int64 parameter in decimal.
    pub fn optional_i64(&self, name: &str) -> Result<Option<i64>, ParamError> {
        self.get(name).map(|v| parse_i64(name, v)).transpose()
    }

    /// A required boolean parameter: `true` or `false`, in any case (the official Python SDK
    /// sends `True` / `False`, the Java and Go SDKs `true` / `false`).
    pub fn required_bool(&self, name: &str) -> Result<bool, ParamError> {
        let value = self.get(name).ok_or_else(|| ParamError::missing(name))?;
        parse_bool(name, value)
    }

    /// An optional boolean parameter (see [`Params::required_bool`]).
    pub fn optional_bool(&self, name: &str) -> Result<Option<bool>, ParamError> {
        self.get(name).map(|v| parse_bool(name, v)).transpose()
    }

    /// A required enumeration parameter.
    pub fn required_enum<T: WireEnum>(&self, name: &str) -> Result<T, ParamError> {
        let value = self.get(name).ok_or_else(|| ParamError::missing(name))?;
        T::from_wire(value).ok_or_else(|| ParamError::invalid(name, T::EXPECTED, value))
    }

    /// An optional enumeration parameter.
    pub fn optional_enum<T: WireEnum>(&self, name: &str) -> Result<Option<T>, ParamError> {
        self.get(name)
            .map(|value| {
                T::from_wire(value).ok_or_else(|| ParamError::invalid(name, T::EXPECTED, value))
            })
            .transpose()
    }
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ParamError> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ParamError::invalid(name, "true or false", value))
    }
}

fn parse_i64(name: &str, value: &str) -> Result<i64, ParamError> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamError::invalid(name, "an int64 in decimal", value));
    }
    value
        .parse::<i64>()
        .map_err(|_| ParamError::invalid(name, "an int64 in decimal (out of range)", value))
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.0 {
            map.entry(name, &format_args!("<{} bytes>", value.len()));
        }
        map.finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Params::from_pairs(iter)
    }
}

/// Why wire parameters do not make a valid request. The service answers these with HTTP 400
/// (`MissingParameter` / `InvalidParameter`) or 404 (`InvalidAction.NotFound`).
///
/// Marked `#[non_exhaustive]`: new checks may add variants. Build one with
/// [`ParamError::missing`], [`ParamError::invalid`] or [`ParamError::unknown_action`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// A required parameter is absent.
    #[error(
        "missing required parameter `{name}`: send it (see docs/api.md for the operation's parameters)"
    )]
    Missing {
        /// The wire name.
        name: String,
    },
    /// A parameter's value does not parse.
    #[error("invalid value `{value}` for parameter `{name}`: expected {expected}")]
    Invalid {
        /// The wire name.
        name: String,
        /// What a valid value looks like.
        expected: String,
        /// The offending value, truncated to 64 characters.
        value: String,
    },
    /// The action is not one of this API version's operations.
    #[error(
        "unknown action `{action}` for version 2020-05-18: check the action name and the version"
    )]
    UnknownAction {
        /// The action name, truncated to 64 characters.
        action: String,
    },
}

impl ParamError {
    /// A [`ParamError::Missing`].
    pub fn missing(name: &str) -> ParamError {
        ParamError::Missing {
            name: truncate(name),
        }
    }

    /// A [`ParamError::Invalid`]; the value is truncated to 64 characters.
    pub fn invalid(name: &str, expected: &str, value: &str) -> ParamError {
        ParamError::Invalid {
            name: truncate(name),
            expected: expected.to_owned(),
            value: truncate(value),
        }
    }

    /// A [`ParamError::UnknownAction`]; the action is truncated to 64 characters.
    pub fn unknown_action(action: &str) -> ParamError {
        ParamError::UnknownAction {
            action: truncate(action),
        }
    }

    /// The service's code for this error.
    pub fn service_code(&self) -> ErrorCode {
        match self {
            ParamError::Missing { .. } => ErrorCode::MissingParameter,
            ParamError::Invalid { .. } => ErrorCode::InvalidParameter,
            ParamError::UnknownAction { .. } => ErrorCode::InvalidActionNotFound,
        }
    }

    /// The HTTP status the service answers with (400, or 404 for an unknown action).
    pub fn http_status(&self) -> u16 {
        self.service_code().http_status()
    }

    /// The service's error for this problem, ready to encode with [`ApiError::to_body`].
    pub fn to_api_error(&self) -> ApiError {
        let message = match self {
            ParamError::Missing { name } => format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            ),
            ParamError::Invalid {
                name,
                expected,
                value,
            } => {
                format!(
                    "The specified parameter \"{name}\" is not valid: expected {expected}, got \"{value}\"."
                )
            }
            ParamError::UnknownAction { action } => {
                format!(
                    "Specified api is not found, please check your url and method. (action \"{action}\")"
                )
            }
        };
        ApiError::new(self.service_code(), message)
    }
}

/// Keeps at most 64 characters of `value` (on a character boundary), marking a cut with `…`.
pub(crate) fn truncate(value: &str) -> String {
    match value.char_indices().nth(MAX_SHOWN) {
        Some((cut, _)) => format!("{}…", value.get(..cut).unwrap_or_default()),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TaskType;

    #[test]
    fn integers_are_strict_decimal() {
        let params = Params::from_pairs([
            ("A", "10"),
            ("B", "-7"),
            ("C", "1e3"),
            ("D", ""),
            ("E", "+1"),
            ("F", "99999999999999999999"),
        ]);
        assert_eq!(params.required_i64("A"), Ok(10));
        assert_eq!(params.required_i64("B"), Ok(-7));
        for name in ["C", "D", "E", "F"] {
            assert!(
                matches!(params.required_i64(name), Err(ParamError::Invalid { .. })),
                "{name}"
            );
        }
        assert_eq!(params.required_i64("Z"), Err(ParamError::missing("Z")));
        assert_eq!(params.optional_i64("Z"), Ok(None));
    }

    #[test]
    fn booleans_take_either_case_and_nothing_else() {
        let params = Params::from_pairs([
            ("A", "true"),
            ("B", "False"),
            ("C", "TRUE"),
            ("D", "1"),
            ("E", ""),
            ("F", "yes"),
        ]);
        assert_eq!(params.required_bool("A"), Ok(true));
        assert_eq!(params.required_bool("B"), Ok(false));
        assert_eq!(params.optional_bool("C"), Ok(Some(true)));
        for name in ["D", "E", "F"] {
            assert!(
                matches!(params.required_bool(name), Err(ParamError::Invalid { .. })),
                "{name}"
            );
        }
        assert_eq!(params.optional_bool("Z"), Ok(None));
        assert_eq!(params.required_bool("Z"), Err(ParamError::missing("Z")));
    }

    #[test]
    fn enums_name_the_allowed_values() {
        let params = Params::from_pairs([("TaskType", "DI_BATCH")]);
        let err = params.required_enum::<TaskType>("TaskType").unwrap_err();
        assert_eq!(err.service_code(), ErrorCode::InvalidParameter);
        assert_eq!(err.http_status(), 400);
        assert!(
            err.to_string()
                .contains("DI_OFFLINE, DI_REALTIME, DI_SOLUTION"),
            "{err}"
        );
    }

    #[test]
    fn long_values_are_truncated() {
        let long = "é".repeat(500);
        let err = ParamError::invalid("ProjectId", "an int64", &long);
        let ParamError::Invalid { value, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(value.chars().count(), 65);
        assert!(value.ends_with('…'));
    }

    #[test]
    fn urlencoded_query_and_body_merge() {
        let params = Params::from_urlencoded(
            "ProjectId=10&TaskName=rt+task&X=%7B%7D",
            b"TaskContent=%7B%22a%22%3A1%7D&X=body",
        );
        assert_eq!(params.get("TaskName"), Some("rt task"));
        assert_eq!(params.get("TaskContent"), Some("{\"a\":1}"));
        assert_eq!(params.get("X"), Some("body"));
    }

    #[test]
    fn debug_hides_values() {
        let params = Params::from_pairs([("SecurityToken", "very-secret")]);
        let shown = format!("{params:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("SecurityToken"));
    }

    #[test]
    fn errors_map_to_service_codes() {
        assert_eq!(
            ParamError::missing("ProjectId").to_api_error().code,
            "MissingParameter"
        );
        let unknown = ParamError::UnknownAction {
            action: "Nope".into(),
        };
        assert_eq!(unknown.http_status(), 404);
        assert_eq!(unknown.to_api_error().code, "InvalidAction.NotFound");
    }
}
