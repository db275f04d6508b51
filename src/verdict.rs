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
    let malicious = findings.iter().any(|f| {
        (f.severity == Severity::Critical && f.confidence >= Confidence::Medium)
            || (f.severity == Severity::High
                && f.confidence == Confidence::High
                && runs_unasked(f.phase))
    });
    if malicious {
        return Verdict::Malicious;
    }
    let suspicious = findings.iter().any(|f| {
        f.severity >= Severity::High
            || (f.severity == Severity::Medium && f.confidence >= Confidence::Medium)
    });
    if suspicious {
        Verdict::Suspicious
    } else {
        Verdict::Clean
    }
}
