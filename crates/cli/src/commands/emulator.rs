//! `dwdi emulator`: run the local DataWorks DI emulator until Ctrl-C / SIGTERM.
//!
//! Accepted keys come from the command line, from environment variables
//! (`DWDI_EMULATOR_ACCESS_KEY_ID`/`_SECRET`, `DWDI_EMULATOR_STS_*`) or from a JSON file
//! (`--credentials-file`, `DWDI_EMULATOR_CREDENTIALS_FILE`), so secrets need not be shown by
//! `ps`; all of them are accepted together.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use dataworks_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_URL_BYTES, Emulator, EmulatorBuilder, Faults, Limits, OidcTrust, RoleServices,
};

use crate::exit::Exit;

/// Arguments of `dwdi emulator`.
#[derive(Debug, clap::Args)]
pub struct EmulatorArgs {
    /// Address to listen on (port 0 = any free port; the endpoint is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Keep the state in DIR/emulator.sqlite3 (survives restarts); in memory when absent.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// An accepted AccessKey id (repeatable; pairs with --access-key-secret in order).
    /// Without any key (here, in the environment or in --credentials-file), the documented
    /// default pair is accepted.
    #[arg(
        long = "access-key-id",
        value_name = "ID",
        env = "DWDI_EMULATOR_ACCESS_KEY_ID"
    )]
    pub access_key_ids: Vec<String>,
    /// The secret of the --access-key-id at the same position (repeatable). Prefer the
    /// environment variable or --credentials-file: `ps` shows the command line.
    #[arg(
        long = "access-key-secret",
        value_name = "SECRET",
        env = "DWDI_EMULATOR_ACCESS_KEY_SECRET",
        hide_env_values = true
    )]
    pub access_key_secrets: Vec<String>,
    /// An accepted temporary (STS) AccessKey id (repeatable; pairs with --sts-access-key-secret
    /// and --sts-security-token in order). Requests with it must carry that token
    /// (`SecurityToken` with v1, `x-acs-security-token` with ACS3).
    #[arg(
        long = "sts-access-key-id",
        value_name = "ID",
        env = "DWDI_EMULATOR_STS_ACCESS_KEY_ID"
    )]
    pub sts_access_key_ids: Vec<String>,
    /// The secret of the --sts-access-key-id at the same position (repeatable).
    #[arg(
        long = "sts-access-key-secret",
        value_name = "SECRET",
        env = "DWDI_EMULATOR_STS_ACCESS_KEY_SECRET",
        hide_env_values = true
    )]
    pub sts_access_key_secrets: Vec<String>,
    /// The security token of the --sts-access-key-id at the same position (repeatable).
    #[arg(
        long = "sts-security-token",
        value_name = "TOKEN",
        env = "DWDI_EMULATOR_STS_SECURITY_TOKEN",
        hide_env_values = true
    )]
    pub sts_security_tokens: Vec<String>,
    /// A JSON file of accepted keys, added to the others:
    /// `{"access_keys": [{"id": …, "secret": …}], "sts_access_keys": [{"id": …, "secret": …,
    /// "security_token": …}]}` (both lists optional).
    #[arg(
        long = "credentials-file",
        value_name = "FILE",
        env = "DWDI_EMULATOR_CREDENTIALS_FILE"
    )]
    pub credentials_file: Option<PathBuf>,
    /// How long a generation process (and an instance start/terminate) takes, e.g. 500ms, 2s.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = humantime::parse_duration)]
    pub processing_delay: Duration,
    /// Another workspace (ProjectId) to serve, besides 10000 (repeatable).
    #[arg(long = "project", value_name = "ID")]
    pub projects: Vec<i64>,
    /// Share of requests answered 429 Throttling.User (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub throttle_rate: f64,
    /// Share of requests answered 500 InternalError.System (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub server_error_rate: f64,
    /// Share of requests whose connection is closed without an answer (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub drop_rate: f64,
    /// Latency added to every request, e.g. 50ms.
    #[arg(long, value_name = "DURATION", default_value = "0ms", value_parser = humantime::parse_duration)]
    pub latency: Duration,
    /// Share of generation processes that end in `fail` (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub process_fail_rate: f64,
    /// Seed of the fault generator (the same seed gives the same faults).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Largest accepted request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Longest accepted request URL (path and query), in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_URL_BYTES)]
    pub max_url_bytes: usize,
    /// Also act as STS on a loopback port (printed): AssumeRole signed with an accepted key
    /// (or a temporary key it issued); AssumeRoleWithOIDC with --oidc-provider-arn.
    #[arg(long)]
    pub sts: bool,
    /// The OIDC provider ARN AssumeRoleWithOIDC accepts (needs --sts and --oidc-token-file).
    #[arg(long, value_name = "ARN", requires_all = ["sts", "oidc_token_file"])]
    pub oidc_provider_arn: Option<String>,
    /// A file holding the OIDC token AssumeRoleWithOIDC accepts (compared exactly).
    #[arg(long, value_name = "FILE", requires = "oidc_provider_arn")]
    pub oidc_token_file: Option<PathBuf>,
    /// Also act as the ECS metadata service on a loopback port (printed), for this instance
    /// RAM role.
    #[arg(long, value_name = "ROLE")]
    pub metadata_role: Option<String>,
    /// The metadata service refuses requests without an IMDSv2 token.
    #[arg(long, requires = "metadata_role")]
    pub metadata_require_token: bool,
    /// The metadata service answers 403 to the IMDSv2 token request.
    #[arg(long, requires = "metadata_role")]
    pub metadata_refuse_token: bool,
    /// Also serve a credentials URI on a loopback port (printed).
    #[arg(long)]
    pub credentials_uri: bool,
    /// Lifetime of the metadata service's and the URI's credentials, e.g. 1h, 20m.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = humantime::parse_duration)]
    pub role_lifetime: Duration,
    /// Requests per second allowed per account (AccessKey), as the service limits them;
    /// beyond it: HTTP 429 Throttling.User. Unlimited when absent.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: Option<u32>,
}

