//! The provider abstraction: one async call that gives credentials.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use dataworks_signer::Credentials;
use time::OffsetDateTime;

use crate::error::CredentialsError;

/// A boxed, sendable future (what [`ProvideCredentials::provide`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Credentials and the provider that gave them.
#[derive(Debug, Clone)]
pub struct Provided {
    /// The credentials (secret redacted in `Debug`; expiration for temporary ones).
    pub credentials: Credentials,
    /// The provider's name, nested as the official libraries name them, e.g. `env`,
    /// `cli_profile/ram_role_arn/static_ak`, `default/ecs_ram_role`.
    pub provider: String,
}

impl Provided {
    /// The same credentials named `outer/<provider>`.
    pub fn within(mut self, outer: &str) -> Provided {
        self.provider = format!("{outer}/{}", self.provider);
        self
    }
}

/// Anything that gives credentials: our providers, the chain, or your own.
///
/// ```
/// use dataworks_credentials::{BoxFuture, Credentials, CredentialsError, Provided, ProvideCredentials};
/// #[derive(Debug)]
/// struct Vault;
/// impl ProvideCredentials for Vault {
///     fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
///         Box::pin(async {
///             Ok(Provided { credentials: Credentials::new("id", "secret"), provider: "vault".into() })
///         })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Credentials valid now (a cached value while it is fresh).
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>>;
}

/// The wall clock the caches compare expirations with (injectable for virtual time).
pub trait WallClock: Send + Sync + fmt::Debug {
    /// Now, UTC.
    fn now_utc(&self) -> OffsetDateTime;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now_utc(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// What every provider may need besides its own settings: the environment snapshot, the
/// wall clock, an explicit STS endpoint and the metadata service's address.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProviderContext {
    /// The environment snapshot.
    pub env: crate::env::CredentialsEnv,
    /// The wall clock (request timestamps, expirations).
    pub clock: std::sync::Arc<dyn WallClock>,
    /// An explicit STS endpoint (wins over `ALIBABA_CLOUD_STS_ENDPOINT` and the region rules).
    pub sts_endpoint: Option<String>,
    /// The ECS metadata service's base URL (default `http://100.100.100.200`).
    pub metadata_base: Option<String>,
}

impl ProviderContext {
    /// A context over this environment with the system clock and the official addresses.
    pub fn new(env: crate::env::CredentialsEnv) -> ProviderContext {
        ProviderContext {
            env,
            clock: std::sync::Arc::new(SystemWallClock),
            sts_endpoint: None,
            metadata_base: None,
        }
    }
}
