//! Install-time and start-up hooks: code a package arranges to run without being called.
//! Context for a reviewer (low severity alone); chains weigh what the hook does.

use super::{Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::Labels;
use crate::lang::ir::DefKind;
use crate::lang::Lang;

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
            // Commands are classes; functions in `install_scopes` are what install code
            // calls, reported by the behaviour they have.
            .filter(|d| d.kind == DefKind::Class && f.install_scopes.contains(&d.scope))
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
            // Start-up hooks of coverage tools and setuptools `exec` a literal line of their
            // own; its code is analysed in place (its calls are facts of this file), so the
            // literal is judged by what it does. Spawning, fetching, decoding, sending, or
            // executing anything computed, fetched or decoded is a threat.
            let risky = Kinds::SPAWN
                .or(Kinds::DOWNLOAD)
                .or(Kinds::DECODE)
                .or(Kinds::SEND);
            let hidden = Labels::DOWNLOADED.or(Labels::DECODED);
            let flagged = f.facts.calls.iter().filter(|c| {
                let literal = c
                    .args
                    .first()
                    .and_then(|a| a.text.as_deref())
                    .is_some_and(|t| !t.contains("{?}"));
                c.kinds.has(risky)
                    || c.kinds.has(Kinds::EXEC) && (!literal || c.arg_labels().has(hidden))
            });
            for c in flagged {
                let severity = Severity::High;
                out.push(Finding {
                    rule: "pth-exec",
                    category: Category::StartupHook,
                    severity,
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
