//! A raw signed-HTTP client for the emulator's tests: the signer's `rpc::sign_request` plus
//! reqwest, nothing of the workflow crate.
#![allow(dead_code)]

use std::path::Path;

use dataworks_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{RpcRequest, SignedRequest, SigningParams, sign_request};
use serde_json::Value;
use time::OffsetDateTime;

pub const V1: SignatureAlgorithm = SignatureAlgorithm::RpcV1HmacSha1;
pub const V3: SignatureAlgorithm = SignatureAlgorithm::Acs3HmacSha256;

/// A fixture from `tests/data/`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    pub fn data(&self) -> &Value {
        &self.body["Data"]
    }
    pub fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.body["Message"].as_str().unwrap_or("")
    }
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected success, got {:?}", self.body);
        assert_eq!(self.body["Success"], Value::Bool(true), "{:?}", self.body);
        self.data()
    }
    #[track_caller]
    pub fn err(&self, status: u16, code: &str) -> &str {
        assert_eq!(
            self.status, status,
            "expected {status} {code}, got {:?}",
            self.body
        );
        assert_eq!(self.code(), code, "{:?}", self.body);
        // Every code the emulator answers is one the client knows, with the same status.
        let known = dataworks_wire::ErrorCode::from_code(code);
        assert!(
            !matches!(known, dataworks_wire::ErrorCode::Other(_)),
            "{code} is not in the wire catalogue"
        );
        assert_eq!(
            known.http_status(),
            status,
            "{code}: the catalogue's status"
        );
        assert!(self.body["RequestId"].is_string(), "{:?}", self.body);
        assert!(self.body["HostId"].is_string(), "{:?}", self.body);
        self.message()
    }
}

/// A signing client.
pub struct Client {
    pub endpoint: String,
    pub host: String,
    pub credentials: Credentials,
    pub algorithm: SignatureAlgorithm,
    pub http: reqwest::Client,
    /// When set, requests are signed at this time (for a `ManualClock` emulator).
    pub at: Option<std::sync::Arc<dataworks_emulator::ManualClock>>,
}

impl Client {
    pub fn new(emu: &Emulator, algorithm: SignatureAlgorithm) -> Self {
        Self::for_endpoint(&emu.endpoint(), algorithm)
    }

    pub fn for_endpoint(endpoint: &str, algorithm: SignatureAlgorithm) -> Self {
        Self {
            endpoint: endpoint.to_string(),
            host: endpoint.trim_start_matches("http://").to_string(),
            credentials: Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
            algorithm,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            at: None,
        }
    }

    pub fn with_credentials(mut self, id: &str, secret: &str) -> Self {
        self.credentials = Credentials::new(id, secret);
        self
    }

    pub fn with_clock(mut self, clock: std::sync::Arc<dataworks_emulator::ManualClock>) -> Self {
        self.at = Some(clock);
        self
    }

    pub fn now(&self) -> OffsetDateTime {
        use dataworks_emulator::EmulatorClock;
        match &self.at {
            Some(clock) => clock.now(),
            None => OffsetDateTime::now_utc(),
        }
    }

    pub fn sign(
        &self,
        action: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> SignedRequest {
        self.sign_with(
            action,
            query,
            form,
            self.now(),
            &uuid::Uuid::new_v4().simple().to_string(),
        )
    }

    pub fn sign_with(
        &self,
        action: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
        at: OffsetDateTime,
        nonce: &str,
    ) -> SignedRequest {
        let mut req = RpcRequest::new(action, "2020-05-18", self.host.clone());
        for (k, v) in query {
            req = req.query_param(*k, *v);
        }
        for (k, v) in form {
            req = req.form_param(*k, *v);
        }
        let params = SigningParams::new(self.algorithm, at, nonce.to_string());
        sign_request(&req, &self.credentials, &params).unwrap()
    }

    pub async fn send(&self, signed: &SignedRequest) -> Result<Answer, reqwest::Error> {
        let mut builder = self.http.post(signed.url(&self.endpoint));
        for (name, value) in &signed.headers {
            if name != "host" {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        let resp = builder.body(signed.body.clone()).send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await?;
        let body: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
        Ok(Answer {
            status,
            body,
            headers,
        })
    }

    pub async fn call(&self, action: &str, query: &[(&str, &str)]) -> Answer {
        self.send(&self.sign(action, query, &[])).await.unwrap()
    }

    pub async fn call_form(
        &self,
        action: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Answer {
        self.send(&self.sign(action, query, form)).await.unwrap()
    }

    // ---- the operations, with the docs' parameter placement ----

    pub async fn generate_create(
        &self,
        task_type: &str,
        param: &str,
        token: Option<&str>,
    ) -> Answer {
        let mut q = vec![
            ("ProjectId", "10000"),
            ("TaskType", task_type),
            ("TaskParam", param),
        ];
        if let Some(t) = token {
            q.push(("ClientToken", t));
        }
        self.call("GenerateDISyncTaskConfigForCreating", &q).await
    }

    pub async fn generate_update(&self, task_id: i64, param: &str) -> Answer {
        let id = task_id.to_string();
        self.call(
            "GenerateDISyncTaskConfigForUpdating",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_REALTIME"),
                ("TaskParam", param),
                ("TaskId", &id),
            ],
        )
        .await
    }

    pub async fn query(&self, process_id: i64) -> Answer {
        let id = process_id.to_string();
        self.call(
            "QueryDISyncTaskConfigProcessResult",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_REALTIME"),
                ("AsyncProcessId", &id),
            ],
        )
        .await
    }

    pub async fn create(
        &self,
        task_type: &str,
        name: &str,
        content: &str,
        token: Option<&str>,
    ) -> Answer {
        let mut q = vec![
            ("ProjectId", "10000"),
            ("TaskType", task_type),
            ("TaskName", name),
            (
                "TaskParam",
                r#"{"FileFolderPath":"Business Flow/demo/Data Integration","ResourceGroup":"S_res_group_1"}"#,
            ),
        ];
        if let Some(t) = token {
            q.push(("ClientToken", t));
        }
        self.call_form("CreateDISyncTask", &q, &[("TaskContent", content)])
            .await
    }

    pub async fn update(&self, task_type: &str, file_id: i64, content: &str) -> Answer {
        let id = file_id.to_string();
        self.call(
            "UpdateDISyncTask",
            &[
                ("ProjectId", "10000"),
                ("TaskType", task_type),
                ("FileId", &id),
                ("TaskContent", content),
            ],
        )
        .await
    }

    pub async fn file_op(&self, action: &str, task_type: &str, file_id: i64) -> Answer {
        let id = file_id.to_string();
        self.call(
            action,
            &[
                ("ProjectId", "10000"),
                ("TaskType", task_type),
                ("FileId", &id),
            ],
        )
        .await
    }
}
