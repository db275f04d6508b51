//! Network contact by code that runs unasked (install or import time): downloads,
//! requests and DNS lookups. A library that fetches when called is normal; a setup.py
//! that fetches is how droppers like libpeshnx start, and one that merely resolves or
//! posts to a fixed host is a beacon announcing the install.

use super::{
    calls, is_dns, part_of_earlier_request, paths, runs_unasked, url_of, when, Ctx, Detector,
};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::rules::rule;

rule!(DOWNLOAD_AT_INSTALL = "download-at-install" in "download" as Download);

pub const DETECTOR: Detector = Detector {
    rules: &[&DOWNLOAD_AT_INSTALL],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        if !c.kinds.has(Kinds::DOWNLOAD.or(Kinds::SEND)) || !runs_unasked(phase) {
            continue;
        }
        // `req.write`/`req.end` of a request already reported: one contact, one finding.
        if part_of_earlier_request(f, c) {
            continue;
        }
        let verb = if is_dns(&c.callee) {
            "resolves"
        } else if sends_data(c) {
            "sends data to"
        } else if c.kinds.has(Kinds::DOWNLOAD) {
            "downloads"
        } else {
            "contacts"
        };
        // Shell commands repeat as `sh.curl`; a spawning call's own line says the same.
        let url = url_of(c);
        if c.shell.is_some() && url.is_none() {
            continue;
        }
        let (severity, what) = match &url {
            Some(u) if paths::is_raw_ip(u) => {
                (Severity::High, format!("{verb} `{u}` (a bare IP address)"))
            }
            // Nothing needs to resolve a fixed name while installing: a DNS beacon.
            Some(u) if verb == "resolves" && !u.contains("{?}") => (
                Severity::High,
                format!(
                    "resolves `{}`, a DNS beacon announcing the install",
                    paths::host(u)
                ),
            ),
            // Source archives and release listings are what builds fetch.
            Some(u) if verb == "downloads" && is_build_input(u) => {
                (Severity::Low, format!("fetches the build input `{u}`"))
            }
            Some(u) if verb == "downloads" && paths::is_executable_name(u) => {
                (Severity::High, format!("downloads the executable `{u}`"))
            }
            Some(u) => (Severity::Medium, format!("{verb} `{u}`")),
            None => (
                Severity::Medium,
                format!("{verb} with `{}` a computed address", c.callee),
            ),
        };
        // Build helpers fetch sources from addresses they compute (a version, a mirror),
        // and client modules call servers their user configures: a computed address is
        // context. A fixed address fetched at install or import is not.
        let computed = url
            .as_deref()
            .is_none_or(|u| paths::host(u).contains("{?}"));
        let severity = if computed { Severity::Low } else { severity };
        out.push(DOWNLOAD_AT_INSTALL.at_call(
            f,
            c,
            severity,
            Confidence::High,
            format!("{what} {}", when(phase)),
        ));
    }
}

/// A request that uploads rather than fetches: a POST, PUT or PATCH by the API's name
/// (`requests.post`, `axios.put`) or by its `method` (`{method: 'POST'}`, `method="PUT"`).
fn sends_data(c: &crate::lang::facts::CallFact) -> bool {
    let by_name = matches!(
        c.callee.rsplit('.').next().unwrap_or(""),
        "post" | "put" | "patch" | "post_form"
    );
    let by_method = c
        .kwarg("method")
        .and_then(|v| v.text.as_deref())
        .is_some_and(|m| matches!(m.to_ascii_uppercase().as_str(), "POST" | "PUT" | "PATCH"));
    by_name || by_method
}

/// Source archives, wheels and release listings: the inputs a build from source fetches.
/// A registry's metadata API (`https://pypi.org/pypi/<name>/json`, the npm registry) is a
/// release listing too: libraries read it on import to say a newer version is out.
fn is_build_input(url: &str) -> bool {
    let path = paths::without_query(url).to_ascii_lowercase();
    let host = paths::host(url).to_ascii_lowercase();
    host == "api.github.com"
        || host == "pypi.org" && path.contains("/pypi/") && path.ends_with("/json")
        || host == "registry.npmjs.org"
        || [
            ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip", ".whl", ".json",
        ]
        .iter()
        .any(|e| path.ends_with(e))
}
