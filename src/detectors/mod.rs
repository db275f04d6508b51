//! Behaviour detectors. Each reads the analysed files (never the archive) and pushes
//! findings; none can fail.
//!
//! The modules mirror `rules/`: one module per rule category, named after its folder
//! (`rules/credential-read/` is `credential_read`). A category with one detector is one
//! file holding its rule declarations ([`rule!`](crate::rules::rule)) and the detector; a
//! category with several is a folder whose `mod.rs` declares the category's rules, with
//! one file per detector (`install_hook/install_spawn.rs`). The rules of a category that
//! `crate::chains` reports (`unasked-chain`, `dropper-chain`, `typosquat-chain`,
//! `typosquat-install`) are declared in the category's module too; only the archive
//! reader's anomalies (`rules/archive-anomaly/`) are declared beside the reader, in
//! `crate::archive::anomalies`. `paths` holds shared helpers, not rules.
//!
//! Every finding is made by its rule ([`Rule::at_call`](crate::rules::Rule::at_call),
//! [`Rule::finding`](crate::rules::Rule::finding)), which gives it its id and category.

pub(crate) mod background_process;
pub(crate) mod collection;
pub(crate) mod credential_read;
pub(crate) mod download;
pub(crate) mod embedded_binary;
pub(crate) mod exec_decoded;
pub(crate) mod exec_downloaded;
pub(crate) mod exfiltration;
pub(crate) mod install_hook;
pub(crate) mod metadata_anomaly;
pub(crate) mod obfuscation;
pub mod paths;
pub(crate) mod persistence;
pub(crate) mod reverse_shell;
pub(crate) mod startup_hook;
pub(crate) mod suspicious_endpoint;
pub(crate) mod tampering;
pub(crate) mod typosquat;
pub(crate) mod write_home;

use crate::analysis::SourceFile;
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use crate::lang::facts::CallFact;
use crate::package::Package;
use crate::rules::Rule;
use std::time::Instant;

/// What every detector sees.
pub struct Ctx<'a> {
    pub package: &'a Package,
    pub files: &'a [SourceFile],
}

/// A detector: the rules it can report, and the function that finds them.
pub struct Detector {
    pub rules: &'static [&'static Rule],
    pub run: fn(&Ctx, &mut Vec<Finding>),
}

/// Every detector, in the order they run (order does not affect output: findings are sorted).
pub const DETECTORS: &[Detector] = &[
    obfuscation::unanalysed_code::DETECTOR,
    install_hook::cmdclass_override::DETECTOR,
    install_hook::npm_install_script::DETECTOR,
    install_hook::gem_install_hook::DETECTOR,
    startup_hook::DETECTOR,
    install_hook::install_spawn::DETECTOR,
    install_hook::import_spawn::DETECTOR,
    download::DETECTOR,
    write_home::DETECTOR,
    persistence::DETECTOR,
    exec_downloaded::DETECTOR,
    exec_decoded::DETECTOR,
    background_process::DETECTOR,
    embedded_binary::disguised::DETECTOR,
    embedded_binary::run_shipped::DETECTOR,
    embedded_binary::stub::DETECTOR,
    credential_read::DETECTOR,
    collection::user_activity::DETECTOR,
    collection::env_serialization::DETECTOR,
    exfiltration::DETECTOR,
    suspicious_endpoint::DETECTOR,
    obfuscation::obfuscated_code::DETECTOR,
    obfuscation::hidden_api_call::DETECTOR,
    reverse_shell::socket_shell::DETECTOR,
    reverse_shell::remote_command::DETECTOR,
    tampering::process_injection::DETECTOR,
    tampering::destructive_command::DETECTOR,
    tampering::disguised_library::DETECTOR,
    metadata_anomaly::dependency_url::DETECTOR,
    typosquat::DETECTOR,
    metadata_anomaly::typosquat_dependency::DETECTOR,
];

