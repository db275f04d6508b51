//! Correlates a package's findings into the stories a reviewer needs: the libpeshnx
//! dropper chain (fetch, land in the home directory, come back), several distinct risky
//! behaviours in code that runs unasked, and a typosquatted name that also runs code at
//! install or carries other strong evidence. A chain is one finding that cites the others.

use crate::detectors::install_hook::UNASKED_CHAIN;
use crate::detectors::metadata_anomaly::TYPOSQUAT_DEPENDENCY;
use crate::detectors::obfuscation::UNANALYSED_CODE;
use crate::detectors::persistence::DROPPER_CHAIN;
use crate::detectors::runs_unasked;
use crate::detectors::typosquat::{TYPOSQUAT_CHAIN, TYPOSQUAT_INSTALL};
use crate::finding::{Category, Confidence, Finding, Severity};

/// True if `rule` is the id of a chain: a finding that cites others.
pub fn is_chain(rule: &str) -> bool {
    [
        &DROPPER_CHAIN,
        &TYPOSQUAT_CHAIN,
        &TYPOSQUAT_INSTALL,
        &UNASKED_CHAIN,
    ]
    .iter()
    .any(|r| r.id == rule)
}

/// Adds chain findings to `findings`.
pub fn correlate(findings: &mut Vec<Finding>) {
    if let Some(chain) = dropper_chain(findings) {
        findings.push(chain);
    } else if let Some(chain) = unasked_chain(findings) {
        findings.push(chain);
    }
    if let Some(chain) = typosquat_install(findings).or_else(|| typosquat_chain(findings)) {
        findings.push(chain);
    }
}

/// Download + write into home (or persistence) + a way back (persistence, a detached
/// process, or running the download), all in code that runs unasked.
fn dropper_chain(findings: &[Finding]) -> Option<Finding> {
    let unasked = |cats: &[Category]| {
        findings
            .iter()
            .filter(|f| runs_unasked(f.phase) && cats.contains(&f.category))
            .min_by_key(|f| (f.file.clone(), f.line))
    };
    let fetch = unasked(&[Category::Download, Category::ExecDownloaded])?;
    let lands = unasked(&[Category::WriteHome, Category::Persistence])?;
    // How it comes back: each kind of return named once, persistence first.
    let returns: Vec<&Finding> = [
        Category::Persistence,
        Category::BackgroundProcess,
        Category::ExecDownloaded,
    ]
    .iter()
    .filter_map(|c| unasked(&[*c]))
    .filter(|f| !std::ptr::eq(*f, fetch) && !std::ptr::eq(*f, lands))
    .collect();
    let back = *returns
        .first()
        .or((lands.category == Category::Persistence).then_some(&lands))?;
    let step = |f: &Finding| format!("{} ({}:{})", f.message, short(&f.file), f.line);
    let mut story = vec![step(fetch), step(lands)];
    story.extend(returns.iter().map(|f| step(f)));
    let mut chain = DROPPER_CHAIN
        .finding(
            Severity::Critical,
            Confidence::High,
            fetch.phase,
            format!("dropper chain: {}", story.join("; then ")),
        )
        .at(fetch.file.clone(), fetch.line, fetch.snippet.clone());
    // The one finding whose category is not its rule's: a chain that comes back by
    // running the download is reported as running downloaded code.
    if back.category == Category::ExecDownloaded {
        chain.category = Category::ExecDownloaded;
    }
    Some(chain)
}

/// A chain counts acts, not findings: one call reported by two rules is one act. The
/// pairs of rules that describe the same call are a download and the endpoint it
/// contacts, and a process started at install and the same process started detached.
fn same_act(a: &Finding, b: &Finding) -> bool {
    const SAME_CALL: &[[Category; 2]] = &[
        [Category::Download, Category::SuspiciousEndpoint],
        [Category::InstallHook, Category::BackgroundProcess],
    ];
    a.file == b.file
        && a.line == b.line
        && SAME_CALL
            .iter()
            .any(|p| p == &[a.category, b.category] || p == &[b.category, a.category])
}

