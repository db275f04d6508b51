//! Downloads from the network by code that runs unasked (install or import time).
//! A library that fetches when called is normal; a setup.py that fetches is how
//! droppers like libpeshnx start.

use super::{at_call, calls, paths, runs_unasked, url_of, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;

pub const DETECTOR: Detector = Detector {
    rules: &["download-at-install"],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        if !c.kinds.has(Kinds::DOWNLOAD) || !runs_unasked(phase) {
            continue;
        }
        // Shell commands repeat as `sh.curl`; a spawning call's own line says the same.
        let url = url_of(c);
        if c.shell.is_some() && url.is_none() {
            continue;
        }
        let (severity, what) = match &url {
            Some(u) if paths::is_raw_ip(u) => (
                Severity::High,
                format!("downloads `{u}` (a bare IP address)"),
            ),
            Some(u) => (Severity::Medium, format!("downloads `{u}`")),
            None => (
                Severity::Medium,
                format!("downloads with `{}` from a computed address", c.callee),
            ),
        };
        out.push(at_call(
            f,
            c,
            "download-at-install",
            Category::Download,
            severity,
            Confidence::High,
            format!("{what} {}", when(phase)),
        ));
    }
}
