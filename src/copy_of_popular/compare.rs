//! Is a package a near-identical copy of a reference, and what did it change?
//!
//! Bounded by design: files are compared by the hashes of their normalised content, and
//! lines only in the few files that differ; a copy may differ from its reference in at most
//! [`MAX_DIFFERING_FILES`] files, so at most that many files are diffed, each by counting
//! lines (linear), and at most [`MAX_SHOWN_LINES`] lines of each are shown.

use std::collections::{HashMap, HashSet};

use super::literals::sensitive_literals;
use super::shape::{FileShape, Shape};

/// More files than this added or changed and the package is a fork or another release,
/// not a copy with a few literals changed.
pub const MAX_DIFFERING_FILES: usize = 5;

/// Lines shown per changed file, added and removed each.
pub const MAX_SHOWN_LINES: usize = 3;

/// A file of the candidate that is not in the reference as it is.
#[derive(Debug, Clone)]
pub struct Changed {
    /// The candidate's path.
    pub path: String,
    /// True when the reference has no file at this path.
    pub new_file: bool,
    /// False when the lines were not compared: a binary file, one read in part, or one over
    /// `shape::MAX_DIFF_FILE_BYTES` on either side.
    pub lines_compared: bool,
    /// The candidate's lines that the reference's file lacks (1-based line, normalised text),
    /// the first [`MAX_SHOWN_LINES`], and how many there are.
    pub added: Vec<(u32, String)>,
    pub added_total: usize,
    /// The reference's lines that the candidate lacks, the first [`MAX_SHOWN_LINES`], and how
    /// many there are.
    pub removed: Vec<String>,
    pub removed_total: usize,
    /// URLs, IP addresses, wallet addresses and keys in the added lines that the reference's
    /// file does not hold.
    pub new_literals: Vec<String>,
}

/// A near-identical copy: how many files are identical and which differ.
#[derive(Debug, Clone)]
pub struct Copy {
    pub identical: usize,
    pub reference_files: usize,
    pub changed: Vec<Changed>,
}

/// Whether `candidate` is a near-identical copy of `reference`: at least one file differs,
/// at most [`MAX_DIFFERING_FILES`] do, at least twice as many are identical, and at least half
/// of the reference's files are. An identical copy is not reported: with nothing changed, the
/// name is the only evidence, and `typosquat-name` reports it.
pub fn compare(candidate: &Shape, reference: &Shape) -> Option<Copy> {
    let mut identical = 0;
    let mut differing: Vec<(&FileShape, Option<&FileShape>)> = Vec::new();
    for (key, file) in &candidate.files {
        match reference.files.get(key) {
            Some(r) if r.hash == file.hash => identical += 1,
            other => {
                differing.push((file, other));
                if differing.len() > MAX_DIFFERING_FILES {
                    return None;
                }
            }
        }
    }
    let near = !differing.is_empty()
        && identical >= 2 * differing.len()
        && 2 * identical >= reference.files.len();
    near.then(|| Copy {
        identical,
        reference_files: reference.files.len(),
        changed: differing
            .into_iter()
            .map(|(file, reference)| diff(file, reference))
            .collect(),
    })
}

/// The lines of `file` that `reference` lacks and the reverse, counted as multisets (a moved
/// line is no change).
fn diff(file: &FileShape, reference: Option<&FileShape>) -> Changed {
    let empty = Vec::new();
    let (theirs, compared) = match reference {
        None => (&empty, file.lines.is_some()),
        Some(r) => match &r.lines {
            Some(lines) => (lines, file.lines.is_some()),
            None => (&empty, false),
        },
    };
    let mut changed = Changed {
        path: file.path.clone(),
        new_file: reference.is_none(),
        lines_compared: compared,
        added: Vec::new(),
        added_total: 0,
        removed: Vec::new(),
        removed_total: 0,
        new_literals: Vec::new(),
    };
    let Some(ours) = file.lines.as_ref().filter(|_| compared) else {
        return changed;
    };
    let mut counts: HashMap<&str, isize> = HashMap::new();
    for line in theirs {
        *counts.entry(line.as_str()).or_default() += 1;
    }
    let known: HashSet<String> = theirs.iter().flat_map(|l| sensitive_literals(l)).collect();
    let mut literals = HashSet::new();
    for (i, line) in ours.iter().enumerate() {
        let count = counts.entry(line.as_str()).or_default();
        *count -= 1;
        if *count >= 0 {
            continue;
        }
        changed.added_total += 1;
        if changed.added.len() < MAX_SHOWN_LINES {
            changed.added.push((i as u32 + 1, line.clone()));
        }
        for literal in sensitive_literals(line) {
            if !known.contains(&literal) && literals.insert(literal.clone()) {
                changed.new_literals.push(literal);
            }
        }
    }
    for line in theirs {
        let count = counts.entry(line.as_str()).or_default();
        if *count > 0 {
            *count -= 1;
            changed.removed_total += 1;
            if changed.removed.len() < MAX_SHOWN_LINES {
                changed.removed.push(line.clone());
            }
        }
    }
    changed
}
