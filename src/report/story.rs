//! The one- or two-line story told first for a flagged package: what it would do, when,
//! and to what, in the order an attacker's code does it ("at install time: downloads
//! `http://203.0.113.17/agent`; writes `~/.drv`; writes `~/.bashrc`, adding the launcher
//! `~/.drv &`; starts `~/.drv` in the background"). It is built only from the package's
//! findings at medium severity or above, so it never says more than the evidence below it.

use crate::chains;
use crate::finding::{Category, Finding, Phase, Severity};

/// Acts told per phase; the rest are counted ("and 3 more").
const ACTS_PER_PHASE: usize = 5;

/// Lines of the story: one per phase with acts (install, import, when called, name,
/// archive), at most two, worst phase first. Empty when no finding is at medium or above.
pub fn story(findings: &[Finding]) -> Vec<String> {
    let mut acts: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium && !chains::is_chain(f.rule))
        .collect();
    acts.sort_by_key(|f| (phase_order(f.phase), narrative_order(f.category), f.line));
    let mut lines = Vec::new();
    for phase in [
        Phase::Install,
        Phase::Import,
        Phase::Runtime,
        Phase::Metadata,
        Phase::Archive,
    ] {
        let mut told: Vec<String> = Vec::new();
        let mut objects: Vec<(&str, usize, Severity)> = Vec::new();
        let mut shapes: Vec<(&str, String)> = Vec::new();
        let mut rules: Vec<&str> = Vec::new();
        let mut more = 0;
        for f in acts.iter().filter(|f| f.phase == phase) {
            let act = act_phrase(&f.message, phase);
            // The same object named twice (a download and the endpoint it contacts, or
            // the environment sent to it) is one act, told by its worst finding; so is
            // one rule's act through several calls of one API (`.write`, `.end`).
            let object = first_quoted(&f.message);
            if let Some(&(_, at, severity)) = objects.iter().find(|o| Some(o.0) == object) {
                if f.severity > severity {
                    told[at] = act;
                    rules.push(f.rule);
                }
                continue;
            }
            let shape = (f.rule, without_api_names(&act));
            let names_only_apis = !quoted_parts(&act).any(is_address_or_path);
            if told.contains(&act)
                || shapes.contains(&shape)
                || (names_only_apis && rules.contains(&f.rule))
            {
                continue;
            }
            rules.push(f.rule);
            if told.len() == ACTS_PER_PHASE {
                more += 1;
                continue;
            }
            shapes.push(shape);
            if let Some(o) = object {
                objects.push((o, told.len(), f.severity));
            }
            told.push(act);
        }
        if told.is_empty() {
            continue;
        }
        let mut line = format!("{}: {}", phase_label(phase), told.join("; "));
        if more > 0 {
            line.push_str(&format!("; and {more} more"));
        }
        lines.push(line);
    }
    lines.truncate(2);
    lines
}

/// When a finding's code runs, or where a finding without code comes from.
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Install => "at install time",
        Phase::Import => "on import",
        Phase::Runtime => "when called",
        Phase::Metadata => "in its metadata",
        Phase::Archive => "in its archive",
    }
}

fn phase_order(phase: Phase) -> u8 {
    match phase {
        Phase::Install => 0,
        Phase::Import => 1,
        Phase::Runtime => 2,
        Phase::Metadata => 3,
        Phase::Archive => 4,
    }
}

/// The order in which a payload usually acts: arrive, land, stay, run, take, send.
fn narrative_order(category: Category) -> u8 {
    use Category::*;
    match category {
        Typosquat => 0,
        Download => 2,
        WriteHome => 3,
        Persistence => 4,
        ExecDownloaded | ExecDecoded => 5,
        BackgroundProcess => 6,
        // A process started at install or import: told after what it starts is named.
        InstallHook | StartupHook => 7,
        CredentialRead | Collection => 7,
        Exfiltration => 8,
        ReverseShell | Tampering => 9,
        Obfuscation => 10,
        SuspiciousEndpoint => 11,
        EmbeddedBinary => 12,
        ArchiveAnomaly | MetadataAnomaly => 13,
    }
}

/// A finding's message as an act: the phase words the story line already says are
/// dropped, and long asides in parentheses are cut.
fn act_phrase(message: &str, phase: Phase) -> String {
    let mut s = message.to_string();
    for when in [
        ", at install time",
        " at install time",
        ", on import",
        " on import",
        " when called",
    ] {
        if phase != Phase::Metadata {
            s = s.replace(when, "");
        }
    }
    cut_long_asides(&s)
}

/// Removes ` (...)` groups longer than 30 characters, outside backquotes.
fn cut_long_asides(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find(" (") {
        let in_quote = rest[..open].matches('`').count() % 2 == 1;
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        if !in_quote && close - open > 32 {
            out.push_str(&rest[..open]);
        } else {
            out.push_str(&rest[..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The phrase with quoted API names (`https.request.end`) blanked; quoted addresses and
/// paths, which tell acts apart, are kept.
fn without_api_names(act: &str) -> String {
    act.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 && !is_address_or_path(part) {
                ""
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// A quoted object that names a place (URL, path, command line), not an API.
fn is_address_or_path(quoted: &str) -> bool {
    quoted.contains(['/', '~', '\\', ' '])
}

/// Every `quoted` part of a message.
fn quoted_parts(message: &str) -> impl Iterator<Item = &str> {
    message.split('`').skip(1).step_by(2)
}

/// The first `quoted` object of a message.
fn first_quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Confidence;

    fn finding(rule: &'static str, category: Category, line: u32, message: &str) -> Finding {
        Finding {
            rule,
            category,
            severity: Severity::High,
            confidence: Confidence::High,
            phase: Phase::Install,
            file: "setup.py".into(),
            line,
            message: message.into(),
            snippet: String::new(),
        }
    }

    #[test]
    fn tells_acts_in_order_once_each() {
        let findings = vec![
            finding(
                "shell-rc-write",
                Category::Persistence,
                15,
                "writes `~/.bashrc` (a shell start-up file: it runs in every new shell), adding the launcher `~/.drv &`, at install time",
            ),
            finding(
                "download-at-install",
                Category::Download,
                10,
                "downloads `http://203.0.113.41/drv` (a bare IP address) at install time",
            ),
            finding(
                "suspicious-endpoint",
                Category::SuspiciousEndpoint,
                10,
                "contacts `http://203.0.113.41/drv` (a bare IP address) with `urlopen` at install time",
            ),
            finding("dropper-chain", Category::Download, 10, "dropper chain: ..."),
        ];
        assert_eq!(
            story(&findings),
            vec!["at install time: downloads `http://203.0.113.41/drv` (a bare IP address); writes `~/.bashrc`, adding the launcher `~/.drv &`".to_string()]
        );
    }

    #[test]
    fn low_findings_tell_nothing() {
        let mut f = finding("npm-install-script", Category::InstallHook, 1, "runs `x`");
        f.severity = Severity::Low;
        assert!(story(&[f]).is_empty());
    }
}
