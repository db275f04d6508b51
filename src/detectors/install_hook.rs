//! Install-time and start-up hooks: code a package arranges to run without being called.
//! Context for a reviewer (low severity alone); chains weigh what the hook does.

use super::{Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::Labels;
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
            // Start-up hooks of coverage tools and setuptools `exec` a line of their own;
            // what makes one a threat is spawning, fetching, decoding or sending, or
            // executing what was fetched or decoded.
            let risky = Kinds::SPAWN
                .or(Kinds::DOWNLOAD)
                .or(Kinds::DECODE)
                .or(Kinds::SEND);
            let hidden = Labels::DOWNLOADED.or(Labels::DECODED);
            for c in f
                .facts
                .calls
                .iter()
                .filter(|c| c.kinds.has(risky.or(Kinds::EXEC)))
            {
                let severity = if c.kinds.has(risky) || c.arg_labels().has(hidden) {
                    Severity::High
                } else {
                    Severity::Low
                };
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
