//! A closed stdout (`dwdi … | head`) ends the command quietly, as Unix tools do.
//!
//! Rust ignores `SIGPIPE`, so a write to a closed pipe fails with `EPIPE` and `println!`
//! panics ("failed printing to stdout: Broken pipe"), with a backtrace on stderr. Restoring
//! the signal's default action needs `unsafe` (libc), which the workspace forbids; instead a
//! panic hook recognises that one panic and exits at once with status 141 (128 + SIGPIPE,
//! what a shell reports for a tool the signal ended), printing nothing. Every other panic
//! goes to the default hook unchanged.

/// The exit status after stdout was closed under us: 128 + SIGPIPE (13).
pub const BROKEN_PIPE_STATUS: i32 = 141;

/// Installs the hook (once, first thing in `main`).
pub fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if is_broken_stdout(message) {
            std::process::exit(BROKEN_PIPE_STATUS);
        }
        default(info);
    }));
}

/// Whether a panic message is the standard library's for a write to a closed stdout.
fn is_broken_stdout(message: &str) -> bool {
    message.starts_with("failed printing to stdout")
        && (message.contains("Broken pipe") || message.contains("os error 32"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_closed_stdout_panic_is_recognised() {
        assert!(is_broken_stdout(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_stdout(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_broken_stdout("index out of bounds: Broken pipe"));
    }
}
