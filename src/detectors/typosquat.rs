//! A package whose name imitates a much more popular one (`diango` for `django`). Alone
//! it is suspicious; with code that runs at install it becomes the `typosquat-install`
//! chain, and with a high-severity finding anywhere or a squatted dependency the
//! `typosquat-chain`. The checks and thresholds are documented in `rules/typosquat/typosquat-name.md`.

use super::{Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::rules::rule;
use crate::typosquat::check_name;

rule!(TYPOSQUAT_NAME = "typosquat-name" in "typosquat" as Typosquat);
rule!(TYPOSQUAT_CHAIN = "typosquat-chain" in "typosquat" as Typosquat);
rule!(TYPOSQUAT_INSTALL = "typosquat-install" in "typosquat" as Typosquat);
// Reported by `crate::copy_of_popular` during the scan, which holds the references.
rule!(COPY_OF_POPULAR = "copy-of-popular" in "typosquat" as Typosquat);

pub const DETECTOR: Detector = Detector {
    rules: &[&TYPOSQUAT_NAME],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    let pkg = ctx.package;
    let Some(squat) = check_name(&pkg.name, pkg.ecosystem) else {
        return;
    };
    out.push(TYPOSQUAT_NAME.finding(
        Severity::Medium,
        Confidence::Medium,
        Phase::Metadata,
        format!(
            "`{}` imitates {} by {}",
            pkg.name,
            squat.target_label(),
            squat.check.name()
        ),
    ));
}
