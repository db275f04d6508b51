//! Obfuscated JavaScript put back into a readable program before it is analysed:
//! javascript-obfuscator hides every string of a program behind lookups into a rotated
//! array (`string_array`) and keeps strings and operators in objects of its own
//! (`object_members`), so nothing in the program as written names `child_process` or a
//! webhook's address. Both are evaluated over constants only; nothing of the program
//! runs. Each replacement keeps the line count of what it replaces, so every finding
//! keeps the line of the code as written.

mod object_members;
mod string_array;

use crate::lang::ts::{self, text};
use std::time::Instant;
use tree_sitter::Node;

/// A program with what the obfuscator hid written back.
pub struct Restored {
    /// The program's text with each constant lookup replaced by its value.
    pub text: String,
    /// How many lookups were replaced.
    pub replaced: usize,
}

/// Object members are resolved in this many passes at most: each resolves what the
/// previous one made constant (a member holding another member's string).
const MEMBER_PASSES: usize = 3;
/// A restored text may grow to twice what it replaces plus this much; past it the file
/// is analysed as written, and the caller says so.
const GROWTH_ALLOWANCE: usize = 1 << 20;

/// The program with its string array and the members of the objects that hold its
/// strings restored; `Ok(None)` when it has no string array this reads, `Err` with the
/// reason when it has one that could not be restored within bounds.
pub fn restore(source: &str, deadline: Instant) -> Result<Option<Restored>, String> {
    let Some(mut restored) = string_array::restore(source, deadline)? else {
        return Ok(None);
    };
    for _ in 0..MEMBER_PASSES {
        match object_members::restore(&restored.text, deadline)? {
            Some(next) => {
                restored.replaced += next.replaced;
                restored.text = next.text;
            }
            None => break,
        }
    }
    Ok(Some(restored))
}

/// One replacement of a node's text.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

impl Edit {
    /// `n` replaced by the string literal of `value`.
    fn literal(n: Node, value: &str) -> Edit {
        Edit::new(n, serde_json::to_string(value).unwrap_or_default())
    }

    fn new(n: Node, text: String) -> Edit {
        Edit {
            start: n.start_byte(),
            end: n.end_byte(),
            text,
        }
    }
}

/// `source` with `edits` applied, the outermost of overlapping ones only. A replacement
/// with fewer line breaks than what it replaces is padded with the missing ones, so the
/// lines after it keep their numbers.
fn apply_edits(source: &str, mut edits: Vec<Edit>) -> Result<Option<Restored>, String> {
    if edits.is_empty() {
        return Ok(None);
    }
    edits.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let bound = source.len() * 2 + GROWTH_ALLOWANCE;
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    let mut replaced = 0;
    for e in edits {
        if e.start < at {
            continue; // inside a replacement already made
        }
        out.push_str(&source[at..e.start]);
        out.push_str(&e.text);
        let lost = source[e.start..e.end].matches('\n').count();
        for _ in e.text.matches('\n').count()..lost {
            out.push('\n');
        }
        at = e.end;
        replaced += 1;
        if out.len() > bound {
            return Err(format!(
                "restoring its hidden strings would pass {bound} bytes"
            ));
        }
    }
    out.push_str(&source[at..]);
    Ok(Some(Restored {
        text: out,
        replaced,
    }))
}

/// Every node of the tree, in source order, walked with a cursor (no recursion).
fn all_nodes(root: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// A number literal's value (decimal, hex, octal, binary, with a fraction or exponent).
fn number(n: Node, src: &str) -> Option<f64> {
    if n.kind() != "number" {
        return None;
    }
    let t = text(n, src).replace('_', "").to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = t.strip_prefix(prefix) {
            return i64::from_str_radix(digits, radix).ok().map(|v| v as f64);
        }
    }
    t.parse().ok()
}

/// A string literal's value, escapes decoded.
fn string_value(n: Node, src: &str) -> String {
    let raw = text(n, src);
    ts::unescape(raw.get(1..raw.len().saturating_sub(1)).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use crate::archive::limits::Limits;
    use crate::lang::{analyse, Lang};

    /// A string array whose lookups would spell far more text than the file holds: the
    /// file is read as written, and its result says it was not restored.
    #[test]
    fn a_restoration_past_its_bound_makes_the_file_incomplete() {
        let item = "x".repeat(100_000);
        let lookups = "_0x1a(0x0);".repeat(40);
        let src = format!(
            "function _0x9c(){{var _0x10=['{item}','_0x','_0x'];_0x9c=function(){{return _0x10;}};return _0x9c();}}\n\
             function _0x1a(_0xa,_0xb){{var _0xc=_0x9c();return _0x1a=function(_0xd,_0xe){{_0xd=_0xd-0x0;return _0xc[_0xd];}},_0x1a(_0xa,_0xb);}}\n\
             {lookups}\n"
        );
        let facts = analyse(Lang::JavaScript, &src, &Limits::default());
        let why = facts.incomplete.expect("incomplete");
        assert!(why.contains("string array was not restored"), "{why}");
        assert_eq!(facts.restored_lookups, 0);
    }
}
