//! `dwdi credentials`: resolve the credentials chain as every command does and show where
//! the credentials come from — the provider, the access key id, whether there is a security
//! token, the expiration; never the secret or the token.

use serde::Serialize;

use crate::exit::Exit;
use crate::global::{Context, GlobalArgs, OutputArg, OutputFormat, block_on};
use crate::output;

/// Arguments of `dwdi credentials`.
#[derive(Debug, clap::Args)]
pub struct CredentialsArgs {
    #[command(flatten)]
    output: OutputArg,
}

/// The JSON output.
#[derive(Debug, Serialize)]
struct Found {
    /// The provider, named as the official libraries name it (e.g. `default/env`).
    source: String,
    access_key_id: String,
    has_security_token: bool,
    /// `YYYY-MM-DDThh:mm:ssZ`, `null` for long-term keys.
    expiration: Option<String>,
}

/// Runs `dwdi credentials`: exit 0 with the credentials' description, 1 with every provider
/// tried when none works.
pub fn run(args: CredentialsArgs, global: &GlobalArgs, top_output: Option<OutputFormat>) -> Exit {
    let ctx = Context::new(global, top_output, args.output);
    let chain = ctx.chain().build();
    let provided = match block_on(async move {
        dataworks_workflow::credentials::ProvideCredentials::provide(&chain).await
    }) {
        Ok(p) => p,
        Err(e) => {
            return output::usage_error(&ctx, &format!("cannot start the async runtime: {e}"));
        }
    };
    match provided {
        Ok(p) => {
            let expiration = p
                .credentials
                .expiration()
                .and_then(|e| dataworks_signer::timestamp::format(e).ok());
            let found = Found {
                source: p.provider.clone(),
                access_key_id: p.credentials.access_key_id().to_owned(),
                has_security_token: p.credentials.security_token().is_some(),
                expiration,
            };
            let text = format!(
                "source: {}\naccess key id: {}\nsecurity token: {}\nexpiration: {}",
                found.source,
                found.access_key_id,
                if found.has_security_token {
                    "yes"
                } else {
                    "no"
                },
                found
                    .expiration
                    .as_deref()
                    .unwrap_or("none (long-term key)")
            );
            output::success(&ctx, &found, &text)
        }
        Err(e) => {
            let mut message = String::from("no credentials");
            if e.tried().is_empty() {
                message.push_str(&format!(": {e}"));
            } else {
                message.push_str("; providers tried, in order:");
                for (_, why) in e.tried() {
                    message.push_str(&format!("\n  {why}"));
                }
            }
            output::error(&ctx, Exit::Failure, "credentials", &message)
        }
    }
}
