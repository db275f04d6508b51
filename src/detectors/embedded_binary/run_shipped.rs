//! A native executable the package ships, started by the package's own code at install
//! or on import: machine code no reviewer of the source can read, run before anyone
//! calls the package. Making it executable first (`chmod +x`, `os.chmod(p, 0o755)`) is
//! part of the same act: it is named in the finding, not reported apart.
//!
//! Honest look-alikes are not spawns of shipped executables: node-gyp builds, `node
//! install.js` (a script), a prebuilt `.node` addon loaded with `require` (an extension
//! module, loaded, not started), esbuild's install script checking a binary it takes
//! from another package. A shipped binary an install script only asks for its version
//! (`x --version`) is a check an installer makes: high, medium confidence (suspicious,
//! never malicious alone). Started when called, a shipped tool is what wrapper packages
//! are for, and not reported.

use super::shipped::{candidates, shipped_runs, ShippedRun};
use super::RUN_SHIPPED_BINARY;
use crate::detectors::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &[&RUN_SHIPPED_BINARY],
    run,
};

/// Arguments that only ask a program what it is.
const PROBES: &[&str] = &[
    "--version",
    "-version",
    "-v",
    "-V",
    "version",
    "--help",
    "-h",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for r in shipped_runs(ctx)
        .into_iter()
        .filter(|r| runs_unasked(r.phase))
    {
        let probe = r.call.args.len() > 1
            && r.call.args[1..]
                .iter()
                .all(|a| a.text.as_deref().is_some_and(|t| PROBES.contains(&t)));
        let (severity, confidence) = match r.phase {
            Phase::Install if !probe => (Severity::Critical, Confidence::High),
            _ => (Severity::High, Confidence::Medium),
        };
        let path = r
            .entry
            .path
            .strip_prefix(ctx.package.root.as_str())
            .unwrap_or(&r.entry.path);
        let chmod = made_executable(ctx, &r)
            .map(|line| format!(", after making it executable (line {line})"))
            .unwrap_or_default();
        let why = if probe {
            "asking its version"
        } else {
            "native code the source does not show"
        };
        out.push(RUN_SHIPPED_BINARY.at_call(
            r.file,
            r.call,
            severity,
            confidence,
            format!(
                "runs `{path}`, a {} executable the package ships, {}{chmod}: {why}",
                r.kind,
                when(r.phase)
            ),
        ));
    }
}

/// The line of a `chmod` of the started executable in the same file, before the start.
fn made_executable(ctx: &Ctx, r: &ShippedRun) -> Option<u32> {
    calls(ctx)
        .filter(|(f, c)| f.path == r.file.path && c.line <= r.call.line && is_chmod(&c.callee))
        .find(|(f, c)| {
            c.args
                .iter()
                .chain(c.receiver.as_ref())
                .filter_map(|a| a.text.as_deref())
                .any(|w| candidates(ctx, f, w).contains(&r.entry.path))
        })
        .map(|(_, c)| c.line)
}

/// `chmod` in a shell command, Python, Node or Ruby.
fn is_chmod(callee: &str) -> bool {
    matches!(
        callee,
        "sh.chmod"
            | "os.chmod"
            | "fs.chmod"
            | "fs.chmodSync"
            | "fs.promises.chmod"
            | "File.chmod"
            | "FileUtils.chmod"
    ) || callee.starts_with("pathlib.Path") && callee.ends_with(".chmod")
}
