//! `cmdclass-override`: a command class registered in setup.py's `cmdclass`, whose code
//! runs during `pip install`. Context for a reviewer (low severity alone); chains weigh
//! what the command does.

use super::CMDCLASS_OVERRIDE;
use crate::detectors::{Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::lang::ir::DefKind;

pub const DETECTOR: Detector = Detector {
    rules: &[&CMDCLASS_OVERRIDE],
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
            out.push(
                CMDCLASS_OVERRIDE
                    .finding(
                        Severity::Low,
                        Confidence::High,
                        Phase::Install,
                        format!(
                            "`{}` is registered in setup.py's cmdclass: its code runs during pip install",
                            d.name
                        ),
                    )
                    .at(f.path.clone(), d.line, f.snippet(d.line)),
            );
        }
    }
}
