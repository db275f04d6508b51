//! The summary every format ends with, counted as packages arrive so a streamed scan
//! (`--format jsonl`) need not keep the packages themselves.

use crate::input;
use crate::scan::{PackageReport, ScanRun};
use crate::verdict::Verdict;
use serde::Serialize;
use std::collections::BTreeMap;

/// Rules listed in the summary's "top rules".
const TOP_RULES: usize = 5;

/// Verdict counts of one ecosystem.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub packages: usize,
    pub malicious: usize,
    pub suspicious: usize,
    pub clean: usize,
    pub error: usize,
}

impl Counts {
    fn add(&mut self, v: Verdict) {
        self.packages += 1;
        match v {
            Verdict::Malicious => self.malicious += 1,
            Verdict::Suspicious => self.suspicious += 1,
            Verdict::Clean => self.clean += 1,
            Verdict::Error => self.error += 1,
        }
    }
}

/// How many flagged packages a rule was seen in.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub rule: &'static str,
    pub packages: usize,
}

/// An input that could not be opened, as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct InputErrorView {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for InputErrorView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A skipped path and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkipView {
    pub path: String,
    pub reason: &'static str,
}

/// How many paths were skipped for one reason.
#[derive(Debug, Clone, Serialize)]
pub struct SkipCount {
    pub reason: &'static str,
    pub count: usize,
    pub examples: Vec<String>,
}

impl std::fmt::Display for SkipCount {
    /// `12 not a package archive (e.g. a, b, c, …)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let more = if self.count > self.examples.len() {
            ", …"
        } else {
            ""
        };
        write!(
            f,
            "{} {} (e.g. {}{more})",
            self.count,
            self.reason,
            self.examples.join(", ")
        )
    }
}

/// Totals of a scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub packages: usize,
    pub malicious: usize,
    pub suspicious: usize,
    pub clean: usize,
    pub error: usize,
    /// Packages with a verdict whose analysis was not complete.
    pub partial: usize,
    /// Findings the gate's suppressions and baseline took out.
    pub suppressed: usize,
    /// Packages found under the inputs (more than `packages` when the scan was stopped).
    pub total: usize,
    /// The output was closed before every package was scanned.
    pub stopped: bool,
    pub by_ecosystem: BTreeMap<&'static str, Counts>,
    /// The rules seen most in flagged packages, counted once per package.
    pub top_rules: Vec<RuleCount>,
    /// Inputs that could not be opened or listed.
    pub input_errors: Vec<InputErrorView>,
    /// What the inputs held that is neither a package nor part of one.
    pub skipped: Vec<SkipView>,
    pub seconds: f64,
    /// The skips counted by reason, most frequent first, with a few example paths.
    pub skip_reasons: Vec<SkipCount>,
    #[serde(skip)]
    rule_counts: BTreeMap<&'static str, usize>,
}

impl Summary {
    /// Counts one package.
    pub fn add(&mut self, p: &PackageReport) {
        self.packages += 1;
        match p.verdict {
            Verdict::Malicious => self.malicious += 1,
            Verdict::Suspicious => self.suspicious += 1,
            Verdict::Clean => self.clean += 1,
            Verdict::Error => self.error += 1,
        }
        if p.verdict != Verdict::Error && !p.errors.is_empty() {
            self.partial += 1;
        }
        self.suppressed += p.suppressed.len();
        self.by_ecosystem
            .entry(p.ecosystem.as_str())
            .or_default()
            .add(p.verdict);
        if matches!(p.verdict, Verdict::Malicious | Verdict::Suspicious) {
            let mut rules: Vec<&'static str> = p.findings.iter().map(|f| f.rule).collect();
            rules.sort_unstable();
            rules.dedup();
            for r in rules {
                *self.rule_counts.entry(r).or_default() += 1;
            }
        }
    }

    /// Completes the summary with how the scan went.
    pub fn finish(&mut self, run: &ScanRun) {
        self.total = run.total;
        self.stopped = run.stopped;
        self.seconds = run.seconds;
        self.input_errors = run
            .input_errors
            .iter()
            .map(|e| InputErrorView {
                path: e.path.display().to_string(),
                message: e.message.clone(),
            })
            .collect();
        self.skipped = run
            .skipped
            .iter()
            .map(|s| SkipView {
                path: s.path.display().to_string(),
                reason: s.reason.as_str(),
            })
            .collect();
        self.skip_reasons = input::summary_by_reason(&run.skipped)
            .into_iter()
            .map(|s| SkipCount {
                reason: s.reason.as_str(),
                count: s.count,
                examples: s.examples.iter().map(|p| p.display().to_string()).collect(),
            })
            .collect();
        let mut top: Vec<(&'static str, usize)> =
            self.rule_counts.iter().map(|(r, n)| (*r, *n)).collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        top.truncate(TOP_RULES);
        self.top_rules = top
            .into_iter()
            .map(|(rule, packages)| RuleCount { rule, packages })
            .collect();
    }
}
