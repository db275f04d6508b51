//! Reverse and bind shells: a shell wired to a network socket (`bash -i >& /dev/tcp/...`,
//! `nc -e`, Python `socket` + `dup2` + a shell). This is remote control, never a feature.

use super::{at_call, runs_unasked, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &["reverse-shell"],
    run,
};

/// Programs that read commands from their input: wired to a socket, the far end drives
/// them. `exec` stands for the shell itself (`exec 5<>/dev/tcp/...`).
const SHELLS: &[&str] = &[
    "bash",
    "sh",
    "zsh",
    "dash",
    "ksh",
    "ash",
    "csh",
    "tcsh",
    "fish",
    "exec",
    "python",
    "python3",
    "perl",
    "ruby",
    "php",
    "powershell",
    "pwsh",
];

/// Whether a shell command on `line` runs an interpreter. A `/dev/tcp` redirect of a
/// command that runs none (`: > /dev/tcp/localhost/3001`, the usual "is the port taken"
/// probe) connects and closes: there is no shell on the socket.
fn shell_on_line(f: &crate::analysis::SourceFile, line: u32) -> bool {
    f.facts.calls.iter().any(|c| {
        c.line == line
            && c.shell.is_some()
            && c.callee
                .strip_prefix("sh.")
                .is_some_and(|p| SHELLS.contains(&p) || p.starts_with("python"))
    })
}

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
                && shell_on_line(f, c.line)
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
