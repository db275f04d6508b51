//! Calls that reach a risky API (spawning, executing code, the network, host facts, the
//! whole environment, writing or chmodding files) through reflection or a name the code
//! computes: `process['sp' + 'awn'](...)`, `Reflect.get(os, 'hostname')()`,
//! `os.__dict__[b64decode(...)](...)`. The frontends resolve such calls to the API
//! (`reflection.rs`), so the other detectors judge the act itself; this one reports the
//! hiding, which honest code has no reason for.

use super::HIDDEN_API_CALL;
use crate::detectors::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::Indirection;

pub const DETECTOR: Detector = Detector {
    rules: &[&HIDDEN_API_CALL],
    run,
};

/// What a hidden call must do to be worth reporting: reading, decoding or receiving data
/// is what reflection-heavy code (serialisers, plugin loaders) does all day.
const RISKY: Kinds = Kinds::SPAWN
    .or(Kinds::EXEC)
    .or(Kinds::DOWNLOAD)
    .or(Kinds::SEND)
    .or(Kinds::HOSTINFO)
    .or(Kinds::ENVALL)
    .or(Kinds::WRITE)
    .or(Kinds::WRITE_DEST)
    .or(Kinds::CHMOD);

/// Host-fact calls that name a place, not the machine or its user (`process.cwd`,
/// `os.homedir`): bundled runtimes reach these through every wrapper there is.
fn is_place_lookup(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    matches!(last, "cwd" | "getcwd" | "homedir" | "pwd" | "tmpdir")
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        // Commands inside a command line inherit their spawner's facts: one report, on it.
        let Some(how) = c.indirection.filter(|_| c.shell.is_none()) else {
            continue;
        };
        if !c.kinds.has(RISKY) || is_place_lookup(&c.callee) {
            continue;
        }
        let phase = f.call_phase(c);
        // A computed name hides the API on purpose; reflection with the name written out
        // (`getattr(os, "startfile")`, `cp["exec"]`) is also how portable code probes for
        // an API, so alone it is only worth a look.
        let (severity, confidence, how) = match how {
            Indirection::Spelled if runs_unasked(phase) => (
                Severity::High,
                Confidence::Medium,
                "by a name it computes instead of writing it",
            ),
            Indirection::Spelled => (
                Severity::Medium,
                Confidence::Medium,
                "by a name it computes instead of writing it",
            ),
            Indirection::Reflected => (
                Severity::Medium,
                Confidence::Low,
                "through reflection instead of by name",
            ),
        };
        out.push(HIDDEN_API_CALL.at_call(
            f,
            c,
            severity,
            confidence,
            format!("calls `{}` {how} {}", c.callee, when(phase)),
        ));
    }
}
