//! Shared tree-sitter plumbing: parsing under a deadline and reading node text.

use super::ir::{Module, Stmt};
use crate::archive::limits::Limits;
use std::ops::ControlFlow;
use std::time::Instant;
use tree_sitter::{Language, Node, ParseOptions, Parser, Tree};

/// Parses `source`, giving up at `deadline`: error recovery on garbage is superlinear,
/// and a hostile file must not hold a worker forever.
pub fn parse(language: Language, source: &str, deadline: Instant) -> Result<Tree, String> {
    let mut parser = Parser::new();
    parser
        .set_language(&language)
        .map_err(|e| format!("grammar: {e}"))?;
    let bytes = source.as_bytes();
    let mut input = |i: usize, _| {
        if i < bytes.len() {
            &bytes[i..]
        } else {
            &[][..]
        }
    };
    let mut progress = |_: &tree_sitter::ParseState| {
        if Instant::now() > deadline {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let options = ParseOptions::new().progress_callback(&mut progress);
    parser
        .parse_with_options(&mut input, None, Some(options))
        .ok_or_else(|| "parsing stopped at the time limit".to_string())
}

/// Parses `source` with a tree-sitter grammar and lowers it with `walk`, which returns
/// the statements, the string literals it saw and whether nesting was cut. The tree's
/// syntax errors (recovered, so the walk still sees the calls around them) or a parse
/// that could not finish are recorded as the module's `parse_error`.
pub fn lower_tree(
    language: Language,
    source: &str,
    limits: &Limits,
    walk: impl FnOnce(Node) -> (Vec<Stmt>, Vec<(String, u32)>, bool),
) -> Module {
    let tree = match parse(language, source, limits.parse_deadline()) {
        Ok(t) => t,
        Err(e) => {
            return Module {
                parse_error: Some(e.clone()),
                unparsed: Some(e),
                ..Module::default()
            }
        }
    };
    let root = tree.root_node();
    let (body, strings, truncated) = walk(root);
    let parse_error = root
        .has_error()
        .then(|| "syntax errors (recovered)".to_string());
    Module {
        body,
        strings,
        parse_error,
        truncated,
        unparsed: None,
        returns_fold_only: false,
    }
}

/// A binary expression's operator (`+`, `/`, ...), or "" when the node has none.
pub fn operator<'t>(n: Node<'t>) -> &'t str {
    n.child_by_field_name("operator")
        .map(|o| o.kind())
        .unwrap_or("")
}

/// The operands of a left-deep `a + b + c` chain of `kind` nodes, in source order. The
/// left spine is walked in a loop, so a 200,000-term concatenation does not recurse.
pub fn plus_operands<'t>(n: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    left_operands(n, kind, |op| op == "+")
}

/// The operands of a left-deep chain of `kind` nodes whose operators `chained` accepts,
/// in source order, walked in a loop (`a - b * c + d …` of thousands of terms).
pub fn left_operands<'t>(n: Node<'t>, kind: &str, chained: impl Fn(&str) -> bool) -> Vec<Node<'t>> {
    let mut rights = Vec::new();
    let mut cur = n;
    while cur.kind() == kind && chained(operator(cur)) {
        rights.extend(cur.child_by_field_name("right"));
        match cur.child_by_field_name("left") {
            Some(l) => cur = l,
            None => break,
        }
    }
    rights.push(cur);
    rights.reverse();
    rights
}

/// The source text of a node.
pub fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The 1-based line a node starts on.
pub fn line(node: Node) -> u32 {
    node.start_position().row as u32 + 1
}

/// The named children of a node, collected (tree-sitter's iterator borrows a cursor).
pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// Decodes the backslash escapes shared by Python, JavaScript and Ruby string literals.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('x') => push_code(&mut out, &mut chars, 2),
            Some('u') => {
                if chars.peek() == Some(&'{') {
                    chars.next();
                    let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                    }
                } else {
                    push_code(&mut out, &mut chars, 4);
                }
            }
            Some('U') => push_code(&mut out, &mut chars, 8),
            Some('\n') => {}
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn push_code(out: &mut String, chars: &mut std::iter::Peekable<std::str::Chars>, digits: usize) {
    let hex: String = (0..digits)
        .filter_map(|_| chars.next_if(|c| c.is_ascii_hexdigit()))
        .collect();
    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
        Some(ch) => out.push(ch),
        None => out.push_str(&hex),
    }
}

/// True when a literal's `\x`/`\u` escapes spell readable text (`"\x65\x76\x61\x6c"`):
/// code hides words that way, data does not (`"\x1b[0m"`, `"\u00e9"`).
pub fn hides_text(raw: &str) -> bool {
    let mut hidden = 0;
    let mut rest = raw;
    while let Some(i) = rest.find('\\') {
        rest = &rest[i + 1..];
        let digits = match rest.as_bytes().first() {
            Some(b'x') => 2,
            Some(b'u') if rest.as_bytes().get(1) != Some(&b'{') => 4,
            _ => {
                rest = rest.get(1..).unwrap_or("");
                continue;
            }
        };
        let code = rest
            .get(1..1 + digits)
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        if code
            .and_then(char::from_u32)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '(' | ')' | ' '))
        {
            hidden += 1;
        }
        rest = rest.get(1 + digits..).unwrap_or("");
    }
    hidden >= 4
}
