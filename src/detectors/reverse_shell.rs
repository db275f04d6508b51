//! Reverse and bind shells: a shell wired to a network socket (`bash -i >& /dev/tcp/...`,
//! `nc -e`, Python `socket` + `dup2` + a shell). This is remote control, never a feature.

use super::{at_call, runs_unasked, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &["reverse-shell"],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files {
        let has = |name: &str| f.facts.calls.iter().any(|c| c.callee == name);
        let dups = has("os.dup2") || has("pty.spawn");
        for c in &f.facts.calls {
            let texts: Vec<&str> = c.args.iter().filter_map(|a| a.text.as_deref()).collect();
            let how = if c.shell.is_some()
                && texts
                    .iter()
                    .any(|t| t.contains("/dev/tcp/") || t.contains("/dev/udp/"))
            {
                Some("wires a shell to a TCP connection through /dev/tcp")
            } else if matches!(c.callee.as_str(), "sh.nc" | "sh.ncat" | "sh.netcat")
                && texts.iter().any(|t| matches!(*t, "-e" | "-c"))
            {
                Some("hands a shell to netcat (`-e`)")
            } else if c.callee == "sh.socat"
                && texts
                    .iter()
                    .any(|t| t.to_ascii_lowercase().starts_with("exec:"))
            {
                Some("hands a shell to socat")
            } else if dups && c.callee.ends_with("socket.connect") {
                Some("connects a socket and duplicates it onto the standard streams of a shell")
            } else {
                None
            };
            if let Some(how) = how {
                let phase = f.call_phase(c);
                let confidence = if runs_unasked(phase) {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
                out.push(at_call(
                    f,
                    c,
                    "reverse-shell",
                    Category::ReverseShell,
                    Severity::Critical,
                    confidence,
                    format!("{how} {}", when(phase)),
                ));
            }
        }
    }
}
