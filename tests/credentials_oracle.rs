//! The oracle: the official Python `alibabacloud-credentials` (pinned in
//! tests/interop/requirements.txt, run by tests/interop/credentials_oracle.py) and
//! `dwdi credentials --output json` resolve the same environment and files, against the
//! emulator's STS, ECS metadata service and credentials URI, and must agree — on success or
//! failure, on the provider (the official names, nested) and on the access key id — for
//! every scenario of the table, precedence between sources included. Where the table names
//! an STS host, the Python library must have chosen it (its STS calls are redirected to the
//! emulator after the host is recorded) and our endpoint rules must give the same.
//!
//! Each side runs in a cleared environment with a fresh HOME; `dwdi` runs loopback-only
//! (`DWDI_CREDENTIALS_LOOPBACK_ONLY=1`) and finds the emulator's STS through
//! `ALIBABA_CLOUD_STS_ENDPOINT`. The metadata service is reached through `HTTP_PROXY` by
//! both, as on an ECS instance. Skipped only with `DWDI_SKIP_PYTHON_INTEROP=1`.

mod interop_venv;
mod reliability_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use dataworks_credentials::official_sts_host;
use dataworks_emulator::{Emulator, OidcTrust, RoleServices};
use serde_json::Value;

const ID: &str = "oracle-key-id";
const SECRET: &str = "oracle-key-secret";
const OIDC_ARN: &str = "acs:ram::1:oidc-provider/oracle";
const OIDC_TOKEN: &str = "oracle-oidc-token";

/// What both sides must find.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The provider's name, the access key id, and the STS host the official library picks.
    Found(&'static str, &'static str, Option<&'static str>),
    /// No provider works.
    Nothing,
}

struct Scenario {
    name: &'static str,
    /// Variables; `{HOME}`, `{URI}`, `{PROXY}` are replaced.
    env: Vec<(&'static str, &'static str)>,
    /// Files under HOME: (relative path, text with the same placeholders).
    files: Vec<(&'static str, String)>,
    expect: Expect,
}

fn cli(profiles: Value, current: Option<&str>) -> (&'static str, String) {
    let mut doc = serde_json::json!({"profiles": profiles});
    if let Some(c) = current {
        doc["current"] = c.into();
    }
    (".aliyun/config.json", doc.to_string())
}

fn ini(text: &str) -> (&'static str, String) {
    (".alibabacloud/credentials.ini", text.to_owned())
}

fn token_file() -> (&'static str, String) {
    ("oidc-token", OIDC_TOKEN.to_owned())
}

const NO_ECS: (&str, &str) = ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
const ENV_ID: (&str, &str) = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id");
const ENV_SECRET: (&str, &str) = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret");
const PROXY: (&str, &str) = ("HTTP_PROXY", "{PROXY}");
const OIDC_ENV: [(&str, &str); 3] = [
    ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/rrsa"),
    ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_ARN),
    ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "{HOME}/oidc-token"),
];

fn ak(name: &str, id: &str) -> Value {
    serde_json::json!({"name": name, "mode": "AK", "access_key_id": id, "access_key_secret": "s"})
}

fn role(name: &str, arn: &str) -> Value {
    serde_json::json!({"name": name, "mode": "RamRoleArn", "access_key_id": ID, "access_key_secret": SECRET,
                       "ram_role_arn": arn})
}

