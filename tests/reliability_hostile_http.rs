//! Hostile input (issue 7), HTTP level: malformed requests to a running emulator. Malformed
//! JSON, deep nesting, huge arrays, wrong types, invalid UTF-8, oversized bodies, URLs and
//! headers, lying lengths: each gets a clear answer (an HTTP error with the service's JSON
//! error body, or for the framing errors hyper's own status), never a panic or a dead server.

mod reliability_support;

use std::sync::Arc;
use std::time::Duration;

use dataworks_emulator::{DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_URL_BYTES, Emulator};
use dataworks_signer::v3::{V3Request, sign as sign_v3};
use dataworks_signer::{Credentials, SignatureAlgorithm};
use dataworks_signer::{RpcRequest, SigningParams, sign_request};
use dataworks_taskparam::{HologresWriter, MysqlReader, TaskContent, TaskParam, WriteMode};
use dataworks_workflow::transport::ReqwestTransport;
use dataworks_workflow::transport::{HttpRequest, Timeouts, Transport};
use reliability_support::*;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or_default()
    }

    fn message(&self) -> &str {
        self.body["Message"].as_str().unwrap_or_default()
    }

    /// A service error: 4xx/5xx with a code and a message.
    fn assert_error(&self, status: u16, what: &str) {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        assert!(!self.code().is_empty(), "{what}: no Code in {}", self.body);
        assert!(
            !self.message().is_empty(),
            "{what}: no Message in {}",
            self.body
        );
        assert!(self.body["RequestId"].is_string(), "{what}");
    }
}

struct Harness {
    emu: Emulator,
    http: Arc<dyn Transport>,
}

impl Harness {
    async fn start() -> Harness {
        let emu = Emulator::builder()
            .credentials(ID, SECRET)
            .start()
            .await
            .unwrap();
        // Generous read timeout: a debug build on a loaded machine validates 7 MB slowly.
        let timeouts = Timeouts::default()
            .connect(Duration::from_secs(5))
            .read(Duration::from_secs(300));
        Harness {
            emu,
            http: Arc::new(ReqwestTransport::new(timeouts).unwrap()),
        }
    }

    fn host(&self) -> String {
        self.emu.local_addr().to_string()
    }

