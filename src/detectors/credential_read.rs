//! Reading credentials: SSH keys, cloud and registry tokens, browser password and cookie
//! stores, Discord/Telegram sessions, crypto wallets, `/etc/passwd`. The paths are data
//! (`rules/data/credentials.txt`).

use super::{at_call, calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::lang::sensitive::credential_path;

pub const DETECTOR: Detector = Detector {
    rules: &["credential-read"],
    run,
};

/// Calls that only compute a path or look up a setting: they open nothing. A module-level
/// `DEFAULT = os.environ.get("KUBECONFIG", "~/.kube/config")` (kubernetes, awscli) names the
/// file a client reads when asked; the call that opens it is reported on its own, since the
/// path's text follows the value there.
const PATH_BUILDERS: &[&str] = &[
    "os.path.expanduser",
    "os.path.expandvars",
    "os.path.join",
    "os.path.abspath",
    "os.path.normpath",
    "os.path.realpath",
    "os.path.dirname",
    "os.environ.get",
    "os.getenv",
    "pathlib.Path",
    "pathlib.Path.as_posix",
    "pathlib.Path.expanduser",
    "pathlib.PurePath",
    "path.join",
    "path.resolve",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        if c.write_target().is_some()
            || c.shell.is_some() && c.callee == "sh.>"
            || PATH_BUILDERS.contains(&c.callee.as_str())
        {
            continue;
        }
        let texts = c
            .args
            .iter()
            .chain(c.receiver.as_ref())
            .filter_map(|v| v.text.as_deref());
        let Some((text, what)) = texts
            .filter_map(|t| credential_path(t).map(|w| (t, w)))
            .next()
        else {
            continue;
        };
        let phase = f.call_phase(c);
        // SSH clients, cloud SDKs and package tools read these files when asked to; code
        // that runs unasked has less reason. Sending what was read is `secret-exfiltration`.
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::Medium)
        } else {
            (Severity::Medium, Confidence::Low)
        };
        out.push(at_call(
            f,
            c,
            "credential-read",
            Category::CredentialRead,
            severity,
            confidence,
            format!(
                "reaches for `{text}` (matches `{}`) with `{}` {}",
                what.trim_start_matches('/'),
                c.callee,
                when(phase)
            ),
        ));
    }
}