/// Runs every detector over a package, until `deadline`: the first rule of the first
/// detector not run is returned with the findings, so the caller can say the result is
/// partial. Detectors run in the order above; each is linear in the package's facts.
pub fn run_all(ctx: &Ctx, deadline: Instant) -> (Vec<Finding>, Option<&'static str>) {
    let mut out = Vec::new();
    for d in DETECTORS {
        if Instant::now() > deadline {
            return (out, d.rules.first().map(|r| r.id));
        }
        (d.run)(ctx, &mut out);
    }
    (out, None)
}

/// Lowers findings in files no install or import runs to context: tests, CI and helper
/// scripts, docs, examples, shell scripts; and label-based findings in minified bundles
/// that run on import or when called (where one short variable name serves many values,
/// so data-flow labels mix: prisma's 2.7 MB CLI bundle read as running downloads). A
/// minified install script keeps its findings.
pub fn demote_context(ctx: &Ctx, findings: &mut [Finding]) {
    let by_path: std::collections::HashMap<&str, &SourceFile> =
        ctx.files.iter().map(|s| (s.path.as_str(), s)).collect();
    for f in findings
        .iter_mut()
        .filter(|f| matches!(f.phase, Phase::Runtime | Phase::Archive | Phase::Import))
    {
        let file = by_path.get(f.file.as_str()).copied();
        let shell =
            f.phase == Phase::Runtime && file.is_some_and(|s| s.lang == crate::lang::Lang::Shell);
        let minified_flow = file.is_some_and(|s| s.is_minified())
            && matches!(
                f.category,
                Category::ExecDownloaded
                    | Category::ExecDecoded
                    | Category::Exfiltration
                    | Category::Collection
            );
        let dev = f.phase != Phase::Import
            && paths::is_dev_file(&f.file)
            && !file.is_some_and(|s| s.reached);
        if dev || shell || minified_flow {
            f.severity = f.severity.min(Severity::Low);
            f.confidence = Confidence::Low;
        }
    }
}

/// Install and import time: code that runs without anyone calling into the package.
pub fn runs_unasked(phase: Phase) -> bool {
    matches!(phase, Phase::Install | Phase::Import)
}

/// The confidence of a finding whose evidence is as strong whenever the code runs, but
/// whose intent is surer when nobody asked for it: high at install and import time,
/// medium when called (a reverse shell, a download planted where the system starts it).
pub fn unasked_confidence(phase: Phase) -> Confidence {
    if runs_unasked(phase) {
        Confidence::High
    } else {
        Confidence::Medium
    }
}

/// Severity and confidence of a capability honest libraries use when their user asks
/// (reading a credential file, capturing the screen, serialising the environment,
/// injecting into a process): high with medium confidence in code that runs unasked;
/// medium with low confidence (shown, never a verdict alone) when called.
pub fn capability(phase: Phase) -> (Severity, Confidence) {
    if runs_unasked(phase) {
        (Severity::High, Confidence::Medium)
    } else {
        (Severity::Medium, Confidence::Low)
    }
}

/// "at install time" / "on import" / "when called", for messages.
pub fn when(phase: Phase) -> &'static str {
    match phase {
        Phase::Install => "at install time",
        Phase::Import => "on import",
        _ => "when called",
    }
}

/// Every call of every file, with its file.
pub fn calls<'a>(ctx: &'a Ctx) -> impl Iterator<Item = (&'a SourceFile, &'a CallFact)> {
    ctx.files
        .iter()
        .flat_map(|f| f.facts.calls.iter().map(move |c| (f, c)))
}

/// The calls of the function `c` is in (same scope) up to `c`'s line, `c` included: what
/// the function did before this call. Labels are tracked per file; a source earlier in
/// the same function is the evidence that a value really flows into `c`.
pub fn before_in_function<'a>(
    f: &'a SourceFile,
    c: &'a CallFact,
) -> impl Iterator<Item = &'a CallFact> {
    f.facts
        .calls
        .iter()
        .filter(move |d| d.scope == c.scope && d.line <= c.line)
}

