//! Turns command-line paths into packages to scan. Every input ends up as a package (a
//! [`Target`]), an error ([`InputError`]) or a counted skip with its reason ([`Skip`]):
//! nothing given or found is dropped silently.
//!
//! # What is a package
//!
//! A file is a package when it is an archive, recognised by content or by a package
//! archive's name (a corrupt `.tar.gz` is still a package, reported as one that cannot be
//! read). A file named on the command line is always scanned: a single source file is a
//! one-file package.
//!
//! A folder is judged by what is at its top; the first rule that matches wins:
//!
//! 1. **Installed distributions**: a folder named `site-packages` or `dist-packages`, or
//!    one holding two or more `*.dist-info/` folders with a `METADATA`. Each distribution
//!    is a package of its own: its `*.dist-info/` folder plus the files its `RECORD` lists
//!    (failing that, the names in `top_level.txt`, or failing that its project name). The
//!    files no distribution lists are one more package, named after the folder, if any of
//!    them is source (virtualenv's `_virtualenv.pth` runs at every start); otherwise each
//!    is a skip.
//! 2. **A manifest** at the top: `setup.py`, `pyproject.toml`, `setup.cfg`, `PKG-INFO`,
//!    `package.json`, a `*.gemspec`, a gem's `metadata.gz` or its `metadata` YAML beside a
//!    `data/` folder (a `.gem` unpacked by hand), or one `*.dist-info/` (an unpacked
//!    wheel): the folder is one package.
//! 3. **Loose source**: files the analysers read (`.py`, `.js`, `.rb`, `.sh`, ...) at the
//!    top and no archive: the folder is one package named after it, because whoever
//!    unpacked something by hand expects it read. Beside archives, the archives are
//!    packages and the top's other files one more (never for `node_modules/` itself,
//!    whose loose files are not one package with its dependencies).
//! 4. Otherwise the folder is walked: archives are packages, subfolders are judged by
//!    these same rules, and every other entry is a skip.
//!
//! A package folder is its whole subtree except the `node_modules/`, `site-packages/` and
//! `dist-packages/` folders anywhere under it, which are judged on their own: each
//! `node_modules/<name>` and `node_modules/@scope/<name>` with a `package.json` is then its
//! own package, with its own install scripts, nested `node_modules/` too.
//!
//! # Skips
//!
//! Whatever is neither a package nor part of one is a [`Skip`] with its reason: a file
//! that is no package archive, a symlink (never followed while walking; one inside a
//! package that points outside it is also an `archive-anomaly` finding), a FIFO or
//! device, an empty folder. A folder of 10,000 loose files makes 10,000 skips;
//! [`summary_by_reason`] folds them into a count per reason with a few examples.
//!
//! # Standard input and duplicates
//!
//! `-` is one archive read from standard input, held in memory and bounded by the read
//! limit (more is an error for that input). Inputs are canonicalised, so the same file or
//! folder given twice, as `./x` and `x`, or through a symlink is scanned once; packages
//! keep the path they were first reached by.

mod installed;
mod walk;

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// One package to scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// An archive, or a single source file given by name.
    File(PathBuf),
    /// One archive read from standard input (`-`).
    Stdin,
    /// An unpacked package: every file under `path` except the `exclude`d subfolders,
    /// which are packages of their own (`node_modules/`).
    Folder {
        path: PathBuf,
        exclude: Vec<PathBuf>,
    },
    /// Some files of the folder `root`, as paths relative to it: one installed
    /// distribution (`path` is its `*.dist-info/`), or the loose files of a folder that
    /// also holds archives or distributions (`path` is the folder).
    Files {
        path: PathBuf,
        root: PathBuf,
        files: Vec<PathBuf>,
    },
}

impl Target {
    /// How the package is named in the report.
    pub fn path(&self) -> &Path {
        match self {
            Target::File(p) | Target::Folder { path: p, .. } | Target::Files { path: p, .. } => p,
            Target::Stdin => Path::new("-"),
        }
    }
}

/// An input that could not be opened or listed at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Something found under an input that is neither a package nor part of one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skip {
    pub path: PathBuf,
    pub reason: SkipReason,
}

/// Why something was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    NotAnArchive,
    Symlink,
    NotRegular,
    EmptyFolder,
    Unlisted,
}

impl SkipReason {
    /// The reason as the reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NotAnArchive => "not a package archive",
            SkipReason::Symlink => "symlink: not followed",
            SkipReason::NotRegular => "not a regular file (FIFO, socket or device)",
            SkipReason::EmptyFolder => "empty folder: nothing to scan",
            SkipReason::Unlisted => "listed by no installed distribution, and not source",
        }
    }
}

