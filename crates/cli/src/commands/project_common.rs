//! Plumbing shared by `dwdi plan` and `dwdi apply`: the client of an environment (the global
//! `--endpoint` / `--region` / `--profile` win over the manifest for one run), the rate limit,
//! and reading the workspace into a plan.

use dataworks_project::{Desired, ObservedTask, Plan, PlanOptions, Target, plan};
use dataworks_workflow::RateLimit;
use dataworks_workflow::{CallError, Client, ClientBuildError};

use crate::global::{Context, GlobalArgs};

/// Flags of the commands that read the workspace.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Tasks read or applied at once (requests are paced by the rate limit either way).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
}

/// The client of `target`: the global `--endpoint` / `--region` / `--profile` win over the
/// manifest for one run; so do the global `--api-rate` / `--edition` over the environment's
/// `rate_limit` (then the Basic edition's 5 requests per second).
pub fn client_for(target: &Target, ctx: &Context) -> Result<Client, ClientBuildError> {
    let mut global = ctx.global.clone();
    if global.endpoint.is_none() && global.region.is_none() {
        global.endpoint = target.endpoint.clone();
        global.region = target.region.clone();
    }
    if global.profile.is_none() {
        global.profile = target.profile.clone();
    }
    let limit = manifest_rate_limit(target, &global);
    let ctx = Context {
        global,
        output: ctx.output,
    };
    ctx.client_with(|builder| match limit {
        Some(limit) => builder.rate_limit(limit),
        None => builder,
    })
}

/// The environment's `rate_limit`, unless the global `--api-rate` or `--edition` (or
/// `DWDI_EDITION`) chose one for this run: a flag wins over the manifest, as `--endpoint` does.
fn manifest_rate_limit(target: &Target, global: &GlobalArgs) -> Option<RateLimit> {
    if global.api_rate.is_some() || global.edition.is_some() {
        return None;
    }
    target
        .rate_limit
        .map(|l| RateLimit::new(l.reads_per_second, l.writes_per_second))
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
    use dataworks_project::RateLimitDecl;
    use dataworks_workflow::Edition;

    use super::*;

    fn target() -> Target {
        Target {
            environment: "dev".into(),
            workspace: 1,
            region: None,
            endpoint: None,
            profile: None,
            rate_limit: Some(RateLimitDecl {
                reads_per_second: 30.0,
                writes_per_second: 10.0,
            }),
        }
    }

    #[test]
    fn the_manifest_rate_limit_applies_unless_a_flag_sets_one() {
        let none = GlobalArgs::default();
        assert_eq!(
            manifest_rate_limit(&target(), &none),
            Some(RateLimit::new(30.0, 10.0))
        );
        let api_rate = GlobalArgs {
            api_rate: Some(RateLimit::new(5.0, 5.0)),
            ..GlobalArgs::default()
        };
        assert_eq!(manifest_rate_limit(&target(), &api_rate), None);
        let edition = GlobalArgs {
            edition: Some(Edition::Enterprise),
            ..GlobalArgs::default()
        };
        assert_eq!(manifest_rate_limit(&target(), &edition), None);
    }
}
