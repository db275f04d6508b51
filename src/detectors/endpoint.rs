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

/// The listed endpoint (webhook, bot API, catcher, tunnel, drop) a URL points at.
fn listed(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    let at_boundary = |e: &str| {
        lower
            .match_indices(e)
            .any(|(i, _)| i == 0 || matches!(lower.as_bytes()[i - 1], b'/' | b'.' | b'@'))
    };
    endpoints()
        .iter()
        .find(|e| at_boundary(e))
        .map(String::as_str)
}

/// Why a URL is suspicious, if it is.
pub fn classify(url: &str) -> Option<String> {
    if let Some(e) = listed(url) {
        return Some(format!("`{e}`"));
    }
    let lower = url.to_ascii_lowercase();
    let host = paths::host(&lower);
    if host.ends_with(".onion") {
        return Some("a Tor hidden service".into());
    }
    if paths::is_raw_ip(&lower) && !is_private(&host) {
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

/// Calls that only display or record text: exceptions, logging, printing, formatting.
fn is_message_sink(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    last.ends_with("Error")
        || last.ends_with("Exception")
        || last.ends_with("Warning")
        || matches!(
            last,
            "print"
                | "log"
                | "debug"
                | "info"
                | "warn"
                | "warning"
                | "error"
                | "critical"
                | "format"
                | "echo"
                | "puts"
                | "Field"
                | "help"
                | "add_argument"
                | "deprecated"
                | "describe"
                | "it"
                | "test"
        )
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        // Only where the address is used: messages and docs that mention a webhook
        // host (`raise Error("see bit.ly/...")`) contact nothing.
        if is_message_sink(&c.callee) {
            continue;
        }
        let urls = super::urls_of(c).into_iter();
        let Some((url, why)) = urls.filter_map(|u| classify(&u).map(|w| (u, w))).next() else {
            continue;
        };
        let phase = f.call_phase(c);
        // A webhook, bot API, interaction catcher or file drop written into the package
        // (its address up to the query; `?text={data}` may vary) is a collection point
        // whoever calls the code; a bare IP alone is weaker. Client libraries build these
        // addresses from what their user passes, so a computed path does not count.
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::High)
        } else if listed(&url).is_some() && !paths::without_query(&url).contains(paths::HOLE) {
            (Severity::Critical, Confidence::Medium)
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
