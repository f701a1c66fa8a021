//! Every provider, mode and broken input of the default chain, over loopback fakes of STS,
//! the ECS metadata service and a credentials URI. The environment is always loopback-only.

mod support;

use std::path::Path;
use std::sync::atomic::Ordering;

use dataworks_credentials::{CredentialsEnv, CredentialsError, DefaultChain, ProvideCredentials};
use support::*;

const NO_ECS: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";

/// Resolves the chain with the fakes at `server`; (provider, access key id) or the error.
async fn resolve(
    env: CredentialsEnv,
    server: &Server,
) -> Result<(String, String), CredentialsError> {
    let chain = DefaultChain::builder(env)
        .sts_endpoint(server.url())
        .metadata_address(server.url())
        .build();
    let provided = chain.provide().await;
    if let Ok(p) = &provided {
        assert_no_secret(&format!("{p:?}"));
    }
    if let Err(e) = &provided {
        assert_no_secret(&e.to_string());
        assert_no_secret(&format!("{e:?}"));
    }
    provided.map(|p| (p.provider, p.credentials.access_key_id().to_owned()))
}

fn cli(home: &Path, text: &str) {
    write(&home.join(".aliyun/config.json"), text);
}

fn ini(home: &Path, text: &str) {
    write(&home.join(".alibabacloud/credentials.ini"), text);
}

fn ok(r: Result<(String, String), CredentialsError>) -> (String, String) {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn environment_keys_win_and_carry_the_token() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    cli(
        home.path(),
        r#"{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"cli","access_key_secret":"x"}]}"#,
    );
    let env = support::env(home.path())
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
        .with_var("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token");
    let chain = DefaultChain::builder(env).build();
    let p = chain.provide().await.unwrap();
    assert_eq!(p.provider, "default/env");
    assert_eq!(p.credentials.security_token(), Some("env-token"));
    drop(s);
}

#[tokio::test]
async fn a_half_set_environment_is_recorded_and_the_chain_goes_on() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    cli(
        home.path(),
        r#"{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"cli-id","access_key_secret":"x"}]}"#,
    );
    let env = support::env(home.path()).with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id");
    assert_eq!(
        ok(resolve(env, &s).await),
        ("default/cli_profile/static_ak".into(), "cli-id".into())
    );
}

#[tokio::test]
async fn oidc_role_from_the_environment_and_a_missing_token_file() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    let token = home.path().join("token");
    write(&token, OIDC_TOKEN);
    let env = support::env(home.path())
        .with_var("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/rrsa")
        .with_var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER)
        .with_var("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.to_str().unwrap())
        .with_var(NO_ECS, "true");
    assert_eq!(
        ok(resolve(env.clone(), &s).await),
        ("default/oidc_role_arn".into(), "oidc-rrsa#1".into())
    );
    // The token file is gone: the OIDC provider's error is recorded, the chain goes on.
    std::fs::remove_file(&token).unwrap();
    ini(
        home.path(),
        "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = s\n",
    );
    assert_eq!(ok(resolve(env.clone(), &s).await).1, "ini-id");
    ini(home.path(), "");
    let err = resolve(env, &s).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("oidc_role_arn") && text.contains("OIDC token file"),
        "{text}"
    );
}

