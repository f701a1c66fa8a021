//! Sans-IO request signing and verification for Alibaba Cloud DataWorks (API 2020-05-18).
//!
//! Two signatures are implemented as pure functions over a request description, each exposing
//! every intermediate string so a user can see *why* a signature differs:
//!
//! - [`v1`]: the RPC signature (HMAC-SHA1, `SignatureVersion=1.0`), sent as the `Signature`
//!   query parameter;
//! - [`v3`]: ACS3-HMAC-SHA256, the official SDKs' default, sent as the `Authorization` header.
//!
//! On top of them, [`sign_request`] turns a DataWorks RPC call (action, version, host,
//! query and form parameters) into the exact path, headers and body to send, and
//! [`Verifier`] checks a received request on the server side (the emulator uses it).
//!
//! Nothing here performs I/O, reads the clock or draws random numbers, except the clearly named
//! helpers [`now_utc`] and [`random_nonce`]. The caller supplies the timestamp and the nonce, so every signature is
//! reproducible.
//!
//! ```
//! use dataworks_signer::{Credentials, SignatureAlgorithm};
//! use dataworks_signer::{sign_request, RpcRequest, SigningParams};
//! use time::macros::datetime;
//!
//! let credentials = Credentials::new("LTAI5tFakeAccessKeyId", "FakeAccessKeySecretForTests0123");
//! let request = RpcRequest::new("GetDISyncTask", "2020-05-18", "dataworks.cn-shanghai.aliyuncs.com")
//!     .query_param("ProjectId", "10000")
//!     .query_param("FileId", "456")
//!     .query_param("TaskType", "DI_REALTIME");
//! let params = SigningParams::new(
//!     SignatureAlgorithm::Acs3HmacSha256,
//!     datetime!(2024-01-02 03:04:05 UTC),
//!     "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
//! );
//! let signed = sign_request(&request, &credentials, &params)?;
//! assert_eq!(signed.method, "POST");
//! assert!(signed.path_and_query.starts_with("/?FileId=456&ProjectId=10000"));
//! assert!(signed.header("authorization").is_some_and(|a| a.starts_with("ACS3-HMAC-SHA256 ")));
//! # Ok::<(), dataworks_signer::SignError>(())
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod algorithm;
mod credentials;
mod mac;
mod params;
mod redact;

mod rpc;
mod system;
mod verify;

// Modules whose path a user needs: each holds functions and constants with plain names
// (`sign`, `format`, `parse`, `ALGORITHM`) that say what they are only under the module's name.
pub mod encoding;
#[cfg(feature = "http")]
pub mod http_request;
pub mod timestamp;
pub mod v1;
pub mod v3;

pub use algorithm::{ParseAlgorithmError, SignatureAlgorithm};
pub use credentials::Credentials;
pub use params::Param;
pub use rpc::{
    FORM_CONTENT_TYPE, RESERVED_HEADERS, RpcRequest, SignError, SignatureDetails, SignedRequest,
    SigningParams, sign_request,
};
pub use system::{now_utc, random_nonce};
pub use verify::{
    NonceCache, ReceivedRequest, SecretLookup, Verified, Verifier, VerifyError, detect_algorithm,
};
