//! The human report: per package a verdict line, then each finding with `file:line`,
//! the code, and why it matters; a summary line at the end.

use crate::finding::Severity;
use crate::scan::ScanReport;
use crate::verdict::Verdict;
use std::fmt::Write;

/// Renders the report. Clean packages take one line; low and info findings are shown
/// only with `verbose`.
pub fn render(report: &ScanReport, verbose: bool) -> String {
    let mut out = String::new();
    for e in &report.input_errors {
        let _ = writeln!(out, "error: {e}");
    }
    for p in &report.packages {
        let version = p
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        // A result that is not complete says so where it cannot be missed.
        let partial = if p.errors.is_empty() || p.verdict == Verdict::Error {
            String::new()
        } else {
            format!(
                "  [partial: {} not analysed fully, see errors]",
                p.errors.len()
            )
        };
        let _ = writeln!(
            out,
            "{:<10} {}{} ({})  {}{partial}",
            p.verdict.as_str().to_uppercase(),
            p.name,
            version,
            p.ecosystem.as_str(),
            p.path
        );
        for e in &p.errors {
            let _ = writeln!(out, "    error: {e}");
        }
        let shown = p
            .findings
            .iter()
            .filter(|f| verbose || f.severity >= Severity::Medium || p.verdict != Verdict::Clean);
        for f in shown {
            let at = if f.file.is_empty() {
                String::new()
            } else {
                format!(" {}:{}", f.file, f.line)
            };
            let _ = writeln!(
                out,
                "    [{}] {}{}  ({}, {} confidence)",
                format!("{:?}", f.severity).to_lowercase(),
                f.rule,
                at,
                format!("{:?}", f.phase).to_lowercase(),
                format!("{:?}", f.confidence).to_lowercase(),
            );
            let _ = writeln!(out, "        {}", f.message);
            if !f.snippet.is_empty() {
                let _ = writeln!(out, "        > {}", f.snippet);
            }
        }
        if verbose {
            for n in &p.notes {
                let _ = writeln!(out, "    note: {n}");
            }
        }
    }
    let s = super::json::summary(report);
    let _ = writeln!(
        out,
        "{} packages: {} malicious, {} suspicious, {} clean, {} error ({:.2}s)",
        s.packages, s.malicious, s.suspicious, s.clean, s.error, s.seconds
    );
    out
}
