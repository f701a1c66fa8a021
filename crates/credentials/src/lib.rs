//! Alibaba Cloud credentials, found and renewed the way the official SDKs do
//! (`alibabacloud-credentials` 1.0.12 for Python is the reference; docs/credentials.md lists
//! every difference).
//!
//! - [`ProvideCredentials`]: one async `provide` call; plug your own or use ours.
//! - Providers: [`EnvProvider`] (environment keys), [`OidcRoleProvider`] (RRSA),
//!   [`CliProfileProvider`] (`~/.aliyun/config.json`), [`IniFileProvider`]
//!   (`credentials.ini`), [`EcsRoleProvider`] (ECS instance RAM role, IMDSv2 first),
//!   [`UriProvider`] (`ALIBABA_CLOUD_CREDENTIALS_URI`), [`RamRoleProvider`] (STS
//!   `AssumeRole` over any source), [`ExternalProvider`] (a `process_command`),
//!   [`StaticProvider`].
//! - [`Refreshing`]: the cache of the temporary ones (stale 15 minutes before expiry, one
//!   refresh at a time, strict or lenient on a failed refresh as the official libraries).
//! - [`DefaultChain`]: the official order; when nothing works, one error lists every
//!   provider tried and why.
//!
//! Secrets live in [`dataworks_signer::Credentials`]: redacted in `Debug`, zeroized on drop,
//! never in logs or errors. Files are read with `tokio::fs`, processes run with
//! `tokio::process`: nothing blocks the async runtime.
//!
//! ```
//! use dataworks_credentials::{CredentialsEnv, DefaultChain, ProvideCredentials};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let env = CredentialsEnv::empty()
//!     .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example")
//!     .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret");
//! let chain = DefaultChain::builder(env).build();
//! let provided = chain.provide().await?;
//! assert_eq!(provided.provider, "default/env");
//! assert_eq!(provided.credentials.access_key_id(), "LTAI-example");
//! # Ok::<(), dataworks_credentials::CredentialsError>(())
//! # }).unwrap();
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod cache;
mod chain;
mod cli_profile;
mod ecs;
mod env;
mod environment;
mod error;
mod external;
mod http;
mod ini_file;
mod oidc;
mod provider;
mod ram_role;
mod static_keys;
mod sts;
mod uri;

/// The names of the environment variables the providers read (`ALIBABA_CLOUD_*` and ours),
/// for building a [`CredentialsEnv`]. A module of its own because the bare names
/// (`ACCESS_KEY_ID`, `PROFILE`) only say what they are under `vars::`.
pub mod vars {
    pub use crate::env::{
        ACCESS_KEY_ID, ACCESS_KEY_SECRET, CLI_PROFILE_DISABLED, CREDENTIALS_FILE, CREDENTIALS_URI,
        ECS_METADATA, ECS_METADATA_DISABLED, IMDSV1_DISABLED, LOOPBACK_ONLY, OIDC_PROVIDER_ARN,
        OIDC_TOKEN_FILE, PROFILE, ROLE_ARN, ROLE_SESSION_NAME, SECURITY_TOKEN, STS_ENDPOINT,
        STS_REGION, VPC_ENDPOINT_ENABLED,
    };
}

pub use cache::{Refreshing, STALE_WINDOW, StaleBehavior};
pub use chain::{ChainBuilder, DefaultChain};
pub use cli_profile::CliProfileProvider;
pub use dataworks_signer::Credentials;
pub use ecs::EcsRoleProvider;
pub use env::CredentialsEnv;
pub use environment::EnvProvider;
pub use error::CredentialsError;
pub use external::ExternalProvider;
pub use ini_file::IniFileProvider;
pub use oidc::{OidcRoleProvider, OidcSettings};
pub use provider::{
    BoxFuture, ProvideCredentials, Provided, ProviderContext, SystemWallClock, WallClock,
};
pub use ram_role::RamRoleProvider;
pub use static_keys::StaticProvider;
pub use sts::{RoleRequest, StsSettings, official_sts_host};
pub use uri::UriProvider;
