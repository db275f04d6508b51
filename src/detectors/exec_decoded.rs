//! Running decoded content: `exec(base64.b64decode(...))`, `eval(Buffer.from(x,
//! 'base64'))`, `echo ... | base64 -d | sh`, `powershell -enc ...`. Hiding code from the
//! reader and then running it has no honest use in a package.

use super::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::Labels;
use crate::lang::shell;
use crate::rules::rule;

rule!(EXEC_DECODED = "exec-decoded" in "exec-decoded" as ExecDecoded);
rule!(EXEC_COMPUTED = "exec-computed" in "exec-decoded" as ExecDecoded);

pub const DETECTOR: Detector = Detector {
    rules: &[&EXEC_DECODED, &EXEC_COMPUTED],
    run,
};

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    decoded(ctx, out);
    computed(ctx, out);
}

/// Code run at install time that the analysis cannot read at all: not a literal, not a
/// template with a few names left open, not a file's content
/// (`exec(open("pkg/version.py").read())`), not a download or a decoder's output (the
/// rules for those say more). `eval(line)`, `exec(payload)`, `new Function(code)()`:
/// whatever it is, the installer chose to run it without writing it down. Not on import:
/// code generators (attrs, mako, werkzeug's routing, regenerator) build and run code
/// when they are imported, by design.
fn computed(ctx: &Ctx, out: &mut Vec<Finding>) {
    const OTHER_SOURCES: Labels = Labels::FILE
        .or(Labels::DECODED)
        .or(Labels::DECODER_OUTPUT)
        .or(Labels::DOWNLOADED);
    for (f, c) in calls(ctx) {
        if !c.kinds.has(Kinds::EXEC) || c.shell.is_some() {
            continue;
        }
        let phase = f.call_phase(c);
        let Some(code) = c.args.first() else {
            continue;
        };
        if phase != Phase::Install || code.text.is_some() || code.labels.has(OTHER_SOURCES) {
            continue;
        }
        // `eval(line.split("=")[-1])`: a value cut out of a line of text is how setup.py
        // reads `__version__ = "1.0"` from a file it iterates; `read_text()` and
        // `read_bytes()` are a path's content even when the path's type is not known.
        let method_of_code = |allowed: &[&str]| {
            code.names
                .iter()
                .any(|n| n.rsplit('.').next().is_some_and(|m| allowed.contains(&m)))
        };
        let cut_from_text =
            c.callee == "eval" && method_of_code(&["split", "rsplit", "partition", "strip"]);
        // `exec(compile(code, ...))` is one act, judged on the `compile` call.
        let compiled = method_of_code(&["compile"]);
        if cut_from_text
            || compiled
            || method_of_code(&["read", "readlines", "read_text", "read_bytes"])
        {
            continue;
        }
        out.push(EXEC_COMPUTED.at_call(
            f,
            c,
            Severity::High,
            Confidence::Medium,
            format!(
                "runs code it computes, which nothing in the package shows, with `{}` {}",
                c.callee,
                when(phase)
            ),
        ));
    }
}

fn decoded(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        // A spawned command line that was decoded: `execSync(Buffer.from([...]))`, or a
        // decoded argument of an interpreter's `-c` (`Popen(["python", "-c", b64decode(x)])`).
        let decoded_command =
            c.kinds.has(Kinds::SPAWN) && c.args.iter().any(|a| a.labels.has(Labels::DECODED));
        // Code run unasked from a decoder's output, even of data the file reads or
        // computes (`eval(hexify(name, blob))`, `eval(decipher(json.code))`): a package
        // that ships its code encoded and decodes it at install to run it is hiding it.
        // Only at install or import: labels are kept per name, and a library's
        // functions that deserialise and run code (IPython's reloader) are asked for.
        let hidden = if runs_unasked(phase) {
            Labels::DECODED.or(Labels::DECODER_OUTPUT)
        } else {
            Labels::DECODED
        };
        let decoded_exec =
            (c.kinds.has(Kinds::EXEC) && c.arg_labels().has(hidden)) || decoded_command;
        let decoded_pipe = c.callee == "sh.base64"
            && c.shell
                .as_ref()
                .and_then(|s| s.pipe_to.as_deref())
                .is_some_and(|p| matches!(p, "sh" | "bash" | "python" | "python3" | "perl"));
        // `powershell -enc <base64>`: the command line hides the command it runs. What
        // follows the flag must be base64 written into the code; a command the program
        // encodes itself from text it holds or computes hides nothing from a reader.
        let encoded_command = matches!(c.callee.as_str(), "sh.powershell" | "sh.pwsh")
            && c.args.windows(2).any(|w| {
                w[0].text
                    .as_deref()
                    .is_some_and(shell::is_encoded_command_flag)
                    && w[1].text.as_deref().is_some_and(is_base64_blob)
            });
        if !decoded_exec && !decoded_pipe && !encoded_command {
            continue;
        }
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::Critical, Confidence::High)
        } else {
            (Severity::High, Confidence::High)
        };
        out.push(EXEC_DECODED.at_call(
            f,
            c,
            severity,
            confidence,
            format!(
                "runs decoded (hidden) code with `{}` {}{}",
                c.callee,
                when(phase),
                decoded_evidence(c)
            ),
        ));
    }
}

/// Decoded text shown beside a finding, cut to this many characters.
const EVIDENCE_CHARS: usize = 160;

/// `: decoded: `…`` when the code run was decoded from constants the analysis folded,
/// so the reviewer reads what the package hides without decoding it by hand.
fn decoded_evidence(c: &crate::lang::facts::CallFact) -> String {
    // The decoded argument of a spawn (`python -c <decoded>`), else the code run.
    let arg = c
        .args
        .iter()
        .find(|a| a.labels.has(Labels::DECODED))
        .or(c.args.first());
    let Some(text) = arg.and_then(|a| a.text.as_deref()) else {
        return String::new();
    };
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let cut: String = text.chars().take(EVIDENCE_CHARS).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!("; decoded: `{}{more}`", cut.replace('`', "'"))
}

/// A literal that reads as base64: long enough to hold a command, of base64 characters
/// only, with at most two `=` of padding at its end.
fn is_base64_blob(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    text.len() >= 8
        && text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}
