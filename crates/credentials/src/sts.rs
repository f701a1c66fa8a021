//! STS (API 2015-04-01): the endpoint rules, `AssumeRole` (signed with RPC v1 over GET with
//! the source credentials) and `AssumeRoleWithOIDC` (anonymous), and their answers.
//!
//! Endpoint: an explicit one (code, then `ALIBABA_CLOUD_STS_ENDPOINT`, our extension) wins;
//! otherwise `sts.aliyuncs.com`, or with a region (the profile's `sts_region`, then
//! `ALIBABA_CLOUD_STS_REGION`) `sts.<region>.aliyuncs.com`, or `sts-vpc.<region>.aliyuncs.com`
//! when VPC is on (the profile's `enable_vpc`, then `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`).

use dataworks_signer::Credentials;
use reqwest::{Method, Url};
use serde_json::Value;
use time::OffsetDateTime;

use crate::env;
use crate::error::CredentialsError;
use crate::http::{self, SERVICE_TIMEOUTS};
use crate::provider::{Provided, ProviderContext};

/// Where to send STS calls, before the explicit endpoint is considered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StsSettings {
    /// The region of the regional endpoint (a profile's `sts_region`).
    pub region: Option<String>,
    /// Use the VPC endpoint (a profile's `enable_vpc`); `None` reads the environment.
    pub vpc: Option<bool>,
}

/// The official host for a region and VPC choice.
///
/// ```
/// use dataworks_credentials::official_sts_host;
/// assert_eq!(official_sts_host(None, true), "sts.aliyuncs.com");
/// assert_eq!(official_sts_host(Some("cn-hangzhou"), false), "sts.cn-hangzhou.aliyuncs.com");
/// assert_eq!(official_sts_host(Some("cn-hangzhou"), true), "sts-vpc.cn-hangzhou.aliyuncs.com");
/// ```
pub fn official_sts_host(region: Option<&str>, vpc: bool) -> String {
    let prefix = if vpc { "sts-vpc" } else { "sts" };
    match region.filter(|r| !r.is_empty()) {
        Some(region) => format!("{prefix}.{region}.aliyuncs.com"),
        None => "sts.aliyuncs.com".to_owned(),
    }
}

impl StsSettings {
    /// The base URL of the STS endpoint.
    pub fn endpoint(&self, cx: &ProviderContext) -> Result<Url, CredentialsError> {
        let explicit = cx
            .sts_endpoint
            .as_deref()
            .filter(|e| !e.is_empty())
            .or_else(|| cx.env.var(env::STS_ENDPOINT));
        let text = match explicit {
            Some(e) if e.contains("://") => e.to_owned(),
            Some(e) => format!("https://{e}"),
            None => {
                let vpc = self
                    .vpc
                    .unwrap_or_else(|| cx.env.flag(env::VPC_ENDPOINT_ENABLED));
                let region = self
                    .region
                    .as_deref()
                    .filter(|r| !r.is_empty())
                    .or_else(|| cx.env.var(env::STS_REGION));
                format!("https://{}", official_sts_host(region, vpc))
            }
        };
        Url::parse(&text).map_err(|e| {
            CredentialsError::config(
                "sts",
                format!(
                    "the STS endpoint {text:?} is not a URL ({e}); fix ALIBABA_CLOUD_STS_ENDPOINT"
                ),
            )
        })
    }
}