#[tokio::test]
async fn cli_profile_modes() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    let script = home.path().join("creds.sh");
    write(
        &script,
        "#!/bin/sh\necho '{\"mode\":\"StsToken\",\"access_key_id\":\"external-id\",\"access_key_secret\":\"x\",\"sts_token\":\"t\",\"expiration\":\"2099-01-01T00:00:00Z\"}'\n",
    );
    let token = home.path().join("token");
    write(&token, OIDC_TOKEN);
    let config = serde_json::json!({
        "current": "ak",
        "profiles": [
            {"name": "ak", "mode": "AK", "access_key_id": "ak-id", "access_key_secret": "x"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "sts-id", "access_key_secret": "x", "sts_token": "t"},
            {"name": "sts-broken", "mode": "StsToken", "access_key_id": "sts-id", "access_key_secret": "x"},
            {"name": "role", "mode": "RamRoleArn", "access_key_id": SOURCE_ID, "access_key_secret": SOURCE_SECRET,
             "ram_role_arn": "acs:ram::1:role/first", "ram_session_name": "s", "expired_seconds": 900},
            {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role", "ram_role_arn": "acs:ram::1:role/second"},
            {"name": "loop-a", "mode": "ChainableRamRoleArn", "source_profile": "loop-b", "ram_role_arn": "acs:ram::1:role/x"},
            {"name": "loop-b", "mode": "ChainableRamRoleArn", "source_profile": "loop-a", "ram_role_arn": "acs:ram::1:role/x"},
            {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "named-role"},
            {"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/k8s", "oidc_provider_arn": OIDC_PROVIDER,
             "oidc_token_file": token.to_str().unwrap()},
            {"name": "external", "mode": "External", "process_command": format!("sh {}", script.display())},
            {"name": "sso", "mode": "CloudSSO"},
            {"name": "odd", "mode": "Nonsense"},
            {"name": "short", "mode": "RamRoleArn", "access_key_id": SOURCE_ID, "access_key_secret": SOURCE_SECRET,
             "ram_role_arn": "acs:ram::1:role/first", "expired_seconds": 600}
        ]
    });
    cli(home.path(), &config.to_string());
    let with = |profile: &str| {
        support::env(home.path())
            .with_var("ALIBABA_CLOUD_PROFILE", profile)
            .with_var(NO_ECS, "true")
    };
    let cases = [
        ("ak", "default/cli_profile/static_ak", "ak-id"),
        ("sts", "default/cli_profile/static_sts", "sts-id"),
        (
            "role",
            "default/cli_profile/ram_role_arn/static_ak",
            "role-first#1",
        ),
        (
            "chained",
            "default/cli_profile/ram_role_arn/ram_role_arn/static_ak",
            "role-second#3",
        ),
        (
            "ecs",
            "default/cli_profile/ecs_ram_role",
            "ecs-named-role#4",
        ),
        ("oidc", "default/cli_profile/oidc_role_arn", "oidc-k8s#5"),
        ("external", "default/cli_profile/external", "external-id"),
    ];
    for (profile, provider, id) in cases {
        let env = if profile == "ecs" {
            support::env(home.path()).with_var("ALIBABA_CLOUD_PROFILE", profile)
        } else {
            with(profile)
        };
        let got = resolve(env, &s).await;
        assert_eq!(
            ok(got),
            (provider.to_owned(), id.to_owned()),
            "profile {profile}"
        );
    }
    for (profile, message) in [
        ("sts-broken", "security token is empty"),
        ("loop-a", "source_profile loop: loop-a -> loop-b -> loop-a"),
        ("sso", "CloudSSO is not supported"),
        ("odd", "unsupported profile mode 'Nonsense'"),
        ("short", "under 900"),
        ("missing", "unable to get profile with 'missing'"),
    ] {
        let err = resolve(with(profile), &s).await.unwrap_err();
        assert!(
            err.to_string().contains(message),
            "profile {profile}: {err}"
        );
    }
}

#[tokio::test]
async fn cli_profile_selection_bad_json_and_disabled() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    cli(
        home.path(),
        r#"{"current":"a","profiles":[
        {"name":"a","mode":"AK","access_key_id":"a-id","access_key_secret":"x"},
        {"name":"b","mode":"AK","access_key_id":"b-id","access_key_secret":"x"}]}"#,
    );
    let env = support::env(home.path()).with_var(NO_ECS, "true");
    assert_eq!(ok(resolve(env.clone(), &s).await).1, "a-id");
    assert_eq!(
        ok(resolve(env.clone().with_var("ALIBABA_CLOUD_PROFILE", "b"), &s).await).1,
        "b-id"
    );
    let flag = DefaultChain::builder(env.clone().with_var("ALIBABA_CLOUD_PROFILE", "a"))
        .profile("b")
        .build();
    assert_eq!(
        flag.provide().await.unwrap().credentials.access_key_id(),
        "b-id"
    );
    let disabled = env
        .clone()
        .with_var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    let err = resolve(disabled, &s).await.unwrap_err();
    assert!(
        err.to_string().contains("cli credentials file is disabled"),
        "{err}"
    );
    cli(home.path(), r#"{"current": "a", "profiles": [}"#);
    let err = resolve(env.clone(), &s).await.unwrap_err();
    assert!(
        err.to_string().contains("failed to parse credential")
            && err.to_string().contains("line 1"),
        "{err}"
    );
    cli(
        home.path(),
        r#"{"profiles":[{"name":"a","mode":"AK","access_key_id":"a-id","access_key_secret":"x"}]}"#,
    );
    let err = resolve(env, &s).await.unwrap_err();
    assert!(err.to_string().contains("invalid profile name"), "{err}");
}

