//! Calls to endpoints honest packages do not use: chat webhooks and bot APIs, paste
//! sites and file drops, tunnels, out-of-band interaction catchers (`rules/data/endpoints.txt`),
//! bare public IP addresses and `.onion` hosts.

use super::{is_dns, paths, runs_unasked, takes_address, when, Ctx, Detector};
use crate::analysis::SourceFile;
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::lang::catalog::{kinds, Kinds};
use crate::lang::facts::{CallFact, Labels};
use crate::rules::rule;
use std::collections::HashSet;
use std::sync::OnceLock;

rule!(SUSPICIOUS_ENDPOINT = "suspicious-endpoint" in "suspicious-endpoint" as SuspiciousEndpoint);
rule!(SUSPICIOUS_ADDRESS = "suspicious-address" in "suspicious-endpoint" as SuspiciousEndpoint);

pub const DETECTOR: Detector = Detector {
    rules: &[&SUSPICIOUS_ENDPOINT, &SUSPICIOUS_ADDRESS],
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

/// Loopback, private and link-local ranges (local development servers), and the public
/// DNS resolvers connectivity checks contact: not collection points.
fn is_private(ip: &str) -> bool {
    if ip.contains(':') {
        let ip = ip.to_ascii_lowercase();
        return ip == "::1"
            || ip == "::"
            || ip.starts_with("fe80:")
            || ip.starts_with("fc")
            || ip.starts_with("fd")
            || matches!(
                ip.as_str(),
                "2001:4860:4860::8888" | "2001:4860:4860::8844" | "2606:4700:4700::1111"
            );
    }
    if matches!(
        ip,
        "1.1.1.1" | "1.0.0.1" | "8.8.8.8" | "8.8.4.4" | "9.9.9.9" | "208.67.222.222"
    ) {
        return true;
    }
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

/// What a catalogued call does that puts an address it is handed to use: fetching or
/// sending, a command line, code to run, or text written where something will read it.
const USES_ADDRESS: Kinds = Kinds::DOWNLOAD
    .or(Kinds::SEND)
    .or(Kinds::SPAWN)
    .or(Kinds::EXEC)
    .or(Kinds::WRITE)
    .or(Kinds::WRITE_DEST);

/// Whether the call itself contacts, resolves or passes on an address it is given: a
/// catalogued network, spawn, exec or write API, a name lookup, or a connection constructor.
fn uses_address(c: &CallFact) -> bool {
    c.kinds.has(USES_ADDRESS) || is_dns(&c.callee) || takes_address(c)
}

/// Whether a call contacts an address it is given: directly (see [`uses_address`]), as a
/// command the package manager runs, as text written into an open file (a script being
/// dropped), through a function or class of the same file whose body makes such a call
/// (a local `send(url)` helper, a webhook client class), through a call the analysis
/// cannot name (`obj[key](url)`, what obfuscated code looks like), or by taking the address
/// apart for a client (`new URL(hook)` whose host and path go to `https.request`, which
/// data flow loses). An address the code
/// decoded from a hidden form is one it means to use, whatever takes it first. A URL handed
/// to anything else (a config object, `str`, a parser) is data: nothing is contacted
/// there, and wherever the value is used later is a call of its own.
fn contacts(defs: &AddressDefs, c: &CallFact) -> bool {
    uses_address(c)
        || c.callee == "?"
        || is_url_parser(&c.callee)
        || c.callee.starts_with("npm.scripts.")
        || c.callee == "node-gyp.command"
        || writes_into_file(&c.callee)
        || decoded_address(c)
        || defs.has(&c.callee)
}

/// Calls that split an address into the scheme, host and path a request is made of.
fn is_url_parser(callee: &str) -> bool {
    matches!(
        callee,
        "URL" | "url.parse" | "urllib.parse.urlparse" | "urllib.parse.urlsplit" | "URI.parse"
    )
}

/// Whether `callee` writes into a file it opened: `open(...).write`,
/// `tempfile.NamedTemporaryFile(...).write`.
fn writes_into_file(callee: &str) -> bool {
    callee.rsplit_once('.').is_some_and(|(handle, method)| {
        matches!(method, "write" | "writelines")
            && (kinds(handle).has(Kinds::WRITE) || handle.starts_with("tempfile."))
    })
}

/// Whether a URL among the call's values was decoded from base64, hex or the like.
fn decoded_address(c: &CallFact) -> bool {
    c.all_args().chain(c.receiver.as_ref()).any(|v| {
        v.labels.has(Labels::DECODED) && v.text.as_deref().and_then(paths::find_url).is_some()
    })
}

/// The definitions of one file whose bodies call an API that uses an address, by name
/// and by scope path, built once per file so a file of many calls and many definitions
/// costs one pass over each.
struct AddressDefs<'f> {
    names: HashSet<&'f str>,
}

impl<'f> AddressDefs<'f> {
    fn of(f: &'f SourceFile) -> Self {
        let mut scopes: HashSet<&str> = HashSet::new();
        for b in f.facts.calls.iter().filter(|b| uses_address(b)) {
            let mut s = b.scope.as_str();
            while !s.is_empty() && scopes.insert(s) {
                s = s.rsplit_once('.').map_or("", |(outer, _)| outer);
            }
        }
        let mut names = HashSet::new();
        for d in f
            .facts
            .defs
            .iter()
            .filter(|d| scopes.contains(d.scope.as_str()))
        {
            names.insert(d.scope.as_str());
            names.insert(d.name.as_str());
        }
        AddressDefs { names }
    }

    /// Whether `callee` names such a definition (`send`, `Client.post`).
    fn has(&self, callee: &str) -> bool {
        self.names.contains(callee)
    }
}

/// Whether a text holds a collection point together with its credential: a Discord
/// webhook with its id and token, or a Telegram bot token in an API address. Whoever
/// holds one can post to it; a package shipping one is set up to send somewhere.
fn token_webhook(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let discord = ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"]
        .iter()
        .filter_map(|h| lower.split_once(h).map(|(_, rest)| rest))
        .any(|rest| {
            let mut parts = rest.split('/');
            let id = parts.next().unwrap_or("");
            let token = parts.next().unwrap_or("");
            id.len() >= 15 && id.bytes().all(|b| b.is_ascii_digit()) && token.len() >= 40
        });
    let telegram = lower
        .split_once("api.telegram.org/bot")
        .and_then(|(_, rest)| rest.split_once(':'))
        .is_some_and(|(id, token)| {
            id.len() >= 6
                && id.bytes().all(|b| b.is_ascii_digit())
                && token
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                    .count()
                    >= 30
        });
    discord || telegram
}

/// Suspicious addresses written into the code but not (visibly) contacted: a
/// token-bearing webhook is a collection point ready to post to (`suspicious-endpoint`,
/// high); any other listed endpoint or bare public IP written out in full is
/// `suspicious-address` (medium, low confidence: never a verdict alone), once per address
/// and file, where no call on that line was reported. A listed host with nothing after it
/// (`https://discord.com/api/webhooks/<id>` in a help text) is a pattern, not an address.
fn mentioned_endpoints(ctx: &Ctx, out: &mut Vec<Finding>) {
    // Lines already reported (any rule, as before addresses were shown: a webhook used on
    // its line is the call's finding), and lines a call contacts an address on.
    let reported: HashSet<(&str, u32)> = out.iter().map(|o| (o.file.as_str(), o.line)).collect();
    let contacted: HashSet<(&str, u32)> = out
        .iter()
        .filter(|o| o.category == SUSPICIOUS_ENDPOINT.category)
        .map(|o| (o.file.as_str(), o.line))
        .collect();
    let mut found = Vec::new();
    for f in ctx.files {
        let webhook = f.facts.strings.iter().find(|(s, _)| token_webhook(s));
        if let Some((_, line)) = webhook.filter(|(_, l)| !reported.contains(&(f.path.as_str(), *l)))
        {
            found.push(SUSPICIOUS_ENDPOINT.finding(Severity::High, Confidence::Medium, Phase::Runtime, "holds a chat webhook or bot address with its access token: a collection point ready to post to".to_string()).at(f.path.clone(), *line, f.snippet(*line)));
        }
        let mut seen: HashSet<String> = HashSet::new();
        for (s, line) in &f.facts.strings {
            if token_webhook(s) || contacted.contains(&(f.path.as_str(), *line)) {
                continue;
            }
            let Some((url, why)) = written_address(s).and_then(|u| classify(&u).map(|w| (u, w)))
            else {
                continue;
            };
            let bare_listing = listed(&url).filter(|e| e.contains('/')).is_some_and(|e| {
                let lower = url.to_ascii_lowercase();
                let rest = lower.split_once(e).map_or("", |(_, r)| r);
                rest.trim_matches(['/', '<', '>']).is_empty()
                    || rest.starts_with("/<")
                    || rest.starts_with('<')
            });
            if bare_listing || !seen.insert(url.clone()) {
                continue;
            }
            // Libraries hold IP addresses by the hundred (test vectors, defaults, docs in
            // docstrings); a listed collection point, or a bare IP serving an executable or
            // taking credentials in the address, is rarer and worth more.
            let authority = url.split_once("://").map_or("", |(_, r)| r);
            let authority = authority.split(['/', '?', '#']).next().unwrap_or("");
            let pointed = paths::is_executable_name(&url) || authority.contains('@');
            let severity = if listed(&url).is_some() || pointed {
                Severity::Medium
            } else {
                Severity::Low
            };
            found.push(
                SUSPICIOUS_ADDRESS
                    .finding(
                        severity,
                        Confidence::Low,
                        Phase::Runtime,
                        format!(
                            "holds the address `{url}` ({why}), though no call is seen using it"
                        ),
                    )
                    .at(f.path.clone(), *line, f.snippet(*line)),
            );
        }
    }
    out.extend(found);
}

/// The address a string literal holds: a URL inside it, or the whole literal when it is
/// a host and path without a scheme (`x.oast.fun/t`), written as `http://...`.
fn written_address(s: &str) -> Option<String> {
    if let Some(url) = paths::find_url(s) {
        return Some(url);
    }
    // Most literals are no address: a dot and no space come first, as they are cheap.
    if s.len() > 200 || !s.contains('.') || s.contains(char::is_whitespace) {
        return None;
    }
    let host = s.split('/').next().unwrap_or(s);
    let bare = paths::is_host(host);
    bare.then(|| format!("http://{s}"))
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    calls_to_endpoints(ctx, out);
    mentioned_endpoints(ctx, out);
}

fn calls_to_endpoints(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files {
        let mut defs = None;
        // (address, line) reported: a command line run by `os.system` or an npm script
        // is one contact, seen as the spawning call and as each program inside it.
        let mut seen: Vec<(String, u32)> = Vec::new();
        for c in &f.facts.calls {
            endpoint_call(f, c, &mut defs, &mut seen, out);
        }
    }
}

/// The finding for one call that contacts a suspicious address, if it does.
fn endpoint_call<'f>(
    f: &'f SourceFile,
    c: &CallFact,
    defs: &mut Option<AddressDefs<'f>>,
    seen: &mut Vec<(String, u32)>,
    out: &mut Vec<Finding>,
) {
    // Only where the address is used: messages and docs that mention a webhook
    // host (`raise Error("see bit.ly/...")`) contact nothing. The address is
    // checked first: most calls carry none, and `contacts` reads the file's
    // definitions.
    if is_message_sink(&c.callee) {
        return;
    }
    let urls = super::urls_of(c).into_iter();
    let Some((url, why)) = urls.filter_map(|u| classify(&u).map(|w| (u, w))).next() else {
        return;
    };
    if seen.iter().any(|(u, l)| *u == url && *l == c.line) {
        return;
    }
    if !contacts(defs.get_or_insert_with(|| AddressDefs::of(f)), c) {
        return;
    }
    seen.push((url.clone(), c.line));
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
    out.push(SUSPICIOUS_ENDPOINT.at_call(
        f,
        c,
        severity,
        confidence,
        format!(
            "contacts `{url}` ({why}) with `{}` {}",
            c.callee,
            when(phase)
        ),
    ));
}
