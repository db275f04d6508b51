//! Code that runs unasked but could not be analysed fully: an install-time or
//! import-time file over the parse limit, cut at the depth limit, whose parse stopped
//! at its deadline, whose entry was cut short, or that the package's time limit left
//! unread. Such a file is evidence in itself (an attacker chooses sizes, nesting and
//! order to get past a scanner's limits), so it is never judged clean by default.

use super::{runs_unasked, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &["unanalysed-code"],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files.iter().filter(|f| runs_unasked(f.phase)) {
        let Some(why) = &f.incomplete else {
            continue;
        };
        out.push(Finding {
            rule: "unanalysed-code",
            category: Category::Obfuscation,
            severity: Severity::High,
            confidence: Confidence::Medium,
            phase: f.phase,
            file: f.path.clone(),
            // About the whole file, not one of its lines.
            line: 0,
            message: format!(
                "code that runs {} could not be analysed fully ({why})",
                when(f.phase)
            ),
            snippet: String::new(),
        });
    }
}
