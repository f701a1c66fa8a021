//! The ECS instance metadata service (IMDSv2 token, role listing, role credentials) and a
//! credentials URI, on loopback. Requests sent through a proxy (absolute-form targets, as
//! the official SDKs send to 100.100.100.200 with `HTTP_PROXY`) are served the same.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use dataworks_signer::Credentials;
use http::{Method, StatusCode};
use rand::Rng;
use serde_json::json;
use time::OffsetDateTime;

use super::RoleState;

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// The official JSON of temporary credentials.
pub(super) fn credentials_json(c: &Credentials) -> serde_json::Value {
    let expiration = c
        .expiration()
        .and_then(|e| dataworks_signer::timestamp::format(e).ok())
        .unwrap_or_default();
    json!({
        "AccessKeyId": c.access_key_id(),
        "AccessKeySecret": c.access_key_secret(),
        "SecurityToken": c.security_token().unwrap_or_default(),
        "Expiration": expiration,
    })
}

struct Metadata {
    state: Arc<RoleState>,
    /// IMDSv2 tokens and their expirations.
    tokens: Mutex<BTreeMap<String, OffsetDateTime>>,
}

pub(super) fn router(state: Arc<RoleState>) -> Router {
    let app = Arc::new(Metadata {
        state,
        tokens: Mutex::new(BTreeMap::new()),
    });
    Router::new().fallback(handle).with_state(app)
}

fn status(code: StatusCode, text: &str) -> Response {
    (code, text.to_owned()).into_response()
}

fn issue_json(state: &RoleState, id: &str) -> Response {
    let lifetime = time::Duration::try_from(state.config.lifetime).unwrap_or(time::Duration::HOUR);
    let now = state.clock.now();
    let credentials = state.issued.issue(id, now + lifetime);
    let mut doc = credentials_json(&credentials);
    doc["Code"] = "Success".into();
    doc["LastUpdated"] = dataworks_signer::timestamp::format(now)
        .unwrap_or_default()
        .into();
    ([("content-type", "application/json")], doc.to_string()).into_response()
}

async fn handle(State(app): State<Arc<Metadata>>, request: Request) -> Response {
    let state = &app.state;
    let config = &state.config;
    let Some(role) = config.metadata_role.as_deref() else {
        return status(StatusCode::NOT_FOUND, "Not Found");
    };
    let path = request.uri().path().to_owned();
    let now = state.clock.now();
    if request.method() == Method::PUT && path == TOKEN_PATH {
        if config.metadata_token_refused {
            return status(StatusCode::FORBIDDEN, "Forbidden");
        }
        let ttl: i64 = match request
            .headers()
            .get("x-aliyun-ecs-metadata-token-ttl-seconds")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
        {
            Some(ttl) if (1..=21600).contains(&ttl) => ttl,
            _ => return status(StatusCode::BAD_REQUEST, "Bad Request"),
        };
        let bytes: [u8; 16] = rand::rng().random();
        let token = format!("imds-{}", hex::encode(bytes));
        app.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(token.clone(), now + time::Duration::seconds(ttl));
        return token.into_response();
    }
    if request.method() != Method::GET {
        return status(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    }
    let token = request
        .headers()
        .get("x-aliyun-ecs-metadata-token")
        .and_then(|v| v.to_str().ok());
    let token_valid = token.is_some_and(|t| {
        app.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(t)
            .is_some_and(|e| *e > now)
    });
    if token.is_some() && !token_valid {
        return status(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    if config.metadata_token_required && !token_valid {
        return status(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    match path.strip_prefix(ROLES_PATH) {
        Some("") => role.to_owned().into_response(),
        Some(asked) if asked == role => issue_json(state, &format!("STS.emu.ecs.{role}")),
        _ => status(StatusCode::NOT_FOUND, "Not Found"),
    }
}

pub(super) fn uri_router(state: Arc<RoleState>) -> Router {
    Router::new().fallback(uri).with_state(state)
}

async fn uri(State(state): State<Arc<RoleState>>, request: Request) -> Response {
    if request.method() != Method::GET || request.uri().path() != "/credentials" {
        return status(StatusCode::NOT_FOUND, "Not Found");
    }
    issue_json(&state, "STS.emu.uri")
}