fn scenarios() -> Vec<Scenario> {
    use Expect::*;
    let oidc_profile = serde_json::json!({"name": "k8s", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/k8s",
        "oidc_provider_arn": OIDC_ARN, "oidc_token_file": "{HOME}/oidc-token"});
    let mut regional = role("regional", "acs:ram::1:role/regional");
    regional["sts_region"] = "cn-hangzhou".into();
    let ini_all = format!(
        "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = s\n\n\
         [role]\ntype = ram_role_arn\naccess_key_id = {ID}\naccess_key_secret = {SECRET}\nrole_arn = acs:ram::1:role/inirole\n\n\
         [oidc]\ntype = oidc_role_arn\nrole_arn = acs:ram::1:role/inioidc\noidc_provider_arn = {OIDC_ARN}\noidc_token_file_path = {{HOME}}/oidc-token\n\n\
         [ecs]\ntype = ecs_ram_role\nrole_name = EcsRole\n"
    );
    vec![
        Scenario { name: "environment keys", env: vec![ENV_ID, ENV_SECRET, NO_ECS], files: vec![], expect: Found("default/env", "env-id", None) },
        Scenario { name: "environment keys with a token", env: vec![ENV_ID, ENV_SECRET, ("ALIBABA_CLOUD_SECURITY_TOKEN", "t"), NO_ECS], files: vec![], expect: Found("default/env", "env-id", None) },
        Scenario { name: "environment beats the CLI profile", env: vec![ENV_ID, ENV_SECRET], files: vec![cli(serde_json::json!([ak("a", "cli-id")]), Some("a"))], expect: Found("default/env", "env-id", None) },
        Scenario { name: "a half-set environment falls through to the CLI profile", env: vec![ENV_ID], files: vec![cli(serde_json::json!([ak("a", "cli-id")]), Some("a"))], expect: Found("default/cli_profile/static_ak", "cli-id", None) },
        Scenario { name: "CLI profile: current", env: vec![], files: vec![cli(serde_json::json!([ak("a", "cli-a"), ak("b", "cli-b")]), Some("a"))], expect: Found("default/cli_profile/static_ak", "cli-a", None) },
        Scenario { name: "CLI profile: ALIBABA_CLOUD_PROFILE beats current", env: vec![("ALIBABA_CLOUD_PROFILE", "b")], files: vec![cli(serde_json::json!([ak("a", "cli-a"), ak("b", "cli-b")]), Some("a"))], expect: Found("default/cli_profile/static_ak", "cli-b", None) },
        Scenario { name: "CLI profile: StsToken", env: vec![], files: vec![cli(serde_json::json!([{"name": "s", "mode": "StsToken", "access_key_id": "sts-id", "access_key_secret": "s", "sts_token": "t"}]), Some("s"))], expect: Found("default/cli_profile/static_sts", "sts-id", None) },
        Scenario { name: "CLI profile: RamRoleArn", env: vec![], files: vec![cli(serde_json::json!([role("r", "acs:ram::1:role/deployer")]), Some("r"))], expect: Found("default/cli_profile/ram_role_arn/static_ak", "STS.emu.deployer", Some("sts.aliyuncs.com")) },
        Scenario { name: "CLI profile: RamRoleArn with sts_region", env: vec![], files: vec![cli(serde_json::json!([regional]), Some("regional"))], expect: Found("default/cli_profile/ram_role_arn/static_ak", "STS.emu.regional", Some("sts.cn-hangzhou.aliyuncs.com")) },
        Scenario { name: "CLI profile: RamRoleArn, region and VPC from the environment", env: vec![("ALIBABA_CLOUD_STS_REGION", "cn-shanghai"), ("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true")], files: vec![cli(serde_json::json!([role("r", "acs:ram::1:role/vpc")]), Some("r"))], expect: Found("default/cli_profile/ram_role_arn/static_ak", "STS.emu.vpc", Some("sts-vpc.cn-shanghai.aliyuncs.com")) },
        Scenario { name: "CLI profile: ChainableRamRoleArn", env: vec![], files: vec![cli(serde_json::json!([role("r", "acs:ram::1:role/first"), {"name": "c", "mode": "ChainableRamRoleArn", "source_profile": "r", "ram_role_arn": "acs:ram::1:role/second"}]), Some("c"))], expect: Found("default/cli_profile/ram_role_arn/ram_role_arn/static_ak", "STS.emu.second", Some("sts.aliyuncs.com")) },
        Scenario { name: "CLI profile: OIDC", env: vec![], files: vec![token_file(), cli(serde_json::json!([oidc_profile]), Some("k8s"))], expect: Found("default/cli_profile/oidc_role_arn", "STS.emu.k8s", Some("sts.aliyuncs.com")) },
        Scenario { name: "CLI profile: EcsRamRole", env: vec![PROXY], files: vec![cli(serde_json::json!([{"name": "e", "mode": "EcsRamRole", "ram_role_name": "EcsRole"}]), Some("e"))], expect: Found("default/cli_profile/ecs_ram_role", "STS.emu.ecs.EcsRole", None) },
        Scenario { name: "CLI profile: an unsupported mode and nothing else", env: vec![NO_ECS], files: vec![cli(serde_json::json!([{"name": "x", "mode": "Nonsense"}]), Some("x"))], expect: Nothing },
        Scenario { name: "CLI profile disabled: the credentials file", env: vec![("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")], files: vec![cli(serde_json::json!([ak("a", "cli-a")]), Some("a")), ini(&ini_all)], expect: Found("default/profile/static_ak", "ini-id", None) },
        Scenario { name: "broken config.json: the credentials file", env: vec![], files: vec![(".aliyun/config.json", "{\"current\": \"a\", \"profiles\": [".to_owned()), ini(&ini_all)], expect: Found("default/profile/static_ak", "ini-id", None) },
        Scenario { name: "credentials file: ram_role_arn", env: vec![("ALIBABA_CLOUD_PROFILE", "role")], files: vec![ini(&ini_all)], expect: Found("default/profile/ram_role_arn/static_ak", "STS.emu.inirole", Some("sts.aliyuncs.com")) },
        Scenario { name: "credentials file: oidc_role_arn", env: vec![("ALIBABA_CLOUD_PROFILE", "oidc")], files: vec![token_file(), ini(&ini_all)], expect: Found("default/profile/oidc_role_arn", "STS.emu.inioidc", Some("sts.aliyuncs.com")) },
        Scenario { name: "credentials file: ecs_ram_role", env: vec![("ALIBABA_CLOUD_PROFILE", "ecs"), PROXY], files: vec![ini(&ini_all)], expect: Found("default/profile/ecs_ram_role", "STS.emu.ecs.EcsRole", None) },
        Scenario { name: "credentials file named by ALIBABA_CLOUD_CREDENTIALS_FILE", env: vec![("ALIBABA_CLOUD_CREDENTIALS_FILE", "{HOME}/elsewhere.ini")], files: vec![("elsewhere.ini", "[default]\ntype = access_key\naccess_key_id = elsewhere-id\naccess_key_secret = s\n".to_owned())], expect: Found("default/profile/static_ak", "elsewhere-id", None) },
        Scenario { name: "OIDC from the environment", env: OIDC_ENV.to_vec(), files: vec![token_file()], expect: Found("default/oidc_role_arn", "STS.emu.rrsa", Some("sts.aliyuncs.com")) },
        Scenario { name: "OIDC beats the CLI profile", env: OIDC_ENV.to_vec(), files: vec![token_file(), cli(serde_json::json!([ak("a", "cli-a")]), Some("a"))], expect: Found("default/oidc_role_arn", "STS.emu.rrsa", Some("sts.aliyuncs.com")) },
        Scenario { name: "OIDC with a missing token file falls through", env: OIDC_ENV.to_vec(), files: vec![cli(serde_json::json!([ak("a", "cli-a")]), Some("a"))], expect: Found("default/cli_profile/static_ak", "cli-a", None) },
        Scenario { name: "ECS instance role, discovered", env: vec![PROXY], files: vec![], expect: Found("default/ecs_ram_role", "STS.emu.ecs.EcsRole", None) },
        Scenario { name: "ECS instance role named by ALIBABA_CLOUD_ECS_METADATA", env: vec![PROXY, ("ALIBABA_CLOUD_ECS_METADATA", "EcsRole")], files: vec![], expect: Found("default/ecs_ram_role", "STS.emu.ecs.EcsRole", None) },
        Scenario { name: "the CLI profile beats the ECS role", env: vec![PROXY], files: vec![cli(serde_json::json!([ak("a", "cli-a")]), Some("a"))], expect: Found("default/cli_profile/static_ak", "cli-a", None) },
        Scenario { name: "credentials URI", env: vec![NO_ECS, ("ALIBABA_CLOUD_CREDENTIALS_URI", "{URI}")], files: vec![], expect: Found("default/credential_uri", "STS.emu.uri", None) },
        Scenario { name: "environment beats the credentials URI", env: vec![ENV_ID, ENV_SECRET, ("ALIBABA_CLOUD_CREDENTIALS_URI", "{URI}")], files: vec![], expect: Found("default/env", "env-id", None) },
        Scenario { name: "nothing configured, ECS disabled", env: vec![NO_ECS], files: vec![], expect: Nothing },
        Scenario { name: "a credentials URI that answers 404", env: vec![NO_ECS, ("ALIBABA_CLOUD_CREDENTIALS_URI", "{URI}-missing")], files: vec![], expect: Nothing },
    ]
}

