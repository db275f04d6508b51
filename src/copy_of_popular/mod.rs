//! `copy-of-popular`: a package whose name imitates a popular package and whose files are a
//! near-identical copy of that package with a few lines changed, such as a wallet address or
//! a URL. The name check alone sees a squat; the copy shows what the squatter changed.
//!
//! The popular package's shape comes from the references: `scan --reference DIR` (a folder of
//! known-good archives) and the archives of the same scan named after a popular package.
//! `rules/typosquat/copy-of-popular.md` documents the rule and its bounds.

mod compare;
mod literals;
mod shape;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::archive::limits::Limits;
use crate::detectors::typosquat::COPY_OF_POPULAR;
use crate::ecosystem::Ecosystem;
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::input::{self, Target};
use crate::package::{manifest, Package};
use crate::typosquat::{canonical, check_name};

use compare::{compare, Changed, Copy};
use shape::{Shape, MAX_DIFF_FILE_BYTES};

/// The known-good packages that scanned packages are compared with, by ecosystem and
/// canonical name (every version read).
#[derive(Debug, Default)]
pub struct References {
    by_name: HashMap<(Ecosystem, String), Vec<Shape>>,
}

impl References {
    /// Reads every package under `dirs`; fails on an input that cannot be listed or a package
    /// that cannot be read, so that a missing reference is never taken for "no copy".
    pub fn load(dirs: &[PathBuf], limits: &Limits) -> Result<References, String> {
        let collected = input::collect(dirs);
        if let Some(e) = collected.errors.first() {
            return Err(format!("reference {}: {}", e.path.display(), e.message));
        }
        let mut refs = References::default();
        for target in &collected.targets {
            refs.add(target, limits)
                .map_err(|e| format!("reference {}: {e}", target.path().display()))?;
        }
        Ok(refs)
    }

    /// Adds the archives among `paths` (the inputs of a scan) that another of them imitates
    /// by name (`requests-2.31.0.tar.gz` beside `reqeusts-2.31.0.tar.gz`), judged by file
    /// name, so that only the targets of squats are read twice. Those that cannot be read
    /// are left out: the scan reports them.
    pub fn add_targets_among(&mut self, paths: &[PathBuf], limits: &Limits) {
        let files: Vec<(Target, Ecosystem, String)> = input::collect(paths)
            .targets
            .into_iter()
            .filter_map(|target| {
                let Target::File(path) = &target else {
                    return None;
                };
                let file = path.to_string_lossy();
                let eco = ecosystem_of_file_name(&file);
                let (name, _) = manifest::from_file_name(&file);
                Some((target, eco, canonical(&name, eco)))
            })
            .collect();
        let wanted: HashSet<(Ecosystem, String)> = files
            .iter()
            .filter_map(|(_, eco, name)| {
                check_name(name, *eco).map(|s| (*eco, canonical(&s.target, *eco)))
            })
            .collect();
        for (target, eco, name) in files {
            if wanted.contains(&(eco, name)) {
                let _ = self.add(&target, limits);
            }
        }
    }

    /// Whether no reference was read.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    fn add(&mut self, target: &Target, limits: &Limits) -> Result<(), String> {
        let contents = crate::scan::read_target(target, limits)?;
        if !contents.errors.is_empty() {
            return Err(contents.errors.join("; "));
        }
        let path = target.path().display().to_string();
        let package = Package::new(contents.entries, &path);
        let key = (
            package.ecosystem,
            canonical(&package.name, package.ecosystem),
        );
        self.by_name
            .entry(key)
            .or_default()
            .push(Shape::of(&package, None));
        Ok(())
    }
}

/// The ecosystem an archive's file name suggests: `.tgz` npm, `.gem` RubyGems, else PyPI
/// (sdists and wheels). Only picks which inputs to read as references; the package read
/// says its own ecosystem.
fn ecosystem_of_file_name(file: &str) -> Ecosystem {
    if file.ends_with(".tgz") {
        Ecosystem::Npm
    } else if file.ends_with(".gem") {
        Ecosystem::Rubygems
    } else {
        Ecosystem::Pypi
    }
}

/// The `copy-of-popular` findings of `package`: when its name imitates a popular package
/// that the references hold, and its files are a near-identical copy of one of its versions
/// (the closest), one finding per file that differs.
pub fn check(package: &Package, refs: &References) -> Vec<Finding> {
    let eco = package.ecosystem;
    let Some(squat) = check_name(&package.name, eco) else {
        return Vec::new();
    };
    let Some(versions) = refs.by_name.get(&(eco, canonical(&squat.target, eco))) else {
        return Vec::new();
    };
    let shape = Shape::of(package, Some(&squat.target));
    let best = versions
        .iter()
        .filter_map(|r| compare(&shape, r).map(|copy| (r, copy)))
        .max_by_key(|(_, copy)| copy.identical);
    let Some((reference, copy)) = best else {
        return Vec::new();
    };
    copy.changed
        .iter()
        .map(|changed| finding(package, reference, &copy, changed))
        .collect()
}

/// Lines in messages are cut to this many characters.
const SHOWN_LINE_CHARS: usize = 120;

fn shown(line: &str) -> String {
    let line = line.trim();
    match line.char_indices().nth(SHOWN_LINE_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

fn finding(package: &Package, reference: &Shape, copy: &Copy, changed: &Changed) -> Finding {
    let version = reference
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let mut message = format!(
        "`{}` is a near-identical copy of `{}`{version} ({} of its {} files identical); ",
        package.name, reference.name, copy.identical, copy.reference_files
    );
    let what = if changed.new_file {
        "this file is not in it"
    } else {
        "this file differs"
    };
    message.push_str(what);
    if !changed.lines_compared {
        message.push_str(&format!(
            " (lines not compared: binary, read in part, or over {} KiB)",
            MAX_DIFF_FILE_BYTES >> 10
        ));
    } else {
        message.push_str(&format!(
            ": {} line(s) added, {} removed",
            changed.added_total, changed.removed_total
        ));
        for (line, text) in &changed.added {
            message.push_str(&format!("; +{line}: `{}`", shown(text)));
        }
        for text in &changed.removed {
            message.push_str(&format!("; was: `{}`", shown(text)));
        }
        let more = changed.added_total.saturating_sub(changed.added.len())
            + changed.removed_total.saturating_sub(changed.removed.len());
        if more > 0 {
            message.push_str(&format!("; {more} more line(s) not shown"));
        }
    }
    let severity = if changed.new_literals.is_empty() {
        Severity::High
    } else {
        message.push_str(&format!(
            "; new address, URL or key: {}",
            changed
                .new_literals
                .iter()
                .map(|l| format!("`{}`", shown(l)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        Severity::Critical
    };
    let (line, snippet) = changed
        .added
        .first()
        .map(|(line, _)| (*line, original_line(package, &changed.path, *line)))
        .unwrap_or_default();
    COPY_OF_POPULAR
        .finding(severity, Confidence::High, Phase::Metadata, message)
        .at(changed.path.clone(), line, snippet)
}

/// Line `line` (1-based) of the package's file at `path`, as written.
fn original_line(package: &Package, path: &str, line: u32) -> String {
    package
        .entries
        .iter()
        .find(|e| e.path == path)
        .and_then(|e| std::str::from_utf8(&e.data).ok())
        .and_then(|text| text.lines().nth(line as usize - 1))
        .map(shown)
        .unwrap_or_default()
}
