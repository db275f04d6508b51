//! javascript-obfuscator's storage objects: with control-flow flattening on, it moves
//! strings and operators into objects of random keys (`var o = {'vSmAm': 'exec',
//! 'Zqapo': function (a, b) { return a + b; }}`) and writes `o['vSmAm']` and
//! `o['Zqapo'](x, y)` where the program had `'exec'` and `x + y`. This writes those uses
//! back: a member holding a string becomes the string, a member holding a one-operator
//! or one-call function becomes the operation on the call's arguments.
//!
//! Only members that hold one value everywhere are written back (a key given two
//! different values is left alone), and a member that is assigned is never replaced
//! where it is assigned.

use super::{all_nodes, apply_edits, string_value, Edit, Restored};
use crate::lang::ts::{self, named_children, text};
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use tree_sitter::Node;

/// What a member of a storage object holds.
#[derive(Debug, Clone, PartialEq)]
enum Member {
    /// A string (or a concatenation of strings).
    Str(String),
    /// `function (a, b) { return a <op> b; }`.
    Operator(String),
    /// `function (f, a, b) { return f(a, b); }`, with the number of arguments passed on.
    Call(usize),
}

/// The members of the objects the program declares, by object name and key.
#[derive(Default)]
struct Objects {
    members: HashMap<(String, String), Member>,
    /// Keys given different values, or values this does not know.
    unknown: HashSet<(String, String)>,
    aliases: HashMap<String, String>,
}

/// The program with the constant members of its storage objects written back;
/// `Ok(None)` when there is nothing to write back.
pub(super) fn restore(source: &str, deadline: Instant) -> Result<Option<Restored>, String> {
    let tree = ts::parse(tree_sitter_javascript::LANGUAGE.into(), source, deadline)?;
    let nodes = all_nodes(tree.root_node());
    let mut objects = Objects::default();
    for &n in &nodes {
        objects.collect(n, source);
    }
    for key in std::mem::take(&mut objects.unknown) {
        objects.members.remove(&key);
    }
    if objects.members.is_empty() {
        return Ok(None);
    }
    let mut edits = Vec::new();
    for &n in &nodes {
        if let Some(edit) = objects.rewrite(n, source) {
            edits.push(edit);
        }
    }
    apply_edits(source, edits)
}

