//! Start-up hooks (`rules/startup-hook/`): a `.pth` file whose code runs every time
//! Python starts, spawning, fetching, decoding, sending or executing hidden code.

use super::{Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::Labels;
use crate::lang::Lang;
use crate::rules::rule;

rule!(PTH_EXEC = "pth-exec" in "startup-hook" as StartupHook);

pub const DETECTOR: Detector = Detector {
    rules: &[&PTH_EXEC],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files.iter().filter(|f| f.lang == Lang::Pth) {
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
            out.push(
                PTH_EXEC
                    .finding(
                        Severity::High,
                        Confidence::High,
                        Phase::Import,
                        format!(
                            "a .pth file calls `{}`: it runs every time Python starts",
                            c.callee
                        ),
                    )
                    .at(f.path.clone(), c.line, f.snippet(c.line)),
            );
        }
    }
}
