//! The JSON report: a versioned contract (`schema_version`) that SARIF, dashboards and
//! the benchmark harness rely on. These types are the contract; internal types may
//! change without changing them.

use super::story;
use super::summary::Summary;
use crate::finding::{Category, Confidence, Phase, Severity};
use crate::scan::PackageReport;
use crate::timings::Timings;
use crate::verdict::{self, Verdict};
use serde::Serialize;
use std::time::Instant;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Report<'a> {
    pub schema_version: u32,
    pub tool: Tool,
    pub packages: Vec<Package<'a>>,
    pub summary: &'a Summary,
    /// With `--timings` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<ReportTimings>,
}

/// The report's own cost, with `--timings`.
#[derive(Serialize)]
pub struct ReportTimings {
    /// Seconds spent building the report's packages before serialising them.
    pub report: f64,
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: Tool = Tool {
    name: "pkgwarden",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
pub struct Package<'a> {
    pub path: &'a str,
    pub ecosystem: &'static str,
    pub name: &'a str,
    pub version: Option<&'a str>,
    pub verdict: &'static str,
    /// 0–100, orders packages of one verdict.
    pub score: u32,
    /// The verdict's analysis was not complete (`errors` says what was not analysed).
    pub partial: bool,
    /// The archive's sha256 (hex) and size; absent for folders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// What the package would do, one line per phase (empty for clean packages).
    pub story: Vec<String>,
    /// The finding that decides the verdict and the policy rule it meets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason<'a>>,
    /// Worst first.
    pub findings: Vec<Finding<'a>>,
    /// Findings the gate's suppressions or baseline took out, with the reason.
    pub suppressed: Vec<SuppressedFinding<'a>>,
    pub errors: &'a [String],
    pub notes: &'a [String],
    /// With `--timings` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<Timings>,
}

#[derive(Serialize)]
pub struct SuppressedFinding<'a> {
    pub id: String,
    pub rule: &'a str,
    pub file: &'a str,
    pub line: u32,
    pub reason: &'a str,
}

#[derive(Serialize)]
pub struct Reason<'a> {
    /// The `id` of the deciding finding.
    pub finding: String,
    pub rule: &'a str,
    pub policy: &'static str,
}

#[derive(Serialize)]
pub struct Finding<'a> {
    /// The first 12 hex digits of `fingerprint`.
    pub id: String,
    /// sha256 of rule, package name, file and whitespace-normalised code line: stable
    /// across runs and line shifts (baselines and suppressions key on it).
    pub fingerprint: String,
    pub rule: &'a str,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub phase: Phase,
    pub file: &'a str,
    pub line: u32,
    pub message: &'a str,
    pub snippet: &'a str,
}

/// One package in the contract's shape, findings worst first.
pub fn package(p: &PackageReport, timings: bool) -> Package<'_> {
    let mut ordered: Vec<&crate::finding::Finding> = p.findings.iter().collect();
    ordered.sort_by(|a, b| a.rank_key().cmp(&b.rank_key()));
    let findings: Vec<Finding> = ordered
        .iter()
        .map(|f| {
            let fingerprint = f.fingerprint(&p.name);
            Finding {
                id: crate::finding::Finding::id(&fingerprint),
                fingerprint,
                rule: f.rule,
                category: f.category,
                severity: f.severity,
                confidence: f.confidence,
                phase: f.phase,
                file: &f.file,
                line: f.line,
                message: &f.message,
                snippet: &f.snippet,
            }
        })
        .collect();
    let reason = verdict::reason(&p.findings).map(|(f, policy)| Reason {
        finding: crate::finding::Finding::id(&f.fingerprint(&p.name)),
        rule: f.rule,
        policy,
    });
    Package {
        path: &p.path,
        ecosystem: p.ecosystem.as_str(),
        name: &p.name,
        version: p.version.as_deref(),
        verdict: p.verdict.as_str(),
        score: p.score,
        partial: p.verdict != Verdict::Error && !p.errors.is_empty(),
        sha256: p.sha256.as_deref(),
        size: p.size,
        story: story::story(&p.findings),
        reason,
        findings,
        suppressed: p
            .suppressed
            .iter()
            .map(|s| SuppressedFinding {
                id: crate::finding::Finding::id(&s.finding.fingerprint(&p.name)),
                rule: s.finding.rule,
                file: &s.finding.file,
                line: s.finding.line,
                reason: &s.reason,
            })
            .collect(),
        errors: &p.errors,
        notes: &p.notes,
        timings: timings.then_some(p.timings),
    }
}

/// The whole report as pretty-printed JSON; `timings` adds the seconds per stage.
pub fn render(packages: &[PackageReport], summary: &Summary, timings: bool) -> String {
    let start = Instant::now();
    let packages = packages.iter().map(|p| package(p, timings)).collect();
    let doc = Report {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        packages,
        summary,
        timings: timings.then(|| ReportTimings {
            report: start.elapsed().as_secs_f64(),
        }),
    };
    serde_json::to_string_pretty(&doc).expect("report serialises")
}

/// A line of `--format jsonl`: one package, or the summary that ends the stream.
#[derive(Serialize)]
pub struct Line<'a, T: Serialize> {
    pub schema_version: u32,
    /// `package` or `summary`.
    pub kind: &'static str,
    #[serde(flatten)]
    pub body: &'a T,
}

/// One JSON Lines record for a package (no trailing newline).
pub fn package_line(p: &PackageReport, timings: bool) -> String {
    let body = package(p, timings);
    serde_json::to_string(&Line {
        schema_version: SCHEMA_VERSION,
        kind: "package",
        body: &body,
    })
    .expect("package serialises")
}

/// The JSON Lines record that ends the stream (no trailing newline).
pub fn summary_line(summary: &Summary) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        tool: Tool,
        #[serde(flatten)]
        summary: &'a Summary,
    }
    serde_json::to_string(&Line {
        schema_version: SCHEMA_VERSION,
        kind: "summary",
        body: &Body {
            tool: TOOL,
            summary,
        },
    })
    .expect("summary serialises")
}
