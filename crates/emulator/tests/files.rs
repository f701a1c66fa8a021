//! ListFiles and GetFile over loopback, by raw signed HTTP with both signatures: the stored
//! tasks seen as files, every filter, paging, content, and the refusals; and every parameter
//! read from either the query or the form body.

mod common;

use common::{Answer, Client, V1, V3, fixture};
use dataworks_emulator::Emulator;
use dataworks_signer::SignatureAlgorithm;
use serde_json::Value;

const FOLDER_A: &str = "Business Flow/sales/Data Integration";
const FOLDER_B: &str = "Business Flow/finance/Data Integration";

/// Creates a task of `task_type` named `name` in `folder`; returns its FileId.
async fn create(c: &Client, task_type: &str, name: &str, folder: &str) -> i64 {
    let content = if task_type == "DI_OFFLINE" {
        fixture("batch-job.json")
    } else {
        let pid = c
            .generate_create(task_type, &fixture("create-holo.json"), None)
            .await
            .ok()["ProcessId"]
            .as_i64()
            .unwrap();
        let q = c.query(pid).await;
        q.ok()["TaskContent"].as_str().unwrap().to_string()
    };
    let param = serde_json::json!({ "FileFolderPath": folder }).to_string();
    let created = c
        .call_form(
            "CreateDISyncTask",
            &[
                ("ProjectId", "10000"),
                ("TaskType", task_type),
                ("TaskName", name),
            ],
            &[("TaskParam", &param), ("TaskContent", &content)],
        )
        .await;
    created.ok()["FileId"].as_i64().unwrap()
}

/// ListFiles with every parameter in the form body, as the official SDK sends them.
async fn list(c: &Client, params: &[(&str, &str)]) -> Answer {
    let mut form = vec![("ProjectId", "10000")];
    form.extend_from_slice(params);
    c.call_form("ListFiles", &[], &form).await
}

