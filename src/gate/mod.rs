//! The CI gate: which findings count. `--select`/`--ignore` (rule ids or categories),
//! `--min-confidence`, reviewed-finding suppressions and a baseline, from the command
//! line and `pkgwarden.toml`. Applied to each package as its result arrives, before it
//! is counted or reported; the verdict and score are then decided again from the
//! findings that remain, so an ignored rule cannot fail a build.
//!
//! Nothing here is ever read from inside a scanned package: a configuration file that
//! lies under a scanned input is refused (`config::load`).

pub mod config;
pub mod date;
pub mod suppressions;

use crate::finding::{Category, Confidence, Finding};
use crate::scan::PackageReport;
use crate::verdict::{self, Verdict};
use suppressions::{Suppression, Suppressions};

/// A finding the gate took out, kept so reports can say what was hidden and why.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    /// The suppression's reason, or the baseline it came from.
    pub reason: String,
}

/// What the gate lets through.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    /// Only these rule ids or categories count (empty: all).
    pub select: Vec<String>,
    /// These rule ids or categories never count.
    pub ignore: Vec<String>,
    /// Findings below this confidence never count.
    pub min_confidence: Option<Confidence>,
    /// Reviewed findings and the baseline.
    pub suppressions: Suppressions,
}

impl Gate {
    /// Checks that every `select`/`ignore` entry names a rule or a category.
    pub fn validate(&self) -> Result<(), String> {
        for entry in self.select.iter().chain(&self.ignore) {
            if !crate::rules::is_known(entry) && category_of(entry).is_none() {
                return Err(format!(
                    "`{entry}` is neither a rule id nor a category (`pkgwarden rules` lists both)"
                ));
            }
        }
        Ok(())
    }

    /// Removes the findings that do not count from `p`, keeps the suppressed ones aside,
    /// and decides the verdict and score again. A package that could not be read keeps
    /// its `error` verdict.
    pub fn apply(&self, p: &mut PackageReport) {
        let findings = std::mem::take(&mut p.findings);
        for f in findings {
            if !self.counts(&f) {
                continue;
            }
            match self.suppressions.find(p, &f) {
                Some(s) => p.suppressed.push(Suppressed {
                    reason: s.reason.clone(),
                    finding: f,
                }),
                None => p.findings.push(f),
            }
        }
        if p.verdict != Verdict::Error {
            p.verdict = verdict::decide(&p.findings);
            p.score = verdict::score(&p.findings);
        }
    }

    fn counts(&self, f: &Finding) -> bool {
        let named = |list: &[String]| {
            list.iter()
                .any(|e| e == f.rule || category_of(e) == Some(f.category))
        };
        (self.select.is_empty() || named(&self.select))
            && !named(&self.ignore)
            && self.min_confidence.is_none_or(|c| f.confidence >= c)
    }

    /// The suppressions whose expiry date has passed (they no longer apply).
    pub fn expired(&self) -> &[Suppression] {
        &self.suppressions.expired
    }
}

/// The category a kebab-case name (`exec-downloaded`) stands for.
pub fn category_of(name: &str) -> Option<Category> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

/// The kebab-case name of a category.
pub fn category_name(c: Category) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
