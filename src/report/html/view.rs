//! What the HTML page's script is given: one row per package and, for the packages a
//! reviewer opens, the evidence. Every string that came from a package is passed through
//! [`shown`] here, so control characters reach the page as visible escapes; the script
//! then puts each string into the page as text, never as markup.

use crate::finding::{Confidence, Finding, Severity};
use crate::report::json::{Tool, TOOL};
use crate::report::summary::Summary;
use crate::report::text::{self, marked_code};
use crate::report::{escape, story};
use crate::scan::PackageReport;
use crate::verdict::{self, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole page's data.
#[derive(Serialize)]
pub struct Page<'a> {
    pub tool: Tool,
    pub summary: SummaryView,
    /// Titles of the rules the packages' findings name, by rule id.
    pub rules: BTreeMap<&'static str, String>,
    /// In the report's order: malicious, suspicious, error, clean; score; path.
    pub packages: Vec<Row<'a>>,
}

/// The header's figures; input errors are paths the user gave, and shown escaped too.
#[derive(Serialize)]
pub struct SummaryView {
    pub packages: usize,
    pub malicious: usize,
    pub suspicious: usize,
    pub clean: usize,
    pub error: usize,
    pub partial: usize,
    pub total: usize,
    pub stopped: bool,
    pub seconds: f64,
    pub input_errors: Vec<String>,
    /// Skipped inputs by reason: "12 not a package archive (e.g. a, b, c)".
    pub skipped: Vec<String>,
    pub top_rules: Vec<(&'static str, usize)>,
}

/// One table row.
#[derive(Serialize)]
pub struct Row<'a> {
    /// The first 12 hex digits of the sha256 of the package's path: the `#pkg=` of a
    /// deep link, the same in every scan of the same path.
    pub id: String,
    pub verdict: &'static str,
    pub score: u32,
    pub partial: bool,
    pub ecosystem: &'static str,
    pub name: String,
    pub version: String,
    pub path: String,
    /// The rule of the finding that decides the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// All findings, shown or not.
    pub findings: usize,
    pub detail: Detail<'a>,
}

/// What opening a row shows. Clean packages carry no findings below medium (context
/// only, as in the text report), so 3,000 clean packages stay 3,000 short records.
#[derive(Serialize)]
pub struct Detail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub story: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Why>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The "why" line: the deciding finding and the policy sentence it meets.
#[derive(Serialize)]
pub struct Why {
    pub rule: &'static str,
    /// `file:line`, absent for findings about the whole package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub policy: &'static str,
}

/// One finding.
#[derive(Serialize)]
pub struct FindingView {
    pub severity: Severity,
    pub confidence: Confidence,
    /// When it runs, in words ("at install time").
    pub phase: &'static str,
    pub rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub message: String,
    /// The code line as [before, marked part, after]; the marked part may be empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<[String; 3]>,
}

/// The page's data for `packages` (any order) and the scan's summary.
pub fn page<'a>(packages: &'a [PackageReport], summary: &Summary) -> Page<'a> {
    let mut ordered: Vec<&PackageReport> = packages.iter().collect();
    ordered.sort_by(|a, b| text::order(a, b));
    // The documents are compiled in and held to parse by tests/all/rule_examples.rs.
    let titles: BTreeMap<String, String> = crate::rules::documents()
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect();
    let mut rules = BTreeMap::new();
    for f in packages.iter().flat_map(|p| &p.findings) {
        if let Some(title) = titles.get(f.rule) {
            rules.insert(f.rule, title.clone());
        }
    }
    Page {
        tool: TOOL,
        summary: SummaryView {
            packages: summary.packages,
            malicious: summary.malicious,
            suspicious: summary.suspicious,
            clean: summary.clean,
            error: summary.error,
            partial: summary.partial,
            total: summary.total,
            stopped: summary.stopped,
            seconds: summary.seconds,
            input_errors: summary
                .input_errors
                .iter()
                .map(|e| shown(&e.to_string()))
                .collect(),
            skipped: summary
                .skip_reasons
                .iter()
                .map(|r| shown(&r.to_string()))
                .collect(),
            top_rules: summary
                .top_rules
                .iter()
                .map(|r| (r.rule, r.packages))
                .collect(),
        },
        rules,
        packages: ordered.into_iter().map(row).collect(),
    }
}

fn row(p: &PackageReport) -> Row<'_> {
    let reason = verdict::reason(&p.findings);
    Row {
        id: package_id(&p.path),
        verdict: p.verdict.as_str(),
        score: p.score,
        partial: p.verdict != Verdict::Error && !p.errors.is_empty(),
        ecosystem: p.ecosystem.as_str(),
        name: shown(&p.name),
        version: p.version.as_deref().map(shown).unwrap_or_default(),
        path: shown(&p.path),
        rule: reason.map(|(f, _)| f.rule),
        findings: p.findings.len(),
        detail: detail(p, reason),
    }
}

fn detail<'a>(p: &'a PackageReport, reason: Option<(&Finding, &'static str)>) -> Detail<'a> {
    let mut listed: Vec<&Finding> = p
        .findings
        .iter()
        .filter(|f| p.verdict != Verdict::Clean || f.severity >= Severity::Medium)
        .collect();
    listed.sort_by(|a, b| a.rank_key().cmp(&b.rank_key()));
    Detail {
        sha256: p.sha256.as_deref(),
        size: p.size,
        story: story::story(&p.findings).iter().map(|l| shown(l)).collect(),
        why: reason.map(|(f, policy)| Why {
            rule: f.rule,
            at: location(f),
            severity: f.severity,
            confidence: f.confidence,
            policy,
        }),
        findings: listed.iter().map(|f| finding(f, &p.findings)).collect(),
        errors: p.errors.iter().map(|e| shown(e)).collect(),
        notes: p.notes.iter().map(|n| shown(n)).collect(),
    }
}

/// A finding, its code line marked as the text report marks it: by what every finding
/// on the same line names.
fn finding(f: &Finding, all: &[Finding]) -> FindingView {
    let code = (!f.snippet.trim().is_empty()).then(|| {
        let same_line: Vec<&Finding> = all
            .iter()
            .filter(|g| g.file == f.file && g.line == f.line)
            .collect();
        let (code, mark) = marked_code(f, &same_line);
        let (start, end) = mark.unwrap_or((code.len(), code.len()));
        [
            shown(&code[..start]),
            shown(&code[start..end]),
            shown(&code[end..]),
        ]
    });
    FindingView {
        severity: f.severity,
        confidence: f.confidence,
        phase: story::phase_label(f.phase),
        rule: f.rule,
        at: location(f),
        message: shown(&f.message),
        code,
    }
}

fn location(f: &Finding) -> Option<String> {
    (!f.file.is_empty()).then(|| shown(&format!("{}:{}", f.file, f.line)))
}

/// See [`Row::id`].
fn package_id(path: &str) -> String {
    use sha2::Digest;
    crate::finding::hex(&sha2::Sha256::digest(path.as_bytes()))[..12].to_string()
}

/// Package text as the page shows it: control and bidirectional characters as visible
/// escapes (as on the terminal), and the Unicode line and paragraph separators too, which
/// would otherwise break a code line in two without a trace.
fn shown(text: &str) -> String {
    escape::terminal(text)
        .replace('\u{2028}', "\\u{2028}")
        .replace('\u{2029}', "\\u{2029}")
}
