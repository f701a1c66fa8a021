//! The emulator as STS, ECS metadata service and credentials URI, driven by the
//! `dataworks-credentials` providers; temporary keys accepted by its DataWorks endpoint until
//! they expire; and a workflow longer than its credentials' lifetime (virtual time) that
//! renews them on the way, after which the first key is refused as expired.

mod reliability_support;

use std::path::Path;
use std::time::Duration;

use dataworks_credentials::{CredentialsEnv, DefaultChain, ProvideCredentials};
use dataworks_emulator::{Emulator, OidcTrust, RoleServices};
use dataworks_signer::Credentials;
use dataworks_wire::{GetDISyncTask, TaskType};
use dataworks_workflow::{CallErrorKind, Client, CreateRequest, PollPolicy, Workflow};
use reliability_support::*;

const OIDC_ARN: &str = "acs:ram::1:oidc-provider/emulator";
const OIDC_TOKEN: &str = "emulator-oidc-token";

fn services() -> RoleServices {
    RoleServices::default()
        .sts(true)
        .oidc(OidcTrust::new(OIDC_ARN, OIDC_TOKEN))
        .metadata_role("EcsRole")
        .metadata_token_required(true)
        .credentials_uri(true)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn env(home: &Path) -> CredentialsEnv {
    CredentialsEnv::empty().with_home(home).loopback_only()
}

/// Calls GetDISyncTask with `credentials`; the emulator answers a missing task (not a
/// signature or token error) when the key is accepted.
async fn accepted(emu: &Emulator, credentials: Credentials) -> Result<(), String> {
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(credentials)
        .retry(fast_retry())
        .build()
        .unwrap();
    let op = GetDISyncTask::new(PROJECT, TaskType::DiRealtime, 424_242);
    match client.call(&op).await {
        Ok(_) => Ok(()),
        Err(e) => match &e.kind {
            CallErrorKind::Api(api)
                if !api.code.contains("Token")
                    && !api.code.contains("Signature")
                    && !api.code.contains("AccessKey") =>
            {
                Ok(())
            }
            CallErrorKind::Api(api) => Err(api.code.clone()),
            _ => Err(e.to_string()),
        },
    }
}

#[tokio::test]
async fn every_role_service_issues_keys_the_endpoint_accepts() {
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .roles(services())
        .start()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let token = home.path().join("oidc-token");
    write(&token, OIDC_TOKEN);
    write(
        &home.path().join(".aliyun/config.json"),
        &serde_json::json!({"current": "role", "profiles": [
            {"name": "role", "mode": "RamRoleArn", "access_key_id": ID, "access_key_secret": SECRET,
             "ram_role_arn": "acs:ram::1:role/deployer"},
            {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role",
             "ram_role_arn": "acs:ram::1:role/second"},
            {"name": "wrong", "mode": "RamRoleArn", "access_key_id": ID, "access_key_secret": "wrong",
             "ram_role_arn": "acs:ram::1:role/deployer"}
        ]})
        .to_string(),
    );
    let sts = emu.sts_endpoint().unwrap();
    let metadata = emu.metadata_endpoint().unwrap();
    let no_ecs = |e: CredentialsEnv| e.with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    let cases: Vec<(CredentialsEnv, &str, &str)> = vec![
        (
            no_ecs(env(home.path())),
            "default/cli_profile/ram_role_arn/static_ak",
            "STS.emu.deployer",
        ),
        (
            no_ecs(env(home.path())).with_var("ALIBABA_CLOUD_PROFILE", "chained"),
            "default/cli_profile/ram_role_arn/ram_role_arn/static_ak",
            "STS.emu.second",
        ),
        (
            env(home.path())
                .with_var("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/rrsa")
                .with_var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_ARN)
                .with_var("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.to_str().unwrap()),
            "default/oidc_role_arn",
            "STS.emu.rrsa",
        ),
        (
            env(home.path()).with_var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
            "default/ecs_ram_role",
            "STS.emu.ecs.EcsRole",
        ),
        (
            no_ecs(env(home.path()))
                .with_var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
                .with_var(
                    "ALIBABA_CLOUD_CREDENTIALS_URI",
                    &emu.credentials_uri().unwrap(),
                ),
            "default/credential_uri",
            "STS.emu.uri",
        ),
    ];
    for (env, provider, id) in cases {
        let chain = DefaultChain::builder(env)
            .sts_endpoint(sts.clone())
            .metadata_address(metadata.clone())
            .build();
        let provided = chain
            .provide()
            .await
            .unwrap_or_else(|e| panic!("{provider}: {e}"));
        assert_eq!(provided.provider, provider);
        assert_eq!(provided.credentials.access_key_id(), id);
        assert!(provided.credentials.security_token().is_some());
        accepted(&emu, provided.credentials.clone()).await.unwrap();
        // A wrong token with the issued id is refused.
        let forged = Credentials::new(id, provided.credentials.access_key_secret())
            .with_security_token("forged");
        assert!(accepted(&emu, forged).await.is_err(), "{provider}");
    }
    // AssumeRole signed with a wrong secret is refused by STS.
    let chain =
        DefaultChain::builder(no_ecs(env(home.path())).with_var("ALIBABA_CLOUD_PROFILE", "wrong"))
            .sts_endpoint(sts)
            .build();
    let err = chain.provide().await.unwrap_err();
    assert!(err.to_string().contains("SignatureDoesNotMatch"), "{err}");
}

#[tokio::test]
async fn metadata_refusing_the_token_request_falls_back_to_imdsv1_unless_disabled() {
    let emu = Emulator::builder()
        .roles(
            RoleServices::default()
                .metadata_role("EcsRole")
                .metadata_token_refused(true),
        )
        .start()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let chain = |env: CredentialsEnv| {
        DefaultChain::builder(env)
            .metadata_address(emu.metadata_endpoint().unwrap())
            .build()
    };
    let ok = chain(env(home.path())).provide().await.unwrap();
    assert_eq!(ok.credentials.access_key_id(), "STS.emu.ecs.EcsRole");
    let err = chain(env(home.path()).with_var("ALIBABA_CLOUD_IMDSV1_DISABLED", "true"))
        .provide()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("HTTP 403"), "{err}");
}

