//! The JSON report: a versioned contract (`schema_version`) that SARIF, dashboards and
//! the benchmark harness rely on. These types are the contract; internal types may
//! change without changing them.

use crate::finding::{Category, Confidence, Phase, Severity};
use crate::scan::ScanReport;
use crate::timings::Timings;
use serde::Serialize;
use std::time::Instant;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Report<'a> {
    pub schema_version: u32,
    pub tool: Tool,
    pub packages: Vec<Package<'a>>,
    /// Inputs that could not be opened or listed.
    pub input_errors: Vec<InputError>,
    /// What the inputs held that is neither a package nor part of one.
    pub skipped: Vec<Skip>,
    pub summary: Summary,
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

#[derive(Serialize)]
pub struct Package<'a> {
    pub path: &'a str,
    pub ecosystem: &'static str,
    pub name: &'a str,
    pub version: Option<&'a str>,
    pub verdict: &'static str,
    pub findings: Vec<Finding<'a>>,
    pub errors: &'a [String],
    pub notes: &'a [String],
    /// With `--timings` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<Timings>,
}

#[derive(Serialize)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

#[derive(Serialize)]
pub struct Skip {
    pub path: String,
    pub reason: &'static str,
}

#[derive(Serialize)]
pub struct Finding<'a> {
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

#[derive(Serialize, Default)]
pub struct Summary {
    pub packages: usize,
    pub malicious: usize,
    pub suspicious: usize,
    pub clean: usize,
    pub error: usize,
    pub seconds: f64,
}

/// Counts verdicts.
pub fn summary(report: &ScanReport) -> Summary {
    let mut s = Summary {
        packages: report.packages.len(),
        seconds: report.seconds,
        ..Summary::default()
    };
    for p in &report.packages {
        match p.verdict.as_str() {
            "malicious" => s.malicious += 1,
            "suspicious" => s.suspicious += 1,
            "clean" => s.clean += 1,
            _ => s.error += 1,
        }
    }
    s
}

/// The report as pretty-printed JSON; `timings` adds the seconds per stage.
pub fn render(report: &ScanReport, timings: bool) -> String {
    let start = Instant::now();
    let packages = report
        .packages
        .iter()
        .map(|p| Package {
            path: &p.path,
            ecosystem: p.ecosystem.as_str(),
            name: &p.name,
            version: p.version.as_deref(),
            verdict: p.verdict.as_str(),
            findings: p
                .findings
                .iter()
                .map(|f| Finding {
                    rule: f.rule,
                    category: f.category,
                    severity: f.severity,
                    confidence: f.confidence,
                    phase: f.phase,
                    file: &f.file,
                    line: f.line,
                    message: &f.message,
                    snippet: &f.snippet,
                })
                .collect(),
            errors: &p.errors,
            notes: &p.notes,
            timings: timings.then_some(p.timings),
        })
        .collect();
    let doc = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "pkgwarden",
            version: env!("CARGO_PKG_VERSION"),
        },
        packages,
        input_errors: report
            .input_errors
            .iter()
            .map(|e| InputError {
                path: e.path.display().to_string(),
                message: e.message.clone(),
            })
            .collect(),
        skipped: report
            .skipped
            .iter()
            .map(|s| Skip {
                path: s.path.display().to_string(),
                reason: s.reason.as_str(),
            })
            .collect(),
        summary: summary(report),
        timings: timings.then(|| ReportTimings {
            report: start.elapsed().as_secs_f64(),
        }),
    };
    serde_json::to_string_pretty(&doc).expect("report serialises")
}
