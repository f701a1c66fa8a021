//! The ECS instance RAM role, from the instance metadata service (provider `ecs_ram_role`).
//!
//! IMDSv2 first: `PUT /latest/api/token` (`X-aliyun-ecs-metadata-token-ttl-seconds: 21600`),
//! then the `GET`s carry `X-aliyun-ecs-metadata-token`. When the token cannot be had, or a
//! request with it fails, the request is made without it (IMDSv1) unless
//! `ALIBABA_CLOUD_IMDSV1_DISABLED=true`. The role is `ALIBABA_CLOUD_ECS_METADATA` (or the
//! profile's), else discovered from `/latest/meta-data/ram/security-credentials/`. Cached
//! leniently: a failed refresh keeps the last credentials. The address is
//! `http://100.100.100.200` unless set in code; `HTTP_PROXY` is honoured.

use std::sync::Arc;

use reqwest::{Method, Url};
use serde_json::Value;

use crate::cache::{Refreshing, StaleBehavior};
use crate::env;
use crate::error::CredentialsError;
use crate::http::{self, METADATA_TIMEOUTS};
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext};
use crate::sts;

const NAME: &str = "ecs_ram_role";
/// The official metadata service address.
pub const DEFAULT_METADATA_BASE: &str = "http://100.100.100.200";
const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";

/// Credentials of the instance's RAM role.
#[derive(Debug)]
pub struct EcsRoleProvider {
    cache: Refreshing,
}

#[derive(Debug)]
struct Fetch {
    cx: ProviderContext,
    role: Option<String>,
    base: Url,
    imdsv1_disabled: bool,
}

impl EcsRoleProvider {
    /// A provider for `role` (else `ALIBABA_CLOUD_ECS_METADATA`, else discovered). Refused
    /// when `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`.
    pub fn new(
        cx: &ProviderContext,
        role: Option<&str>,
    ) -> Result<EcsRoleProvider, CredentialsError> {
        if cx.env.flag(env::ECS_METADATA_DISABLED) {
            return Err(CredentialsError::config(
                NAME,
                "IMDS credentials are disabled (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)",
            ));
        }
        let text = cx.metadata_base.as_deref().unwrap_or(DEFAULT_METADATA_BASE);
        let base = Url::parse(text).map_err(|e| {
            CredentialsError::config(
                NAME,
                format!("the metadata address {text:?} is not a URL: {e}"),
            )
        })?;
        let role = role
            .filter(|r| !r.is_empty())
            .or_else(|| cx.env.var(env::ECS_METADATA))
            .map(str::to_owned);
        let fetch = Fetch {
            cx: cx.clone(),
            role,
            base,
            imdsv1_disabled: cx.env.flag(env::IMDSV1_DISABLED),
        };
        Ok(EcsRoleProvider {
            cache: Refreshing::new(fetch)
                .behavior(StaleBehavior::Allow)
                .clock(Arc::clone(&cx.clock)),
        })
    }
}

impl Fetch {
    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }

    /// The IMDSv2 token; `None` when it cannot be had and IMDSv1 is allowed.
    async fn token(&self) -> Result<Option<String>, CredentialsError> {
        let url = self.url(TOKEN_PATH);
        let answer = http::send(
            &self.cx.env,
            NAME,
            Method::PUT,
            &url,
            &[(TOKEN_TTL_HEADER, "21600".to_owned())],
            METADATA_TIMEOUTS,
        )
        .await;
        let error = match answer {
            Ok(a) if a.status == 200 => return Ok(Some(a.body)),
            Ok(a) => CredentialsError::Response {
                provider: NAME.to_owned(),
                url: http::shown(&url),
                detail: format!(
                    "HTTP {} to the IMDSv2 token request (failed to get a token from the ECS metadata service)",
                    a.status
                ),
            },
            Err(e) => e,
        };
        if self.imdsv1_disabled {
            Err(error)
        } else {
            tracing::debug!(%error, "no IMDSv2 token; falling back to IMDSv1");
            Ok(None)
        }
    }

    async fn get_once(&self, path: &str, token: Option<&str>) -> Result<String, CredentialsError> {
        let url = self.url(path);
        let headers: Vec<(&str, String)> = token
            .map(|t| vec![(TOKEN_HEADER, t.to_owned())])
            .unwrap_or_default();
        let answer = http::send(
            &self.cx.env,
            NAME,
            Method::GET,
            &url,
            &headers,
            METADATA_TIMEOUTS,
        )
        .await?;
        if answer.status != 200 {
            return Err(CredentialsError::Response {
                provider: NAME.to_owned(),
                url: http::shown(&url),
                detail: format!(
                    "HTTP {} (failed to get RAM session credentials from the ECS metadata service)",
                    answer.status
                ),
            });
        }
        Ok(answer.body)
    }

    /// A `GET` with the token, again without it when that fails and IMDSv1 is allowed.
    async fn get(&self, path: &str) -> Result<String, CredentialsError> {
        let token = self.token().await?;
        match self.get_once(path, token.as_deref()).await {
            Ok(body) => Ok(body),
            Err(_) if token.is_some() && !self.imdsv1_disabled => self.get_once(path, None).await,
            Err(e) => Err(e),
        }
    }
}

impl ProvideCredentials for Fetch {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
            let role = match &self.role {
                Some(r) => r.clone(),
                None => self.get(ROLES_PATH).await?.trim().to_owned(),
            };
            if role.is_empty() || role.contains('/') {
                return Err(CredentialsError::config(
                    NAME,
                    "the metadata service names no usable RAM role; attach a role to the instance or set ALIBABA_CLOUD_ECS_METADATA",
                ));
            }
            let path = format!("{ROLES_PATH}{role}");
            let body = self.get(&path).await?;
            let url = self.url(&path);
            let response = |detail: String| CredentialsError::Response {
                provider: NAME.to_owned(),
                url: http::shown(&url),
                detail,
            };
            let doc = http::json_of(&body, NAME, &url)?;
            if doc.get("Code").and_then(Value::as_str) != Some("Success") {
                return Err(response(format!(
                    "Code {} instead of Success (failed to get RAM session credentials from the ECS metadata service)",
                    doc.get("Code")
                        .map(Value::to_string)
                        .unwrap_or_else(|| "missing".into())
                )));
            }
            let credentials = sts::read_credentials(&doc).map_err(response)?;
            Ok(Provided {
                credentials,
                provider: NAME.to_owned(),
            })
        })
    }
}

impl ProvideCredentials for EcsRoleProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        self.cache.provide()
    }
}
