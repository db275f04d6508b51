//! Behaviour detectors. Each reads the analysed files (never the archive) and pushes
//! findings; none can fail. The rule id of each finding names the behaviour, and its
//! rule document lives at `rules/<category>/<rule-id>.md`.

mod archive_content;
mod background_process;
mod credential_read;
mod download;
mod endpoint;
mod exec_decoded;
mod exec_downloaded;
mod exfiltration;
mod install_hook;
mod obfuscation;
pub mod paths;
mod persistence;
mod reverse_shell;
mod typosquat_name;
mod write_home;

use crate::analysis::SourceFile;
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use crate::lang::facts::CallFact;
use crate::package::Package;

/// What every detector sees.
pub struct Ctx<'a> {
    pub package: &'a Package,
    pub files: &'a [SourceFile],
}

/// A detector: the rule ids it can report, and the function that finds them.
pub struct Detector {
    pub rules: &'static [&'static str],
    pub run: fn(&Ctx, &mut Vec<Finding>),
}

/// Every detector, in the order they run (order does not affect output: findings are sorted).
pub const DETECTORS: &[Detector] = &[
    install_hook::DETECTOR,
    download::DETECTOR,
    write_home::DETECTOR,
    persistence::DETECTOR,
    exec_downloaded::DETECTOR,
    exec_decoded::DETECTOR,
    background_process::DETECTOR,
    archive_content::DETECTOR,
    credential_read::DETECTOR,
    exfiltration::DETECTOR,
    endpoint::DETECTOR,
    obfuscation::DETECTOR,
    reverse_shell::DETECTOR,
    typosquat_name::DETECTOR,
];

/// Runs every detector over a package.
pub fn run_all(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in DETECTORS {
        (d.run)(ctx, &mut out);
    }
    out
}

/// A finding at a call site.
pub fn at_call(
    file: &SourceFile,
    call: &CallFact,
    rule: &'static str,
    category: Category,
    severity: Severity,
    confidence: Confidence,
    message: String,
) -> Finding {
    Finding {
        rule,
        category,
        severity,
        confidence,
        phase: file.call_phase(call),
        file: file.path.clone(),
        line: call.line,
        message,
        snippet: file.snippet(call.line),
    }
}

/// Install and import time: code that runs without anyone calling into the package.
pub fn runs_unasked(phase: Phase) -> bool {
    matches!(phase, Phase::Install | Phase::Import)
}

/// "at install time" / "on import" / "when called", for messages.
pub fn when(phase: Phase) -> &'static str {
    match phase {
        Phase::Install => "at install time",
        Phase::Import => "on import",
        _ => "when called",
    }
}

/// Every call of every file, with its file.
pub fn calls<'a>(ctx: &'a Ctx) -> impl Iterator<Item = (&'a SourceFile, &'a CallFact)> {
    ctx.files
        .iter()
        .flat_map(|f| f.facts.calls.iter().map(move |c| (f, c)))
}

/// The first URL among a call's arguments.
pub fn url_of(call: &CallFact) -> Option<String> {
    call.all_args()
        .chain(call.receiver.as_ref())
        .filter_map(|v| v.text.as_deref())
        .find_map(paths::find_url)
}
