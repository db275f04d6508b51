//! Python through tree-sitter-python: the fallback for sources rustpython-parser rejects
//! (Python 2, 3.12+ f-strings, odd indentation, syntax errors, extreme nesting).
//!
//! tree-sitter recovers from errors, so even a broken file yields the calls it contains.

use super::ir::{Call, DefKind, Expr, Module, Stmt};
use super::ts::{self, line, named_children, text};
use crate::archive::limits::Limits;
use tree_sitter::Node;

/// Lowers Python source with tree-sitter; `parse_error` is set when the tree has errors.
pub fn lower(source: &str, limits: &Limits) -> Module {
    ts::lower_tree(
        tree_sitter_python::LANGUAGE.into(),
        source,
        limits,
        |root| {
            let mut l = Lowerer {
                src: source,
                strings: Vec::new(),
                max_depth: limits.max_ast_depth,
                truncated: false,
            };
            let mut body = Vec::new();
            l.stmt(root, 0, &mut body);
            (body, l.strings, l.truncated)
        },
    )
}

struct Lowerer<'s> {
    src: &'s str,
    strings: Vec<(String, u32)>,
    max_depth: usize,
    truncated: bool,
}

impl<'s> Lowerer<'s> {
    fn stmt(&mut self, n: Node, depth: usize, out: &mut Vec<Stmt>) {
        if depth > self.max_depth {
            self.truncated = true;
            return;
        }
        let d = depth + 1;
        let ln = line(n);
        match n.kind() {
            "function_definition" | "class_definition" => {
                let name = n
                    .child_by_field_name("name")
                    .map(|x| text(x, self.src).to_string())
                    .unwrap_or_default();
                let kind = if n.kind() == "class_definition" {
                    DefKind::Class
                } else {
                    DefKind::Function
                };
                let bases = n
                    .child_by_field_name("superclasses")
                    .map(|s| {
                        named_children(s)
                            .into_iter()
                            .map(|b| self.expr(b, d))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut body = Vec::new();
                if let Some(params) = n.child_by_field_name("parameters") {
                    for p in named_children(params) {
                        if let Some(v) = p.child_by_field_name("value") {
                            let value = self.expr(v, d);
                            body.push(Stmt::Eval {
                                value,
                                line: line(v),
                            });
                        }
                    }
                }
                if let Some(b) = n.child_by_field_name("body") {
                    self.stmt(b, d, &mut body);
                }
                out.push(Stmt::Def {
                    name,
                    kind,
                    params: Vec::new(),
                    bases,
                    body,
                    line: ln,
                });
            }
            "import_statement" => {
                for c in named_children(n) {
                    out.push(match c.kind() {
                        "aliased_import" => Stmt::Import {
                            module: self.field_text(c, "name"),
                            alias: Some(self.field_text(c, "alias")),
                            line: ln,
                        },
                        _ => Stmt::Import {
                            module: text(c, self.src).to_string(),
                            alias: None,
                            line: ln,
                        },
                    });
                }
            }
            "import_from_statement" => {
                let module = self.field_text(n, "module_name");
                let module_node = n.child_by_field_name("module_name").map(|m| m.id());
                for c in named_children(n) {
                    if Some(c.id()) == module_node {
                        continue;
                    }
                    let (name, alias) = match c.kind() {
                        "aliased_import" => (
                            self.field_text(c, "name"),
                            Some(self.field_text(c, "alias")),
                        ),
                        "wildcard_import" => ("*".to_string(), None),
                        "dotted_name" => (text(c, self.src).to_string(), None),
                        _ => continue,
                    };
                    out.push(Stmt::ImportFrom {
                        module: module.clone(),
                        name,
                        alias,
                        line: ln,
                    });
                }
            }
            "assignment" => {
                let target = n
                    .child_by_field_name("left")
                    .map(|x| self.expr(x, d))
                    .unwrap_or(Expr::Other(vec![]));
                match n.child_by_field_name("right") {
                    Some(r) if r.kind() == "assignment" => {
                        // a = b = value: lower the inner assignment, then bind a to b.
                        self.stmt(r, d, out);
                        let inner = r
                            .child_by_field_name("left")
                            .map(|x| self.expr(x, d))
                            .unwrap_or(Expr::Other(vec![]));
                        out.push(Stmt::Assign {
                            targets: vec![target],
                            value: inner,
                            line: ln,
                        });
                    }
                    Some(r) => {
                        let value = self.expr(r, d);
                        out.push(Stmt::Assign {
                            targets: vec![target],
                            value,
                            line: ln,
                        });
                    }
                    None => {}
                }
            }
            "augmented_assignment" => {
                let target = n
                    .child_by_field_name("left")
                    .map(|x| self.expr(x, d))
                    .unwrap_or(Expr::Other(vec![]));
                let right = n
                    .child_by_field_name("right")
                    .map(|x| self.expr(x, d))
                    .unwrap_or(Expr::Other(vec![]));
                let value = Expr::Concat(vec![target.clone(), right]);
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    line: ln,
                });
            }
            "for_statement" => {
                let target = n
                    .child_by_field_name("left")
                    .map(|x| self.expr(x, d))
                    .unwrap_or(Expr::Other(vec![]));
                let value = n
                    .child_by_field_name("right")
                    .map(|x| self.expr(x, d))
                    .unwrap_or(Expr::Other(vec![]));
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    line: ln,
                });
                for c in named_children(n) {
                    if matches!(c.kind(), "block" | "else_clause") {
                        self.stmt(c, d, out);
                    }
                }
            }
            "with_statement" => {
                for c in named_children(n) {
                    self.stmt(c, d, out);
                }
            }
            "as_pattern" => {
                // `with open(p) as f` in a with_clause.
                let kids = named_children(n);
                if let (Some(v), Some(t)) = (kids.first(), kids.last()) {
                    let value = self.expr(*v, d);
                    let target = self.expr(*t, d);
                    out.push(Stmt::Assign {
                        targets: vec![target],
                        value,
                        line: ln,
                    });
                }
            }
            "comment" => {}
            k if is_statement_container(k) => {
                for c in named_children(n) {
                    self.stmt(c, d, out);
                }
            }
            _ => {
                let value = self.expr(n, d);
                out.push(Stmt::Eval { value, line: ln });
            }
        }
    }

    fn field_text(&self, n: Node, field: &str) -> String {
        n.child_by_field_name(field)
            .map(|x| text(x, self.src).to_string())
            .unwrap_or_default()
    }

    fn expr(&mut self, n: Node, depth: usize) -> Expr {
        if depth > self.max_depth {
            self.truncated = true;
            return Expr::Other(vec![]);
        }
        let d = depth + 1;
        match n.kind() {
            "identifier" => Expr::Name(text(n, self.src).to_string()),
            "integer" => text(n, self.src)
                .parse()
                .map(Expr::Int)
                .unwrap_or(Expr::Other(vec![])),
            "true" => Expr::Int(1),
            "false" => Expr::Int(0),
            "string" => self.string(n, d),
            "concatenated_string" => Expr::Concat(
                named_children(n)
                    .into_iter()
                    .map(|c| self.expr(c, d))
                    .collect(),
            ),
            "attribute" => {
                let obj = n
                    .child_by_field_name("object")
                    .map(|o| self.expr(o, d))
                    .unwrap_or(Expr::Other(vec![]));
                Expr::Attr(Box::new(obj), self.field_text(n, "attribute"))
            }
            "call" => {
                let func = n
                    .child_by_field_name("function")
                    .map(|f| self.expr(f, d))
                    .unwrap_or(Expr::Other(vec![]));
                let mut args = Vec::new();
                let mut kwargs = Vec::new();
                if let Some(a) = n.child_by_field_name("arguments") {
                    for c in named_children(a) {
                        match c.kind() {
                            "keyword_argument" => {
                                let v = c
                                    .child_by_field_name("value")
                                    .map(|v| self.expr(v, d))
                                    .unwrap_or(Expr::Other(vec![]));
                                kwargs.push((self.field_text(c, "name"), v));
                            }
                            "comment" => {}
                            _ => args.push(self.expr(c, d)),
                        }
                    }
                }
                Expr::Call(Box::new(Call {
                    func,
                    args,
                    kwargs,
                    line: line(n),
                }))
            }
            // Python 2 `print x` / `exec code`: the exec statement is a call to exec.
            "exec_statement" => {
                let args = named_children(n)
                    .into_iter()
                    .map(|c| self.expr(c, d))
                    .collect();
                Expr::Call(Box::new(Call {
                    func: Expr::Name("exec".into()),
                    args,
                    kwargs: vec![],
                    line: line(n),
                }))
            }
            "binary_operator" => self.binary(n, d),
            "subscript" => {
                let value = n
                    .child_by_field_name("value")
                    .map(|v| self.expr(v, d))
                    .unwrap_or(Expr::Other(vec![]));
                let sub = n.child_by_field_name("subscript");
                if let Some(s) = sub.filter(|s| s.kind() == "slice") {
                    if text(s, self.src).replace(' ', "") == "::-1" {
                        return Expr::Reversed(Box::new(value));
                    }
                }
                let index = sub.map(|s| self.expr(s, d)).unwrap_or(Expr::Other(vec![]));
                Expr::Index(Box::new(value), Box::new(index))
            }
            "list" | "tuple" | "set" | "expression_list" | "pattern_list" | "tuple_pattern"
            | "list_pattern" => Expr::Seq(
                named_children(n)
                    .into_iter()
                    .map(|c| self.expr(c, d))
                    .collect(),
            ),
            "dictionary" => Expr::Dict(
                named_children(n)
                    .into_iter()
                    .filter(|p| p.kind() == "pair")
                    .map(|p| {
                        let k = p
                            .child_by_field_name("key")
                            .map(|k| self.expr(k, d))
                            .unwrap_or(Expr::Other(vec![]));
                        let v = p
                            .child_by_field_name("value")
                            .map(|v| self.expr(v, d))
                            .unwrap_or(Expr::Other(vec![]));
                        (k, v)
                    })
                    .collect(),
            ),
            "parenthesized_expression" | "expression_statement" | "await" | "interpolation" => {
                let kids = named_children(n);
                if kids.len() == 1 {
                    self.expr(kids[0], d)
                } else {
                    Expr::Other(kids.into_iter().map(|c| self.expr(c, d)).collect())
                }
            }
            "lambda" => {
                let body = n
                    .child_by_field_name("body")
                    .map(|b| self.expr(b, d))
                    .unwrap_or(Expr::Other(vec![]));
                Expr::Lambda(vec![Stmt::Eval {
                    value: body,
                    line: line(n),
                }])
            }
            "comment" => Expr::Other(vec![]),
            _ => Expr::Other(
                named_children(n)
                    .into_iter()
                    .map(|c| self.expr(c, d))
                    .collect(),
            ),
        }
    }

    /// Binary operators; `+` chains are walked along their left spine iteratively.
    fn binary(&mut self, n: Node, d: usize) -> Expr {
        match ts::operator(n) {
            "+" => Expr::Concat(
                ts::plus_operands(n, "binary_operator")
                    .into_iter()
                    .map(|x| self.expr(x, d))
                    .collect(),
            ),
            // Arithmetic means nothing to detectors; a long polynomial is walked along
            // its left spine, not recursed into one level per operator.
            o if o != "/" && o != "%" => Expr::Other(
                ts::left_operands(n, "binary_operator", |op| op != "/" && op != "%")
                    .into_iter()
                    .map(|x| self.expr(x, d))
                    .collect(),
            ),
            o => {
                let l = n
                    .child_by_field_name("left")
                    .map(|x| self.expr(x, d))
                    .unwrap_or(Expr::Other(vec![]));
                let r = n
                    .child_by_field_name("right")
                    .map(|x| self.expr(x, d))
                    .unwrap_or(Expr::Other(vec![]));
                if o == "/" {
                    Expr::PathJoin(Box::new(l), Box::new(r))
                } else {
                    Expr::Percent(Box::new(l), Box::new(r))
                }
            }
        }
    }

    fn string(&mut self, n: Node, d: usize) -> Expr {
        let raw_prefix = text(n, self.src)
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .any(|c| c == 'r' || c == 'R');
        let mut parts = Vec::new();
        let mut literal = String::new();
        for c in named_children(n) {
            match c.kind() {
                "string_content" => {
                    // Escapes are separate nodes in string_content's children.
                    let mut last = c.start_byte();
                    for e in named_children(c) {
                        literal.push_str(self.src.get(last..e.start_byte()).unwrap_or(""));
                        let esc = text(e, self.src);
                        if raw_prefix {
                            literal.push_str(esc)
                        } else {
                            literal.push_str(&ts::unescape(esc))
                        }
                        last = e.end_byte();
                    }
                    literal.push_str(self.src.get(last..c.end_byte()).unwrap_or(""));
                }
                "interpolation" => {
                    if !literal.is_empty() {
                        parts.push(Expr::Str(std::mem::take(&mut literal)));
                    }
                    parts.push(self.expr(c, d));
                }
                _ => {}
            }
        }
        if parts.is_empty() {
            self.strings.push((literal.clone(), line(n)));
            return Expr::Str(literal);
        }
        if !literal.is_empty() {
            parts.push(Expr::Str(literal));
        }
        Expr::Template(parts)
    }
}

/// Statement kinds whose named children are statements or expressions of the same scope.
fn is_statement_container(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "while_statement"
            | "try_statement"
            | "except_clause"
            | "finally_clause"
            | "with_clause"
            | "with_item"
            | "decorated_definition"
            | "decorator"
            | "match_statement"
            | "case_clause"
            | "return_statement"
            | "delete_statement"
            | "raise_statement"
            | "assert_statement"
            | "print_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "expression_statement"
            | "ERROR"
    )
}
