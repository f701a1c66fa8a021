//! The server answers arbitrary input with a JSON error (or a success), never a crash, and
//! keeps serving.

mod common;

use common::{Client, V3};
use dataworks_emulator::Emulator;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_requests_get_json_answers(
        query in "[ -~]{0,120}",
        body in proptest::collection::vec(any::<u8>(), 0..200),
        auth in "[ -~]{0,80}",
        date in "[ -~]{0,30}",
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let emu = Emulator::builder().start().await.unwrap();
            let c = Client::new(&emu, V3);
            let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
            let url = format!("{}/?{}", c.endpoint, encoded.replace("%3D", "=").replace("%26", "&"));
            let mut req = c.http.post(url).body(body.clone());
            if let Ok(v) = reqwest::header::HeaderValue::from_str(&auth) {
                req = req.header("authorization", v);
            }
            if let Ok(v) = reqwest::header::HeaderValue::from_str(&date) {
                req = req.header("x-acs-date", v);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let bytes = resp.bytes().await.unwrap();
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert!((400..500).contains(&status), "{status} {json}");
            assert!(json["Code"].is_string() && json["Message"].is_string(), "{json}");
            // Still serving a well-formed request.
            let ok = c.call("GetDISyncInstanceInfo", &[("ProjectId", "10000"), ("TaskType", "DI_REALTIME"), ("FileId", "1")]).await;
            assert_eq!(ok.code(), "Invalid.DI.Parameter");
            emu.shutdown().await.unwrap();
        });
    }
}
