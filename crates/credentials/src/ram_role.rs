//! A RAM role assumed with STS `AssumeRole`, signed with the credentials of another provider
//! (long-term keys, an STS token, or another role: the CLI's `ChainableRamRoleArn`).
//! Provider name `ram_role_arn/<source>`; cached strictly.

use std::sync::Arc;

use reqwest::Url;

use crate::cache::Refreshing;
use crate::error::CredentialsError;
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext};
use crate::sts::{self, RoleRequest, StsSettings};

/// Assumes a role with the source's credentials.
#[derive(Debug)]
pub struct RamRoleProvider {
    cache: Refreshing,
}

#[derive(Debug)]
struct Fetch {
    cx: ProviderContext,
    source: Arc<dyn ProvideCredentials>,
    request: RoleRequest,
    endpoint: Url,
}

impl RamRoleProvider {
    /// A provider assuming `request`'s role at the STS endpoint `settings` and `cx` select.
    pub fn new(
        cx: &ProviderContext,
        source: Arc<dyn ProvideCredentials>,
        request: RoleRequest,
        settings: &StsSettings,
    ) -> Result<RamRoleProvider, CredentialsError> {
        let endpoint = settings.endpoint(cx)?;
        let fetch = Fetch {
            cx: cx.clone(),
            source,
            request,
            endpoint,
        };
        Ok(RamRoleProvider {
            cache: Refreshing::new(fetch).clock(Arc::clone(&cx.clock)),
        })
    }
}

impl ProvideCredentials for Fetch {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
            let source = self.source.provide().await?;
            let query = self
                .request
                .assume_role_query(&self.cx, &source.credentials);
            let mut provided = sts::call("ram_role_arn", &self.cx, &self.endpoint, &query).await?;
            provided.provider = format!("ram_role_arn/{}", source.provider);
            Ok(provided)
        })
    }
}

impl ProvideCredentials for RamRoleProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        self.cache.provide()
    }
}
