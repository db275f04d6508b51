//! A package whose name imitates a much more popular one (`diango` for `django`). Alone
//! it is suspicious; with code that runs at install it becomes the `typosquat-install`
//! chain, and with a high-severity finding anywhere or a squatted dependency the
//! `typosquat-chain`. The checks and thresholds are documented in `rules/typosquat/typosquat-name.md`.

use super::{Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use crate::typosquat::check_name;

pub const DETECTOR: Detector = Detector {
    rules: &["typosquat-name"],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    let pkg = ctx.package;
    let Some(squat) = check_name(&pkg.name, pkg.ecosystem) else {
        return;
    };
    out.push(Finding {
        rule: "typosquat-name",
        category: Category::Typosquat,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        phase: Phase::Metadata,
        file: String::new(),
        line: 0,
        message: format!(
            "`{}` imitates `{}` (rank {}) by {}",
            pkg.name,
            squat.target,
            squat.target_rank,
            squat.check.name()
        ),
        snippet: String::new(),
    });
}
