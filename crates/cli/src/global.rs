//! The global flags of `dwdi` (`--region`, `--endpoint`, `--allow-insecure-http`,
//! `--profile`, `--signature`, `--edition`, `--api-rate`, `--output`, `-v`) and what they
//! build: logging, the client, the async runtime.

use std::future::Future;
use std::str::FromStr;

use dataworks_signer::SignatureAlgorithm;
use dataworks_workflow::credentials::{ChainBuilder, CredentialsEnv, DefaultChain};
use dataworks_workflow::{Client, ClientBuildError, Edition, RateLimit};

/// How results are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text (default).
    #[default]
    Text,
    /// One JSON document (no progress line).
    Json,
}

/// Flags every command accepts (before or after the subcommand).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GlobalArgs {
    /// Region whose endpoint to use (e.g. cn-shanghai); default: $ALIBABA_CLOUD_REGION_ID,
    /// then the CLI profile's region.
    #[arg(
        long,
        global = true,
        env = "ALIBABA_CLOUD_REGION_ID",
        value_name = "REGION"
    )]
    pub region: Option<String>,
    /// Explicit endpoint with its scheme (wins over --region), e.g. http://127.0.0.1:8080
    /// for the emulator.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Allow a plain http:// --endpoint whose host is not loopback (refused by default:
    /// signed requests, tokens and task contents would cross the network unencrypted).
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// Profile of ~/.aliyun/config.json or section of the credentials file
    /// (default: $ALIBABA_CLOUD_PROFILE, then the file's current profile / `default`).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Signature algorithm: acs3-hmac-sha256 (default) or v1.
    #[arg(long, global = true, value_name = "ALG", value_parser = parse_signature)]
    pub signature: Option<SignatureAlgorithm>,
    /// The DataWorks edition whose documented API rate limit every call keeps to: basic,
    /// standard, professional (5 requests/s in all; the default) or enterprise (50 reads/s,
    /// 20 writes/s). The limit is per region and main account, shared with its RAM users.
    #[arg(long, global = true, env = "DWDI_EDITION", value_name = "EDITION", value_parser = parse_edition)]
    pub edition: Option<Edition>,
    /// An explicit request budget instead of the edition's: READS or READS,WRITES per second
    /// (e.g. 20, or 50,20).
    #[arg(long = "api-rate", global = true, value_name = "READS[,WRITES]", value_parser = parse_api_rate)]
    pub api_rate: Option<RateLimit>,
    /// More logging on stderr (-v: info, -vv: debug, -vvv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

fn parse_signature(text: &str) -> Result<SignatureAlgorithm, String> {
    SignatureAlgorithm::from_str(text).map_err(|e| e.to_string())
}

fn parse_edition(text: &str) -> Result<Edition, String> {
    Edition::from_str(text).map_err(|e| e.to_string())
}

/// `READS[,WRITES]` requests per second (one number: both budgets).
fn parse_api_rate(text: &str) -> Result<RateLimit, String> {
    let number = |part: &str| {
        part.trim()
            .parse::<f64>()
            .map_err(|_| format!("{part:?} is not a number of requests per second"))
    };
    let limit = match text.split_once(',') {
        Some((reads, writes)) => RateLimit::new(number(reads)?, number(writes)?),
        None => {
            let both = number(text)?;
            RateLimit::new(both, both)
        }
    };
    limit.check().map_err(|e| e.to_string())?;
    Ok(limit)
}

impl GlobalArgs {
    /// The rate limit: `--api-rate`, else the edition's, else the Basic edition's.
    pub fn rate_limit(&self) -> RateLimit {
        self.api_rate
            .or_else(|| self.edition.map(RateLimit::for_edition))
            .unwrap_or_default()
    }
}

/// The `--output` flag of a command (also accepted before the subcommand).
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct OutputArg {
    /// Output format: text (default) or json.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
}

/// Everything a workflow command needs from the top level.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The global flags.
    pub global: GlobalArgs,
    /// The effective output format.
    pub output: OutputFormat,
}

impl Context {
    /// The context of a command: its own `--output` wins over the top-level one.
    pub fn new(global: &GlobalArgs, top_output: Option<OutputFormat>, own: OutputArg) -> Context {
        Context {
            global: global.clone(),
            output: own.output.or(top_output).unwrap_or_default(),
        }
    }

    /// True for `--output json`.
    pub fn json(&self) -> bool {
        self.output == OutputFormat::Json
    }

    /// The credentials chain of the process environment with `--profile`.
    pub fn chain(&self) -> ChainBuilder {
        let mut chain = DefaultChain::builder(CredentialsEnv::from_process());
        if let Some(profile) = &self.global.profile {
            chain = chain.profile(profile.clone());
        }
        chain
    }

    /// A client from the flags and the credentials chain of the process environment. The
    /// credentials are resolved once here (failing early, listing every provider tried;
    /// `-v` logs the provider used) and renewed by the client's cache afterwards.
    pub fn client(&self) -> Result<Client, ClientBuildError> {
        self.client_with(|builder| builder)
    }

    /// [`Context::client`], with `extra` applied to the builder last (a rate limit, ...).
    pub fn client_with(
        &self,
        extra: impl FnOnce(dataworks_workflow::ClientBuilder) -> dataworks_workflow::ClientBuilder,
    ) -> Result<Client, ClientBuildError> {
        let mut builder = Client::builder()
            .credentials_chain(self.chain())
            .allow_insecure_http(self.global.allow_insecure_http)
            .rate_limit(self.global.rate_limit());
        if let Some(endpoint) = &self.global.endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        if let Some(region) = &self.global.region {
            builder = builder.region(region.clone());
        }
        if let Some(signature) = self.global.signature {
            builder = builder.signature(signature);
        }
        let client = extra(builder).build()?;
        if tokio::runtime::Handle::try_current().is_ok() {
            // Inside a runtime already: the first call resolves them.
            return Ok(client);
        }
        let probe = client.clone();
        match block_on(async move { probe.credentials().await }) {
            Ok(Ok(_)) => Ok(client),
            Ok(Err(e)) => Err(ClientBuildError::Credentials(e)),
            Err(e) => Err(ClientBuildError::Credentials(
                dataworks_workflow::credentials::CredentialsError::config(
                    "runtime",
                    format!("cannot start the async runtime: {e}"),
                ),
            )),
        }
    }
}

/// Sets up logging on stderr: warnings by default, more with `-v`; `RUST_LOG` wins.
pub fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Runs a future on a fresh multi-threaded tokio runtime.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, std::io::Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_rates() {
        assert_eq!(parse_api_rate("20"), Ok(RateLimit::new(20.0, 20.0)));
        assert_eq!(parse_api_rate(" 50 , 20 "), Ok(RateLimit::new(50.0, 20.0)));
        assert!(parse_api_rate("fast").unwrap_err().contains("not a number"));
        assert!(parse_api_rate("0").unwrap_err().contains("positive"));
        let flags = GlobalArgs {
            edition: Some(Edition::Enterprise),
            ..GlobalArgs::default()
        };
        assert_eq!(
            flags.rate_limit(),
            RateLimit::for_edition(Edition::Enterprise)
        );
        assert_eq!(GlobalArgs::default().rate_limit(), RateLimit::default());
    }
}