/// The role to assume and how.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleRequest {
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`.
    pub session_name: String,
    /// `DurationSeconds` (at least 900).
    pub duration_seconds: i64,
    /// `Policy`, if any.
    pub policy: Option<String>,
    /// `ExternalId` (AssumeRole only), if any.
    pub external_id: Option<String>,
}

/// The default `DurationSeconds`.
pub const DEFAULT_DURATION_SECONDS: i64 = 3600;

impl RoleRequest {
    /// Checks and completes the settings the official way: the role ARN is required (the
    /// environment's `ALIBABA_CLOUD_ROLE_ARN` fills in), the session name defaults to
    /// `ALIBABA_CLOUD_ROLE_SESSION_NAME` then `dwdi-credentials-<unix seconds>`, the duration to
    /// 3600 and may not be under 900.
    pub fn new(
        provider: &str,
        cx: &ProviderContext,
        role_arn: Option<&str>,
        session_name: Option<&str>,
        duration_seconds: Option<i64>,
        policy: Option<&str>,
        external_id: Option<&str>,
    ) -> Result<RoleRequest, CredentialsError> {
        let role_arn = role_arn
            .filter(|v| !v.is_empty())
            .or_else(|| cx.env.var(env::ROLE_ARN))
            .ok_or_else(|| {
                CredentialsError::config(
                    provider,
                    "role_arn or environment variable ALIBABA_CLOUD_ROLE_ARN cannot be empty",
                )
            })?;
        let duration_seconds = duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS);
        if duration_seconds < 900 {
            return Err(CredentialsError::config(
                provider,
                format!(
                    "session duration {duration_seconds} s is under 900 s; use 900 s up to the role's maximum"
                ),
            ));
        }
        let session_name = session_name
            .filter(|v| !v.is_empty())
            .or_else(|| cx.env.var(env::ROLE_SESSION_NAME))
            .map(str::to_owned)
            .unwrap_or_else(|| format!("dwdi-credentials-{}", cx.clock.now_utc().unix_timestamp()));
        let some = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(RoleRequest {
            role_arn: role_arn.to_owned(),
            session_name,
            duration_seconds,
            policy: some(policy),
            external_id: some(external_id),
        })
    }

    fn common(&self, action: &str, cx: &ProviderContext) -> Vec<(String, String)> {
        let timestamp = dataworks_signer::timestamp::format(cx.clock.now_utc())
            .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned());
        let mut q = vec![
            ("Action".to_owned(), action.to_owned()),
            ("Format".to_owned(), "JSON".to_owned()),
            ("Version".to_owned(), "2015-04-01".to_owned()),
            (
                "DurationSeconds".to_owned(),
                self.duration_seconds.to_string(),
            ),
            ("RoleArn".to_owned(), self.role_arn.clone()),
            ("RoleSessionName".to_owned(), self.session_name.clone()),
            ("Timestamp".to_owned(), timestamp),
        ];
        if let Some(policy) = &self.policy {
            q.push(("Policy".to_owned(), policy.clone()));
        }
        q
    }

    /// The full query of `AssumeRole` signed with `source` (RPC v1, HMAC-SHA1, GET).
    pub fn assume_role_query(
        &self,
        cx: &ProviderContext,
        source: &Credentials,
    ) -> Vec<(String, String)> {
        let mut q = self.common("AssumeRole", cx);
        q.push(("SignatureMethod".to_owned(), "HMAC-SHA1".to_owned()));
        q.push(("SignatureVersion".to_owned(), "1.0".to_owned()));
        q.push((
            "SignatureNonce".to_owned(),
            uuid::Uuid::new_v4().to_string(),
        ));
        if let Some(id) = &self.external_id {
            q.push(("ExternalId".to_owned(), id.clone()));
        }
        q.push(("AccessKeyId".to_owned(), source.access_key_id().to_owned()));
        if let Some(token) = source.security_token() {
            q.push(("SecurityToken".to_owned(), token.to_owned()));
        }
        let signature = dataworks_signer::v1::sign(
            "GET",
            &q,
            std::iter::empty::<(&str, &str)>(),
            source.access_key_secret(),
        );
        q.push(("Signature".to_owned(), signature.signature));
        q
    }

    /// The full query of `AssumeRoleWithOIDC` (anonymous: no key, no signature).
    pub fn assume_role_with_oidc_query(
        &self,
        cx: &ProviderContext,
        provider_arn: &str,
        token: &str,
    ) -> Vec<(String, String)> {
        let mut q = self.common("AssumeRoleWithOIDC", cx);
        q.push(("OIDCProviderArn".to_owned(), provider_arn.to_owned()));
        q.push(("OIDCToken".to_owned(), token.to_owned()));
        q
    }
}

/// Sends an STS query and reads the credentials from its answer.
pub(crate) async fn call(
    provider: &str,
    cx: &ProviderContext,
    endpoint: &Url,
    query: &[(String, String)],
) -> Result<Provided, CredentialsError> {
    let mut url = endpoint.clone();
    if url.path().is_empty() {
        url.set_path("/");
    }
    url.query_pairs_mut().clear().extend_pairs(query);
    let answer = http::send(&cx.env, provider, Method::GET, &url, &[], SERVICE_TIMEOUTS).await?;
    let response = |detail: String| CredentialsError::Response {
        provider: provider.to_owned(),
        url: http::shown(&url),
        detail,
    };
    let doc = http::json_of_200(&answer, provider, &url)?;
    let Some(c) = doc.get("Credentials") else {
        return Err(response("HTTP 200 without `Credentials`".to_owned()));
    };
    let credentials = read_credentials(c).map_err(response)?;
    Ok(Provided {
        credentials,
        provider: provider.to_owned(),
    })
}

/// `{AccessKeyId, AccessKeySecret, SecurityToken, Expiration}` → credentials (the missing
/// fields are named; no value is ever quoted).
pub(crate) fn read_credentials(c: &Value) -> Result<Credentials, String> {
    let field = |name: &str| {
        c.get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let missing: Vec<&str> = [
        "AccessKeyId",
        "AccessKeySecret",
        "SecurityToken",
        "Expiration",
    ]
    .into_iter()
    .filter(|n| field(n).is_none())
    .collect();
    if !missing.is_empty() {
        return Err(format!("credentials without {}", missing.join(", ")));
    }
    let (Some(id), Some(secret), Some(token), Some(expiration)) = (
        field("AccessKeyId"),
        field("AccessKeySecret"),
        field("SecurityToken"),
        field("Expiration"),
    ) else {
        return Err("incomplete credentials".to_owned());
    };
    let expiration = parse_expiration(expiration)?;
    Ok(Credentials::new(id, secret)
        .with_security_token(token)
        .with_expiration(expiration))
}

/// `YYYY-MM-DDThh:mm:ssZ` → time.
pub(crate) fn parse_expiration(text: &str) -> Result<OffsetDateTime, String> {
    dataworks_signer::timestamp::parse(text).map_err(|_| {
        format!(
            "an Expiration that is not YYYY-MM-DDThh:mm:ssZ: {:?}",
            http::excerpt(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::CredentialsEnv;

    fn cx(env: CredentialsEnv) -> ProviderContext {
        ProviderContext::new(env)
    }

    #[test]
    fn endpoint_rules() {
        let plain = StsSettings::default();
        let e = |s: &StsSettings, env: CredentialsEnv| s.endpoint(&cx(env)).unwrap().to_string();
        assert_eq!(
            e(&plain, CredentialsEnv::empty()),
            "https://sts.aliyuncs.com/"
        );
        let env = CredentialsEnv::empty()
            .with_var(env::STS_REGION, "cn-beijing")
            .with_var(env::VPC_ENDPOINT_ENABLED, "true");
        assert_eq!(
            e(&plain, env.clone()),
            "https://sts-vpc.cn-beijing.aliyuncs.com/"
        );
        let profile = StsSettings {
            region: Some("cn-shanghai".into()),
            vpc: Some(false),
        };
        assert_eq!(
            e(&profile, env.clone()),
            "https://sts.cn-shanghai.aliyuncs.com/"
        );
        let env = env.with_var(env::STS_ENDPOINT, "http://127.0.0.1:9/");
        assert_eq!(e(&profile, env), "http://127.0.0.1:9/");
        let env = CredentialsEnv::empty().with_var(env::STS_ENDPOINT, "sts.example.invalid");
        assert_eq!(e(&plain, env), "https://sts.example.invalid/");
        // VPC without a region is the central endpoint, as in the official libraries.
        let env = CredentialsEnv::empty().with_var(env::VPC_ENDPOINT_ENABLED, "true");
        assert_eq!(e(&plain, env), "https://sts.aliyuncs.com/");
    }

    #[test]
    fn role_request_defaults_and_limits() {
        let c = cx(CredentialsEnv::empty().with_var(env::ROLE_ARN, "acs:ram::1:role/env"));
        let r = RoleRequest::new("ram_role_arn", &c, None, None, None, Some(""), None).unwrap();
        assert_eq!(r.role_arn, "acs:ram::1:role/env");
        assert_eq!(r.duration_seconds, 3600);
        assert!(r.session_name.starts_with("dwdi-credentials-"));
        assert_eq!(r.policy, None);
        let err =
            RoleRequest::new("ram_role_arn", &c, None, None, Some(899), None, None).unwrap_err();
        assert!(err.to_string().contains("900"), "{err}");
        let none = cx(CredentialsEnv::empty());
        assert!(RoleRequest::new("ram_role_arn", &none, None, None, None, None, None).is_err());
    }

    #[test]
    fn assume_role_is_signed_and_carries_the_source_token() {
        let c = cx(CredentialsEnv::empty());
        let r = RoleRequest::new(
            "x",
            &c,
            Some("acs:ram::1:role/r"),
            Some("s"),
            None,
            None,
            Some("ext"),
        )
        .unwrap();
        let source = Credentials::new("src-id", "src-secret").with_security_token("src-token");
        let q = r.assume_role_query(&c, &source);
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("Action"), Some("AssumeRole"));
        assert_eq!(get("SecurityToken"), Some("src-token"));
        assert_eq!(get("ExternalId"), Some("ext"));
        let unsigned: Vec<_> = q
            .iter()
            .filter(|(n, _)| n != "Signature")
            .cloned()
            .collect();
        let expected = dataworks_signer::v1::sign(
            "GET",
            &unsigned,
            std::iter::empty::<(&str, &str)>(),
            "src-secret",
        );
        assert_eq!(get("Signature"), Some(expected.signature.as_str()));
        let oidc = r.assume_role_with_oidc_query(&c, "acs:ram::1:oidc-provider/p", "tok\n");
        assert!(
            oidc.iter()
                .all(|(n, _)| n != "Signature" && n != "AccessKeyId")
        );
        assert!(oidc.contains(&("OIDCToken".to_owned(), "tok\n".to_owned())));
    }

    #[test]
    fn answers_name_missing_fields_without_values() {
        let v: Value = serde_json::json!({"AccessKeyId": "a", "AccessKeySecret": "very-secret"});
        let err = read_credentials(&v).unwrap_err();
        assert!(
            err.contains("SecurityToken") && !err.contains("very-secret"),
            "{err}"
        );
        let v = serde_json::json!({"AccessKeyId": "a", "AccessKeySecret": "b", "SecurityToken": "c", "Expiration": "2026-01-01T00:00:00Z"});
        let c = read_credentials(&v).unwrap();
        assert_eq!(c.expiration().unwrap().unix_timestamp(), 1_767_225_600);
        let v = serde_json::json!({"AccessKeyId": "a", "AccessKeySecret": "b", "SecurityToken": "c", "Expiration": "tomorrow"});
        assert!(read_credentials(&v).is_err());
    }
}