#[tokio::test]
async fn credentials_file_types() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    let token = home.path().join("token");
    write(&token, OIDC_TOKEN);
    let file = home.path().join("elsewhere.ini");
    write(
        &file,
        &format!(
            "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = s\n\n\
             [role]\ntype = ram_role_arn\naccess_key_id = {SOURCE_ID}\naccess_key_secret = {SOURCE_SECRET}\nrole_arn = acs:ram::1:role/ini\n\n\
             [oidc]\ntype = oidc_role_arn\nrole_arn = acs:ram::1:role/ini-oidc\noidc_provider_arn = {OIDC_PROVIDER}\noidc_token_file_path = {}\n\n\
             [ecs]\ntype = ecs_ram_role\nrole_name = ini-role\n\n\
             [rsa]\ntype = rsa_key_pair\n\n[none]\naccess_key_id = x\n",
            token.display()
        ),
    );
    let with = |section: &str| {
        support::env(home.path())
            .with_var("ALIBABA_CLOUD_CREDENTIALS_FILE", file.to_str().unwrap())
            .with_var("ALIBABA_CLOUD_PROFILE", section)
    };
    for (section, provider, id) in [
        ("default", "default/profile/static_ak", "ini-id"),
        (
            "role",
            "default/profile/ram_role_arn/static_ak",
            "role-ini#1",
        ),
        ("oidc", "default/profile/oidc_role_arn", "oidc-ini-oidc#2"),
        ("ecs", "default/profile/ecs_ram_role", "ecs-ini-role#3"),
    ] {
        assert_eq!(
            ok(resolve(with(section), &s).await),
            (provider.into(), id.into()),
            "[{section}]"
        );
    }
    for (section, message) in [
        ("rsa", "rsa_key_pair is not supported"),
        ("none", "unsupported credential type (none)"),
        ("absent", "has no section [absent]"),
    ] {
        let err = resolve(with(section).with_var(NO_ECS, "true"), &s)
            .await
            .unwrap_err();
        assert!(err.to_string().contains(message), "[{section}]: {err}");
    }
    write(&file, "[default]\ntype = access_key\nbroken line\n");
    let err = resolve(with("default").with_var(NO_ECS, "true"), &s)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[tokio::test]
async fn ecs_role_imdsv2_discovery_and_v1_fallback() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    let env = support::env(home.path());
    s.fake.require_token.store(true, Ordering::SeqCst);
    assert_eq!(
        ok(resolve(env.clone(), &s).await),
        ("default/ecs_ram_role".into(), format!("ecs-{ROLE}#1"))
    );
    let seen = s.seen();
    assert_eq!(
        seen,
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/ram/security-credentials/",
            "PUT /latest/api/token",
            &format!("GET /latest/meta-data/ram/security-credentials/{ROLE}"),
        ]
    );
    // 403 to the token request: IMDSv1 (no token) is used...
    s.fake.require_token.store(false, Ordering::SeqCst);
    s.fake.token_forbidden.store(true, Ordering::SeqCst);
    let named = env.clone().with_var("ALIBABA_CLOUD_ECS_METADATA", "given");
    assert_eq!(ok(resolve(named.clone(), &s).await).1, "ecs-given#2");
    // ...unless IMDSv1 is disabled.
    let strict = named.with_var("ALIBABA_CLOUD_IMDSV1_DISABLED", "true");
    let err = resolve(strict, &s).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("HTTP 403 to the IMDSv2 token request"),
        "{err}"
    );
}

