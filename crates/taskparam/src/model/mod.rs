//! The typed documents: every kind the service takes or returns, typed where the docs define
//! the fields and lossless everywhere (unknown fields are kept in `extra` and written back).

pub mod catalogue;
pub mod documents;
pub mod enums;
pub mod mapping;
pub mod mysql;
pub mod param_spec;
pub mod plugins;
pub mod start_param;
pub mod step;
pub mod writers;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ParseError;
use crate::kind::DocumentKind;

/// What every document type shares: its kind, parsing from JSON text (with line and
/// column on error) and writing back.
pub trait Document: Serialize + DeserializeOwned + JsonSchema + Sized {
    /// The kind of document this type models.
    const KIND: DocumentKind;

    /// Parses JSON text. Errors carry the line and column.
    fn from_json(text: &str) -> Result<Self, ParseError> {
        serde_json::from_str(text).map_err(|e| ParseError::from_serde(Self::KIND, &e))
    }

    /// Converts an already parsed JSON value.
    fn from_value(value: Value) -> Result<Self, ParseError> {
        serde_json::from_value(value).map_err(|e| ParseError::from_serde(Self::KIND, &e))
    }

    /// The document as a JSON value (unknown fields included).
    fn to_value(&self) -> Value {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The document as compact JSON text, the form the API parameters carry.
    fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The document as indented JSON text, for people.
    fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }
}

macro_rules! document {
    ($ty:ty, $kind:expr) => {
        impl Document for $ty {
            const KIND: DocumentKind = $kind;
        }

        impl $ty {
            /// Parses JSON text (see [`Document::from_json`]).
            pub fn from_json(text: &str) -> Result<Self, ParseError> {
                <Self as Document>::from_json(text)
            }

            /// Converts a parsed JSON value (see [`Document::from_value`]).
            pub fn from_value(value: Value) -> Result<Self, ParseError> {
                <Self as Document>::from_value(value)
            }

            /// The document as a JSON value.
            pub fn to_value(&self) -> Value {
                <Self as Document>::to_value(self)
            }

            /// The document as compact JSON text.
            pub fn to_json(&self) -> String {
                <Self as Document>::to_json(self)
            }

            /// The document as indented JSON text.
            pub fn to_json_pretty(&self) -> String {
                <Self as Document>::to_json_pretty(self)
            }
        }
    };
}

document!(
    documents::RealtimeTaskParam,
    DocumentKind::RealtimeTaskParam
);
document!(documents::UpdateTaskParam, DocumentKind::UpdateTaskParam);
document!(documents::TaskContent, DocumentKind::TaskContent);
document!(documents::BatchJob, DocumentKind::BatchJob);
document!(documents::TaskMeta, DocumentKind::TaskMeta);
document!(documents::SolutionProcess, DocumentKind::SolutionProcess);