struct Places {
    home: PathBuf,
    uri: String,
    proxy: String,
}

fn fill(text: &str, p: &Places) -> String {
    text.replace("{HOME}", p.home.to_str().unwrap())
        .replace("{URI}", &p.uri)
        .replace("{PROXY}", &p.proxy)
}

/// (ok, provider, access key id, sts hosts) of one side's JSON line.
fn outcome(side: &str, stdout: &[u8], stderr: &[u8]) -> (bool, String, String, Vec<String>) {
    let text = String::from_utf8_lossy(stdout);
    let doc: Value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "{side}: not JSON ({e}):\n{text}\n{}",
            String::from_utf8_lossy(stderr)
        )
    });
    let s = |k: &str| doc[k].as_str().unwrap_or_default().to_owned();
    let hosts = doc["sts_hosts"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if side == "dwdi" {
        (
            doc.get("source").is_some(),
            s("source"),
            s("access_key_id"),
            hosts,
        )
    } else {
        (doc["ok"] == true, s("provider"), s("access_key_id"), hosts)
    }
}

fn base_command(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

#[test]
fn the_official_python_library_and_dwdi_agree() {
    if interop_venv::skipped("the credentials oracle (official Python library vs dwdi)") {
        return;
    }
    let python = interop_venv::venv_python();
    let dwdi = reliability_support::dwdi_binary();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emu = runtime
        .block_on(
            Emulator::builder()
                .credentials(ID, SECRET)
                .roles(
                    RoleServices::default()
                        .sts(true)
                        .oidc(OidcTrust::new(OIDC_ARN, OIDC_TOKEN))
                        .metadata_role("EcsRole")
                        .credentials_uri(true),
                )
                .start(),
        )
        .unwrap();
    let sts = emu.sts_endpoint().unwrap();
    let sts_addr = sts.trim_start_matches("http://").to_owned();
    let table = scenarios();
    assert!(table.len() >= 20);
    let mut failures = Vec::new();
    for scenario in &table {
        let dir = tempfile::tempdir().unwrap();
        let places = Places {
            home: dir.path().to_path_buf(),
            uri: emu.credentials_uri().unwrap(),
            proxy: emu.metadata_endpoint().unwrap(),
        };
        for (path, text) in &scenario.files {
            let path = places.home.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, fill(text, &places)).unwrap();
        }
        let vars: Vec<(String, String)> = scenario
            .env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), fill(v, &places)))
            .collect();
        let py = base_command(&python, &places.home)
            .arg(interop_venv::interop_dir().join("credentials_oracle.py"))
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .env("ORACLE_STS", &sts_addr)
            .env("NO_PROXY", "127.0.0.1")
            .output()
            .unwrap();
        let ours = base_command(&dwdi, &places.home)
            .args(["credentials", "--output", "json"])
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .env("ALIBABA_CLOUD_STS_ENDPOINT", &sts)
            .env("DWDI_CREDENTIALS_LOOPBACK_ONLY", "1")
            .output()
            .unwrap();
        let (py_ok, py_provider, py_id, py_hosts) = outcome("python", &py.stdout, &py.stderr);
        let (our_ok, our_provider, our_id, _) = outcome("dwdi", &ours.stdout, &ours.stderr);
        let ours_text = format!(
            "{}{}",
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&ours.stderr)
        );
        let mut problems = Vec::new();
        if our_ok != ours.status.success() || (!our_ok && ours.status.code() != Some(1)) {
            problems.push(format!(
                "dwdi exit {:?} does not match its output",
                ours.status.code()
            ));
        }
        match scenario.expect {
            Expect::Found(provider, id, host) => {
                if (py_ok, py_provider.as_str(), py_id.as_str()) != (true, provider, id) {
                    problems.push(format!(
                        "python: {}",
                        String::from_utf8_lossy(&py.stdout).trim()
                    ));
                }
                if (our_ok, our_provider.as_str(), our_id.as_str()) != (true, provider, id) {
                    problems.push(format!("dwdi: {}", ours_text.trim()));
                }
                if let Some(host) = host {
                    if py_hosts.first().map(String::as_str) != Some(host) {
                        problems.push(format!(
                            "python chose STS hosts {py_hosts:?}, expected {host}"
                        ));
                    }
                    let region = vars
                        .iter()
                        .find(|(k, _)| k == "ALIBABA_CLOUD_STS_REGION")
                        .map(|(_, v)| v.as_str())
                        .or(host
                            .strip_prefix("sts.")
                            .and_then(|h| h.strip_suffix(".aliyuncs.com")));
                    let vpc = host.starts_with("sts-vpc.");
                    if official_sts_host(region, vpc) != host {
                        problems.push(format!(
                            "our endpoint rules give {}",
                            official_sts_host(region, vpc)
                        ));
                    }
                }
            }
            Expect::Nothing => {
                if py_ok {
                    problems.push(format!("python found {py_provider} {py_id}"));
                }
                if our_ok {
                    problems.push(format!("dwdi found {our_provider} {our_id}"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", scenario.name, problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios disagree:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}
