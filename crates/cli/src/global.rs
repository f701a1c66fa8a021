//! The global flags of `dwdi` (`--region`, `--endpoint`, `--allow-insecure-http`,
//! `--profile`, `--signature`, `--output`, `-v`) and what they build: logging, the client, the async runtime.

use std::future::Future;
use std::str::FromStr;

use dataworks_signer::SignatureAlgorithm;
use dataworks_workflow::credentials::{ChainBuilder, CredentialsEnv, DefaultChain};
use dataworks_workflow::{BuildError, Client};

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
    /// More logging on stderr (-v: info, -vv: debug, -vvv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

fn parse_signature(text: &str) -> Result<SignatureAlgorithm, String> {
    SignatureAlgorithm::from_str(text).map_err(|e| e.to_string())
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
    pub fn client(&self) -> Result<Client, BuildError> {
        let mut builder = Client::builder()
            .credentials_chain(self.chain())
            .allow_insecure_http(self.global.allow_insecure_http);
        if let Some(endpoint) = &self.global.endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        if let Some(region) = &self.global.region {
            builder = builder.region(region.clone());
        }
        if let Some(signature) = self.global.signature {
            builder = builder.signature(signature);
        }
        let client = builder.build()?;
        if tokio::runtime::Handle::try_current().is_ok() {
            // Inside a runtime already: the first call resolves them.
            return Ok(client);
        }
        let probe = client.clone();
        match block_on(async move { probe.credentials().await }) {
            Ok(Ok(_)) => Ok(client),
            Ok(Err(e)) => Err(BuildError::Credentials(e)),
            Err(e) => Err(BuildError::Credentials(
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