fn names(data: &Value) -> Vec<String> {
    data["Files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["FileName"].as_str().unwrap().to_string())
        .collect()
}

async fn files_by_filter(algorithm: SignatureAlgorithm) {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, algorithm);
    let orders = create(&c, "DI_REALTIME", "rt_orders", FOLDER_A).await;
    let users = create(&c, "DI_REALTIME", "rt_users", FOLDER_B).await;
    let batch = create(&c, "DI_OFFLINE", "batch_orders", FOLDER_A).await;
    let same_name = create(&c, "DI_OFFLINE", "rt_orders", FOLDER_B).await;
    c.file_op("DeployDISyncTask", "DI_REALTIME", orders)
        .await
        .ok();

    // No filter: every file, by FileId, default page of 10, no content.
    let all = list(&c, &[]).await;
    let data = all.ok();
    assert_eq!(data["TotalCount"], 4);
    assert_eq!(data["PageNumber"], 1);
    assert_eq!(data["PageSize"], 10);
    assert_eq!(
        names(data),
        ["rt_orders", "rt_users", "batch_orders", "rt_orders"]
    );
    let first = &data["Files"][0];
    assert_eq!(first["FileId"], orders);
    assert_eq!(first["FileType"], 900);
    assert_eq!(first["CommitStatus"], 1, "deployed");
    assert_eq!(first["NodeId"], orders);
    assert!(first.get("Content").is_none(), "{first}");
    assert!(first.get("AbsoluteFolderPath").is_none(), "{first}");
    assert_eq!(data["Files"][1]["CommitStatus"], 0, "never deployed");
    assert!(data["Files"][1].get("NodeId").is_none());
    assert_eq!(data["Files"][2]["FileType"], 23);

    // The identity of a task: exact name in an exact folder.
    let found = list(
        &c,
        &[
            ("ExactFileName", "rt_orders"),
            ("FileFolderPath", FOLDER_A),
            ("FileTypes", "23,900"),
        ],
    )
    .await;
    let data = found.ok();
    assert_eq!(data["TotalCount"], 1);
    assert_eq!(data["Files"][0]["FileId"], orders);
    let by_name = list(&c, &[("ExactFileName", "rt_orders")]).await;
    assert_eq!(
        by_name.ok()["TotalCount"],
        2,
        "the name is taken in two folders"
    );
    assert_eq!(
        list(&c, &[("ExactFileName", "rt_order")]).await.ok()["TotalCount"],
        0
    );

    // Folder, keyword, types, ids.
    assert_eq!(
        names(list(&c, &[("FileFolderPath", FOLDER_B)]).await.ok()),
        ["rt_users", "rt_orders"]
    );
    assert_eq!(
        list(&c, &[("FileFolderPath", "Business Flow/sales")])
            .await
            .ok()["TotalCount"],
        0,
        "exact folder, not a prefix"
    );
    assert_eq!(
        names(list(&c, &[("Keyword", "orders")]).await.ok()),
        ["rt_orders", "batch_orders", "rt_orders"]
    );
    assert_eq!(
        list(&c, &[("Keyword", "ORDERS")]).await.ok()["TotalCount"],
        0,
        "case-sensitive"
    );
    assert_eq!(
        names(list(&c, &[("FileTypes", "23")]).await.ok()),
        ["batch_orders", "rt_orders"]
    );
    assert_eq!(
        list(&c, &[("FileTypes", "10,24")]).await.ok()["TotalCount"],
        0
    );
    let ids = format!("{users}, {same_name}");
    assert_eq!(
        names(list(&c, &[("FileIdIn", &ids)]).await.ok()),
        ["rt_users", "rt_orders"]
    );
    let node = orders.to_string();
    assert_eq!(list(&c, &[("NodeId", &node)]).await.ok()["TotalCount"], 1);
    let undeployed = users.to_string();
    assert_eq!(
        list(&c, &[("NodeId", &undeployed)]).await.ok()["TotalCount"],
        0
    );
    assert_eq!(
        list(&c, &[("UseType", "NORMAL")]).await.ok()["TotalCount"],
        4
    );
    assert_eq!(
        list(&c, &[("UseType", "MANUAL")]).await.ok()["TotalCount"],
        0
    );
    assert_eq!(
        list(&c, &[("Owner", "someone-else")]).await.ok()["TotalCount"],
        0
    );
    assert_eq!(
        list(&c, &[("Owner", dataworks_emulator::EMULATOR_ACCOUNT)])
            .await
            .ok()["TotalCount"],
        4
    );

    // Content and folder path on demand (the Python SDK spells booleans `True`).
    let with = list(
        &c,
        &[
            ("FileIdIn", &batch.to_string()),
            ("NeedContent", "True"),
            ("NeedAbsoluteFolderPath", "true"),
        ],
    )
    .await;
    let file = &with.ok()["Files"][0];
    assert_eq!(file["Content"].as_str().unwrap(), fixture("batch-job.json"));
    assert_eq!(file["AbsoluteFolderPath"], FOLDER_A);
}

#[tokio::test]
async fn list_files_filters_with_the_acs3_signature() {
    files_by_filter(V3).await;
}

#[tokio::test]
async fn list_files_filters_with_the_v1_signature() {
    files_by_filter(V1).await;
}

#[tokio::test]
async fn list_files_pages_and_counts() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let job = fixture("batch-job.json");
    for i in 0..23 {
        c.create("DI_OFFLINE", &format!("t{i:02}"), &job, None)
            .await
            .ok();
    }
    let mut seen = Vec::new();
    for page in 1..=3 {
        let p = page.to_string();
        let answer = list(&c, &[("PageNumber", &p), ("PageSize", "10")]).await;
        let data = answer.ok();
        assert_eq!(data["TotalCount"], 23);
        assert_eq!(data["PageNumber"], page);
        seen.extend(names(data));
    }
    let expected: Vec<String> = (0..23).map(|i| format!("t{i:02}")).collect();
    assert_eq!(seen, expected);
    let past = list(&c, &[("PageNumber", "4")]).await;
    assert_eq!(past.ok()["Files"].as_array().unwrap().len(), 0);
    assert_eq!(past.data()["TotalCount"], 23);
    let max = list(&c, &[("PageSize", "100")]).await;
    assert_eq!(max.ok()["Files"].as_array().unwrap().len(), 23);

    for (name, value) in [("PageSize", "101"), ("PageSize", "0"), ("PageNumber", "0")] {
        let answer = list(&c, &[(name, value)]).await;
        let message = answer.err(400, "InvalidParameter");
        assert!(message.contains(name), "{message}");
    }
    let too_many: Vec<String> = (1..=51).map(|i| i.to_string()).collect();
    let answer = list(&c, &[("FileIdIn", &too_many.join(","))]).await;
    assert!(answer.err(400, "InvalidParameter").contains("at most 50"));
    let answer = list(&c, &[("FileTypes", "realtime")]).await;
    assert!(answer.err(400, "InvalidParameter").contains("FileTypes"));
    let answer = list(&c, &[("NeedContent", "yes")]).await;
    answer.err(400, "InvalidParameter");
}

