//! Reviewed findings that no longer count: suppressions written by a person (each with a
//! reason, optionally an expiry date) and a baseline file written by
//! `scan --write-baseline` (today's findings, so that only new ones fail later).
//!
//! An entry names the package (name and version; `*` for any version), the rule, the
//! file inside the package and the finding's fingerprint (its 64 hex digits, or the
//! 12-digit id reports show), so it matches that one finding and nothing else: the same
//! code in another package, file or rule, or changed code, counts again.

use super::date;
use crate::finding::Finding;
use crate::scan::PackageReport;
use serde::{Deserialize, Serialize};

/// One reviewed finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    pub package: String,
    /// The package version, or `*` for every version.
    pub version: String,
    pub rule: String,
    pub file: String,
    /// The finding's fingerprint, or its first 12 hex digits (the id).
    pub fingerprint: String,
    /// Why this finding is accepted; required.
    pub reason: String,
    /// `YYYY-MM-DD`: from this day on the suppression no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Suppression {
    fn check(&self) -> Result<(), String> {
        let what = format!("suppression of `{}` in `{}`", self.rule, self.package);
        if self.reason.trim().is_empty() {
            return Err(format!("{what}: `reason` is required"));
        }
        let hex = self.fingerprint.len() >= 12
            && self.fingerprint.len() <= 64
            && self.fingerprint.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex {
            return Err(format!(
                "{what}: `fingerprint` must be the finding's id or fingerprint (12 to 64 hex digits)"
            ));
        }
        if let Some(e) = &self.expires {
            if !date::is_date(e) {
                return Err(format!("{what}: `expires` must be YYYY-MM-DD, not `{e}`"));
            }
        }
        Ok(())
    }

    fn matches(&self, p: &PackageReport, f: &Finding, fingerprint: &str) -> bool {
        self.rule == f.rule
            && self.file == f.file
            && self.package.eq_ignore_ascii_case(&p.name)
            && (self.version == "*" || Some(self.version.as_str()) == p.version.as_deref())
            && fingerprint.starts_with(&self.fingerprint.to_ascii_lowercase())
    }
}

/// The suppressions in force, and those that expired (reported, not applied).
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    active: Vec<Suppression>,
    pub expired: Vec<Suppression>,
}

impl Suppressions {
    /// Checks each entry and sets aside those expired on `today`.
    pub fn new(entries: Vec<Suppression>, today: &str) -> Result<Suppressions, String> {
        let mut out = Suppressions::default();
        for s in entries {
            s.check()?;
            if s.expires.as_deref().is_some_and(|e| e <= today) {
                out.expired.push(s);
            } else {
                out.active.push(s);
            }
        }
        Ok(out)
    }

    /// The suppression that covers finding `f` of package `p`.
    pub fn find(&self, p: &PackageReport, f: &Finding) -> Option<&Suppression> {
        if self.active.is_empty() {
            return None;
        }
        let fingerprint = f.fingerprint(&p.name);
        self.active.iter().find(|s| s.matches(p, f, &fingerprint))
    }
}

/// A baseline file: today's findings, accepted as they are.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema_version: u32,
    /// The day it was written.
    pub created: String,
    pub suppressions: Vec<Suppression>,
}

/// Reads a baseline written by `--write-baseline`.
pub fn read_baseline(path: &std::path::Path) -> Result<Vec<Suppression>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text).map_err(|e| {
        format!(
            "baseline {} is not a pkgwarden baseline: {e}",
            path.display()
        )
    })?;
    Ok(b.suppressions)
}

/// The baseline entries for every finding of `p` that counts, and for those already
/// suppressed (a new baseline written while an old one is in use keeps its entries).
pub fn entries_of(p: &PackageReport, today: &str) -> Vec<Suppression> {
    p.findings
        .iter()
        .chain(p.suppressed.iter().map(|s| &s.finding))
        .map(|f| Suppression {
            package: p.name.clone(),
            version: p.version.clone().unwrap_or_else(|| "*".into()),
            rule: f.rule.to_string(),
            file: f.file.clone(),
            fingerprint: f.fingerprint(&p.name),
            reason: format!("in the baseline of {today}"),
            expires: None,
        })
        .collect()
}

/// The baseline file's text.
pub fn render_baseline(mut entries: Vec<Suppression>, today: &str) -> String {
    entries.sort_by(|a, b| {
        (&a.package, &a.version, &a.file, &a.rule, &a.fingerprint).cmp(&(
            &b.package,
            &b.version,
            &b.file,
            &b.rule,
            &b.fingerprint,
        ))
    });
    entries.dedup();
    let b = Baseline {
        schema_version: 1,
        created: today.to_string(),
        suppressions: entries,
    };
    serde_json::to_string_pretty(&b).expect("baseline serialises") + "\n"
}
