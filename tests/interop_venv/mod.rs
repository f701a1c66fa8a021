//! The virtual environment of the Python interop tests (`target/interop-venv`, built from
//! the pinned `tests/interop/requirements.txt` and reused while it is unchanged).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// True (after saying so loudly) when `DWDI_SKIP_PYTHON_INTEROP=1` asks to skip.
pub fn skipped(what: &str) -> bool {
    if std::env::var("DWDI_SKIP_PYTHON_INTEROP").as_deref() == Ok("1") {
        eprintln!("\n!!!!!!!! SKIPPED: {what} (DWDI_SKIP_PYTHON_INTEROP=1) !!!!!!!!\n");
        return true;
    }
    false
}

const STAMP: &str = "dwdi-requirements.sha256";

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn interop_dir() -> PathBuf {
    root().join("tests/interop")
}

pub fn python3() -> String {
    let python = std::env::var("DWDI_PYTHON").unwrap_or_else(|_| "python3".to_string());
    match Command::new(&python).arg("--version").output() {
        Ok(out) if out.status.success() => python,
        Ok(out) => panic!(
            "`{python} --version` failed ({}): the Python interop test needs Python 3 with venv \
             (install python3 and python3-venv, or set DWDI_SKIP_PYTHON_INTEROP=1 to skip it explicitly)",
            out.status
        ),
        Err(err) => panic!(
            "cannot run `{python}`: {err}. The Python interop test needs Python 3 with venv \
             (install python3 and python3-venv, or set DWDI_SKIP_PYTHON_INTEROP=1 to skip it explicitly)"
        ),
    }
}

pub fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python, creating/refreshing the venv when the pinned requirements changed.
pub fn venv_python() -> PathBuf {
    let requirements = interop_dir().join("requirements.txt");
    let pinned = std::fs::read(&requirements).unwrap();
    let hash = hex::encode(Sha256::digest(&pinned));
    let target = root().join("target");
    let venv = target.join("interop-venv");
    let python_in = |dir: &Path| dir.join("bin/python");
    if std::fs::read_to_string(venv.join(STAMP)).is_ok_and(|s| s.trim() == hash)
        && python_in(&venv).exists()
    {
        return python_in(&venv);
    }
    // Build in a private directory, then move it into place, so concurrent runs never see a
    // half-installed venv.
    let building = target.join(format!("interop-venv.building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir_all(&target).unwrap();
    run(
        Command::new(python3()).args(["-m", "venv"]).arg(&building),
        "creating the interop venv (python3 -m venv; on Debian install python3-venv)",
    );
    run(
        Command::new(python_in(&building))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r tests/interop/requirements.txt",
    );
    std::fs::write(building.join(STAMP), &hash).unwrap();
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&building, &venv).is_err() {
        // Another run won the race; use its venv.
        let _ = std::fs::remove_dir_all(&building);
    }
    python_in(&venv)
}