/// The keys of a `--credentials-file`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    #[serde(default)]
    access_keys: Vec<FileKey>,
    #[serde(default)]
    sts_access_keys: Vec<FileStsKey>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKey {
    id: String,
    secret: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStsKey {
    id: String,
    secret: String,
    security_token: String,
}

impl CredentialsFile {
    /// Reads and parses `path`. Errors name the file and the JSON position, never a value.
    fn read(path: &std::path::Path) -> Result<CredentialsFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --credentials-file {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "--credentials-file {}: not the expected JSON at line {} column {} ({:?}); expected \
                 {{\"access_keys\": [{{\"id\": …, \"secret\": …}}], \"sts_access_keys\": [{{\"id\": …, \
                 \"secret\": …, \"security_token\": …}}]}}",
                path.display(),
                e.line(),
                e.column(),
                e.classify()
            )
        })
    }
}

impl EmulatorArgs {
    /// The keys of `--credentials-file`, or none without one.
    fn file_keys(&self) -> Result<CredentialsFile, String> {
        match &self.credentials_file {
            Some(path) => CredentialsFile::read(path),
            None => Ok(CredentialsFile::default()),
        }
    }

    /// The builder these arguments describe, and whether any key was configured, or a usage
    /// error.
    fn builder(&self) -> Result<(EmulatorBuilder, bool), String> {
        let file = self.file_keys()?;
        if self.access_key_ids.len() != self.access_key_secrets.len() {
            return Err(format!(
                "give --access-key-id and --access-key-secret in pairs ({} ids, {} secrets)",
                self.access_key_ids.len(),
                self.access_key_secrets.len()
            ));
        }
        let sts = self.sts_access_key_ids.len();
        if self.sts_access_key_secrets.len() != sts || self.sts_security_tokens.len() != sts {
            return Err(format!(
                "give --sts-access-key-id, --sts-access-key-secret and --sts-security-token in threes \
                 ({} ids, {} secrets, {} tokens)",
                sts,
                self.sts_access_key_secrets.len(),
                self.sts_security_tokens.len()
            ));
        }
        if let Some(empty) = self
            .access_key_ids
            .iter()
            .chain(&self.access_key_secrets)
            .chain(&self.sts_access_key_ids)
            .chain(&self.sts_access_key_secrets)
            .chain(&self.sts_security_tokens)
            .chain(file.access_keys.iter().flat_map(|k| [&k.id, &k.secret]))
            .chain(
                file.sts_access_keys
                    .iter()
                    .flat_map(|k| [&k.id, &k.secret, &k.security_token]),
            )
            .position(String::is_empty)
        {
            return Err(format!(
                "credential value #{} is empty; give every id, secret and token a value",
                empty + 1
            ));
        }
        let faults = Faults::none()
            .throttle_rate(self.throttle_rate)
            .server_error_rate(self.server_error_rate)
            .drop_rate(self.drop_rate)
            .latency(self.latency)
            .process_fail_rate(self.process_fail_rate)
            .seed(self.seed);
        faults.validate().map_err(|e| e.to_string())?;
        let mut builder = Emulator::builder()
            .listen(self.listen)
            .processing_delay(self.processing_delay)
            .faults(faults)
            .limits(
                Limits::default()
                    .max_body_bytes(self.max_body_bytes)
                    .max_url_bytes(self.max_url_bytes),
            );
        for (id, secret) in self.access_key_ids.iter().zip(&self.access_key_secrets) {
            builder = builder.credentials(id.clone(), secret.clone());
        }
        for ((id, secret), token) in self
            .sts_access_key_ids
            .iter()
            .zip(&self.sts_access_key_secrets)
            .zip(&self.sts_security_tokens)
        {
            builder = builder.sts_credentials(id.clone(), secret.clone(), token.clone());
        }
        let any_key = !(self.access_key_ids.is_empty()
            && self.sts_access_key_ids.is_empty()
            && file.access_keys.is_empty()
            && file.sts_access_keys.is_empty());
        for key in file.access_keys {
            builder = builder.credentials(key.id, key.secret);
        }
        for key in file.sts_access_keys {
            builder = builder.sts_credentials(key.id, key.secret, key.security_token);
        }
        for project in &self.projects {
            builder = builder.project(*project);
        }
        builder = builder.roles(self.role_services()?);
        if let Some(dir) = &self.data_dir {
            builder = builder.data_dir(dir.clone());
        }
        if let Some(per_second) = self.rate_limit {
            builder = builder.rate_limit(per_second);
        }
        Ok((builder, any_key))
    }

