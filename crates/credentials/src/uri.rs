//! A credentials URI (`ALIBABA_CLOUD_CREDENTIALS_URI`): `GET` it, expect HTTP 200 and
//! `{"Code": "Success", AccessKeyId, AccessKeySecret, SecurityToken, Expiration}`.
//! Provider name `credential_uri`; cached strictly; the environment's proxies are honoured.

use std::sync::Arc;

use reqwest::{Method, Url};
use serde_json::Value;

use crate::cache::Refreshing;
use crate::env;
use crate::error::CredentialsError;
use crate::http::{self, SERVICE_TIMEOUTS};
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext};
use crate::sts;

const NAME: &str = "credential_uri";

/// Credentials from a URI.
#[derive(Debug)]
pub struct UriProvider {
    cache: Refreshing,
}

#[derive(Debug)]
struct Fetch {
    cx: ProviderContext,
    uri: Url,
}

impl UriProvider {
    /// A provider for `uri` (else `ALIBABA_CLOUD_CREDENTIALS_URI`).
    pub fn new(cx: &ProviderContext, uri: Option<&str>) -> Result<UriProvider, CredentialsError> {
        let text = uri
            .filter(|u| !u.is_empty())
            .or_else(|| cx.env.var(env::CREDENTIALS_URI))
            .ok_or_else(|| {
                CredentialsError::config(
                    NAME,
                    "uri or environment variable ALIBABA_CLOUD_CREDENTIALS_URI cannot be empty",
                )
            })?;
        let uri = Url::parse(text).map_err(|e| {
            CredentialsError::config(
                NAME,
                format!("ALIBABA_CLOUD_CREDENTIALS_URI is not a URL ({e}); give e.g. http://127.0.0.1:8080/credentials"),
            )
        })?;
        Ok(UriProvider {
            cache: Refreshing::new(Fetch {
                cx: cx.clone(),
                uri,
            })
            .clock(Arc::clone(&cx.clock)),
        })
    }
}

impl ProvideCredentials for Fetch {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
            let answer = http::send(
                &self.cx.env,
                NAME,
                Method::GET,
                &self.uri,
                &[],
                SERVICE_TIMEOUTS,
            )
            .await?;
            let response = |detail: String| CredentialsError::Response {
                provider: NAME.to_owned(),
                url: http::shown(&self.uri),
                detail,
            };
            let doc = http::json_of_200(&answer, NAME, &self.uri)?;
            if doc.get("Code").and_then(Value::as_str) != Some("Success") {
                return Err(response("HTTP 200 without Code \"Success\"".to_owned()));
            }
            let credentials = sts::read_credentials(&doc).map_err(response)?;
            Ok(Provided {
                credentials,
                provider: NAME.to_owned(),
            })
        })
    }
}

impl ProvideCredentials for UriProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        self.cache.provide()
    }
}
