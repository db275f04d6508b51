//! `pkgwarden.toml`: the gate's options kept with the project instead of on every
//! command line. Found by walking up from the current folder, or named with `--config`.
//! Command-line flags win over the file.
//!
//! ```toml
//! fail-on = "suspicious"             # malicious (default) | suspicious
//! select = ["exfiltration", "dropper-chain"]   # rule ids or categories; empty: all
//! ignore = ["typosquat-name"]
//! min-confidence = "medium"          # low | medium | high
//! baseline = "pkgwarden-baseline.json"   # relative to this file
//!
//! [[suppress]]
//! package = "fastcodec"
//! version = "2.3.0"                  # or "*"
//! rule = "install-spawn"
//! file = "fastcodec-2.3.0/setup.py"
//! fingerprint = "3f9a0c12ab44"       # the finding's id or full fingerprint
//! reason = "runs the vendored cmake build; reviewed by @sec in #123"
//! expires = "2027-06-30"             # optional
//! ```
//!
//! A scanned package could carry a `pkgwarden.toml` that ignores everything: a file
//! that lies inside a scanned input is therefore never used (found by the walk: a
//! warning; named with `--config`: an error).

use super::suppressions::Suppression;
use crate::cli::FailOn;
use crate::finding::Confidence;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file's name, looked for in the current folder and each folder above it.
pub const FILE_NAME: &str = "pkgwarden.toml";

/// The options a configuration file may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub fail_on: Option<FailOn>,
    pub fail_on_empty: Option<bool>,
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub min_confidence: Option<Confidence>,
    /// Resolved against the file's folder when read.
    pub baseline: Option<PathBuf>,
    #[serde(default)]
    pub suppress: Vec<Suppression>,
}

/// A configuration file that was read, and where from.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub file: ConfigFile,
}

/// Reads `explicit`, or the first `pkgwarden.toml` from the current folder up; `None`
/// when there is none. `warn` receives the reason a found file was not used.
pub fn load(
    explicit: Option<&Path>,
    inputs: &[PathBuf],
    warn: &mut dyn FnMut(String),
) -> Result<Option<Loaded>, String> {
    let path = match explicit {
        Some(p) => {
            if let Some(input) = inside_input(p, inputs) {
                return Err(format!(
                    "--config {} lies inside the scanned input {}: configuration never comes from a scanned package",
                    p.display(),
                    input.display()
                ));
            }
            p.to_path_buf()
        }
        None => match find_upward() {
            Some(p) => {
                if let Some(input) = inside_input(&p, inputs) {
                    warn(format!(
                        "{} lies inside the scanned input {} and is not used: configuration never comes from a scanned package",
                        p.display(),
                        input.display()
                    ));
                    return Ok(None);
                }
                p
            }
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut file: ConfigFile =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(b) = &file.baseline {
        let dir = path.parent().unwrap_or(Path::new("."));
        file.baseline = Some(dir.join(b));
    }
    Ok(Some(Loaded { path, file }))
}

fn find_upward() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// The scanned input that holds `path`, if any.
fn inside_input<'a>(path: &Path, inputs: &'a [PathBuf]) -> Option<&'a PathBuf> {
    let file = path.canonicalize().ok()?;
    inputs.iter().find(|input| {
        input
            .canonicalize()
            .is_ok_and(|i| i.is_dir() && file.starts_with(&i))
    })
}
