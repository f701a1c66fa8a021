//! Plumbing shared by `dwdi plan` and `dwdi apply`: the client of an environment (the global
//! `--endpoint` / `--region` / `--profile` win over the manifest for one run), the rate limit,
//! and reading the workspace into a plan.

use dataworks_project::{Desired, ObservedTask, Plan, PlanOptions, Target, plan};
use dataworks_workflow::rate_limit::RateLimit;
use dataworks_workflow::{BuildError, CallError, Client};

use crate::global::Context;

/// Flags of the commands that read the workspace.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Tasks read or applied at once (requests are paced by the rate limit either way).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Requests per second: `R` for reads and writes alike, or `R,W` (default: the
    /// environment's `rate_limit`, then the Basic edition's 5 per second).
    #[arg(long = "rate-limit", value_name = "R[,W]", value_parser = parse_rate_limit)]
    pub rate_limit: Option<(f64, f64)>,
}

fn parse_rate_limit(text: &str) -> Result<(f64, f64), String> {
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|r| *r > 0.0)
            .ok_or_else(|| format!("`{s}` is not a positive number of requests per second"))
    };
    match text.split_once(',') {
        Some((r, w)) => Ok((number(r)?, number(w)?)),
        None => number(text).map(|r| (r, r)),
    }
}

/// The client of `target`: the global `--endpoint` / `--region` / `--profile` win over the
/// manifest for one run; the rate limit is `--rate-limit`, then the environment's.
pub fn client_for(target: &Target, ctx: &Context, read: &ReadArgs) -> Result<Client, BuildError> {
    let mut global = ctx.global.clone();
    if global.endpoint.is_none() && global.region.is_none() {
        global.endpoint = target.endpoint.clone();
        global.region = target.region.clone();
    }
    if global.profile.is_none() {
        global.profile = target.profile.clone();
    }
    let limit = read
        .rate_limit
        .map(|(r, w)| RateLimit::new(r, w))
        .or_else(|| {
            target
                .rate_limit
                .map(|l| RateLimit::new(l.reads_per_second, l.writes_per_second))
        });
    let ctx = Context {
        global,
        output: ctx.output,
    };
    ctx.client_with(|builder| match limit {
        Some(limit) => builder.rate_limit(limit),
        None => builder,
    })
}

/// Reads the workspace and plans.
pub async fn read_and_plan(
    client: &Client,
    desired: &Desired,
    options: PlanOptions,
    concurrency: usize,
) -> Result<(Vec<ObservedTask>, Plan), CallError> {
    let observed = dataworks_workflow::apply::observe(client, desired, concurrency).await?;
    let plan = plan(desired, &observed, options);
    Ok((observed, plan))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse() {
        assert_eq!(parse_rate_limit("20"), Ok((20.0, 20.0)));
        assert_eq!(parse_rate_limit("50, 20"), Ok((50.0, 20.0)));
        assert!(parse_rate_limit("0").is_err());
        assert!(parse_rate_limit("x,1").is_err());
    }
}
