//! STS 2015-04-01 on loopback: `AssumeRole` (RPC v1 or ACS3 signed by a long-term key or an
//! issued temporary key) and `AssumeRoleWithOIDC` (anonymous, checked against the configured
//! provider ARN and token). GET with a query, or POST with a form body.

use std::sync::Arc;

use axum::Router;
use axum::body::{Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use dataworks_signer::ReceivedRequest;
use http::StatusCode;
use serde_json::json;
use time::OffsetDateTime;

use super::RoleState;
use super::issued::{RequestKeys, request_token};
use crate::auth::{Auth, verify_error};
use crate::error::ServiceError;
use dataworks_wire::ErrorCode;

struct Sts {
    state: Arc<RoleState>,
    auth: Auth,
}

pub(super) fn router(state: Arc<RoleState>) -> Router {
    let sts = Arc::new(Sts {
        auth: Auth::new(state.max_skew),
        state,
    });
    Router::new().fallback(handle).with_state(sts)
}

/// The codes of STS itself (STS 2015-04-01 is another API than DataWorks, so they are not in
/// the DataWorks catalogue); the codes the gateway answers for every API (signature, version,
/// parameters, expired token) come from the catalogue as [`ServiceError`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StsCode {
    MissingAction,
    MissingRoleArn,
    MissingRoleSessionName,
    InvalidDurationSeconds,
    OidcProviderNotConfigured,
    OidcProviderNotFound,
    OidcTokenInvalid,
}

impl StsCode {
    fn as_str(self) -> &'static str {
        match self {
            Self::MissingAction => "MissingAction",
            Self::MissingRoleArn => "MissingRoleArn",
            Self::MissingRoleSessionName => "MissingRoleSessionName",
            Self::InvalidDurationSeconds => "InvalidParameter.DurationSeconds",
            Self::OidcProviderNotConfigured => "AuthenticationFail.OIDCProvider.NotFound",
            Self::OidcProviderNotFound => "EntityNotExist.OIDCProvider",
            Self::OidcTokenInvalid => "AuthenticationFail.OIDCToken.Invalid",
        }
    }
}

/// Why STS refused a request: a code every API shares, or one of STS's own (HTTP 400).
#[derive(Debug)]
enum Refusal {
    Common(ServiceError),
    Sts(StsCode, String),
}

impl From<ServiceError> for Refusal {
    fn from(err: ServiceError) -> Self {
        Self::Common(err)
    }
}

