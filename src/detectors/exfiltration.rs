//! Data leaving the machine: a network send whose arguments carry secrets, the whole
//! environment, local files' content, or host and user names (the install-time beacon of
//! dependency-confusion probes). The read and the send are one finding because the value flows between them.

use super::{before_in_function, calls, paths, runs_unasked, url_of, when, Ctx, Detector};
use crate::analysis::SourceFile;
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::{self, CallFact, Labels};
use crate::lang::sensitive::credential_path;
use crate::lang::shell;
use crate::rules::rule;

rule!(SECRET_EXFILTRATION = "secret-exfiltration" in "exfiltration" as Exfiltration);
rule!(ENV_EXFILTRATION = "env-exfiltration" in "exfiltration" as Exfiltration);
rule!(FILE_EXFILTRATION = "file-exfiltration" in "exfiltration" as Exfiltration);
rule!(HOST_BEACON = "host-beacon" in "exfiltration" as Exfiltration);

pub const DETECTOR: Detector = Detector {
    rules: &[
        &SECRET_EXFILTRATION,
        &ENV_EXFILTRATION,
        &FILE_EXFILTRATION,
        &HOST_BEACON,
    ],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    // (rule, file, scope, request callee) reported, for folding a request's parts.
    let mut sent: Vec<(&str, &str, &str, &str)> = Vec::new();
    for (f, c) in calls(ctx) {
        // A GET carries data too, in its address or query (`?h=<hostname>`).
        if !c.kinds.has(Kinds::SEND.or(Kinds::DOWNLOAD)) {
            continue;
        }
        let labels = c.arg_labels();
        let uploads = shell_uploads(c);
        let uploads_credential = uploads.iter().any(|f| credential_path(f).is_some());
        let (rule, what) = if labels.has(Labels::SECRET) || uploads_credential {
            (&SECRET_EXFILTRATION, "credentials it read")
        } else if labels.has(Labels::ENV) {
            (
                &ENV_EXFILTRATION,
                "the process environment (tokens, keys, CI secrets)",
            )
        } else if !uploads.is_empty()
            || payload_labels(c).has(Labels::FILE) && reads_file_before(f, c)
        {
            (&FILE_EXFILTRATION, "the content of local files")
        } else if labels.has(Labels::HOSTINFO) {
            (
                &HOST_BEACON,
                "the host name, user name or working directory",
            )
        } else {
            continue;
        };
        let phase = f.call_phase(c);
        // A send to a webhook, bot API, tunnel or bare IP is a hard-coded collection point:
        // whoever triggers it, the data goes to the attacker.
        let to_endpoint = super::urls_of(c)
            .iter()
            .any(|u| super::suspicious_endpoint::classify(u).is_some());
        let (files, env) = (rule == &FILE_EXFILTRATION, rule == &ENV_EXFILTRATION);
        let (severity, confidence) = match runs_unasked(phase) {
            // Uploading a file is what upload clients do when asked; unasked, it is not.
            true if files && !to_endpoint => (Severity::High, Confidence::High),
            true => (Severity::Critical, Confidence::High),
            false if to_endpoint => (Severity::Critical, Confidence::Medium),
            false if files => continue,
            // The whole environment read in the sending function and sent to a host
            // written in the code: no honest feature ships every variable to a fixed place.
            false if env && reads_env_before(f, c) && fixed_host(c) => {
                (Severity::Critical, Confidence::Medium)
            }
            // Value labels are tracked per file, not per path: at runtime an environment
            // label can come from an unrelated variable, so only install/import code counts.
            false if env || rule == &HOST_BEACON => (Severity::Low, Confidence::Medium),
            false => (Severity::High, Confidence::High),
        };
        // A `.write`/`.end` of a request this rule already reported is that send again;
        // separate requests are separate sends, even through the same API.
        let request = super::request_part(c).unwrap_or(&c.callee);
        let key = (rule.id, f.path.as_str(), c.scope.as_str(), request);
        if super::request_part(c).is_some() && sent.contains(&key) {
            continue;
        }
        sent.push(key);
        let to = url_of(c).map(|u| format!(" to `{u}`")).unwrap_or_default();
        out.push(rule.at_call(
            f,
            c,
            severity,
            confidence,
            format!("sends {what}{to} with `{}` {}", c.callee, when(phase)),
        ));
    }
}

/// The files a shell command uploads: `curl -F f=@~/.npmrc`, `curl -d @$HOME/.pypirc`,
/// `curl -T ~/.ssh/id_rsa`, `wget --post-file=...`.
fn shell_uploads(c: &CallFact) -> Vec<&str> {
    let Some(program) = c.callee.strip_prefix("sh.").filter(|_| c.shell.is_some()) else {
        return vec![];
    };
    let words: Vec<&str> = c
        .args
        .iter()
        .skip(1)
        .filter_map(|a| a.text.as_deref())
        .collect();
    shell::uploaded_files(program, &words)
}

/// The labels of what a call sends, leaving out the address it sends to: a URL read from
/// a config file is not the file's content leaving. Shell commands are left to
/// `shell_uploads`.
fn payload_labels(c: &CallFact) -> Labels {
    // Stream and socket writes take the data first; HTTP clients take the address first.
    let method = c.callee.rsplit('.').next().unwrap_or("");
    let data_first = matches!(
        method,
        "send" | "sendall" | "sendto" | "write" | "end" | "sendmail" | "send_message" | "puts"
    );
    let mut l = Labels::default();
    let positional = c.args.iter().skip(usize::from(!data_first));
    let keywords = c.kwargs.iter().filter(|(k, _)| k != "url").map(|(_, v)| v);
    for v in positional.chain(keywords) {
        l = l.or(v.labels);
    }
    l
}

/// Whether the function that sends also opens or reads a file before the send: labels are
/// per file, so a variable of the same name filled from a file elsewhere does not count.
fn reads_file_before(f: &SourceFile, c: &CallFact) -> bool {
    before_in_function(f, c).any(|d| facts::reads_file_content(&d.callee))
}

/// Whether the function that sends also reads the whole environment before the send.
fn reads_env_before(f: &SourceFile, c: &CallFact) -> bool {
    before_in_function(f, c).any(|d| d.kinds.has(Kinds::ENVALL))
}

/// Whether the call's address names its host in the code (`https://x.example.com/{?}`).
fn fixed_host(c: &CallFact) -> bool {
    url_of(c).is_some_and(|u| {
        let host = paths::host(&u);
        !host.is_empty() && !host.contains(paths::HOLE)
    })
}
