//! Code that runs unasked but could not be analysed fully: an install-time or
//! import-time file over the parse limit, cut at the depth limit, whose parse stopped
//! at its deadline, whose entry was cut short, or that the package's time limit left
//! unread. Such a file is evidence in itself (an attacker chooses sizes, nesting and
//! order to get past a scanner's limits), so it is never judged clean by default.

use super::UNANALYSED_CODE;
use crate::detectors::{runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &[&UNANALYSED_CODE],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files.iter().filter(|f| runs_unasked(f.phase)) {
        let Some(why) = &f.incomplete else {
            continue;
        };
        out.push(
            UNANALYSED_CODE
                .finding(
                    Severity::High,
                    Confidence::Medium,
                    f.phase,
                    format!(
                        "code that runs {} could not be analysed fully ({why})",
                        when(f.phase)
                    ),
                )
                .at(f.path.clone(), 0, String::new()),
        );
    }
}