/// The first URL among a call's arguments.
/// For a method of a request object (`req.write(data)`, `req.end()`, `req.on(...)` on
/// `https.request(...)`'s result, resolved as `https.request.write`), the request's own
/// callee: with the request, these calls are one act, reported once.
pub fn request_part(call: &CallFact) -> Option<&str> {
    const PARTS: &[&str] = &[
        "write",
        "end",
        "on",
        "once",
        "setHeader",
        "setTimeout",
        "abort",
        "destroy",
        "flushHeaders",
    ];
    let (root, method) = call.callee.rsplit_once('.')?;
    (PARTS.contains(&method) && root.contains('.')).then_some(root)
}

/// Whether `call` is a part of a request that an earlier call of the same file and scope
/// made (`https.request` before `https.request.write`).
pub fn part_of_earlier_request(file: &SourceFile, call: &CallFact) -> bool {
    let Some(root) = request_part(call) else {
        return false;
    };
    file.facts
        .calls
        .iter()
        .any(|r| r.callee == root && r.scope == call.scope && r.line <= call.line)
}

pub fn url_of(call: &CallFact) -> Option<String> {
    urls_of(call).into_iter().next()
}

/// Every address a call contacts: URLs in its arguments, and for DNS lookups, shell
/// network tools, HTTP clients and connection constructors the bare host they are given
/// (`curl 192.0.2.1:8080`, `gethostbyname("x.example.com")`,
/// `requests.post("x.example.com")`, `HTTPConnection("x.example.com")`), written as
/// `http://host`.
pub fn urls_of(call: &CallFact) -> Vec<String> {
    let texts = || {
        call.all_args()
            .chain(call.receiver.as_ref())
            .filter_map(|v| v.text.as_deref())
    };
    let mut urls: Vec<String> = texts().filter_map(paths::find_url).collect();
    if urls.is_empty()
        && (is_dns(&call.callee)
            || call.shell.is_some() && call.kinds.has(crate::lang::catalog::Kinds::SEND))
    {
        let skip = usize::from(call.shell.is_some()); // a shell command's first word is the program
        urls.extend(
            call.args
                .iter()
                .skip(skip)
                .filter_map(|v| v.text.as_deref())
                .filter(|t| paths::is_host(t))
                .map(|h| format!("http://{h}")),
        );
    } else if urls.is_empty() && takes_address(call) {
        urls.extend(
            call.args
                .iter()
                .chain(call.kwarg("url"))
                .chain(call.kwarg("host"))
                .filter_map(|v| v.text.as_deref())
                .filter(|t| paths::is_host(t))
                .map(|h| format!("http://{h}")),
        );
    }
    urls
}

/// A call handed the address it connects to in its arguments: an HTTP client's request
/// (which also contacts a host written without a scheme, or fails trying), or the
/// constructor of a connection to a host.
pub fn takes_address(call: &CallFact) -> bool {
    use crate::lang::catalog::Kinds;
    call.shell.is_none() && (call.kinds.has(Kinds::DOWNLOAD) || call.kinds.has(Kinds::SEND))
        || matches!(
            call.callee.as_str(),
            "http.client.HTTPConnection"
                | "http.client.HTTPSConnection"
                | "httplib.HTTPConnection"
                | "httplib.HTTPSConnection"
                | "ftplib.FTP"
                | "smtplib.SMTP"
                | "smtplib.SMTP_SSL"
                | "telnetlib.Telnet"
        )
}

/// Name lookups: resolving a constant domain is how DNS beacons report an install.
pub fn is_dns(callee: &str) -> bool {
    matches!(
        callee,
        "socket.gethostbyname"
            | "socket.gethostbyname_ex"
            | "socket.getaddrinfo"
            | "dns.resolver.resolve"
            | "dns.resolver.query"
            | "dns.lookup"
            | "dns.resolve"
            | "dns.resolve4"
            | "Resolv.getaddress"
            | "sh.nslookup"
            | "sh.dig"
            | "sh.host"
            | "sh.ping"
    )
}
