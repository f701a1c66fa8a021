//! Every refusal: signature (both algorithms), unknown key, stale timestamp, reused nonce,
//! missing / mistyped parameters, oversized requests, unknown action / version / workspace /
//! task, duplicate names, bad TaskParams.

mod common;

use common::{Client, V1, V3, fixture};
use dataworks_emulator::{Emulator, Limits};
use dataworks_signer::SignatureAlgorithm;

const GET_INFO: &[(&str, &str)] = &[
    ("ProjectId", "10000"),
    ("TaskType", "DI_REALTIME"),
    ("FileId", "100"),
];

async fn wrong_secret(algorithm: SignatureAlgorithm) {
    let emu = Emulator::builder()
        .credentials("id-1", "right")
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, algorithm).with_credentials("id-1", "wrong");
    let signed = c.sign("GetDISyncInstanceInfo", GET_INFO, &[]);
    let answer = c.send(&signed).await.unwrap();
    let message = answer.err(400, "SignatureDoesNotMatch").to_string();
    assert!(
        message.starts_with(
            "Specified signature is not matched with our calculation. server string to sign is:"
        ),
        "{message}"
    );
    // The server's string to sign is the client's (same parameters, only the secret differs),
    // after the first colon, as the legacy SDK reads it.
    let server_sts = message.split_once(':').unwrap().1;
    assert_eq!(server_sts, signed.string_to_sign());
    assert!(!message.contains("wrong") && !message.contains("right"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_signature_v3() {
    wrong_secret(V3).await;
}

#[tokio::test]
async fn bad_signature_v1() {
    wrong_secret(V1).await;
}

#[tokio::test]
async fn tampered_parameter_is_refused() {
    let emu = Emulator::builder().start().await.unwrap();
    for alg in [V1, V3] {
        let c = Client::new(&emu, alg);
        let mut signed = c.sign("GetDISyncInstanceInfo", GET_INFO, &[]);
        signed.path_and_query = signed.path_and_query.replace("FileId=100", "FileId=101");
        c.send(&signed)
            .await
            .unwrap()
            .err(400, "SignatureDoesNotMatch");
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_access_key() {
    let emu = Emulator::builder().start().await.unwrap();
    for alg in [V1, V3] {
        let c = Client::new(&emu, alg).with_credentials("nobody", "x");
        let a = c.call("GetDISyncInstanceInfo", GET_INFO).await;
        assert!(a.err(404, "InvalidAccessKeyId.NotFound").contains("nobody"));
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn stale_timestamp() {
    let emu = Emulator::builder().start().await.unwrap();
    for alg in [V1, V3] {
        let c = Client::new(&emu, alg);
        let old = time::OffsetDateTime::now_utc() - time::Duration::minutes(16);
        let signed = c.sign_with(
            "GetDISyncInstanceInfo",
            GET_INFO,
            &[],
            old,
            &format!("stale-{alg}"),
        );
        let a = c.send(&signed).await.unwrap();
        a.err(400, "InvalidTimeStamp.Expired");
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn reused_nonce() {
    let emu = Emulator::builder().start().await.unwrap();
    for alg in [V1, V3] {
        let c = Client::new(&emu, alg);
        let now = time::OffsetDateTime::now_utc();
        let nonce = format!("nonce-{alg}");
        let first = c.sign_with("GetDISyncInstanceInfo", GET_INFO, &[], now, &nonce);
        c.send(&first)
            .await
            .unwrap()
            .err(400, "Invalid.DI.Parameter");
        let a = c.send(&first).await.unwrap();
        assert!(a.err(400, "SignatureNonceUsed").contains(&nonce));
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn missing_parameter() {
    let emu = Emulator::builder().start().await.unwrap();
    for alg in [V1, V3] {
        let c = Client::new(&emu, alg);
        let a = c
            .call(
                "GetDISyncInstanceInfo",
                &[("ProjectId", "10000"), ("TaskType", "DI_REALTIME")],
            )
            .await;
        assert!(a.err(400, "MissingParameter").contains("FileId"));
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_type() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let a = c
        .call(
            "GetDISyncInstanceInfo",
            &[
                ("ProjectId", "ten"),
                ("TaskType", "DI_REALTIME"),
                ("FileId", "1"),
            ],
        )
        .await;
    assert!(a.err(400, "InvalidParameter").contains("ProjectId"));
    let a = c
        .call(
            "GetDISyncInstanceInfo",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "REALTIME"),
                ("FileId", "1"),
            ],
        )
        .await;
    assert!(a.err(400, "InvalidParameter").contains("TaskType"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_action_and_version() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let a = c.call("DescribeRegions", &[]).await;
    a.err(404, "InvalidAction.NotFound");
    let mut req = dataworks_signer::RpcRequest::new("GetDISyncTask", "2017-12-12", c.host.clone());
    for (k, v) in GET_INFO {
        req = req.query_param(*k, *v);
    }
    let signed = dataworks_signer::sign_request(
        &req,
        &c.credentials,
        &dataworks_signer::SigningParams::new(V3, time::OffsetDateTime::now_utc(), "version-nonce"),
    )
    .unwrap();
    let a = c.send(&signed).await.unwrap();
    assert!(a.err(400, "InvalidVersion").contains("2020-05-18"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn unsigned_request_is_refused() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let resp = c
        .http
        .post(format!("{}/?Action=GetDISyncTask", c.endpoint))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert!(body["Code"].as_str().unwrap().len() > 3, "{body}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn oversized_body_and_url() {
    let emu = Emulator::builder()
        .limits(Limits::default().max_body_bytes(1024).max_url_bytes(2048))
        .start()
        .await
        .unwrap();
    let c = Client::new(&emu, V3);
    let big = "x".repeat(4096);
    let a = c
        .call_form(
            "CreateDISyncTask",
            &[("ProjectId", "10000")],
            &[("TaskContent", &big)],
        )
        .await;
    assert!(a.err(413, "RequestEntityTooLarge").contains("1024"));
    let a = c
        .call(
            "UpdateDISyncTask",
            &[("ProjectId", "10000"), ("TaskContent", &big)],
        )
        .await;
    assert!(a.err(414, "RequestURITooLong").contains("2048"));
    // Still serving.
    c.call("GetDISyncInstanceInfo", GET_INFO)
        .await
        .err(400, "Invalid.DI.Parameter");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn default_limits_refuse_huge_requests_cleanly() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let huge = "y".repeat(dataworks_emulator::DEFAULT_MAX_BODY_BYTES + 10);
    let a = c
        .call_form(
            "CreateDISyncTask",
            &[("ProjectId", "10000")],
            &[("TaskContent", &huge)],
        )
        .await;
    a.err(413, "RequestEntityTooLarge");
    let long = "z".repeat(dataworks_emulator::DEFAULT_MAX_URL_BYTES);
    let a = c.call("UpdateDISyncTask", &[("TaskContent", &long)]).await;
    a.err(414, "RequestURITooLong");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_path_and_method() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let resp = c
        .http
        .post(format!("{}/other", c.endpoint))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let resp = c
        .http
        .delete(format!("{}/", c.endpoint))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Code"], "UnsupportedHTTPMethod");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_workspace_and_task() {
    let emu = Emulator::builder().project(20000).start().await.unwrap();
    let c = Client::new(&emu, V3);
    let a = c
        .call(
            "GetDISyncTask",
            &[
                ("ProjectId", "30000"),
                ("TaskType", "DI_REALTIME"),
                ("FileId", "1"),
            ],
        )
        .await;
    assert!(a.err(403, "Forbidden.DI.NoPrivilege").contains("30000"));
    let a = c
        .call(
            "GetDISyncTask",
            &[
                ("ProjectId", "20000"),
                ("TaskType", "DI_REALTIME"),
                ("FileId", "100"),
            ],
        )
        .await;
    assert_eq!(
        a.err(400, "Invalid.DI.Parameter"),
        "fileId:[100] is invalid."
    );
    let a = c.query(987654).await;
    assert!(a.err(400, "Param.Invalid").contains("987654"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn duplicate_name_in_folder() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let job = fixture("batch-job.json");
    c.create("DI_OFFLINE", "same", &job, None).await.ok();
    let a = c.create("DI_OFFLINE", "same", &job, None).await;
    assert!(
        a.err(400, "Invalid.DI.Parameter.File.Existed")
            .contains("same")
    );
    assert_eq!(emu.inspect().tasks().len(), 1);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn invalid_content_is_refused() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let a = c.create("DI_OFFLINE", "bad", "{not json", None).await;
    assert!(a.err(400, "Invalid.DI.Parameter").contains("TaskContent"));
    let a = c
        .call_form(
            "CreateDISyncTask",
            &[("ProjectId", "10000"), ("TaskType", "DI_OFFLINE")],
            &[("TaskContent", &fixture("batch-job.json"))],
        )
        .await;
    assert!(a.err(400, "Invalid.DI.Parameter").contains("TaskName"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_task_param_fails_the_process() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    for (param, _why) in [
        ("{oops", "not JSON"),
        (fixture("bad-create-no-writer.json").as_str(), "no writer"),
    ] {
        let pid = c.generate_create("DI_REALTIME", param, None).await.ok()["ProcessId"]
            .as_i64()
            .unwrap();
        let q = c.query(pid).await;
        assert_eq!(q.ok()["Status"], "fail");
        let message = q.data()["Message"].as_str().unwrap();
        assert!(message.starts_with("TaskParam"), "{message}");
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn update_of_unknown_task_fails_the_process() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V1);
    let pid = c
        .generate_update(100, &fixture("update-add-table.json"))
        .await
        .ok()["ProcessId"]
        .as_i64()
        .unwrap();
    let q = c.query(pid).await;
    assert_eq!(q.ok()["Status"], "fail");
    assert_eq!(q.data()["Message"], "fileId:[100] is invalid.");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_task_type_for_the_task() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let id = c
        .create("DI_OFFLINE", "b", &fixture("batch-job.json"), None)
        .await
        .ok()["FileId"]
        .as_i64()
        .unwrap();
    let a = c.file_op("GetDISyncTask", "DI_REALTIME", id).await;
    assert!(a.err(400, "Invalid.DI.Parameter").contains("DI_OFFLINE"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn sts_token_is_checked() {
    let emu = Emulator::builder()
        .sts_credentials("sts-id", "sts-secret", "the-token")
        .start()
        .await
        .unwrap();
    for alg in [V1, V3] {
        let mut c = Client::new(&emu, alg);
        c.credentials = dataworks_signer::Credentials::new("sts-id", "sts-secret")
            .with_security_token("the-token");
        c.call("GetDISyncInstanceInfo", GET_INFO)
            .await
            .err(400, "Invalid.DI.Parameter");
        c.credentials = dataworks_signer::Credentials::new("sts-id", "sts-secret")
            .with_security_token("other-token");
        let a = c.call("GetDISyncInstanceInfo", GET_INFO).await;
        assert!(
            a.status == 400 && a.code().starts_with("InvalidSecurityToken"),
            "{:?}",
            a.body
        );
        assert!(!a.message().contains("the-token") && !a.message().contains("other-token"));
        c.credentials = dataworks_signer::Credentials::new("sts-id", "sts-secret");
        let a = c.call("GetDISyncInstanceInfo", GET_INFO).await;
        assert_eq!(a.status, 400, "{:?}", a.body);
        assert!(a.code().starts_with("InvalidSecurityToken"), "{:?}", a.body);
    }
    emu.shutdown().await.unwrap();
}
