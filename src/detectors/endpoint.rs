//! Calls to endpoints honest packages do not use: chat webhooks and bot APIs, paste
//! sites and file drops, tunnels, out-of-band interaction catchers (`rules/data/endpoints.txt`),
//! bare public IP addresses and `.onion` hosts.

use super::{at_call, calls, paths, runs_unasked, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};
use std::sync::OnceLock;

pub const DETECTOR: Detector = Detector {
    rules: &["suspicious-endpoint"],
    run,
};

const DATA: &str = include_str!("../../rules/data/endpoints.txt");

fn endpoints() -> &'static [String] {
    static CELL: OnceLock<Vec<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        DATA.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_ascii_lowercase)
            .collect()
    })
}

/// Why a URL is suspicious, if it is.
pub fn classify(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let at_boundary = |e: &str| {
        lower
            .match_indices(e)
            .any(|(i, _)| i == 0 || matches!(lower.as_bytes()[i - 1], b'/' | b'.' | b'@'))
    };
    if let Some(e) = endpoints().iter().find(|e| at_boundary(e)) {
        return Some(format!("`{e}`"));
    }
    let host = paths::host(&lower);
    if host.ends_with(".onion") {
        return Some("a Tor hidden service".into());
    }
    if paths::is_raw_ip(&lower) && !is_private(host) {
        return Some("a bare IP address".into());
    }
    None
}

/// Loopback, private and link-local ranges: local development servers, not C2.
fn is_private(ip: &str) -> bool {
    let o: Vec<u8> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
    matches!(
        o.as_slice(),
        [127, ..] | [10, ..] | [0, ..] | [192, 168, ..] | [169, 254, ..]
    ) || matches!(o.as_slice(), [172, b, ..] if (16..=31).contains(b))
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let urls = super::urls_of(c).into_iter();
        let Some((url, why)) = urls.filter_map(|u| classify(&u).map(|w| (u, w))).next() else {
            continue;
        };
        let phase = f.call_phase(c);
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::High)
        } else {
            (Severity::High, Confidence::Medium)
        };
        out.push(at_call(
            f,
            c,
            "suspicious-endpoint",
            Category::SuspiciousEndpoint,
            severity,
            confidence,
            format!(
                "contacts `{url}` ({why}) with `{}` {}",
                c.callee,
                when(phase)
            ),
        ));
    }
}