#[tokio::test]
async fn a_workflow_longer_than_its_credentials_renews_them_and_the_expired_key_is_refused() {
    let (emu_clock, clock) = dataworks_test_support::linked_clocks();
    let start = dataworks_emulator::EmulatorClock::now(&*emu_clock);
    // The generation takes 3 hours; the role's credentials last 1 hour.
    let emu = Emulator::builder()
        .credentials(ID, SECRET)
        .roles(RoleServices::default().sts(true))
        .processing_delay(Duration::from_secs(3 * 3600))
        .clock(emu_clock.clone())
        .start()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".aliyun/config.json"),
        &serde_json::json!({"current": "role", "profiles": [
            {"name": "role", "mode": "RamRoleArn", "access_key_id": ID, "access_key_secret": SECRET,
             "ram_role_arn": "acs:ram::1:role/long", "expired_seconds": 3600}]})
        .to_string(),
    );
    let chain = DefaultChain::builder(
        env(home.path()).with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
    )
    .sts_endpoint(emu.sts_endpoint().unwrap());
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials_chain(chain)
        .clock(clock.clone())
        .build()
        .unwrap();
    let first = client.credentials().await.unwrap().credentials;
    assert_eq!(
        first.expiration().unwrap(),
        start + time::Duration::hours(1)
    );
    let workflow = Workflow::new(client.clone())
        .with_poll_policy(PollPolicy::default().max_wait(Duration::from_secs(4 * 3600)));
    let created = workflow
        .create(CreateRequest::new(
            PROJECT,
            TaskType::DiRealtime,
            "long",
            create_param(),
        ))
        .await
        .unwrap();
    assert!(created.file_id > 0);
    let elapsed = clock.elapsed();
    assert!(elapsed >= Duration::from_secs(3 * 3600), "{elapsed:?}");
    let last = client.credentials().await.unwrap().credentials;
    assert_ne!(
        last.security_token(),
        first.security_token(),
        "renewed on the way"
    );
    assert!(last.expiration().unwrap() > start + time::Duration::hours(3));
    // The first key has expired by the emulator's clock: refused with the service's code.
    let refused = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(first)
        .clock(clock.clone())
        .retry(fast_retry())
        .build()
        .unwrap()
        .call(&GetDISyncTask::new(
            PROJECT,
            TaskType::DiRealtime,
            created.file_id,
        ))
        .await
        .unwrap_err();
    match &refused.kind {
        CallErrorKind::Api(api) => assert_eq!(api.code, "InvalidSecurityToken.Expired"),
        other => panic!("{other:?}"),
    }
}
