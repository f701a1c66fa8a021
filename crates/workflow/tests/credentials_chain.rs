//! The credentials chain over temporary files and an injected environment (the process
//! environment is never touched).

use std::fs;
use std::path::Path;

use dataworks_signer::Credentials;
use dataworks_workflow::credentials::{
    CredentialSource, CredentialsChain, CredentialsEnv, CredentialsError,
};

const SECRETS: &[&str] = &["env-secret", "cli-secret", "ini-secret", "sts-token-value"];

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn cli_config(home: &Path, text: &str) {
    write(&home.join(".aliyun/config.json"), text);
}

fn ini(home: &Path, text: &str) {
    write(&home.join(".alibabacloud/credentials.ini"), text);
}

const CLI_AK: &str = r#"{
  "current": "work",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "cli-default-id", "access_key_secret": "cli-secret", "region_id": "cn-hangzhou"},
    {"name": "work", "mode": "AK", "access_key_id": "cli-work-id", "access_key_secret": "cli-secret", "region_id": "cn-shanghai"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "cli-sts-id", "access_key_secret": "cli-secret", "sts_token": "sts-token-value"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "cli-secret"}
  ],
  "meta_path": ""
}"#;

const INI: &str = "[default]\ntype = access_key\naccess_key_id = ini-default-id\naccess_key_secret = ini-secret\n\n[other]\ntype = access_key\naccess_key_id = ini-other-id\naccess_key_secret = ini-secret\n\n[role]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = ini-secret\n";

fn assert_no_secret(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "secret {s:?} leaked in {text}");
    }
}

fn env_with_home(home: &Path) -> CredentialsEnv {
    CredentialsEnv::empty().with_home(home)
}

#[test]
fn explicit_beats_everything() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    let env = env_with_home(home.path())
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret");
    let found = CredentialsChain::new(env)
        .explicit(Credentials::new("explicit-id", "explicit-secret"))
        .resolve()
        .unwrap();
    assert_eq!(found.source, CredentialSource::Explicit);
    assert_eq!(found.credentials.access_key_id(), "explicit-id");
}

#[test]
fn environment_beats_files_and_carries_the_token() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    ini(home.path(), INI);
    let env = env_with_home(home.path())
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
        .with_var("ALIBABA_CLOUD_SECURITY_TOKEN", "sts-token-value");
    let found = CredentialsChain::new(env).resolve().unwrap();
    assert_eq!(found.source, CredentialSource::Environment);
    assert_eq!(found.credentials.access_key_id(), "env-id");
    assert_eq!(found.credentials.security_token(), Some("sts-token-value"));
    assert_no_secret(&format!("{found:?}"));
}

#[test]
fn half_set_environment_is_broken_and_stops_the_chain() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    let env = env_with_home(home.path()).with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id");
    let err = CredentialsChain::new(env).resolve().unwrap_err();
    assert!(matches!(err, CredentialsError::Broken { .. }), "{err}");
    assert!(err.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
}

#[test]
fn cli_profile_uses_current_then_env_profile_then_flag() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    let found = CredentialsChain::new(env_with_home(home.path()))
        .resolve()
        .unwrap();
    assert_eq!(found.credentials.access_key_id(), "cli-work-id");
    assert_eq!(found.region.as_deref(), Some("cn-shanghai"));
    assert!(matches!(
        &found.source,
        CredentialSource::CliProfile { profile, .. } if profile == "work"
    ));

    let env = env_with_home(home.path()).with_var("ALIBABA_CLOUD_PROFILE", "default");
    let found = CredentialsChain::new(env.clone()).resolve().unwrap();
    assert_eq!(found.credentials.access_key_id(), "cli-default-id");

    let found = CredentialsChain::new(env).profile("sts").resolve().unwrap();
    assert_eq!(found.credentials.access_key_id(), "cli-sts-id");
    assert_eq!(found.credentials.security_token(), Some("sts-token-value"));
}

#[test]
fn unsupported_cli_mode_is_broken_and_named() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    ini(home.path(), INI);
    let err = CredentialsChain::new(env_with_home(home.path()))
        .profile("role")
        .resolve()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("config.json") && text.contains("RamRoleArn"),
        "{text}"
    );
    assert_no_secret(&text);
}

#[test]
fn invalid_cli_json_is_broken() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), "{ \"current\": \"cli-secret\", ");
    let err = CredentialsChain::new(env_with_home(home.path()))
        .resolve()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("not valid JSON") && text.contains("line"),
        "{text}"
    );
    assert_no_secret(&text);
}

#[test]
fn sts_profile_without_token_is_broken() {
    let home = tempfile::tempdir().unwrap();
    cli_config(
        home.path(),
        r#"{"current":"s","profiles":[{"name":"s","mode":"StsToken","access_key_id":"i","access_key_secret":"cli-secret"}]}"#,
    );
    let err = CredentialsChain::new(env_with_home(home.path()))
        .resolve()
        .unwrap_err();
    assert!(err.to_string().contains("sts_token"), "{err}");
}

#[test]
fn disabled_cli_profile_falls_through_to_the_ini_file() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    ini(home.path(), INI);
    let env = env_with_home(home.path()).with_var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    let found = CredentialsChain::new(env).resolve().unwrap();
    assert_eq!(found.credentials.access_key_id(), "ini-default-id");
}

