//! Obfuscated code: known packer markers (pyarmor, Hyperion and similar), `_0x` name
//! mangling, and long encoded blobs in files that also execute code dynamically. Hiding
//! code from the reader is intent; a blob alone (an embedded font, a test vector) is not.

use super::{Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;

pub const DETECTOR: Detector = Detector {
    rules: &["obfuscated-code"],
    run,
};

/// Strings in source that only packers and obfuscators write.
const MARKERS: &[&str] = &[
    "__pyarmor__",
    "pyarmor_runtime",
    "__obfuscator__",
    "Hyperion",
    "pyobfuscate",
    "Obfuscated by",
    "obfuscated with",
];
/// An encoded literal this long is a payload, not data a library needs inline to run.
const BLOB: usize = 2000;

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files {
        let executes = f.facts.calls.iter().any(|c| c.kinds.has(Kinds::EXEC));
        let marker = f
            .facts
            .strings
            .iter()
            .find_map(|(s, line)| MARKERS.iter().find(|m| s.contains(*m)).map(|m| (*m, *line)));
        let mangled = f.text.matches("_0x").count();
        let blob = f
            .facts
            .strings
            .iter()
            .find(|(s, _)| s.len() >= BLOB && looks_encoded(s));
        let found = if let Some((m, line)) = marker {
            Some((line, format!("carries the obfuscator marker `{m}`")))
        } else if mangled >= 20 {
            Some((
                1,
                format!(
                    "uses `_0x`-mangled names {mangled} times, the mark of javascript-obfuscator"
                ),
            ))
        } else {
            blob.filter(|_| executes).map(|(s, line)| {
                (
                    *line,
                    format!(
                        "holds a {}-character encoded blob and executes code dynamically",
                        s.len()
                    ),
                )
            })
        };
        if let Some((line, message)) = found {
            out.push(Finding {
                rule: "obfuscated-code",
                category: Category::Obfuscation,
                severity: Severity::Medium,
                confidence: Confidence::Medium,
                phase: f.phase,
                file: f.path.clone(),
                line,
                message,
                snippet: f.snippet(line),
            });
        }
    }
}

/// Base64 or hex text: nearly all characters from the encoding alphabet, no spaces.
fn looks_encoded(s: &str) -> bool {
    let sample = &s.as_bytes()[..s.len().min(4096)];
    let alphabet = sample
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
        .count();
    alphabet * 100 >= sample.len() * 98
}
