//! `dwdi sign`: placeholder until the signer lands (being written now).

/// Arguments of `dwdi sign`.
#[derive(Debug, clap::Args)]
pub struct SignArgs {}

/// Runs `dwdi sign`.
pub fn run(_args: SignArgs) -> crate::exit::Exit {
    crate::exit::Exit::Usage
}