#[test]
fn missing_cli_profile_falls_through_to_the_ini_section() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    ini(home.path(), INI);
    let found = CredentialsChain::new(env_with_home(home.path()))
        .profile("other")
        .resolve()
        .unwrap();
    assert_eq!(found.credentials.access_key_id(), "ini-other-id");
    assert!(matches!(
        &found.source,
        CredentialSource::CredentialsFile { section, .. } if section == "other"
    ));
}

#[test]
fn ini_file_from_the_environment_variable() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = home.path().join("somewhere/creds.ini");
    write(&elsewhere, INI);
    let env = env_with_home(home.path()).with_var(
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        elsewhere.to_str().unwrap(),
    );
    let found = CredentialsChain::new(env).resolve().unwrap();
    assert_eq!(found.credentials.access_key_id(), "ini-default-id");
}

#[test]
fn ini_file_named_but_missing_is_broken() {
    let home = tempfile::tempdir().unwrap();
    let env = env_with_home(home.path()).with_var(
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        home.path().join("nope.ini").to_str().unwrap(),
    );
    let err = CredentialsChain::new(env).resolve().unwrap_err();
    assert!(
        err.to_string().contains("ALIBABA_CLOUD_CREDENTIALS_FILE"),
        "{err}"
    );
}

#[test]
fn ini_other_types_and_bad_syntax_are_broken() {
    let home = tempfile::tempdir().unwrap();
    ini(home.path(), INI);
    let err = CredentialsChain::new(env_with_home(home.path()))
        .profile("role")
        .resolve()
        .unwrap_err();
    assert!(err.to_string().contains("ram_role_arn"), "{err}");
    assert_no_secret(&err.to_string());

    ini(home.path(), "[default\naccess_key_secret = ini-secret\n");
    let err = CredentialsChain::new(env_with_home(home.path()))
        .resolve()
        .unwrap_err();
    assert!(err.to_string().contains("not a valid INI"), "{err}");
    assert_no_secret(&err.to_string());

    ini(
        home.path(),
        "[default]\naccess_key_id = a\naccess_key_secret = ini-secret\n",
    );
    let err = CredentialsChain::new(env_with_home(home.path()))
        .resolve()
        .unwrap_err();
    assert!(err.to_string().contains("type = access_key"), "{err}");
}

#[test]
fn nothing_found_lists_every_source_with_paths() {
    let home = tempfile::tempdir().unwrap();
    let err = CredentialsChain::new(env_with_home(home.path()))
        .resolve()
        .unwrap_err();
    let CredentialsError::NotFound { tried } = &err else {
        panic!("{err}");
    };
    assert_eq!(tried.len(), 4);
    let text = err.to_string();
    assert!(text.contains("explicit"), "{text}");
    assert!(text.contains("environment"), "{text}");
    assert!(text.contains("config.json"), "{text}");
    assert!(text.contains("credentials.ini"), "{text}");
}

#[test]
fn the_client_takes_its_region_from_the_cli_profile_when_none_is_given() {
    use std::sync::Arc;

    use dataworks_workflow::testing::FakeTransport;
    use dataworks_workflow::{BuildError, Client, HttpResponse};

    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    let fake = Arc::new(FakeTransport::new(|_| Ok(HttpResponse::new(200, "{}"))));
    let client = Client::builder()
        .credentials_chain(CredentialsChain::new(env_with_home(home.path())))
        .transport(fake.clone())
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint().to_string(),
        "https://dataworks.cn-shanghai.aliyuncs.com"
    );
    assert!(matches!(
        client.credential_source(),
        CredentialSource::CliProfile { .. }
    ));
    // An explicit region wins; with neither, and credentials naming none, it is an error.
    let client = Client::builder()
        .region("eu-central-1")
        .credentials_chain(CredentialsChain::new(env_with_home(home.path())))
        .transport(fake.clone())
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint().authority(),
        "dataworks.eu-central-1.aliyuncs.com"
    );
    let err = Client::builder()
        .credentials(Credentials::new("a", "b"))
        .transport(fake)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::NoEndpoint), "{err}");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the files hold, the chain answers (found, broken or not found) without
        /// panicking, and never echoes the files' text in an error.
        #[test]
        fn arbitrary_files_never_panic_or_leak(json in "\\PC{0,200}", ini_text in "\\PC{0,200}",
                                                profile in proptest::option::of("[a-z]{1,8}")) {
            let home = tempfile::tempdir().unwrap();
            let marker = "zz-secret-marker-zz";
            cli_config(home.path(), &format!("{json}{marker}"));
            ini(home.path(), &format!("{ini_text}\n{marker}"));
            let mut chain = CredentialsChain::new(env_with_home(home.path()));
            if let Some(p) = profile {
                chain = chain.profile(p);
            }
            if let Err(e) = chain.resolve() {
                prop_assert!(!e.to_string().contains(marker));
            }
        }

        /// Well-formed AK profiles with any id/secret resolve to exactly those values.
        #[test]
        fn any_ak_profile_round_trips(id in "[A-Za-z0-9]{1,30}", secret in "[ -~]{1,40}") {
            let home = tempfile::tempdir().unwrap();
            let doc = serde_json::json!({"current": "p", "profiles": [
                {"name": "p", "mode": "AK", "access_key_id": id, "access_key_secret": secret}]});
            cli_config(home.path(), &doc.to_string());
            let found = CredentialsChain::new(env_with_home(home.path())).resolve().unwrap();
            prop_assert_eq!(found.credentials.access_key_id(), id.as_str());
            prop_assert_eq!(found.credentials.access_key_secret(), secret.as_str());
        }
    }
}
