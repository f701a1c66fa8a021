//! Loopback fakes of STS, the ECS metadata service and a credentials URI, and the
//! environment every test uses (loopback only: a provider aimed anywhere else is refused).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use dataworks_credentials::CredentialsEnv;

pub const SOURCE_ID: &str = "source-key-id";
pub const SOURCE_SECRET: &str = "source-key-secret";
pub const OIDC_TOKEN: &str = "the-oidc-token";
pub const OIDC_PROVIDER: &str = "acs:ram::1:oidc-provider/ack";
pub const ROLE: &str = "ecs-role";
pub const IMDS_TOKEN: &str = "imds-token";
/// Secret parts every fake issues; no test output may contain them.
pub const ISSUED_SECRET: &str = "issued-secret";
pub const ISSUED_TOKEN: &str = "issued-token";

/// What the fakes do and saw.
#[derive(Debug, Default)]
pub struct Fake {
    /// Lifetime of issued credentials, seconds (default 3600).
    pub lifetime: Mutex<Option<i64>>,
    /// Answer 403 to the IMDSv2 token request.
    pub token_forbidden: AtomicBool,
    /// Refuse metadata GETs without the IMDSv2 token.
    pub require_token: AtomicBool,
    /// Answer 500 to everything.
    pub down: AtomicBool,
    /// Requests seen, as "METHOD path action".
    pub seen: Mutex<Vec<String>>,
    pub issued: AtomicU32,
}

pub struct Server {
    pub addr: SocketAddr,
    pub fake: Arc<Fake>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn seen(&self) -> Vec<String> {
        self.fake.seen.lock().unwrap().clone()
    }
}

pub async fn start() -> Server {
    let fake = Arc::new(Fake::default());
    let app = Router::new().fallback(handle).with_state(Arc::clone(&fake));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server { addr, fake }
}

fn credentials(fake: &Fake, id: String) -> serde_json::Value {
    let n = fake.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let lifetime = fake.lifetime.lock().unwrap().unwrap_or(3600);
    let expiration = time::OffsetDateTime::now_utc() + time::Duration::seconds(lifetime);
    serde_json::json!({
        "AccessKeyId": format!("{id}#{n}"),
        "AccessKeySecret": ISSUED_SECRET,
        "SecurityToken": ISSUED_TOKEN,
        "Expiration": dataworks_signer::timestamp::format(expiration).unwrap(),
    })
}

fn error(status: StatusCode, code: &str) -> Response {
    (
        status,
        serde_json::json!({"Code": code, "Message": code}).to_string(),
    )
        .into_response()
}

async fn handle(
    State(fake): State<Arc<Fake>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let path = uri.path().to_owned();
    let action = query.get("Action").cloned().unwrap_or_default();
    fake.seen
        .lock()
        .unwrap()
        .push(format!("{method} {path} {action}").trim().to_owned());
    if fake.down.load(Ordering::SeqCst) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "ServiceUnavailable");
    }
    let has_token = headers
        .get("x-aliyun-ecs-metadata-token")
        .is_some_and(|v| v == IMDS_TOKEN);
    match (method.as_str(), path.as_str()) {
        ("PUT", "/latest/api/token") => {
            if fake.token_forbidden.load(Ordering::SeqCst) {
                return error(StatusCode::FORBIDDEN, "Forbidden");
            }
            assert_eq!(
                headers
                    .get("x-aliyun-ecs-metadata-token-ttl-seconds")
                    .unwrap(),
                "21600"
            );
            IMDS_TOKEN.into_response()
        }
        ("GET", p) if p.starts_with("/latest/meta-data/ram/security-credentials/") => {
            if fake.require_token.load(Ordering::SeqCst) && !has_token {
                return error(StatusCode::UNAUTHORIZED, "Unauthorized");
            }
            let role = p.trim_start_matches("/latest/meta-data/ram/security-credentials/");
            if role.is_empty() {
                return ROLE.into_response();
            }
            let mut doc = credentials(&fake, format!("ecs-{role}"));
            doc["Code"] = "Success".into();
            doc.to_string().into_response()
        }
        ("GET", "/credentials") => {
            let mut doc = credentials(&fake, "uri".to_owned());
            doc["Code"] = "Success".into();
            doc.to_string().into_response()
        }
        ("GET", "/") if action == "AssumeRole" => {
            let Some(signature) = query.get("Signature") else {
                return error(StatusCode::BAD_REQUEST, "MissingSignature");
            };
            let unsigned: Vec<(String, String)> = query
                .iter()
                .filter(|(k, _)| *k != "Signature")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let secret = match query.get("AccessKeyId").map(String::as_str) {
                Some(SOURCE_ID) => SOURCE_SECRET.to_owned(),
                Some(id) if id.starts_with("role-") => ISSUED_SECRET.to_owned(),
                _ => return error(StatusCode::NOT_FOUND, "InvalidAccessKeyId.NotFound"),
            };
            let expected = dataworks_signer::v1::sign(
                "GET",
                &unsigned,
                std::iter::empty::<(&str, &str)>(),
                &secret,
            );
            if &expected.signature != signature {
                return error(StatusCode::BAD_REQUEST, "SignatureDoesNotMatch");
            }
            let role = query["RoleArn"].rsplit('/').next().unwrap_or("").to_owned();
            serde_json::json!({"RequestId": "r", "Credentials": credentials(&fake, format!("role-{role}"))})
                .to_string()
                .into_response()
        }
        ("GET", "/") if action == "AssumeRoleWithOIDC" => {
            if query.contains_key("Signature") || query.contains_key("AccessKeyId") {
                return error(StatusCode::BAD_REQUEST, "NotAnonymous");
            }
            if query.get("OIDCToken").map(String::as_str) != Some(OIDC_TOKEN)
                || query.get("OIDCProviderArn").map(String::as_str) != Some(OIDC_PROVIDER)
            {
                return error(
                    StatusCode::BAD_REQUEST,
                    "AuthenticationFail.OIDCToken.Invalid",
                );
            }
            let role = query["RoleArn"].rsplit('/').next().unwrap_or("").to_owned();
            serde_json::json!({"RequestId": "r", "Credentials": credentials(&fake, format!("oidc-{role}"))})
                .to_string()
                .into_response()
        }
        _ => error(StatusCode::NOT_FOUND, "NotFound"),
    }
}

/// The environment of a test: loopback only, a home directory, ECS off unless asked.
pub fn env(home: &Path) -> CredentialsEnv {
    CredentialsEnv::empty().with_home(home).loopback_only()
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Panics when `text` contains a secret.
pub fn assert_no_secret(text: &str) {
    for s in [
        SOURCE_SECRET,
        ISSUED_SECRET,
        ISSUED_TOKEN,
        OIDC_TOKEN,
        "env-secret",
    ] {
        assert!(!text.contains(s), "secret {s:?} leaked in {text}");
    }
}