    async fn send(&self, request: HttpRequest) -> Answer {
        let response = self
            .http
            .send(request)
            .await
            .expect("the emulator answers (a dropped connection would mean a crash)");
        let body = serde_json::from_slice(&response.body).unwrap_or_else(|_| {
            panic!(
                "HTTP {}: the body is not JSON: {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )
        });
        Answer {
            status: response.status,
            body,
        }
    }

    /// Signs `action` with these query and form parameters and sends it.
    async fn signed(
        &self,
        algorithm: SignatureAlgorithm,
        action: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Answer {
        let mut request = RpcRequest::new(action, "2020-05-18", self.host());
        for (k, v) in query {
            request = request.query_param(*k, *v);
        }
        for (k, v) in form {
            request = request.form_param(*k, *v);
        }
        let params = SigningParams::new(
            algorithm,
            dataworks_signer::now_utc(),
            dataworks_signer::random_nonce(),
        );
        let signed = sign_request(&request, &Credentials::new(ID, SECRET), &params).unwrap();
        self.send(HttpRequest {
            method: signed.method,
            url: format!("{}{}", self.emu.endpoint(), signed.path_and_query),
            headers: signed.headers,
            body: signed.body,
        })
        .await
    }

    /// Raw bytes on a fresh connection; the status of the answer (0 when the connection was
    /// closed without one) and its body.
    async fn raw(&self, bytes: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(self.emu.local_addr()).await.unwrap();
        // The server may answer (and close) before reading everything: ignore write errors.
        let _ = stream.write_all(bytes).await;
        let _ = stream.shutdown().await;
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out).await;
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// The emulator still serves a valid request.
    async fn assert_alive(&self) {
        let answer = self
            .signed(
                SignatureAlgorithm::Acs3HmacSha256,
                "GetDISyncTask",
                &[
                    ("ProjectId", "10000"),
                    ("TaskType", "DI_REALTIME"),
                    ("FileId", "1"),
                ],
                &[],
            )
            .await;
        // A missing task: a service error, which means the whole path works.
        assert!(
            answer.status == 400 || answer.status == 404,
            "{}",
            answer.body
        );
        assert!(!answer.code().is_empty());
    }
}

fn rt() -> [(&'static str, &'static str); 2] {
    [("ProjectId", "10000"), ("TaskType", "DI_REALTIME")]
}

#[tokio::test]
async fn malformed_json_documents_get_clear_errors() {
    let h = Harness::start().await;
    for algorithm in SignatureAlgorithm::ALL {
        // A TaskParam that is not JSON: refused, or a process that fails naming the problem.
        let bad_param = r#"{"type":"realtime","version":"1.0","steps":[{"#;
        let answer = h
            .signed(
                algorithm,
                "GenerateDISyncTaskConfigForCreating",
                &[rt()[0], rt()[1], ("TaskParam", bad_param)],
                &[],
            )
            .await;
        if answer.status == 200 {
            let pid = answer.body["Data"]["ProcessId"]
                .as_i64()
                .unwrap()
                .to_string();
            let query = h
                .signed(
                    algorithm,
                    "QueryDISyncTaskConfigProcessResult",
                    &[rt()[0], rt()[1], ("AsyncProcessId", &pid)],
                    &[],
                )
                .await;
            assert_eq!(query.status, 200);
            assert_eq!(query.body["Data"]["Status"], "fail", "{}", query.body);
            let message = query.body["Data"]["Message"].as_str().unwrap_or_default();
            assert!(!message.is_empty(), "{}", query.body);
        } else {
            answer.assert_error(400, "non-JSON TaskParam");
        }

        // A TaskContent that is not JSON.
        let answer = h
            .signed(
                algorithm,
                "CreateDISyncTask",
                &[rt()[0], rt()[1], ("TaskName", "bad_json")],
                &[("TaskContent", "{\"type\": \"job\", ")],
            )
            .await;
        answer.assert_error(400, "non-JSON TaskContent");

        // Wrong types inside a JSON TaskContent.
        let answer = h
            .signed(
                algorithm,
                "CreateDISyncTask",
                &[rt()[0], rt()[1], ("TaskName", "wrong_types")],
                &[("TaskContent", r#"{"type":7,"version":[],"steps":"x"}"#)],
            )
            .await;
        answer.assert_error(400, "TaskContent with wrong types");
    }
    h.assert_alive().await;
}

#[tokio::test]
async fn deep_nesting_gets_a_clear_error() {
    let h = Harness::start().await;
    // 100,000 `[` in the form body (CreateDISyncTask's TaskContent travels there).
    let deep = "[".repeat(100_000);
    let answer = h
        .signed(
            SignatureAlgorithm::Acs3HmacSha256,
            "CreateDISyncTask",
            &[rt()[0], rt()[1], ("TaskName", "deep")],
            &[("TaskContent", &deep)],
        )
        .await;
    answer.assert_error(400, "100k-deep TaskContent");

    // In the query (TaskParam travels there): 15,000 `[` fit the URL limit once encoded.
    let deep = "[".repeat(15_000);
    let answer = h
        .signed(
            SignatureAlgorithm::RpcV1HmacSha1,
            "GenerateDISyncTaskConfigForCreating",
            &[rt()[0], rt()[1], ("TaskParam", &deep)],
            &[],
        )
        .await;
    assert!(
        answer.status == 200 || answer.status == 400,
        "{}",
        answer.body
    );
    // 21,000 of them (63 KB encoded) fit hyper's limit but not the emulator's: its JSON 414.
    let deep = "%5B".repeat(21_000);
    let (status, body) = h
        .raw(
            format!("POST /?TaskParam={deep} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                .as_bytes(),
        )
        .await;
    assert_eq!(status, 414, "{body}");
    assert!(body.contains("RequestURITooLong"), "{body}");
    // 100,000 of them (300 KB) no HTTP client sends; raw, hyper refuses the request line.
    let deep = "%5B".repeat(100_000);
    let (status, _) = h
        .raw(format!("POST /?TaskParam={deep} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await;
    assert!(status == 414 || status == 400 || status == 0, "{status}");
    h.assert_alive().await;
}

#[tokio::test]
async fn huge_arrays_are_stored_or_refused_cleanly() {
    let h = Harness::start().await;
    // A valid TaskContent with 60,000 tables: about 7 MB once form-encoded, under the limit.
    let tables: Vec<String> = (0..60_000).map(|i| format!("t{i:05}")).collect();
    let param = TaskParam::realtime()
        .resource_group("S_res_group_1")
        .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", tables))
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .unwrap();
    let content = TaskContent::from_realtime_param(&param).to_json();
    let answer = h
        .signed(
            SignatureAlgorithm::Acs3HmacSha256,
            "CreateDISyncTask",
            &[rt()[0], rt()[1], ("TaskName", "huge")],
            &[("TaskContent", &content)],
        )
        .await;
    if answer.status == 200 {
        let file_id = answer.body["Data"]["FileId"].as_i64().unwrap();
        assert_eq!(h.emu.inspect().task(file_id).unwrap().content, content);
    } else {
        answer.assert_error(413, "a 7 MB TaskContent");
    }

    // An array of 20,000 numbers where a list of table names belongs: one problem per item.
    // (Far larger arrays are answered too, but slowly: see docs/RELIABILITY.md, findings.)
    let numbers = format!(
        r#"{{"type":"job","version":"2.0","steps":[{{"stepType":"mysql","category":"reader","name":"Reader","parameter":{{"connection":[{{"table":[{}]}}]}}}}]}}"#,
        vec!["1"; 20_000].join(",")
    );
    let answer = h
        .signed(
            SignatureAlgorithm::Acs3HmacSha256,
            "CreateDISyncTask",
            &[rt()[0], rt()[1], ("TaskName", "numbers")],
            &[("TaskContent", &numbers)],
        )
        .await;
    answer.assert_error(400, "numbers for table names");
    h.assert_alive().await;
}

#[tokio::test]
async fn wrong_parameter_types_name_the_parameter() {
    let h = Harness::start().await;
    let cases: [(&str, &[(&str, &str)]); 5] = [
        (
            "ProjectId",
            &[
                ("ProjectId", "abc"),
                ("TaskType", "DI_REALTIME"),
                ("FileId", "1"),
            ],
        ),
        (
            "TaskType",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_NOPE"),
                ("FileId", "1"),
            ],
        ),
        (
            "FileId",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_REALTIME"),
                ("FileId", "1.5"),
            ],
        ),
        (
            "FileId",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_REALTIME"),
                ("FileId", "99999999999999999999999"),
            ],
        ),
        (
            "FileId",
            &[("ProjectId", "10000"), ("TaskType", "DI_REALTIME")],
        ),
    ];
    for algorithm in SignatureAlgorithm::ALL {
        for (name, query) in cases {
            let answer = h.signed(algorithm, "GetDISyncTask", query, &[]).await;
            answer.assert_error(400, name);
            assert!(answer.message().contains(name), "{}", answer.body);
        }
    }
    let answer = h
        .signed(
            SignatureAlgorithm::Acs3HmacSha256,
            "NoSuchAction",
            &rt(),
            &[],
        )
        .await;
    assert!(
        answer.status >= 400 && !answer.code().is_empty(),
        "{}",
        answer.body
    );
    h.assert_alive().await;
}

#[tokio::test]
async fn invalid_utf8_gets_a_clear_error() {
    let h = Harness::start().await;
    // A correctly signed (ACS3) form body with raw bytes that are not UTF-8.
    let template = RpcRequest::new("CreateDISyncTask", "2020-05-18", h.host())
        .query_param("ProjectId", "10000")
        .query_param("TaskType", "DI_REALTIME")
        .query_param("TaskName", "utf8")
        .form_param("TaskContent", "placeholder");
    let params = SigningParams::new(
        SignatureAlgorithm::Acs3HmacSha256,
        dataworks_signer::now_utc(),
        dataworks_signer::random_nonce(),
    );
    let creds = Credentials::new(ID, SECRET);
    let signed = sign_request(&template, &creds, &params).unwrap();
    let body = b"TaskContent=\xFF\xFE{\"type\":\"job\"}\xC0\x80".to_vec();
    let headers: Vec<(String, String)> = signed
        .headers
        .iter()
        .filter(|(n, _)| n != "authorization" && n != "x-acs-content-sha256")
        .cloned()
        .collect();
    let query = vec![
        ("ProjectId".to_owned(), "10000".to_owned()),
        ("TaskName".to_owned(), "utf8".to_owned()),
        ("TaskType".to_owned(), "DI_REALTIME".to_owned()),
    ];
    let v3 = sign_v3(
        &V3Request {
            method: "POST",
            pathname: "/",
            query: &query,
            headers: &headers,
            body: &body,
        },
        &creds,
    );
    let mut headers = headers;
    headers.extend(v3.added_headers.clone());
    headers.push(("authorization".to_owned(), v3.authorization.clone()));
    let answer = h
        .send(HttpRequest {
            method: "POST".into(),
            url: format!("{}{}", h.emu.endpoint(), signed.path_and_query),
            headers,
            body,
        })
        .await;
    answer.assert_error(400, "a form body that is not UTF-8");
    assert!(answer.message().contains("UTF-8"), "{}", answer.body);

    // Percent-encoded invalid UTF-8 in the query.
    let url = format!("{}{}&Junk=%FF%FE", h.emu.endpoint(), signed.path_and_query);
    let answer = h
        .send(HttpRequest {
            method: "POST".into(),
            url,
            headers: signed.headers.clone(),
            body: signed.body.clone(),
        })
        .await;
    assert!((400..500).contains(&answer.status), "{}", answer.body);
    assert!(!answer.code().is_empty());

    // Raw non-ASCII bytes in the request line and in a header: hyper refuses the framing.
    let (status, _) = h
        .raw(b"POST /?Action=\xFF\xFE HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .await;
    assert!(status == 400 || status == 0, "request line: {status}");
    let (status, _) = h
        .raw(b"POST / HTTP/1.1\r\nHost: x\r\nx-acs-action: \xFF\xFE\r\nContent-Length: 0\r\n\r\n")
        .await;
    assert!((400..500).contains(&status), "header: {status}");
    h.assert_alive().await;
}

#[tokio::test]
async fn oversized_requests_get_clear_errors() {
    let h = Harness::start().await;
    // A body over the limit, signed: 413 with the service's JSON error.
    let big = "x".repeat(DEFAULT_MAX_BODY_BYTES + 1024);
    let answer = h
        .signed(
            SignatureAlgorithm::Acs3HmacSha256,
            "CreateDISyncTask",
            &[rt()[0], rt()[1], ("TaskName", "big")],
            &[("TaskContent", &big)],
        )
        .await;
    answer.assert_error(413, "a body over the limit");

    // A URL over the emulator's limit but under hyper's: 414 with the JSON error.
    let long = "y".repeat(DEFAULT_MAX_URL_BYTES + 100);
    let answer = h
        .signed(
            SignatureAlgorithm::RpcV1HmacSha1,
            "GetDISyncTask",
            &[rt()[0], rt()[1], ("FileId", "1"), ("Pad", &long)],
            &[],
        )
        .await;
    answer.assert_error(414, "a URL over the limit");

    // Past hyper's own limits: its bare status, and the server lives on.
    let url = format!("POST /?{} HTTP/1.1\r\nHost: x\r\n\r\n", "z".repeat(70_000));
    let (status, _) = h.raw(url.as_bytes()).await;
    assert!(
        status == 414 || status == 400 || status == 0,
        "huge URL: {status}"
    );
    let header = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nx-big: {}\r\nContent-Length: 0\r\n\r\n",
        "h".repeat(200_000)
    );
    let (status, _) = h.raw(header.as_bytes()).await;
    assert!(
        status == 431 || status == 400 || status == 0,
        "huge header: {status}"
    );

    // A declared length far over the limit, with little sent: refused before reading it.
    let (status, body) = h
        .raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\nabc")
        .await;
    assert!(
        status == 413 || status == 400,
        "declared 10 GB: {status} {body}"
    );
    // A body shorter than its declared length, then the connection closes.
    let (status, _) = h
        .raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort")
        .await;
    assert!(
        status == 0 || (400..500).contains(&status),
        "short body: {status}"
    );

    // Unsupported method and path: the service's JSON errors.
    let (status, body) = h
        .raw(b"DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    assert_eq!(status, 405, "{body}");
    assert!(body.contains("\"Code\""), "{body}");
    let (status, body) = h
        .raw(b"POST /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        .await;
    assert_eq!(status, 404, "{body}");
    h.assert_alive().await;
}