#[tokio::test]
async fn list_files_needs_a_known_workspace() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let answer = c.call_form("ListFiles", &[], &[("Keyword", "x")]).await;
    assert!(answer.err(400, "MissingParameter").contains("ProjectId"));
    let answer = c
        .call_form("ListFiles", &[], &[("ProjectIdentifier", "dw_project")])
        .await;
    assert!(answer.err(400, "InvalidParameter").contains("ProjectId"));
    let answer = c
        .call_form("ListFiles", &[], &[("ProjectId", "424242")])
        .await;
    answer.err(403, "Forbidden.DI.NoPrivilege");
}

#[tokio::test]
async fn get_file_returns_content_and_commit_state() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V1);
    let id = create(&c, "DI_REALTIME", "rt_orders", FOLDER_A).await;
    let fid = id.to_string();
    let get = |params: Vec<(&'static str, String)>| {
        let c = &c;
        async move {
            let form: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.call_form("GetFile", &[], &form).await
        }
    };
    let answer = get(vec![("ProjectId", "10000".into()), ("FileId", fid.clone())]).await;
    let file = &answer.ok()["File"];
    let stored = emu.inspect().task(id).unwrap();
    assert_eq!(file["Content"].as_str().unwrap(), stored.content);
    assert_eq!(file["FileName"], "rt_orders");
    assert_eq!(file["FileType"], 900);
    assert_eq!(file["CommitStatus"], 0);
    assert_eq!(file["CurrentVersion"], 1);
    assert_eq!(file["DeletedStatus"], "NORMAL");
    assert!(answer.data()["NodeConfiguration"].is_object());

    // By node id only once deployed; committed while the deployed version is current.
    let by_node = get(vec![("ProjectId", "10000".into()), ("NodeId", fid.clone())]).await;
    by_node.err(400, "InvalidParameter");
    c.file_op("DeployDISyncTask", "DI_REALTIME", id).await.ok();
    let by_node = get(vec![("ProjectId", "10000".into()), ("NodeId", fid.clone())]).await;
    assert_eq!(by_node.ok()["File"]["CommitStatus"], 1);
    assert_eq!(by_node.data()["File"]["NodeId"], id);

    let missing = get(vec![
        ("ProjectId", "10000".into()),
        ("FileId", "999999".into()),
    ])
    .await;
    assert!(missing.err(400, "InvalidParameter").contains("999999"));
    let neither = get(vec![("ProjectId", "10000".into())]).await;
    assert!(neither.err(400, "MissingParameter").contains("FileId"));
}

/// The service reads a parameter from the query or the form body: so does the emulator, for
/// the DI operations (documents in the query, as the official SDK sends UpdateDISyncTask) and
/// for the file operations (everything in the query, unlike the SDK).
#[tokio::test]
async fn every_parameter_is_read_from_either_place() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = Client::new(&emu, V3);
    let id = create(&c, "DI_OFFLINE", "b", FOLDER_A).await;
    let fid = id.to_string();
    // All in the body, even the scalars.
    let read = c
        .call_form(
            "GetDISyncTask",
            &[],
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_OFFLINE"),
                ("FileId", &fid),
            ],
        )
        .await;
    read.ok();
    // The document in the query.
    let mut job: Value = serde_json::from_str(&fixture("batch-job.json")).unwrap();
    job["setting"]["speed"]["concurrent"] = 3.into();
    let job = job.to_string();
    let updated = c
        .call(
            "UpdateDISyncTask",
            &[
                ("ProjectId", "10000"),
                ("TaskType", "DI_OFFLINE"),
                ("FileId", &fid),
                ("TaskContent", &job),
            ],
        )
        .await;
    updated.ok();
    assert_eq!(emu.inspect().task(id).unwrap().content, job);
    // A file operation entirely in the query.
    let listed = c
        .call(
            "ListFiles",
            &[
                ("ProjectId", "10000"),
                ("ExactFileName", "b"),
                ("NeedContent", "true"),
            ],
        )
        .await;
    assert_eq!(listed.ok()["Files"][0]["Content"].as_str().unwrap(), job);
}