    /// The credential services asked for (the OIDC token read from its file).
    fn role_services(&self) -> Result<RoleServices, String> {
        let mut services = RoleServices::default()
            .sts(self.sts)
            .metadata_token_required(self.metadata_require_token)
            .metadata_token_refused(self.metadata_refuse_token)
            .credentials_uri(self.credentials_uri)
            .lifetime(self.role_lifetime);
        if let Some(role) = &self.metadata_role {
            services = services.metadata_role(role.clone());
        }
        if let (Some(arn), Some(file)) = (&self.oidc_provider_arn, &self.oidc_token_file) {
            let token = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read --oidc-token-file {}: {e}", file.display()))?;
            if token.is_empty() {
                return Err(format!("--oidc-token-file {} is empty", file.display()));
            }
            services = services.oidc(OidcTrust::new(arn.clone(), token));
        }
        Ok(services)
    }

    fn faults_line(&self) -> String {
        let mut parts = Vec::new();
        for (name, rate) in [
            ("throttle", self.throttle_rate),
            ("server-error", self.server_error_rate),
            ("drop", self.drop_rate),
            ("process-fail", self.process_fail_rate),
        ] {
            if rate > 0.0 {
                parts.push(format!("{name} {rate}"));
            }
        }
        if !self.latency.is_zero() {
            parts.push(format!(
                "latency {}",
                humantime::format_duration(self.latency)
            ));
        }
        if parts.is_empty() {
            "none".to_string()
        } else {
            format!("{} (seed {})", parts.join(", "), self.seed)
        }
    }
}

