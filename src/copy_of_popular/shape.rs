//! A package's shape: its files by normalised path, each with a hash of its normalised
//! content and, for text files up to a bound, its lines. Two copies of one package under
//! different names and versions have the same shape.

use std::collections::BTreeMap;

use crate::ecosystem::Ecosystem;
use crate::package::Package;
use crate::typosquat::canonical;

/// Text files larger than this keep only their hash: their lines are not compared, and a
/// change to one is reported without its lines (said so in the finding).
pub const MAX_DIFF_FILE_BYTES: usize = 256 << 10;

/// What stands for the package's name and version in normalised paths and lines.
const NAME: &str = "{name}";
const VERSION: &str = "{version}";

/// One file of a shape.
#[derive(Debug, Clone)]
pub struct FileShape {
    /// The path as the package holds it, for the finding.
    pub path: String,
    /// A hash of the normalised content (and size, for a file read in part).
    pub hash: u64,
    /// The normalised lines, for a UTF-8 file of at most [`MAX_DIFF_FILE_BYTES`] read whole.
    pub lines: Option<Vec<String>>,
}

/// A package's files, keyed by normalised path.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The package's name as its manifest gives it.
    pub name: String,
    pub version: Option<String>,
    pub files: BTreeMap<String, FileShape>,
}

/// Files derived from the others, which differ whenever anything else does: a wheel's
/// `RECORD` lists every file's hash.
fn is_derived(path: &str) -> bool {
    path.ends_with(".dist-info/RECORD")
}

impl Shape {
    /// The shape of `package`. The common root folder is cut from each path; the package's
    /// name (as written, canonical, with `_` or `.` for `-`), the name `imitated` when given
    /// (a squat keeps the import name of the package it copies: `reqeusts` ships
    /// `requests/api.py`), and the version are replaced by placeholders in paths and text.
    pub fn of(package: &Package, imitated: Option<&str>) -> Shape {
        let mut spellings = spellings(&package.name, package.ecosystem);
        if let Some(name) = imitated {
            spellings.extend(self::spellings(name, package.ecosystem));
            longest_first(&mut spellings);
        }
        let version = package.version.as_deref().filter(|v| v.len() >= 3);
        let files = package
            .entries
            .iter()
            .filter(|e| !is_derived(&e.path))
            .map(|e| {
                let rel = e.path.strip_prefix(&package.root).unwrap_or(&e.path);
                let key = normalise(rel, &spellings, version);
                let text = std::str::from_utf8(&e.data).ok().filter(|_| e.complete);
                let (hash, lines) = match text {
                    Some(text) => {
                        let normal = normalise(text, &spellings, version);
                        let lines = (text.len() <= MAX_DIFF_FILE_BYTES)
                            .then(|| normal.lines().map(str::to_string).collect());
                        (hash_bytes(normal.as_bytes()), lines)
                    }
                    None => (hash_bytes(&e.data) ^ e.size, None),
                };
                let file = FileShape {
                    path: e.path.clone(),
                    hash,
                    lines,
                };
                (key, file)
            })
            .collect();
        Shape {
            name: package.name.clone(),
            version: package.version.clone(),
            files,
        }
    }
}

/// The spellings of a name that paths and code use, longest first so that a longer one is
/// replaced before a part of it.
fn spellings(name: &str, eco: Ecosystem) -> Vec<String> {
    let bare = name.rsplit('/').next().unwrap_or(name);
    let canonical = canonical(bare, eco);
    let mut all = vec![
        bare.to_string(),
        canonical.clone(),
        canonical.replace('-', "_"),
        canonical.replace('-', "."),
    ];
    all.retain(|s| s.len() >= 3);
    longest_first(&mut all);
    all
}

/// Sorts longest first (then alphabetically) and drops repeats.
fn longest_first(spellings: &mut Vec<String>) {
    spellings.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    spellings.dedup();
}

fn normalise(text: &str, spellings: &[String], version: Option<&str>) -> String {
    let mut out = text.to_string();
    if let Some(version) = version {
        out = out.replace(version, VERSION);
    }
    for spelling in spellings {
        if out.contains(spelling.as_str()) {
            out = out.replace(spelling.as_str(), NAME);
        }
    }
    out
}

/// The first 8 bytes of the content's sha256: a changed file never looks unchanged unless
/// someone finds a sha256 prefix collision.
fn hash_bytes(bytes: &[u8]) -> u64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_versions_are_placeholders() {
        let spellings = spellings("Python-Dateutil", Ecosystem::Pypi);
        assert_eq!(
            normalise(
                "python_dateutil/__init__.py 2.9.0",
                &spellings,
                Some("2.9.0")
            ),
            "{name}/__init__.py {version}"
        );
    }
}
