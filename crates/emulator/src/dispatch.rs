//! TEMPORARY stub while the signer/wire/taskparam crates land.

use std::sync::Arc;
use std::time::Duration;

use crate::error::ServiceError;
use crate::server::App;

/// A request as received.
#[derive(Debug)]
pub(crate) struct Received {
    pub method: String,
    pub path: String,
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug)]
pub(crate) struct Auth {
    _skew: Duration,
}

impl Auth {
    pub(crate) fn new(skew: Duration) -> Self {
        Self { _skew: skew }
    }
}

pub(crate) async fn process(
    _app: Arc<App>,
    _req: Received,
    _fail: bool,
) -> Result<serde_json::Value, ServiceError> {
    Err(ServiceError::internal("not yet"))
}

pub(crate) fn encode_success(request_id: &str, data: &serde_json::Value) -> String {
    serde_json::json!({"RequestId": request_id, "Success": true, "Data": data}).to_string()
}

pub(crate) fn encode_error(request_id: &str, host: &str, err: &ServiceError) -> String {
    serde_json::json!({"RequestId": request_id, "HostId": host, "Code": err.code, "Message": err.message, "Recommend": ""}).to_string()
}
