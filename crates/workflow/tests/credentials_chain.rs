//! The client and the credentials chain (`dataworks-credentials`): the region named by the
//! CLI profile, credentials asked for before every attempt, and a provider failure reported
//! as the call's error. Providers themselves are tested in crates/credentials.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use dataworks_signer::Credentials;
use dataworks_wire::{GetDISyncTask, TaskType};
use dataworks_workflow::credentials::{
    BoxFuture, CredentialsEnv, CredentialsError, DefaultChain, ProvideCredentials, Provided,
};
use dataworks_workflow::testing::FakeTransport;
use dataworks_workflow::transport::HttpResponse;
use dataworks_workflow::{CallErrorKind, Client, ClientBuildError};

const CLI_AK: &str = r#"{
  "current": "work",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "cli-default-id", "access_key_secret": "cli-secret", "region_id": "cn-hangzhou"},
    {"name": "work", "mode": "AK", "access_key_id": "cli-work-id", "access_key_secret": "cli-secret", "region_id": "cn-shanghai"}
  ]
}"#;

fn cli_config(home: &Path, text: &str) {
    fs::create_dir_all(home.join(".aliyun")).unwrap();
    fs::write(home.join(".aliyun/config.json"), text).unwrap();
}

fn env_with_home(home: &Path) -> CredentialsEnv {
    CredentialsEnv::empty()
        .with_home(home)
        .with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .loopback_only()
}

#[tokio::test]
async fn the_client_takes_its_region_from_the_cli_profile_when_none_is_given() {
    let home = tempfile::tempdir().unwrap();
    cli_config(home.path(), CLI_AK);
    let fake = Arc::new(FakeTransport::new(|_| Ok(HttpResponse::new(200, "{}"))));
    let client = Client::builder()
        .credentials_chain(DefaultChain::builder(env_with_home(home.path())))
        .transport(fake.clone())
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint().to_string(),
        "https://dataworks.cn-shanghai.aliyuncs.com"
    );
    let provided = client.credentials().await.unwrap();
    assert_eq!(provided.provider, "default/cli_profile/static_ak");
    assert_eq!(provided.credentials.access_key_id(), "cli-work-id");
    // --profile picks another profile and its region.
    let client = Client::builder()
        .credentials_chain(DefaultChain::builder(env_with_home(home.path())).profile("default"))
        .transport(fake.clone())
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint().authority(),
        "dataworks.cn-hangzhou.aliyuncs.com"
    );
    // An explicit region wins; with neither, and credentials naming none, it is an error.
    let client = Client::builder()
        .region("eu-central-1")
        .credentials_chain(DefaultChain::builder(env_with_home(home.path())))
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
    assert!(matches!(err, ClientBuildError::NoEndpoint), "{err}");
}

/// Hands out `id-N`, one per call, and fails from the third call on.
#[derive(Debug, Default)]
struct Counting(AtomicU32);

impl ProvideCredentials for Counting {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            if n > 2 {
                return Err(CredentialsError::config("counting", "no more"));
            }
            Ok(Provided {
                credentials: Credentials::new(format!("id-{n}"), "s"),
                provider: "counting".into(),
            })
        })
    }
}

#[tokio::test(start_paused = true)]
async fn every_attempt_asks_the_provider_and_its_failure_is_the_calls_error() {
    let fake = Arc::new(FakeTransport::new(|_| {
        Ok(HttpResponse::new(
            503,
            r#"{"Code":"ServiceUnavailable","Message":"busy","RequestId":"r"}"#,
        ))
    }));
    let client = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials_provider(Arc::new(Counting::default()))
        .transport(fake.clone())
        .build()
        .unwrap();
    let op = GetDISyncTask::new(1, TaskType::DiRealtime, 1);
    let err = client.call(&op).await.unwrap_err();
    let ids: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| {
            let auth = r
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            auth.split("Credential=")
                .nth(1)
                .unwrap_or("")
                .split(',')
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["id-1", "id-2"]);
    assert!(matches!(err.kind, CallErrorKind::Credentials(_)), "{err}");
    assert!(err.to_string().contains("no more"), "{err}");
}