/// What the inputs came to.
#[derive(Debug, Default)]
pub struct Collected {
    /// Sorted by path.
    pub targets: Vec<Target>,
    pub errors: Vec<InputError>,
    /// Sorted by path.
    pub skipped: Vec<Skip>,
}

/// How many examples [`summary_by_reason`] keeps per reason.
pub const SKIP_EXAMPLES: usize = 3;

/// The skips of one reason, for a report that must not print one line per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipSummary<'a> {
    pub reason: SkipReason,
    pub count: usize,
    /// The first [`SKIP_EXAMPLES`] paths, in the order given.
    pub examples: Vec<&'a Path>,
}

/// The skips counted by reason, the most frequent reason first (ties in [`SkipReason`]
/// order), each with a few example paths.
pub fn summary_by_reason(skipped: &[Skip]) -> Vec<SkipSummary<'_>> {
    let mut out: Vec<SkipSummary> = Vec::new();
    for skip in skipped {
        let at = match out.iter().position(|s| s.reason == skip.reason) {
            Some(i) => i,
            None => {
                out.push(SkipSummary {
                    reason: skip.reason,
                    count: 0,
                    examples: Vec::new(),
                });
                out.len() - 1
            }
        };
        let s = &mut out[at];
        s.count += 1;
        if s.examples.len() < SKIP_EXAMPLES {
            s.examples.push(&skip.path);
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    out
}

/// Expands inputs into packages, errors and skips. A missing or unreadable input is an
/// error and the rest is still scanned.
pub fn collect(inputs: &[PathBuf]) -> Collected {
    let mut c = Collector::default();
    for input in inputs {
        if input.as_os_str() == "-" {
            c.target(Path::new("-"), Target::Stdin);
            continue;
        }
        let real = match fs::canonicalize(input) {
            Ok(real) => real,
            Err(e) => {
                c.error(input, e.to_string());
                continue;
            }
        };
        let place = Place {
            real,
            shown: input.clone(),
        };
        match fs::metadata(&place.real) {
            Ok(m) if m.is_dir() => walk::folder(&mut c, place),
            Ok(_) => c.target(&place.real, Target::File(place.shown.clone())),
            Err(e) => c.error(input, e.to_string()),
        }
    }
    c.finish()
}

/// A path as found (`shown`, kept for the report) and canonical (`real`, for dedup).
/// Walks never follow symlinks, so joining a name to `real` stays canonical.
#[derive(Debug, Clone)]
struct Place {
    real: PathBuf,
    shown: PathBuf,
}

impl Place {
    fn join(&self, name: impl AsRef<Path>) -> Place {
        Place {
            real: self.real.join(name.as_ref()),
            shown: self.shown.join(name.as_ref()),
        }
    }

    fn name(&self) -> &OsStr {
        self.real.file_name().unwrap_or_default()
    }
}

/// Gathers the results, keeping each canonical path once.
#[derive(Default)]
struct Collector {
    out: Collected,
    seen: HashSet<PathBuf>,
}

impl Collector {
    fn target(&mut self, real: &Path, target: Target) {
        if self.seen.insert(real.to_path_buf()) {
            self.out.targets.push(target);
        }
    }

    fn skip(&mut self, place: &Place, reason: SkipReason) {
        if self.seen.insert(place.real.clone()) {
            self.out.skipped.push(Skip {
                path: place.shown.clone(),
                reason,
            });
        }
    }

    fn error(&mut self, path: &Path, message: String) {
        self.out.errors.push(InputError {
            path: path.to_path_buf(),
            message,
        });
    }

    fn finish(mut self) -> Collected {
        self.out.targets.sort();
        self.out.skipped.sort();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_by_reason_with_few_examples() {
        let skip = |p: &str, reason| Skip {
            path: PathBuf::from(p),
            reason,
        };
        let mut skipped: Vec<Skip> = (0..10)
            .map(|i| skip(&format!("d/{i}.txt"), SkipReason::NotAnArchive))
            .collect();
        skipped.push(skip("d/link", SkipReason::Symlink));
        let summary = summary_by_reason(&skipped);
        assert_eq!(summary.len(), 2);
        assert_eq!(summary[0].reason, SkipReason::NotAnArchive);
        assert_eq!(summary[0].count, 10);
        assert_eq!(summary[0].examples.len(), SKIP_EXAMPLES);
        assert_eq!(summary[1].count, 1);
        assert_eq!(summary[1].examples, vec![Path::new("d/link")]);
    }
}
