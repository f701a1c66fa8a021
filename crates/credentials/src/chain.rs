//! The default chain, in the official order (`provider/default.py`):
//!
//! 1. environment keys ([`EnvProvider`]);
//! 2. OIDC role, only when `ALIBABA_CLOUD_OIDC_TOKEN_FILE`, `ALIBABA_CLOUD_ROLE_ARN` and
//!    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` are all set ([`OidcRoleProvider`]);
//! 3. the CLI's `~/.aliyun/config.json` ([`CliProfileProvider`]);
//! 4. the credentials file ([`IniFileProvider`]);
//! 5. the ECS instance role, unless `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`
//!    ([`EcsRoleProvider`]);
//! 6. the credentials URI, only when `ALIBABA_CLOUD_CREDENTIALS_URI` is set ([`UriProvider`]).
//!
//! Every provider's failure is recorded and the next one tried; when none works, one
//! [`CredentialsError::NoneWorked`] lists them all. The first provider that works is kept:
//! later calls go to it alone (its own cache refreshes), and its errors are returned.
//! Names are the official ones with `default/` in front (`default/cli_profile/static_ak`).

use std::sync::{Arc, Mutex, PoisonError};

use dataworks_signer::Credentials;

use crate::cli_profile::CliProfileProvider;
use crate::ecs::EcsRoleProvider;
use crate::env::{self, CredentialsEnv};
use crate::environment::EnvProvider;
use crate::error::CredentialsError;
use crate::ini_file::IniFileProvider;
use crate::oidc::{OidcRoleProvider, OidcSettings};
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext, WallClock};
use crate::static_keys::StaticProvider;
use crate::sts::StsSettings;
use crate::uri::UriProvider;

/// Builds a [`DefaultChain`].
#[derive(Debug)]
pub struct ChainBuilder {
    cx: ProviderContext,
    explicit: Option<Credentials>,
    profile: Option<String>,
}

impl ChainBuilder {
    /// Explicit credentials: used alone, before (instead of) the chain.
    pub fn explicit(mut self, credentials: Credentials) -> ChainBuilder {
        self.explicit = Some(credentials);
        self
    }

    /// The CLI profile / credentials-file section (the CLI's `--profile`), over
    /// `ALIBABA_CLOUD_PROFILE`.
    pub fn profile(mut self, name: impl Into<String>) -> ChainBuilder {
        self.profile = Some(name.into()).filter(|p: &String| !p.is_empty());
        self
    }

    /// An explicit STS endpoint (`host[:port]` for https, or a URL with its scheme); wins
    /// over `ALIBABA_CLOUD_STS_ENDPOINT` and the region rules.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> ChainBuilder {
        self.cx.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The ECS metadata service's base URL instead of `http://100.100.100.200`.
    pub fn metadata_address(mut self, base: impl Into<String>) -> ChainBuilder {
        self.cx.metadata_base = Some(base.into());
        self
    }

    /// The wall clock the caches and STS timestamps use.
    pub fn clock(mut self, clock: Arc<dyn WallClock>) -> ChainBuilder {
        self.cx.clock = clock;
        self
    }

    /// The `region_id` of the CLI profile this chain would read (read synchronously; for
    /// building a client outside async code). `None` when anything is missing.
    pub fn cli_profile_region(&self) -> Option<String> {
        crate::cli_profile::profile_region(&self.cx.env, self.profile.as_deref())
    }

    /// The chain.
    pub fn build(self) -> DefaultChain {
        let cx = &self.cx;
        let mut providers: Vec<(&'static str, Arc<dyn ProvideCredentials>)> = Vec::new();
        if let Some(credentials) = self.explicit {
            providers.push((
                "explicit",
                Arc::new(StaticProvider::named(credentials, "explicit")),
            ));
            return DefaultChain {
                providers,
                last: Mutex::new(None),
                prefix: false,
            };
        }
        providers.push(("env", Arc::new(EnvProvider::new(cx.env.clone()))));
        if OidcRoleProvider::configured_in(&cx.env) {
            providers.push((
                "oidc_role_arn",
                or_failing(OidcRoleProvider::new(
                    cx,
                    OidcSettings::default(),
                    &StsSettings::default(),
                )),
            ));
        }
        let profile = self.profile.as_deref();
        providers.push((
            "cli_profile",
            Arc::new(CliProfileProvider::new(cx, profile)),
        ));
        providers.push(("profile", Arc::new(IniFileProvider::new(cx, profile))));
        if !cx.env.flag(env::ECS_METADATA_DISABLED) {
            providers.push(("ecs_ram_role", or_failing(EcsRoleProvider::new(cx, None))));
        }
        if cx.env.var(env::CREDENTIALS_URI).is_some() {
            providers.push(("credential_uri", or_failing(UriProvider::new(cx, None))));
        }
        DefaultChain {
            providers,
            last: Mutex::new(None),
            prefix: true,
        }
    }
}

/// A provider that could not be built answers with the reason.
#[derive(Debug)]
struct Failing(CredentialsError);

impl ProvideCredentials for Failing {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move { Err(self.0.clone()) })
    }
}

fn or_failing<P: ProvideCredentials + 'static>(
    built: Result<P, CredentialsError>,
) -> Arc<dyn ProvideCredentials> {
    match built {
        Ok(p) => Arc::new(p),
        Err(e) => Arc::new(Failing(e)),
    }
}

/// The default credentials chain. See the module documentation.
#[derive(Debug)]
pub struct DefaultChain {
    providers: Vec<(&'static str, Arc<dyn ProvideCredentials>)>,
    last: Mutex<Option<usize>>,
    prefix: bool,
}

impl DefaultChain {
    /// A builder over this environment (system clock, official addresses).
    pub fn builder(env: CredentialsEnv) -> ChainBuilder {
        ChainBuilder {
            cx: ProviderContext::new(env),
            explicit: None,
            profile: None,
        }
    }

    /// The chain over the process environment.
    pub fn from_process() -> DefaultChain {
        DefaultChain::builder(CredentialsEnv::from_process()).build()
    }

    /// The providers in the order they are tried.
    pub fn provider_names(&self) -> Vec<&'static str> {
        self.providers.iter().map(|(n, _)| *n).collect()
    }

    fn named(&self, provided: Provided) -> Provided {
        if self.prefix {
            provided.within("default")
        } else {
            provided
        }
    }

    async fn walk(&self) -> Result<Provided, CredentialsError> {
        let last = *self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, provider)) = last.and_then(|i| self.providers.get(i)) {
            return Ok(self.named(provider.provide().await?));
        }
        let mut tried = Vec::new();
        for (index, (name, provider)) in self.providers.iter().enumerate() {
            match provider.provide().await {
                Ok(provided) => {
                    *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(index);
                    let provided = self.named(provided);
                    tracing::info!(
                        provider = %provided.provider,
                        access_key_id = provided.credentials.access_key_id(),
                        "credentials from {}",
                        provided.provider
                    );
                    return Ok(provided);
                }
                Err(error) => {
                    tracing::debug!(provider = name, %error, "credentials provider failed");
                    tried.push(((*name).to_owned(), error));
                }
            }
        }
        Err(CredentialsError::NoneWorked { tried })
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(self.walk())
    }
}
