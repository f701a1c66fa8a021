//! The small instance state machine behind Deploy/Start/Stop/TerminateDISyncInstance and
//! GetDISyncInstanceInfo. Pure: the caller supplies the current time and the delay.
//!
//! Real-time tasks (`DI_REALTIME`) use the docs' values `NORUN`, `WAIT`, `RUN`, `PAUSE`,
//! `KILLING`; solutions (`DI_SOLUTION`) `NORUN` (never started), `running`, `success`.
//! Transitions that take time (`WAIT` → `RUN`, `KILLING` → `NORUN`, `running` → `success`)
//! end after the processing delay; they are resolved lazily from the stored ready time.

/// The instance actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceAction {
    /// DeployDISyncTask.
    Deploy,
    /// StartDISyncInstance.
    Start,
    /// StopDISyncInstance.
    Stop,
    /// TerminateDISyncInstance.
    Terminate,
}

impl InstanceAction {
    /// The API action name.
    pub fn action_name(self) -> &'static str {
        match self {
            Self::Deploy => "DeployDISyncTask",
            Self::Start => "StartDISyncInstance",
            Self::Stop => "StopDISyncInstance",
            Self::Terminate => "TerminateDISyncInstance",
        }
    }
}

/// The instance columns of a task at some moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceState {
    /// The stored status.
    pub status: String,
    /// The status a transition in progress ends in.
    pub target: Option<String>,
    /// When (unix ms) that transition ends.
    pub ready_at_ms: Option<i64>,
    /// The deployed version, if any.
    pub deployed_version: Option<i64>,
}

impl InstanceState {
    /// The state with any transition whose time has come applied.
    pub fn resolved(&self, now_ms: i64) -> InstanceState {
        match (&self.target, self.ready_at_ms) {
            (Some(target), Some(ready)) if now_ms >= ready => InstanceState {
                status: target.clone(),
                target: None,
                ready_at_ms: None,
                deployed_version: self.deployed_version,
            },
            _ => self.clone(),
        }
    }
}

/// Applies `action` to a task of `task_type` (wire name) in `state` (already resolved at
/// `now_ms`), whose current content version is `version`. Returns the new state, or the
/// message of an `Invalid.DI.Parameter` error for an illegal transition.
pub fn transition(
    task_type: &str,
    state: &InstanceState,
    version: i64,
    action: InstanceAction,
    now_ms: i64,
    delay_ms: i64,
) -> Result<InstanceState, String> {
    let name = action.action_name();
    if action == InstanceAction::Deploy {
        return Ok(InstanceState {
            deployed_version: Some(version),
            ..state.clone()
        });
    }
    let timed = |status: &str, target: &str| {
        if delay_ms <= 0 {
            InstanceState {
                status: target.to_string(),
                target: None,
                ready_at_ms: None,
                deployed_version: state.deployed_version,
            }
        } else {
            InstanceState {
                status: status.to_string(),
                target: Some(target.to_string()),
                ready_at_ms: Some(now_ms.saturating_add(delay_ms)),
                deployed_version: state.deployed_version,
            }
        }
    };
    let settled = |status: &str| InstanceState {
        status: status.to_string(),
        target: None,
        ready_at_ms: None,
        deployed_version: state.deployed_version,
    };
    let current = state.status.as_str();
    match task_type {
        "DI_REALTIME" => match (action, current) {
            (InstanceAction::Start, _) if state.deployed_version.is_none() => Err(format!(
                "{name}: the task has not been deployed; call DeployDISyncTask first."
            )),
            (InstanceAction::Start, "NORUN" | "PAUSE") => Ok(timed("WAIT", "RUN")),
            (InstanceAction::Stop, "RUN" | "WAIT") => Ok(settled("PAUSE")),
            (InstanceAction::Terminate, "RUN" | "WAIT" | "PAUSE") => Ok(timed("KILLING", "NORUN")),
            _ => Err(format!(
                "{name} is not allowed while the instance status is {current}{}.",
                allowed_hint(action)
            )),
        },
        "DI_SOLUTION" => match (action, current) {
            (InstanceAction::Start, _) if state.deployed_version.is_none() => Err(format!(
                "{name}: the solution has not been deployed; call DeployDISyncTask first."
            )),
            (InstanceAction::Start, "NORUN" | "success" | "fail") => {
                Ok(timed("running", "success"))
            }
            (InstanceAction::Start, _) => Err(format!(
                "{name} is not allowed while the solution is {current}."
            )),
            _ => Err(format!(
                "{name} is not supported for DI_SOLUTION; a solution runs once per start."
            )),
        },
        other => Err(format!(
            "{name} is not supported for {other} tasks; only DI_REALTIME and DI_SOLUTION have instances."
        )),
    }
}

