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

pub mod cache;
pub mod chain;
pub mod cli_profile;
pub mod ecs;
pub mod env;
pub mod environment;
pub mod error;
pub mod external;
mod http;
pub mod ini_file;
pub mod oidc;
pub mod provider;
pub mod ram_role;
pub mod static_keys;
pub mod sts;
pub mod uri;

pub use cache::{Refreshing, StaleBehavior};
pub use chain::{ChainBuilder, DefaultChain};
pub use cli_profile::CliProfileProvider;
pub use dataworks_signer::Credentials;
pub use ecs::EcsRoleProvider;
pub use env::CredentialsEnv;
pub use environment::EnvProvider;
pub use error::CredentialsError;
pub use external::ExternalProvider;
pub use ini_file::IniFileProvider;
pub use oidc::OidcRoleProvider;
pub use provider::{BoxFuture, ProvideCredentials, Provided, SystemWallClock, WallClock};
pub use ram_role::RamRoleProvider;
pub use static_keys::StaticProvider;
pub use sts::StsSettings;
pub use uri::UriProvider;
