//! Commands and code run as someone else sends them: a chat bot's command handler that
//! passes the message to a shell, a web route that runs a request parameter, a socket
//! event whose payload reaches `exec`. Whoever controls the bot, the server or the peer
//! runs what they like on the machine: a remote access trojan.

use super::REMOTE_COMMAND;
use crate::detectors::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::Labels;

pub const DETECTOR: Detector = Detector {
    rules: &[&REMOTE_COMMAND],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        // Commands inside a command line carry their spawner's labels: one report, on it.
        if c.shell.is_some() || !c.kinds.has(Kinds::SPAWN.or(Kinds::EXEC)) {
            continue;
        }
        let command = c.args.first().or_else(|| c.kwarg("args"));
        if !command.is_some_and(|a| a.labels.has(Labels::RECEIVED)) {
            continue;
        }
        let phase = f.call_phase(c);
        // Web terminals and notebook servers run what their own user types, when asked;
        // a package that starts such a channel unasked is a backdoor.
        // In a minified bundle one short name serves many values, so labels mix (tsx's
        // CLI bundle): there the flow is only context.
        let (severity, confidence) = if f.is_minified() {
            (Severity::Low, Confidence::Low)
        } else if runs_unasked(phase) {
            (Severity::Critical, Confidence::High)
        } else {
            (Severity::High, Confidence::Medium)
        };
        out.push(REMOTE_COMMAND.at_call(
            f,
            c,
            severity,
            confidence,
            format!(
                "runs what a chat bot, web request or socket sends it with `{}` {}",
                c.callee,
                when(phase)
            ),
        ));
    }
}