fn allowed_hint(action: InstanceAction) -> &'static str {
    match action {
        InstanceAction::Start => " (allowed from NORUN or PAUSE)",
        InstanceAction::Stop => " (allowed from RUN or WAIT)",
        InstanceAction::Terminate => " (allowed from RUN, WAIT or PAUSE)",
        InstanceAction::Deploy => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The state of a new task (the store inserts `NORUN`).
    fn initial() -> InstanceState {
        InstanceState {
            status: "NORUN".into(),
            target: None,
            ready_at_ms: None,
            deployed_version: None,
        }
    }

    fn run(
        task_type: &str,
        actions: &[InstanceAction],
        delay: i64,
    ) -> Result<InstanceState, String> {
        let mut s = initial();
        let mut now = 0;
        for a in actions {
            s = transition(task_type, &s.resolved(now), 1, *a, now, delay)?;
            now += 10;
        }
        Ok(s.resolved(now))
    }

    use InstanceAction::*;

    #[test]
    fn realtime_happy_path() {
        assert_eq!(
            run("DI_REALTIME", &[Deploy, Start], 0).unwrap().status,
            "RUN"
        );
        assert_eq!(
            run("DI_REALTIME", &[Deploy, Start, Stop], 0)
                .unwrap()
                .status,
            "PAUSE"
        );
        assert_eq!(
            run("DI_REALTIME", &[Deploy, Start, Stop, Start], 0)
                .unwrap()
                .status,
            "RUN"
        );
        assert_eq!(
            run("DI_REALTIME", &[Deploy, Start, Terminate], 0)
                .unwrap()
                .status,
            "NORUN"
        );
    }

    #[test]
    fn delays_show_transient_states() {
        let s = transition(
            "DI_REALTIME",
            &InstanceState {
                deployed_version: Some(1),
                ..initial()
            },
            1,
            Start,
            100,
            50,
        )
        .unwrap();
        assert_eq!(s.status, "WAIT");
        assert_eq!(s.resolved(149).status, "WAIT");
        assert_eq!(s.resolved(150).status, "RUN");
        let k = transition("DI_REALTIME", &s.resolved(150), 1, Terminate, 150, 50).unwrap();
        assert_eq!(k.status, "KILLING");
        assert_eq!(k.resolved(200).status, "NORUN");
    }

    #[test]
    fn illegal_transitions_say_why() {
        let e = run("DI_REALTIME", &[Start], 0).unwrap_err();
        assert!(e.contains("DeployDISyncTask first"), "{e}");
        let e = run("DI_REALTIME", &[Deploy, Stop], 0).unwrap_err();
        assert!(e.contains("NORUN") && e.contains("allowed from RUN"), "{e}");
        let e = run("DI_REALTIME", &[Deploy, Start, Start], 0).unwrap_err();
        assert!(e.contains("RUN"), "{e}");
        assert!(
            run("DI_OFFLINE", &[Deploy, Start], 0)
                .unwrap_err()
                .contains("DI_OFFLINE")
        );
        assert!(run("DI_SOLUTION", &[Deploy, Start, Stop], 0).is_err());
    }

    #[test]
    fn solution_runs_to_success() {
        assert_eq!(
            run("DI_SOLUTION", &[Deploy, Start], 0).unwrap().status,
            "success"
        );
    }

    proptest! {
        /// Whatever the sequence, the status stays one of the documented values.
        #[test]
        fn statuses_stay_documented(seq in proptest::collection::vec(0u8..4, 0..20), delay in 0i64..30) {
            let mut s = initial();
            let mut now = 0;
            for a in seq {
                let a = [Deploy, Start, Stop, Terminate][usize::from(a)];
                if let Ok(next) = transition("DI_REALTIME", &s.resolved(now), 1, a, now, delay) { s = next; }
                now += 7;
                prop_assert!(["NORUN", "WAIT", "RUN", "PAUSE", "KILLING"].contains(&s.resolved(now).status.as_str()));
            }
        }
    }
}
