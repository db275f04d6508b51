//! How findings become a package verdict. The policy is documented for reviewers in
//! `rules/README.md`; keep the two in step.

use crate::detectors::runs_unasked;
use crate::finding::{Confidence, Finding, Severity};
use serde::Serialize;

/// A package's verdict, worst first in severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Clean,
    Suspicious,
    Malicious,
    /// The package could not be scanned at all.
    Error,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Suspicious => "suspicious",
            Verdict::Malicious => "malicious",
            Verdict::Error => "error",
        }
    }
}

/// `malicious`: a critical finding (chains, running downloaded or decoded code unasked)
/// with at least medium confidence, or a high-severity, high-confidence finding in code
/// that runs unasked. `suspicious`: any high-severity finding, or a medium one with at
/// least medium confidence. Low and info findings are context only.
pub fn decide(findings: &[Finding]) -> Verdict {
    if findings.iter().any(makes_malicious) {
        Verdict::Malicious
    } else if findings.iter().any(makes_suspicious) {
        Verdict::Suspicious
    } else {
        Verdict::Clean
    }
}

fn makes_malicious(f: &Finding) -> bool {
    (f.severity == Severity::Critical && f.confidence >= Confidence::Medium)
        || (f.severity == Severity::High
            && f.confidence == Confidence::High
            && runs_unasked(f.phase))
}

fn makes_suspicious(f: &Finding) -> bool {
    f.severity >= Severity::High
        || (f.severity == Severity::Medium && f.confidence >= Confidence::Medium)
}

/// Why a package got its verdict: the worst finding that alone reaches it, and the rule
/// of the policy it meets, for the report's "why" line. `None` for clean packages.
pub fn reason(findings: &[Finding]) -> Option<(&Finding, &'static str)> {
    let worst = |test: fn(&Finding) -> bool| {
        findings
            .iter()
            .filter(|f| test(f))
            .min_by(|a, b| a.rank_key().cmp(&b.rank_key()))
    };
    if let Some(f) = worst(makes_malicious) {
        let why = if f.severity == Severity::Critical {
            "a critical finding with at least medium confidence is malicious"
        } else {
            "a high-severity, high-confidence finding in code that runs unasked is malicious"
        };
        return Some((f, why));
    }
    worst(makes_suspicious).map(|f| {
        let why = if f.severity >= Severity::High {
            "a high-severity finding is suspicious"
        } else {
            "a medium finding with at least medium confidence is suspicious"
        };
        (f, why)
    })
}

/// A package's risk score, 0–100, to order packages of the same verdict (worst first)
/// and to sort the HTML table. The worst finding sets the base (critical 80, high 60,
/// medium 35, low 10, info 0), its confidence moves it (high +8, low −10) and running
/// unasked adds 4; every other distinct rule at medium or above adds 2, up to 8 more.
/// Documented in `rules/README.md`; the verdict, not the score, decides exit codes.
pub fn score(findings: &[Finding]) -> u32 {
    let weight = |f: &Finding| -> i32 {
        let base = match f.severity {
            Severity::Critical => 80,
            Severity::High => 60,
            Severity::Medium => 35,
            Severity::Low => 10,
            Severity::Info => 0,
        };
        let confidence = match f.confidence {
            Confidence::High => 8,
            Confidence::Medium => 0,
            Confidence::Low => -10,
        };
        let unasked = if runs_unasked(f.phase) { 4 } else { 0 };
        (base + confidence + unasked).max(0)
    };
    let Some(worst) = findings.iter().map(weight).max() else {
        return 0;
    };
    let mut rules: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium)
        .map(|f| f.rule)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let breadth = (rules.len().saturating_sub(1) as i32 * 2).min(8);
    (worst + breadth).clamp(0, 100) as u32
}
