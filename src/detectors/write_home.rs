//! Files written into the user's home directory by code that runs unasked. Installers
//! write into site-packages; a setup.py that writes under `~` is planting something.

use super::{at_call, calls, paths, runs_unasked, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &["write-home"],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        let Some(target) = c.write_target() else {
            continue;
        };
        if !runs_unasked(phase)
            || !paths::is_home(target)
            || super::persistence::mechanism(target).is_some()
        {
            continue;
        }
        out.push(at_call(
            f,
            c,
            "write-home",
            Category::WriteHome,
            Severity::Medium,
            Confidence::High,
            format!(
                "writes `{target}` in the user's home directory {}",
                when(phase)
            ),
        ));
    }
}