/// Behaviours that are each only suspicious alone, but that no honest install or import
/// combines: two or more of them, of different kinds, in code that runs unasked (a
/// download and a program started at install, a credential read and a webhook...).
fn unasked_chain(findings: &[Finding]) -> Option<Finding> {
    const KINDS: &[Category] = &[
        Category::Download,
        Category::WriteHome,
        Category::Persistence,
        Category::BackgroundProcess,
        Category::InstallHook,
        Category::CredentialRead,
        Category::Collection,
        Category::Tampering,
        Category::SuspiciousEndpoint,
        Category::Obfuscation,
        Category::Exfiltration,
        Category::ExecDecoded,
    ];
    let mut steps: Vec<&Finding> = Vec::new();
    for f in findings.iter().filter(|f| {
        // Code not fully analysed is a gap in what was seen, not an act (it already makes
        // the result partial).
        f.rule != UNANALYSED_CODE.id
            && runs_unasked(f.phase)
            && KINDS.contains(&f.category)
            && f.severity >= Severity::Medium
            && f.confidence >= Confidence::Medium
    }) {
        if !steps
            .iter()
            .any(|s| s.category == f.category || same_act(s, f))
        {
            steps.push(f);
        }
    }
    if steps.len() < 2 {
        return None;
    }
    steps.sort_by_key(|f| (f.file.clone(), f.line));
    let first = steps[0];
    let story: Vec<String> = steps
        .iter()
        .map(|f| format!("{} ({}:{})", f.message, short(&f.file), f.line))
        .collect();
    Some(
        UNASKED_CHAIN
            .finding(
                Severity::Critical,
                Confidence::Medium,
                first.phase,
                format!(
                    "{} risky behaviours in code that runs unasked: {}",
                    steps.len(),
                    story.join("; and ")
                ),
            )
            .at(first.file.clone(), first.line, first.snippet.clone()),
    )
}

/// A name imitating a popular package whose code runs at install time.
fn typosquat_install(findings: &[Finding]) -> Option<Finding> {
    let squat = findings
        .iter()
        .find(|f| f.category == Category::Typosquat)?;
    let runs = findings
        .iter()
        .filter(|f| {
            runs_unasked(f.phase)
                && f.category != Category::Typosquat
                && f.severity >= Severity::Medium
        })
        .min_by_key(|f| (f.file.clone(), f.line))?;
    Some(
        TYPOSQUAT_INSTALL
            .finding(
                Severity::Critical,
                Confidence::High,
                runs.phase,
                format!(
                    "{} and runs code {}: {}",
                    squat.message,
                    crate::detectors::when(runs.phase),
                    runs.message
                ),
            )
            .at(runs.file.clone(), runs.line, runs.snippet.clone()),
    )
}

/// A name imitating a popular package with strong evidence that does not run unasked: a
/// high-severity finding in code a user calls (a credential stealer behind a function of
/// the copied API), or a dependency that imitates a popular package too. Either alone
/// leaves a reviewer to judge; an imitated name gives the package no honest reason to have
/// it.
fn typosquat_chain(findings: &[Finding]) -> Option<Finding> {
    let squat = findings
        .iter()
        .find(|f| f.category == Category::Typosquat)?;
    let strong = findings
        .iter()
        .filter(|f| {
            f.category != Category::Typosquat
                && f.severity >= Severity::High
                && f.confidence >= Confidence::Medium
        })
        .min_by_key(|f| (f.file.clone(), f.line));
    let evidence =
        strong.or_else(|| findings.iter().find(|f| f.rule == TYPOSQUAT_DEPENDENCY.id))?;
    Some(
        TYPOSQUAT_CHAIN
            .finding(
                Severity::Critical,
                Confidence::Medium,
                evidence.phase,
                format!(
                    "{} and {} ({}:{})",
                    squat.message,
                    evidence.message,
                    short(&evidence.file),
                    evidence.line
                ),
            )
            .at(
                evidence.file.clone(),
                evidence.line,
                evidence.snippet.clone(),
            ),
    )
}

fn short(path: &str) -> &str {
    path.rsplit(['/', '!']).next().unwrap_or(path)
}
