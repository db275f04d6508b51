//! Reading credentials: SSH keys, cloud and registry tokens, browser password and cookie
//! stores, Discord/Telegram sessions, crypto wallets, `/etc/passwd`. The paths are data
//! (`rules/data/credentials.txt`).

use super::{calls, capability, when, Ctx, Detector};
use crate::finding::Finding;
use crate::lang::catalog::Kinds;
use crate::lang::sensitive::credential_path;
use crate::rules::rule;

rule!(CREDENTIAL_READ = "credential-read" in "credential-read" as CredentialRead);

pub const DETECTOR: Detector = Detector {
    rules: &[&CREDENTIAL_READ],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        if !c.kinds.has(Kinds::READ) || c.write_target().is_some() {
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
        let (severity, confidence) = capability(phase);
        out.push(CREDENTIAL_READ.at_call(
            f,
            c,
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
