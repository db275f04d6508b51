//! Files written into the user's home directory by code that runs unasked. Installers
//! write into site-packages; a setup.py that writes under `~` is planting something.

use super::{calls, paths, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::rules::rule;

rule!(WRITE_HOME = "write-home" in "write-home" as WriteHome);

pub const DETECTOR: Detector = Detector {
    rules: &[&WRITE_HOME],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        let Some(target) = c.write_target() else {
            continue;
        };
        if !runs_unasked(phase) || super::persistence::mechanism(target).is_some() {
            continue;
        }
        // Planting a program or script in the home or temp folder is staging it to run;
        // other files in the home folder are a medium signal alone.
        let (severity, what) = if paths::is_executable_name(target)
            && (paths::is_home(target) || paths::is_temp(target))
        {
            (Severity::High, "plants the program")
        } else if paths::is_home(target) {
            (Severity::Medium, "writes")
        } else {
            continue;
        };
        out.push(WRITE_HOME.at_call(
            f,
            c,
            severity,
            Confidence::High,
            format!(
                "{what} `{target}` in the user's home or temp folder {}",
                when(phase)
            ),
        ));
    }
}
