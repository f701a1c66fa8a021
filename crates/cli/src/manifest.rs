//! Finding and loading the `dataworks.toml` manifest (as Cargo finds `Cargo.toml`: in the
//! current directory or above, or `--manifest PATH`), and reading its documents from disk.

use std::path::{Path, PathBuf};

use dataworks_project::{Desired, MANIFEST_FILE, Manifest, ManifestProblems, Sources, resolve};

/// The `--manifest` flag of the project commands.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ManifestArg {
    /// The manifest (default: `dataworks.toml` in the current directory or the nearest
    /// directory above that has one).
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,
}

/// A manifest read from disk.
#[derive(Debug)]
pub struct Loaded {
    /// Where it was found.
    pub path: PathBuf,
    /// How it is named in messages (the path as given or found).
    pub name: String,
    /// Its text.
    pub text: String,
    /// Its parsed model.
    pub manifest: Manifest,
}

/// The documents of a manifest, read relative to the manifest's directory.
pub struct FileSources {
    dir: PathBuf,
}

impl Sources for FileSources {
    fn read(&self, path: &str) -> Result<String, String> {
        let full = self.dir.join(path);
        std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))
    }
}

/// Why a manifest could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// None found, or unreadable: a usage error.
    Usage(String),
    /// Found but not valid.
    Invalid(ManifestProblems),
}

/// Finds `dataworks.toml` in `start` or the nearest directory above it.
pub fn find_manifest(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(MANIFEST_FILE))
        .find(|p| p.is_file())
}

impl ManifestArg {
    /// Finds, reads and parses the manifest.
    pub fn load(&self) -> Result<Loaded, LoadError> {
        let path = match &self.manifest {
            Some(p) => p.clone(),
            None => {
                let cwd = std::env::current_dir().map_err(|e| {
                    LoadError::Usage(format!("cannot read the current directory: {e}"))
                })?;
                find_manifest(&cwd).ok_or_else(|| {
                    LoadError::Usage(format!(
                        "no {MANIFEST_FILE} in {} or any directory above; run where it is, or give --manifest PATH",
                        cwd.display()
                    ))
                })?
            }
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| LoadError::Usage(format!("cannot read {}: {e}", path.display())))?;
        let name = path.display().to_string();
        let manifest = Manifest::parse(&name, &text).map_err(LoadError::Invalid)?;
        Ok(Loaded {
            path,
            name,
            text,
            manifest,
        })
    }
}

impl Loaded {
    /// The documents' reader.
    pub fn sources(&self) -> FileSources {
        FileSources {
            dir: self
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        }
    }

    /// The desired state of one environment (the only one when `env` is `None`).
    pub fn resolve(&self, env: Option<&str>) -> Result<Desired, ManifestProblems> {
        resolve(&self.manifest, &self.name, &self.text, env, &self.sources())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_found_here_or_above() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find_manifest(&deep), None);
        std::fs::write(dir.path().join(MANIFEST_FILE), "").unwrap();
        assert_eq!(find_manifest(&deep), Some(dir.path().join(MANIFEST_FILE)));
    }
}
