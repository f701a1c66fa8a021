//! The [`Operation`] trait: what the signer and the transport need to know about a request.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::params::{ParamError, Params};
use crate::status::StatusData;
use crate::{AnyRequest, TaskType};

/// The API version of every operation (`x-acs-version` / `Version`).
pub const API_VERSION: &str = "2020-05-18";

/// A DataWorks RPC operation: its action, version and method, and the encoding of its request
/// as wire parameters (query string and form body), ready for the signer.
///
/// Every implementation is generated from the API description; the parameter values are the
/// plain (not percent-encoded) strings, in the order of their wire names.
pub trait Operation: Sized + Clone + fmt::Debug + PartialEq {
    /// The action name (`x-acs-action` / `Action`).
    const ACTION: &'static str;
    /// The API version, `2020-05-18`.
    const VERSION: &'static str = API_VERSION;
    /// The HTTP method; every operation is `POST`.
    const METHOD: &'static str = "POST";
    /// The path; every operation is an RPC call on `/`.
    const PATH: &'static str = "/";
    /// Whether the operation only reads (safe to repeat).
    const READ_ONLY: bool;
    /// Whether the operation takes a `ClientToken` (idempotency token).
    const SUPPORTS_CLIENT_TOKEN: bool = false;

    /// The typed `Data` of the operation's response.
    type Data: DeserializeOwned
        + Serialize
        + StatusData
        + Clone
        + fmt::Debug
        + PartialEq
        + Default
        + Send
        + Sync
        + 'static;

    /// The parameters that travel in the query string, as (wire name, value).
    fn query_params(&self) -> Vec<(String, String)>;

    /// The parameters that travel in the `application/x-www-form-urlencoded` body (every JSON
    /// document, and every parameter of the file operations), as (wire name, value).
    fn form_params(&self) -> Vec<(String, String)>;

    /// Decodes the request from its wire parameters (query and form body merged); the
    /// inverse of [`Operation::query_params`] plus [`Operation::form_params`].
    fn from_params(params: &Params) -> Result<Self, ParamError>;

    /// The idempotency token, when the operation has one and it is set.
    fn client_token(&self) -> Option<&str> {
        None
    }

    /// Sets the idempotency token; returns `false` (and does nothing) when the operation has
    /// no `ClientToken` parameter.
    fn set_client_token(&mut self, token: String) -> bool {
        let _ = token;
        false
    }

    /// The workspace id (`ProjectId`): always set for the DI operations; `None` for a file
    /// operation called with `ProjectIdentifier` instead.
    fn project_id(&self) -> Option<i64>;

    /// The task type (`TaskType`): set for the DI operations, `None` for the file operations
    /// (ListFiles, GetFile), which take none.
    fn task_type(&self) -> Option<TaskType>;

    /// Wraps the request in [`AnyRequest`].
    fn into_any(self) -> AnyRequest;
}