/// Runs `dwdi emulator` until Ctrl-C or SIGTERM.
pub fn run(args: EmulatorArgs) -> Exit {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let (builder, any_key) = match args.builder() {
        Ok(b) => b,
        Err(message) => {
            eprintln!("dwdi emulator: {message}");
            return Exit::Usage;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("dwdi emulator: cannot start the async runtime: {err}");
            return Exit::Failure;
        }
    };
    runtime.block_on(serve(args, builder, any_key))
}

async fn serve(args: EmulatorArgs, builder: EmulatorBuilder, any_key: bool) -> Exit {
    let mut emu = match builder.start().await {
        Ok(emu) => emu,
        Err(err) => {
            eprintln!("dwdi emulator: {err}");
            return Exit::Failure;
        }
    };
    let data = match emu.database_path() {
        Some(path) => path.display().to_string(),
        None => "in memory (lost when the emulator stops; use --data-dir to keep it)".to_string(),
    };
    let stop = StopSignal::install();
    let ids = emu.access_key_ids();
    let mut out = std::io::stdout().lock();
    let mut lines = vec![
        format!("endpoint: {}", emu.endpoint()),
        format!("data: {data}"),
        format!("workspaces: {}", workspaces(&emu.inspect().projects())),
        format!("access key ids: {}", ids.join(", ")),
    ];
    if !any_key {
        lines.push(format!(
            "default credentials (documented, for local use only): id {DEFAULT_ACCESS_KEY_ID} secret {DEFAULT_ACCESS_KEY_SECRET}"
        ));
    }
    lines.push(format!(
        "processing delay: {}",
        humantime::format_duration(args.processing_delay)
    ));
    lines.push(format!("faults: {}", args.faults_line()));
    if let Some(sts) = emu.sts_endpoint() {
        lines.push(format!("sts endpoint: {sts}"));
    }
    if let Some(metadata) = emu.metadata_endpoint() {
        lines.push(format!("metadata endpoint: {metadata}"));
    }
    if let Some(uri) = emu.credentials_uri() {
        lines.push(format!("credentials uri: {uri}"));
    }
    lines.push(match args.rate_limit {
        Some(n) => format!("rate limit: {n} requests per second per account"),
        None => "rate limit: none".to_string(),
    });
    lines.push(format!("statistics: {}", emu.stats_url()));
    lines.push("running; press Ctrl-C (or send SIGTERM) to stop".to_string());
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
    drop(out);

    let outcome = tokio::select! {
        () = stop.wait() => None,
        res = emu.wait() => Some(res),
    };
    match outcome {
        None => match emu.shutdown().await {
            Ok(()) => {
                eprintln!("dwdi emulator: stopped");
                Exit::Success
            }
            Err(err) => {
                eprintln!("dwdi emulator: {err}");
                Exit::Failure
            }
        },
        Some(Ok(())) => Exit::Success,
        Some(Err(err)) => {
            eprintln!("dwdi emulator: {err}");
            Exit::Failure
        }
    }
}

fn workspaces(projects: &[i64]) -> String {
    projects
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
/// Ctrl-C or SIGTERM, with the handlers installed when this is made (before the banner says
/// "running"), so a signal sent as soon as the banner is read is never missed.
struct StopSignal {
    #[cfg(unix)]
    handlers: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignal {
    fn install() -> StopSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let handlers = signal(SignalKind::terminate())
                .and_then(|term| Ok((term, signal(SignalKind::interrupt())?)))
                .ok();
            StopSignal { handlers }
        }
        #[cfg(not(unix))]
        {
            StopSignal {}
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            match self.handlers {
                Some((mut term, mut interrupt)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                None => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