#[tokio::test]
async fn ecs_through_http_proxy_and_refusal_of_non_loopback_addresses() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    // The official address, reached through HTTP_PROXY (a loopback proxy: allowed).
    let chain =
        DefaultChain::builder(support::env(home.path()).with_var("HTTP_PROXY", &s.url())).build();
    let p = chain.provide().await.unwrap();
    assert_eq!(p.provider, "default/ecs_ram_role");
    // Without the proxy, the loopback-only environment refuses 100.100.100.200 (nothing sent).
    let chain = DefaultChain::builder(support::env(home.path())).build();
    let err = chain.provide().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("refusing to contact http://100.100.100.200/"),
        "{err}"
    );
    // And the official STS host.
    write(&home.path().join("t"), OIDC_TOKEN);
    let env = support::env(home.path())
        .with_var(NO_ECS, "true")
        .with_var("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r")
        .with_var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER)
        .with_var(
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            home.path().join("t").to_str().unwrap(),
        );
    let err = DefaultChain::builder(env)
        .build()
        .provide()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("refusing to contact https://sts.aliyuncs.com/"),
        "{err}"
    );
}

#[tokio::test]
async fn credentials_uri_expired_and_short_lived_answers() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    let env = support::env(home.path()).with_var(NO_ECS, "true").with_var(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        &format!("{}/credentials", s.url()),
    );
    let chain = DefaultChain::builder(env.clone()).build();
    let first = chain.provide().await.unwrap();
    assert_eq!(
        (first.provider.as_str(), first.credentials.access_key_id()),
        ("default/credential_uri", "uri#1")
    );
    assert!(first.credentials.expiration().is_some());
    // Cached while fresh.
    assert_eq!(
        chain.provide().await.unwrap().credentials.access_key_id(),
        "uri#1"
    );
    // Inside the stale window: used, and fetched again on every call.
    *s.fake.lifetime.lock().unwrap() = Some(600);
    let chain = DefaultChain::builder(env.clone()).build();
    assert_eq!(
        chain.provide().await.unwrap().credentials.access_key_id(),
        "uri#2"
    );
    assert_eq!(
        chain.provide().await.unwrap().credentials.access_key_id(),
        "uri#3"
    );
    // Already expired, nothing cached: an error naming the expiration.
    *s.fake.lifetime.lock().unwrap() = Some(-60);
    let chain = DefaultChain::builder(env.clone()).build();
    let err = chain.provide().await.unwrap_err();
    assert!(err.to_string().contains("expired at"), "{err}");
    // A URI that answers 500.
    s.fake.down.store(true, Ordering::SeqCst);
    let err = DefaultChain::builder(env)
        .build()
        .provide()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("HTTP 500"), "{err}");
}

#[tokio::test]
async fn nothing_works_lists_every_provider() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    let env = support::env(home.path()).with_var(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        &format!("{}/nothing", s.url()),
    );
    s.fake.down.store(true, Ordering::SeqCst);
    let err = resolve(env, &s).await.unwrap_err();
    let names: Vec<&str> = err.tried().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "env",
            "cli_profile",
            "profile",
            "ecs_ram_role",
            "credential_uri"
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("unable to load credentials from any of the providers in the chain"),
        "{text}"
    );
    assert!(
        text.contains("config.json")
            && text.contains("credentials.ini")
            && text.contains("HTTP 500"),
        "{text}"
    );
}

#[tokio::test]
async fn the_chain_keeps_the_provider_that_worked() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    cli(
        home.path(),
        r#"{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"a-id","access_key_secret":"x"}]}"#,
    );
    let chain = DefaultChain::builder(support::env(home.path()).with_var(NO_ECS, "true")).build();
    assert_eq!(
        chain.provide().await.unwrap().credentials.access_key_id(),
        "a-id"
    );
    // The file changes: the provider already built keeps its credentials (as the official one).
    cli(home.path(), r#"{"current":"a","profiles":[]}"#);
    assert_eq!(
        chain.provide().await.unwrap().credentials.access_key_id(),
        "a-id"
    );
    drop(s);
}

#[tokio::test]
async fn assume_role_refused_by_sts_reports_the_service_error() {
    let s = start().await;
    let home = tempfile::tempdir().unwrap();
    cli(home.path(), &serde_json::json!({"current":"r","profiles":[{"name":"r","mode":"RamRoleArn","access_key_id":SOURCE_ID,"access_key_secret":"wrong","ram_role_arn":"acs:ram::1:role/x"}]}).to_string());
    let err = resolve(support::env(home.path()).with_var(NO_ECS, "true"), &s)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("SignatureDoesNotMatch") && err.to_string().contains("HTTP 400"),
        "{err}"
    );
}