fn answer_error(request_id: &str, refusal: &Refusal) -> Response {
    let (code, http_status, message) = match refusal {
        Refusal::Common(err) => (err.code.as_str(), err.http_status(), err.message.as_str()),
        Refusal::Sts(code, message) => (code.as_str(), 400, message.as_str()),
    };
    let status = StatusCode::from_u16(http_status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({
        "RequestId": request_id,
        "HostId": "sts.emulator.local",
        "Code": code,
        "Message": message,
    });
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn bad(code: StsCode, message: impl Into<String>) -> Refusal {
    Refusal::Sts(code, message.into())
}

fn wrong_version() -> Refusal {
    ServiceError::new(ErrorCode::InvalidVersion, "STS uses Version 2015-04-01").into()
}

/// The last segment of a role ARN, as a key id part.
fn role_name(arn: &str) -> String {
    arn.rsplit('/')
        .next()
        .unwrap_or(arn)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect()
}

async fn handle(State(sts): State<Arc<Sts>>, request: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string().to_uppercase();
    let (parts, body) = request.into_parts();
    let body: Bytes = match to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            let too_large = ServiceError::new(ErrorCode::InvalidParameter, "body too large");
            return answer_error(&request_id, &too_large.into());
        }
    };
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let mut params: Vec<(String, String)> = form_urlencoded::parse(raw_query.as_bytes())
        .chain(form_urlencoded::parse(&body))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let action = headers
        .iter()
        .find(|(n, _)| n == "x-acs-action")
        .map(|(_, v)| v.clone())
        .or_else(|| {
            params
                .iter()
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v.clone())
        })
        .unwrap_or_default();
    let now = sts.state.clock.now();
    let result = match action.as_str() {
        "AssumeRole" => {
            let token = request_token(&raw_query, &headers);
            let keys = RequestKeys {
                long_term: &sts.state.long_term,
                issued: &sts.state.issued,
                token: token.as_deref(),
            };
            let received = ReceivedRequest {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                raw_query: &raw_query,
                headers: &headers,
                body: &body,
            };
            match sts.auth.verifier.verify(&received, now, &keys) {
                Ok(verified) => sts
                    .state
                    .issued
                    .check_expiry(&verified.access_key_id, token.as_deref(), now)
                    .map(|()| {
                        params = verified.params.clone();
                    }),
                Err(e) => Err(verify_error(&e)),
            }
            .map_err(Refusal::from)
            .and_then(|()| assume(&sts.state, &params, now))
        }
        "AssumeRoleWithOIDC" => assume_with_oidc(&sts.state, &params, now),
        "" => Err(bad(
            StsCode::MissingAction,
            "the Action parameter is missing",
        )),
        other => Err(ServiceError::new(
            ErrorCode::InvalidActionNotFound,
            format!("the emulator's STS serves AssumeRole and AssumeRoleWithOIDC, not {other:?}"),
        )
        .into()),
    };
    match result {
        Ok(body) => {
            let mut body = body;
            body["RequestId"] = request_id.into();
            ([("content-type", "application/json")], body.to_string()).into_response()
        }
        Err(e) => answer_error(&request_id, &e),
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Issues role credentials for `RoleArn`, `RoleSessionName` and `DurationSeconds`.
fn issue(
    state: &RoleState,
    params: &[(String, String)],
    now: OffsetDateTime,
) -> Result<serde_json::Value, Refusal> {
    let arn = param(params, "RoleArn").ok_or_else(|| {
        bad(
            StsCode::MissingRoleArn,
            "RoleArn is mandatory for this action.",
        )
    })?;
    let session = param(params, "RoleSessionName").ok_or_else(|| {
        bad(
            StsCode::MissingRoleSessionName,
            "RoleSessionName is mandatory for this action.",
        )
    })?;
    let duration: i64 = match param(params, "DurationSeconds") {
        None => 3600,
        Some(d) => d.parse().map_err(|_| {
            bad(
                StsCode::InvalidDurationSeconds,
                format!("DurationSeconds {d:?} is not a number"),
            )
        })?,
    };
    if !(900..=43200).contains(&duration) {
        return Err(bad(
            StsCode::InvalidDurationSeconds,
            "The Min/Max value of DurationSeconds is 15min/12hr.",
        ));
    }
    let name = role_name(arn);
    let expiration = now + time::Duration::seconds(duration);
    let credentials = state.issued.issue(&format!("STS.emu.{name}"), expiration);
    Ok(json!({
        "AssumedRoleUser": {"Arn": format!("{arn}/{session}"), "AssumedRoleId": format!("emu:{session}")},
        "Credentials": super::metadata::credentials_json(&credentials),
    }))
}

fn assume(
    state: &RoleState,
    params: &[(String, String)],
    now: OffsetDateTime,
) -> Result<serde_json::Value, Refusal> {
    if param(params, "Version").is_some_and(|v| v != "2015-04-01") {
        return Err(wrong_version());
    }
    issue(state, params, now)
}

fn assume_with_oidc(
    state: &RoleState,
    params: &[(String, String)],
    now: OffsetDateTime,
) -> Result<serde_json::Value, Refusal> {
    let Some(trust) = &state.config.oidc else {
        return Err(bad(
            StsCode::OidcProviderNotConfigured,
            "no OIDC provider is configured on this emulator (--oidc-provider-arn, --oidc-token)",
        ));
    };
    if param(params, "Version") != Some("2015-04-01") {
        return Err(wrong_version());
    }
    if param(params, "OIDCProviderArn") != Some(trust.provider_arn.as_str()) {
        return Err(bad(
            StsCode::OidcProviderNotFound,
            "The specified OIDC provider does not exist.",
        ));
    }
    if params
        .iter()
        .find(|(k, _)| k == "OIDCToken")
        .map(|(_, v)| v.as_str())
        != Some(trust.token.as_str())
    {
        return Err(bad(StsCode::OidcTokenInvalid, "The OIDC token is invalid."));
    }
    issue(state, params, now)
}