impl Objects {
    /// Records the members `n` gives an object: an object literal bound to a name, or an
    /// assignment to one member (`o['vSmAm'] = 'exec'`).
    fn collect(&mut self, n: Node, src: &str) {
        match n.kind() {
            "variable_declarator" => {
                let (Some(name), Some(value)) = (
                    n.child_by_field_name("name"),
                    n.child_by_field_name("value"),
                ) else {
                    return;
                };
                let name = text(name, src);
                match value.kind() {
                    "object" => {
                        for pair in named_children(value) {
                            if pair.kind() != "pair" {
                                continue;
                            }
                            let (Some(key), Some(v)) = (
                                pair.child_by_field_name("key"),
                                pair.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            if let Some(key) = key_name(key, src) {
                                self.define(name, key, member(v, src));
                            }
                        }
                    }
                    "identifier" => {
                        self.aliases
                            .insert(name.to_string(), text(value, src).to_string());
                    }
                    _ => {}
                }
            }
            "assignment_expression" => {
                let (Some(left), Some(right)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return;
                };
                if let Some((object, key)) = member_access(left, src) {
                    self.define(object, key, member(right, src));
                }
            }
            _ => {}
        }
    }

    fn define(&mut self, object: &str, key: String, value: Option<Member>) {
        let slot = (object.to_string(), key);
        match value {
            Some(v) if self.members.get(&slot).is_none_or(|old| *old == v) => {
                self.members.insert(slot, v);
            }
            _ => {
                self.unknown.insert(slot);
            }
        }
    }

    fn lookup(&self, object: &str, key: &str) -> Option<&Member> {
        let mut object = object;
        for _ in 0..4 {
            if let Some(m) = self.members.get(&(object.to_string(), key.to_string())) {
                return Some(m);
            }
            object = self.aliases.get(object)?;
        }
        None
    }

    /// The replacement of `n` when it reads a known member: a string read, or a call
    /// of an operator or call member.
    fn rewrite(&self, n: Node, src: &str) -> Option<Edit> {
        match n.kind() {
            "subscript_expression" | "member_expression" => {
                if is_assigned(n) {
                    return None;
                }
                let (object, key) = member_access(n, src)?;
                match self.lookup(object, &key)? {
                    Member::Str(s) => Some(Edit::literal(n, s)),
                    _ => None,
                }
            }
            "call_expression" => {
                let (object, key) = member_access(n.child_by_field_name("function")?, src)?;
                let args: Vec<&str> = named_children(n.child_by_field_name("arguments")?)
                    .into_iter()
                    .filter(|a| a.kind() != "comment")
                    .map(|a| text(a, src))
                    .collect();
                match (self.lookup(object, &key)?, args.as_slice()) {
                    (Member::Operator(op), [a, b]) => Some(Edit::new(n, format!("({a} {op} {b})"))),
                    (Member::Call(count), [f, rest @ ..]) if rest.len() == *count => {
                        Some(Edit::new(n, format!("{f}({})", rest.join(", "))))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// `(object, key)` of `o['key']` or `o.key`, with `o` a plain name.
fn member_access<'s>(n: Node, src: &'s str) -> Option<(&'s str, String)> {
    let object = n.child_by_field_name("object")?;
    if object.kind() != "identifier" {
        return None;
    }
    let key = match n.kind() {
        "subscript_expression" => {
            let index = n.child_by_field_name("index")?;
            (index.kind() == "string").then(|| string_value(index, src))?
        }
        "member_expression" => text(n.child_by_field_name("property")?, src).to_string(),
        _ => return None,
    };
    Some((text(object, src), key))
}

/// Whether `n` is the target of an assignment (`o['k'] = …`, `o['k'] += …`, `o['k']++`).
fn is_assigned(n: Node) -> bool {
    n.parent().is_some_and(|p| {
        matches!(
            p.kind(),
            "assignment_expression" | "augmented_assignment_expression"
        ) && p.child_by_field_name("left") == Some(n)
            || p.kind() == "update_expression"
    })
}

/// An object literal's key as a name (`'vSmAm'`, `vSmAm`).
fn key_name(key: Node, src: &str) -> Option<String> {
    match key.kind() {
        "string" => Some(string_value(key, src)),
        "property_identifier" => Some(text(key, src).to_string()),
        _ => None,
    }
}

/// What a member's value is, when it is one this writes back.
fn member(v: Node, src: &str) -> Option<Member> {
    match v.kind() {
        "string" => Some(Member::Str(string_value(v, src))),
        "binary_expression" if ts::operator(v) == "+" => {
            let parts: Option<Vec<String>> = ts::plus_operands(v, "binary_expression")
                .into_iter()
                .map(|p| (p.kind() == "string").then(|| string_value(p, src)))
                .collect();
            Some(Member::Str(parts?.concat()))
        }
        "function_expression" | "function" => function_member(v, src),
        _ => None,
    }
}

/// `function (a, b) { return a <op> b; }` or `function (f, a, …) { return f(a, …); }`.
fn function_member(f: Node, src: &str) -> Option<Member> {
    let params: Vec<&str> = named_children(f.child_by_field_name("parameters")?)
        .into_iter()
        .map(|p| text(p, src))
        .collect();
    let statements: Vec<Node> = named_children(f.child_by_field_name("body")?)
        .into_iter()
        .filter(|s| s.kind() != "comment")
        .collect();
    let [ret] = statements.as_slice() else {
        return None;
    };
    if ret.kind() != "return_statement" {
        return None;
    }
    let e = *named_children(*ret).first()?;
    match e.kind() {
        "binary_expression" => {
            let (l, r) = (
                e.child_by_field_name("left")?,
                e.child_by_field_name("right")?,
            );
            (params.len() == 2 && text(l, src) == params[0] && text(r, src) == params[1])
                .then(|| Member::Operator(ts::operator(e).to_string()))
        }
        "call_expression" => {
            let callee = text(e.child_by_field_name("function")?, src);
            let args: Vec<&str> = named_children(e.child_by_field_name("arguments")?)
                .into_iter()
                .map(|a| text(a, src))
                .collect();
            (params.first() == Some(&callee) && args == params[1..])
                .then_some(Member::Call(args.len()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn restored(src: &str) -> String {
        restore(src, Instant::now() + Duration::from_secs(10))
            .expect("within bounds")
            .expect("members restored")
            .text
    }

    #[test]
    fn string_operator_and_call_members_are_written_back() {
        let src = "var o={'aB':'child_'+'process','cD':function(a,b){return a+b;},'eF':function(f,x){return f(x);}};\nvar p=o;\nconst cp=require(p['aB']);o['eF'](cp.exec,o['cD']('curl ',\n'https://example.com/x'));";
        let out = restored(src);
        assert!(out.contains(r#"require("child_process")"#), "{out}");
        assert!(
            out.contains("cp.exec(o['cD']('curl ',\n'https://example.com/x'))"),
            "{out}"
        );
        assert_eq!(out.lines().count(), src.lines().count());
        // The next pass writes back what the first left inside a replacement.
        let again = restored(&out);
        assert!(
            again.contains("cp.exec(('curl ' + 'https://example.com/x')"),
            "{again}"
        );
        assert_eq!(again.lines().count(), src.lines().count());
    }

    #[test]
    fn a_member_given_two_values_is_left_alone() {
        let src = "var o={'k':'exec'};o['k']='spawn';cp[o['k']]('x');";
        assert!(restore(src, Instant::now() + Duration::from_secs(1))
            .unwrap()
            .is_none());
    }
}
