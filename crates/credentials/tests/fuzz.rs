//! Whatever the files hold, the chain answers without panicking and never echoes the files'
//! text; well-formed profiles give exactly their keys.

mod support;

use dataworks_credentials::{DefaultChain, ProvideCredentials};
use proptest::prelude::*;

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_files_never_panic_or_leak(json in "\\PC{0,200}", ini_text in "\\PC{0,200}",
                                            profile in proptest::option::of("[a-z]{1,8}")) {
        let home = tempfile::tempdir().unwrap();
        let marker = "zz-secret-marker-zz";
        support::write(&home.path().join(".aliyun/config.json"), &format!("{json}{marker}"));
        support::write(&home.path().join(".alibabacloud/credentials.ini"), &format!("{ini_text}\n{marker}"));
        let env = support::env(home.path()).with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
        let mut chain = DefaultChain::builder(env);
        if let Some(p) = profile {
            chain = chain.profile(p);
        }
        let chain = chain.build();
        if let Err(e) = run(chain.provide()) {
            prop_assert!(!e.to_string().contains(marker));
        }
    }

    #[test]
    fn any_ak_profile_round_trips(id in "[A-Za-z0-9]{1,30}", secret in "[ -~]{1,40}") {
        let home = tempfile::tempdir().unwrap();
        let doc = serde_json::json!({"current": "p", "profiles": [
            {"name": "p", "mode": "AK", "access_key_id": id, "access_key_secret": secret}]});
        support::write(&home.path().join(".aliyun/config.json"), &doc.to_string());
        let chain = DefaultChain::builder(support::env(home.path())).build();
        let found = run(chain.provide()).unwrap();
        prop_assert_eq!(found.credentials.access_key_id(), id.as_str());
        prop_assert_eq!(found.credentials.access_key_secret(), secret.as_str());
    }
}
