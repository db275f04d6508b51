//! The package ecosystems pkgwarden understands.

use serde::Serialize;

/// Which registry a package belongs to; `Unknown` when no manifest says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Pypi,
    Npm,
    Rubygems,
    Unknown,
}

impl Ecosystem {
    /// The lowercase name used in JSON output and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Pypi => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::Rubygems => "rubygems",
            Ecosystem::Unknown => "unknown",
        }
    }
}

impl std::str::FromStr for Ecosystem {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "pypi" | "python" | "pip" => Ok(Ecosystem::Pypi),
            "npm" | "node" | "javascript" => Ok(Ecosystem::Npm),
            "rubygems" | "gem" | "ruby" => Ok(Ecosystem::Rubygems),
            other => Err(format!(
                "unknown ecosystem `{other}` (expected pypi, npm or rubygems)"
            )),
        }
    }
}
