//! `npm-install-script`: an npm lifecycle script (`preinstall`, `install`,
//! `postinstall`...) that runs a command when the package is installed. Context for a
//! reviewer (low severity alone); chains weigh what the script does.

use super::NPM_INSTALL_SCRIPT;
use crate::detectors::{Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &[&NPM_INSTALL_SCRIPT],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files {
        for c in f
            .facts
            .calls
            .iter()
            .filter(|c| c.callee.starts_with("npm.scripts."))
        {
            let script = c.callee.trim_start_matches("npm.scripts.");
            let cmd = c.args.first().and_then(|a| a.text.as_deref()).unwrap_or("");
            out.push(
                NPM_INSTALL_SCRIPT
                    .finding(
                        Severity::Low,
                        Confidence::High,
                        Phase::Install,
                        format!("the `{script}` script runs `{cmd}` when the package is installed"),
                    )
                    .at(f.path.clone(), c.line, f.snippet(c.line)),
            );
        }
    }
}
