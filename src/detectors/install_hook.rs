//! Install-time and start-up hooks: code a package arranges to run without being called.
//! Context for a reviewer (low severity alone); chains weigh what the hook does.

use super::{Ctx, Detector};
use crate::archive::limits::Limits;
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::{CallFact, Labels};
use crate::lang::Lang;

/// How deep `exec("...")` literals inside a .pth line are opened.
const PTH_EXEC_DEPTH: usize = 3;

/// Whether a call on a .pth line is one a start-up hook has no honest need for: it
/// spawns, downloads, decodes, sends, or executes code. `exec` of a string literal
/// whose whole text is known is judged by the code in the literal: coverage's
/// `a1_coverage.pth` puts its `if os.getenv(...): coverage.process_startup()` in one
/// because a .pth line cannot hold an `if`. A literal that itself downloads or decodes
/// is still risky, and so is `exec` of anything computed, decoded or fetched.
fn pth_risky(c: &CallFact, depth: usize) -> bool {
    let risky = Kinds::SPAWN
        .or(Kinds::EXEC)
        .or(Kinds::DOWNLOAD)
        .or(Kinds::DECODE)
        .or(Kinds::SEND);
    if !c.kinds.has(risky) {
        return false;
    }
    let literal = c.args.first().filter(|a| {
        c.kinds.has(Kinds::EXEC)
            && c.shell.is_none()
            && c.args.len() == 1
            && a.labels == Labels::default()
            && a.name.is_none()
            && a.text.as_deref().is_some_and(|t| !t.contains("{?}"))
    });
    match literal.and_then(|a| a.text.as_deref()) {
        Some(code) if depth < PTH_EXEC_DEPTH => {
            let inner = crate::lang::analyse(Lang::Python, code, &Limits::default());
            inner.calls.iter().any(|i| pth_risky(i, depth + 1))
        }
        _ => true,
    }
}

pub const DETECTOR: Detector = Detector {
    rules: &["cmdclass-override", "npm-install-script", "pth-exec"],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files {
        for d in f
            .facts
            .defs
            .iter()
            .filter(|d| f.install_scopes.contains(&d.scope))
        {
            out.push(Finding {
                rule: "cmdclass-override",
                category: Category::InstallHook,
                severity: Severity::Low,
                confidence: Confidence::High,
                phase: Phase::Install,
                file: f.path.clone(),
                line: d.line,
                message: format!(
                    "`{}` is registered in setup.py's cmdclass: its code runs during pip install",
                    d.name
                ),
                snippet: f.snippet(d.line),
            });
        }
        for c in f
            .facts
            .calls
            .iter()
            .filter(|c| c.callee.starts_with("npm.scripts."))
        {
            let script = c.callee.trim_start_matches("npm.scripts.");
            let cmd = c.args.first().and_then(|a| a.text.as_deref()).unwrap_or("");
            out.push(Finding {
                rule: "npm-install-script",
                category: Category::InstallHook,
                severity: Severity::Low,
                confidence: Confidence::High,
                phase: Phase::Install,
                file: f.path.clone(),
                line: c.line,
                message: format!(
                    "the `{script}` script runs `{cmd}` when the package is installed"
                ),
                snippet: f.snippet(c.line),
            });
        }
        if f.lang == Lang::Pth {
            for c in f.facts.calls.iter().filter(|c| pth_risky(c, 0)) {
                out.push(Finding {
                    rule: "pth-exec",
                    category: Category::StartupHook,
                    severity: Severity::High,
                    confidence: Confidence::High,
                    phase: Phase::Import,
                    file: f.path.clone(),
                    line: c.line,
                    message: format!(
                        "a .pth file calls `{}`: it runs every time Python starts",
                        c.callee
                    ),
                    snippet: f.snippet(c.line),
                });
            }
        }
    }
}
