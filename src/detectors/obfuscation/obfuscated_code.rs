//! Obfuscated code: known packer markers (pyarmor, Hyperion and similar), `_0x` name
//! mangling, builtins reached by names spelled in code, and long encoded blobs in files
//! that also execute code dynamically. Hiding code from the reader is intent; a blob alone
//! (an embedded font, a test vector) is not.

use super::OBFUSCATED_CODE;
use crate::detectors::{runs_unasked, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;

pub const DETECTOR: Detector = Detector {
    rules: &[&OBFUSCATED_CODE],
    run,
};

/// Text that only packers and obfuscators write: pyarmor's runtime, the names Hyperion
/// gives itself and the builtins it renames in one tuple, and self-descriptions.
const MARKERS: &[&str] = &[
    "__pyarmor__",
    "pyarmor_runtime",
    "__obfuscator__",
    "exec, str, tuple, map, ord, globals",
    "pyobfuscate",
    "Obfuscated by",
    "obfuscated with",
];
/// An encoded literal this long is a payload, not data a library needs inline to run.
const BLOB: usize = 2000;
/// Dean Edwards' packer: its unpacker is passed straight to `eval`.
const PACKER: &str = "eval(function(p,a,c,k,e,";
/// A code string this long handed to `eval`/`Function` is a program hidden in a literal.
const CODE_STRING: usize = 1000;
/// Strings spelled by this many runs of `t[3]+t[17]+t[9]` lookups into one table.
const TABLE_SPELLINGS: usize = 10;

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files {
        let executes = f.facts.calls.iter().any(|c| c.kinds.has(Kinds::EXEC));
        let marker = MARKERS.iter().find_map(|m| {
            let at = f.text.find(m)?;
            Some((*m, f.text[..at].matches('\n').count() as u32 + 1))
        });
        let mangled = f.text.matches("_0x").count();
        let packed = packed_line(f);
        let spelled = table_spellings(&f.text) >= TABLE_SPELLINGS;
        let lookalike = lookalike_name(&f.text);
        let blob = f
            .facts
            .strings
            .iter()
            .find(|(s, _)| s.len() >= BLOB && looks_encoded(s));
        let code_string = f.facts.calls.iter().find_map(|c| {
            let len = c.args.first()?.text.as_ref()?.len();
            (c.kinds.has(Kinds::EXEC) && len >= CODE_STRING).then_some((c.line, len, &c.callee))
        });
        let hidden = f.facts.hidden_lookups.first();
        let found = if let Some((m, line)) = marker {
            Some((line, format!("carries the obfuscator marker `{m}`")))
        } else if let Some(line) = packed {
            Some((
                line,
                "is packed: an unpacking function's output goes straight to eval".into(),
            ))
        } else if let Some((line, len, callee)) = code_string {
            Some((
                line,
                format!("runs a {len}-character code string held in a literal with `{callee}`"),
            ))
        } else if let Some((name, line)) = hidden {
            Some((
                *line,
                format!("reaches `{name}` through the builtins or globals by a name it spells in code instead of writing it"),
            ))
        } else if let Some((line, name)) = &lookalike {
            Some((
                *line,
                format!("writes the name `{name}` in look-alike Unicode letters, which the interpreter reads as plain letters"),
            ))
        } else if spelled {
            Some((
                1,
                "spells its strings one character at a time from a lookup table (`t[3]+t[17]+...`)"
                    .into(),
            ))
        } else if mangled >= 20 {
            Some((
                1,
                format!(
                    "uses `_0x`-mangled names {mangled} times, the mark of javascript-obfuscator{}",
                    match f.facts.restored_lookups {
                        0 => String::new(),
                        n => format!(
                            "; its string array was restored ({n} lookups) before the code was read"
                        ),
                    }
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
        // A blob beside dynamic execution elsewhere in a file (a compiled bundle with an
        // embedded wasm module) is only a hint unless the file runs unasked.
        let only_blob = found.is_some()
            && marker.is_none()
            && packed.is_none()
            && code_string.is_none()
            && hidden.is_none()
            && !spelled
            && lookalike.is_none()
            && mangled < 20;
        if let Some((line, message)) = found {
            // Hidden code that runs unasked (the file executes code dynamically, a packer
            // runtime does it for it, or it calls builtins it hides the names of) is as bad
            // as running a decoded payload.
            let runs_hidden =
                runs_unasked(f.phase) && (executes || marker.is_some() || hidden.is_some());
            let (severity, confidence) = if runs_hidden {
                (Severity::High, Confidence::High)
            } else if only_blob {
                (Severity::Low, Confidence::Medium)
            } else {
                (Severity::Medium, Confidence::Medium)
            };
            out.push(
                OBFUSCATED_CODE
                    .finding(severity, confidence, f.phase, message)
                    .at(f.path.clone(), line, f.snippet(line)),
            );
        }
    }
}

/// The line of the first packer signature written as code, not quoted in a string literal.
/// An unpacker's test data or a packer's own template holds the signature as text, which
/// runs nothing; a literal that is itself handed to `eval` still counts as code. The
/// signatures in the text are matched against those in the file's literals by count, so
/// one written as code beside a quoted one is still found.
fn packed_line(f: &crate::analysis::SourceFile) -> Option<u32> {
    let executed: Vec<&str> = f
        .facts
        .calls
        .iter()
        .filter(|c| c.kinds.has(Kinds::EXEC))
        .filter_map(|c| c.args.first()?.text.as_deref())
        .collect();
    let quoted: Vec<u32> = f
        .facts
        .strings
        .iter()
        .filter(|(s, _)| !executed.contains(&s.as_str()))
        .flat_map(|(s, line)| std::iter::repeat_n(*line, s.matches(PACKER).count()))
        .collect();
    let lines: Vec<u32> = f
        .text
        .match_indices(PACKER)
        .map(|(at, _)| f.text[..at].matches('\n').count() as u32 + 1)
        .collect();
    if lines.len() <= quoted.len() {
        return None;
    }
    lines
        .iter()
        .find(|line| !quoted.contains(line))
        .or(lines.first())
        .copied()
}

/// Runs of three or more `+`-joined constant-index lookups into the same table
/// (`_k[29]+_k[38]+_k[32]`), the way some obfuscators spell every string.
fn table_spellings(text: &str) -> usize {
    let b = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    // One `name[digits]` at `i`: the name and the index after it.
    let lookup = |i: usize| -> Option<(&[u8], usize)> {
        let start = i;
        let mut j = i;
        while j < b.len() && ident(b[j]) {
            j += 1;
        }
        if j == start || b.get(j) != Some(&b'[') {
            return None;
        }
        let digits = b[j + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        (digits > 0 && b.get(j + 1 + digits) == Some(&b']')).then(|| (&b[start..j], j + digits + 2))
    };
    let mut runs = 0;
    let mut i = 0;
    while i < b.len() {
        if i > 0 && ident(b[i - 1]) {
            i += 1;
            continue;
        }
        let Some((name, mut end)) = lookup(i) else {
            i += 1;
            continue;
        };
        let mut len = 1;
        while b.get(end) == Some(&b'+') {
            match lookup(end + 1) {
                Some((next, e)) if next == name => {
                    len += 1;
                    end = e;
                }
                _ => break,
            }
        }
        if len >= 3 {
            runs += 1;
        }
        i = end.max(i + 1);
    }
    runs
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

/// The first name written in Unicode's mathematical letters (U+1D400–U+1D7FF) and then
/// called or dotted into: `𝚎𝚡𝚎𝚌(...)`, `𝚘𝚜.𝚞𝚗𝚊𝚖𝚎`. Python folds them to ASCII (NFKC), so
/// the code runs `exec` while a reader or a grep sees no such word. Math text in string
/// literals is not followed by `(` or `.` this way.
fn lookalike_name(text: &str) -> Option<(u32, String)> {
    // Every such letter is four UTF-8 bytes starting 0xF0: a byte search (memchr) skips
    // the character walk for the files that have none, which is nearly all of them.
    if !text.as_bytes().contains(&0xF0) {
        return None;
    }
    let is_math = |c: char| ('\u{1D400}'..='\u{1D7FF}').contains(&c);
    let mut run = String::new();
    for (i, c) in text.char_indices() {
        if is_math(c) {
            run.push(c);
            continue;
        }
        if !run.is_empty() && matches!(c, '(' | '.') {
            let line = text[..i].matches('\n').count() as u32 + 1;
            return Some((line, run));
        }
        run.clear();
    }
    None
}
