//! Python frontend: ruff_python_parser, lowered to the IR.
//!
//! ruff's parser reads all Python 3 syntax up to 3.14 and recovers from errors: Python 2
//! and broken files still give a tree, which is lowered like any other (the first error
//! is recorded on the module). Its parser recurses once per nesting level (growing its
//! stack on the heap) and so does the derived drop of its tree: a scan before parsing
//! turns away sources nested deep enough to make parsing cost unbounded memory (the
//! token pass reads them), and the tree is dropped in a loop.

use super::ir::{Call, DefKind, Expr, LineIndex, Module, Stmt, MAINTAINER_SCOPE, MAIN_SCOPE};
use super::python_eval;
use super::reflection;
use crate::archive::limits::Limits;
use ruff_python_ast::visitor::transformer::{walk_expr, Transformer};
use ruff_python_ast::{self as ast, InterpolatedStringElement, Mod, PythonVersion};
use ruff_python_parser::{parse_unchecked, Mode, ParseError, ParseOptions};
use ruff_text_size::Ranged;
use std::cell::RefCell;

/// Lowers Python source to the IR. Never fails: syntax errors are recorded in
/// `parse_error` and the recovered tree is lowered; a source nested too deep to parse
/// yields an empty module with the reason in `unparsed`.
pub fn lower(source: &str, limits: &Limits) -> Module {
    if let Some(reason) = too_deep_to_parse(source, limits) {
        return Module {
            parse_error: Some(reason.clone()),
            unparsed: Some(reason),
            ..Module::default()
        };
    }
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion::PY314);
    let parsed = parse_unchecked(source, options);
    let mut lowerer = Lowerer {
        lines: LineIndex::new(source),
        strings: Vec::new(),
        max_depth: limits.max_ast_depth,
        truncated: false,
        argv_only_read: argv_only_read(source),
        consts: python_eval::Consts::new(),
    };
    let parse_error = first_error(parsed.errors(), &lowerer.lines);
    let Mod::Module(module) = parsed.into_syntax() else {
        unreachable!("Mode::Module parses to a module")
    };
    let body = lowerer.stmts(&module.body, 0);
    drop_in_a_loop(module.body);
    Module {
        body,
        strings: lowerer.strings,
        parse_error,
        truncated: lowerer.truncated,
        unparsed: None,
        returns_fold_only: true,
    }
}

/// Parses one Python expression held in a string (for folding `eval("...")`).
pub fn parse_expr(code: &str) -> Option<Expr> {
    let module = lower(code.trim(), &Limits::default());
    match module.body.as_slice() {
        [Stmt::Eval { value, .. }] => Some(value.clone()),
        _ => None,
    }
}

/// The first syntax error with its line, and how many there were. Garbage gives an
/// error every few bytes, so only the count of the rest is kept.
fn first_error(errors: &[ParseError], lines: &LineIndex) -> Option<String> {
    let first = errors.first()?;
    let line = lines.line(first.location.start().to_usize());
    let more = match errors.len() - 1 {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    Some(format!(
        "syntax errors (recovered), the first at line {line}: {}{more}",
        first.error
    ))
}

/// Drops a syntax tree in a loop. The derived drop recurses once per nesting level, and
/// the parser builds left-deep chains in a loop (`a + a + …` with 200,000 terms is
/// 200,000 levels), so a plain drop could overflow the stack: every expression's
/// children are detached onto a work list before the expression itself is dropped.
fn drop_in_a_loop(mut body: ast::Suite) {
    let detacher = Detacher::default();
    for s in &mut body {
        detacher.visit_stmt(s);
    }
    drop(body);
    while let Some(mut e) = detacher.next() {
        walk_expr(&detacher, &mut e);
    }
}

/// Replaces each expression it visits by a leaf, keeping the expression to drop later.
#[derive(Default)]
struct Detacher {
    pending: RefCell<Vec<ast::Expr>>,
}

impl Detacher {
    fn next(&self) -> Option<ast::Expr> {
        self.pending.borrow_mut().pop()
    }
}

impl Transformer for Detacher {
    fn visit_expr(&self, expr: &mut ast::Expr) {
        let leaf = ast::Expr::NoneLiteral(ast::ExprNoneLiteral::default());
        self.pending
            .borrow_mut()
            .push(std::mem::replace(expr, leaf));
    }
}

/// ruff's parser recurses once per nesting level of brackets, prefix operators (`-`,
/// `+`, `~`, `not`, `await`, `yield`, `lambda`) and right-nested `**` and `if`/`else`.
/// It grows its stack on the heap, so this is safe, but 16 MiB of `-` would cost
/// gigabytes: sources nested that deep are not parsed. The lowering cuts nesting much
/// earlier (`max_ast_depth`), so this only bounds the parser's work.
///
/// A quick scan estimates the nesting: bracket depth, and per bracket level the number
/// of nesting operators since the last comma. Operators between operands (`a - b`,
/// `a.b`, `x[0][0]`, `f()()`) are not counted: the parser reads those chains in a loop.
/// Plain string literals and comments are skipped, so a long base64 payload full of
/// `+` and `/` is parsed; f-strings are scanned as code, since their braces hold
/// expressions.
fn too_deep_to_parse(source: &str, limits: &Limits) -> Option<String> {
    let max = limits.max_ast_depth * 50;
    // One count of nesting operators per open bracket, plus the top level.
    let mut chains: Vec<usize> = vec![0];
    let bytes = source.as_bytes();
    let mut i = 0;
    let mut f_prefix = false;
    // Inside an f-string: its quote and whether it is triple.
    let mut fstring: Option<(u8, bool)> = None;
    // Whether the last token ends an operand, so a `-` after it is binary.
    let mut after_operand = false;
    while i < bytes.len() {
        let b = bytes[i];
        let mut nests = false;
        let mut step = 1;
        let mut operand = false;
        match b {
            b'(' | b'[' | b'{' => {
                chains.push(0);
                if chains.len() - 1 > max {
                    return Some(format!(
                        "brackets nested deeper than {max} levels: not parsed"
                    ));
                }
            }
            b')' | b']' | b'}' => {
                if chains.len() > 1 {
                    chains.pop();
                }
                operand = true;
            }
            b',' | b';' => *chains.last_mut().unwrap() = 0,
            b'\n' if chains.len() == 1 && !continued(&bytes[..i]) => chains[0] = 0,
            b'+' | b'-' | b'~' => nests = !after_operand,
            b'*' if bytes.get(i + 1) == Some(&b'*') => {
                nests = after_operand;
                step = 2;
            }
            b'#' => {
                i += bytes[i..]
                    .iter()
                    .position(|c| *c == b'\n')
                    .unwrap_or(bytes.len() - i);
                continue;
            }
            b'\\' if fstring.is_some() => i += 1,
            b'\'' | b'"' => {
                let triple = bytes[i..].starts_with(&[b, b, b]);
                let width = if triple { 3 } else { 1 };
                if fstring == Some((b, triple)) {
                    fstring = None;
                    i += width;
                    after_operand = true;
                } else if f_prefix && fstring.is_none() {
                    fstring = Some((b, triple));
                    i += width;
                    after_operand = false;
                } else {
                    i = string_end(bytes, i);
                    after_operand = true;
                }
                f_prefix = false;
                continue;
            }
            _ if is_ident_byte(b) && (i == 0 || !is_ident_byte(bytes[i - 1])) => {
                let len = bytes[i..].iter().take_while(|c| is_ident_byte(**c)).count();
                let word = &bytes[i..i + len];
                nests = matches!(
                    word,
                    b"not" | b"lambda" | b"await" | b"if" | b"else" | b"yield"
                );
                operand = !nests && !is_keyword_before_operand(word);
                // `f"..."`, `rf'...'`, `t"..."`: the literal that follows is scanned as code.
                f_prefix = len <= 3
                    && word.iter().all(|c| b"rRbBuUfFtT".contains(c))
                    && word.iter().any(|c| b"fFtT".contains(c))
                    && matches!(bytes.get(i + len), Some(b'\'' | b'"'));
                step = len;
            }
            _ if b.is_ascii_whitespace() => operand = after_operand,
            _ => {}
        }
        if nests {
            let chain = chains.last_mut().unwrap();
            *chain += 1;
            if *chain > max {
                return Some(format!(
                    "operators nested deeper than {max} levels: not parsed"
                ));
            }
        }
        after_operand = operand;
        i += step;
    }
    None
}

/// Keywords after which an operator is a prefix (`return -x`, `a and -b`).
fn is_keyword_before_operand(word: &[u8]) -> bool {
    matches!(
        word,
        b"and" | b"or" | b"in" | b"is" | b"return" | b"elif" | b"while" | b"assert" | b"del"
    )
}

/// The index after the string literal whose opening quote is at `start` (or the end of
/// the line for an unterminated short string); backslashes escape the next byte.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let q = bytes[start];
    let triple = bytes[start..].starts_with(&[q, q, q]);
    let mut i = start + if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\n' if !triple => return i,
            c if c == q && (!triple || bytes[i..].starts_with(&[q, q, q])) => {
                return i + if triple { 3 } else { 1 }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// True if the line ending here ends in a backslash (`\\` before `\n` or `\r\n`).
fn continued(before: &[u8]) -> bool {
    before
        .strip_suffix(b"\r")
        .unwrap_or(before)
        .ends_with(b"\\")
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The operands of a left-deep chain of binary operators `chained` accepts, in source
/// order, found by a loop rather than recursion.
fn left_spine(e: &ast::Expr, chained: impl Fn(ast::Operator) -> bool) -> Vec<&ast::Expr> {
    let mut rights = Vec::new();
    let mut cur = e;
    while let ast::Expr::BinOp(b) = cur {
        if !chained(b.op) {
            break;
        }
        rights.push(b.right.as_ref());
        cur = b.left.as_ref();
    }
    rights.push(cur);
    rights.reverse();
    rights
}

struct Lowerer {
    lines: LineIndex,
    strings: Vec<(String, u32)>,
    max_depth: usize,
    truncated: bool,
    /// The file only reads `sys.argv`: a maintainer-command guard can be trusted.
    argv_only_read: bool,
    /// Names the module's top level binds to constants, for the decoding evaluator.
    consts: python_eval::Consts,
}

impl Lowerer {
    fn line(&self, node: &impl Ranged) -> u32 {
        self.lines.line(node.start().to_usize())
    }

    /// A block's statements. Python 2's `exec "code"` is recovered as the name `exec`
    /// followed by an expression statement on the same line: the pair is a call of exec.
    fn stmts(&mut self, body: &[ast::Stmt], depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut body = body.iter().peekable();
        while let Some(s) = body.next() {
            match body.peek().and_then(|next| self.python2_exec(s, next)) {
                Some(code) => {
                    body.next();
                    self.exec_statement(s, code, depth, &mut out);
                }
                None => self.stmt(s, depth, &mut out),
            }
        }
        out
    }

    /// The code of a Python 2 exec statement, `exec code` or `exec code in namespace`,
    /// recovered as the two statements `s` and `next`.
    fn python2_exec<'a>(&self, s: &ast::Stmt, next: &'a ast::Stmt) -> Option<&'a ast::Expr> {
        let (ast::Stmt::Expr(name), ast::Stmt::Expr(code)) = (s, next) else {
            return None;
        };
        let is_exec = matches!(name.value.as_ref(), ast::Expr::Name(n) if n.id.as_str() == "exec");
        if !is_exec || self.line(s) != self.line(next) {
            return None;
        }
        match code.value.as_ref() {
            ast::Expr::Compare(c) if matches!(*c.ops, [ast::CmpOp::In]) => Some(c.left.as_ref()),
            value => Some(value),
        }
    }

    fn exec_statement(
        &mut self,
        s: &ast::Stmt,
        code: &ast::Expr,
        depth: usize,
        out: &mut Vec<Stmt>,
    ) {
        if depth > self.max_depth {
            self.truncated = true;
            return;
        }
        let line = self.line(s);
        let call = Call {
            func: Expr::Name("exec".into()),
            args: vec![self.expr(code, depth + 1)],
            kwargs: vec![],
            line,
            reflective: false,
        };
        out.push(Stmt::Eval {
            value: Expr::Call(Box::new(call)),
            line,
        });
    }

    fn eval(&mut self, e: &ast::Expr, depth: usize, out: &mut Vec<Stmt>) {
        let line = self.line(e);
        let value = self.expr(e, depth);
        out.push(Stmt::Eval { value, line });
    }

    fn stmt(&mut self, s: &ast::Stmt, depth: usize, out: &mut Vec<Stmt>) {
        if depth > self.max_depth {
            self.truncated = true;
            return;
        }
        let d = depth + 1;
        let line = self.line(s);
        use ast::Stmt as S;
        match s {
            S::FunctionDef(f) => out.push(self.function(f, line, d)),
            S::ClassDef(c) => out.push(self.class(c, line, d)),
            S::Return(r) => {
                if let Some(v) = &r.value {
                    let value = self.expr(v, d);
                    out.push(Stmt::Return { value, line });
                }
            }
            S::Delete(x) => x.targets.iter().for_each(|t| self.eval(t, d, out)),
            S::Assign(a) => {
                self.bind_const(&a.targets, &a.value, depth);
                let targets = a.targets.iter().map(|t| self.expr(t, d)).collect();
                let value = self.expr(&a.value, d);
                out.push(Stmt::Assign {
                    targets,
                    value,
                    line,
                });
            }
            S::TypeAlias(_)
            | S::Pass(_)
            | S::Break(_)
            | S::Continue(_)
            | S::Global(_)
            | S::Nonlocal(_)
            | S::IpyEscapeCommand(_) => {}
            S::AugAssign(a) => {
                // `x += y` keeps x's meaning and adds y's: model as `x = x + y`.
                let target = self.expr(&a.target, d);
                let value = Expr::Concat(vec![target.clone(), self.expr(&a.value, d)]);
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    line,
                });
            }
            S::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let target = self.expr(&a.target, d);
                    let value = self.expr(v, d);
                    out.push(Stmt::Assign {
                        targets: vec![target],
                        value,
                        line,
                    });
                }
            }
            S::For(f) => {
                // The loop variable carries whatever the iterable carries (data flow only).
                let targets = vec![self.expr(&f.target, d)];
                let value = self.expr(&f.iter, d);
                out.push(Stmt::Assign {
                    targets,
                    value,
                    line,
                });
                out.extend(self.stmts(&f.body, d));
                out.extend(self.stmts(&f.orelse, d));
            }
            S::While(w) => {
                self.eval(&w.test, d, out);
                out.extend(self.stmts(&w.body, d));
                out.extend(self.stmts(&w.orelse, d));
            }
            S::If(i) => {
                self.branch(Some(&i.test), &i.body, line, d, out);
                for clause in &i.elif_else_clauses {
                    let line = self.line(clause);
                    self.branch(clause.test.as_ref(), &clause.body, line, d, out);
                }
            }
            S::With(w) => self.with(&w.items, &w.body, d, out),
            S::Match(m) => {
                self.eval(&m.subject, d, out);
                for case in &m.cases {
                    if let Some(g) = &case.guard {
                        self.eval(g, d, out);
                    }
                    out.extend(self.stmts(&case.body, d));
                }
            }
            S::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.eval(e, d, out);
                }
            }
            S::Try(t) => {
                out.extend(self.stmts(&t.body, d));
                for ast::ExceptHandler::ExceptHandler(h) in &t.handlers {
                    if let Some(t) = &h.type_ {
                        self.eval(t, d, out);
                    }
                    out.extend(self.stmts(&h.body, d));
                }
                out.extend(self.stmts(&t.orelse, d));
                out.extend(self.stmts(&t.finalbody, d));
            }
            S::Assert(a) => {
                self.eval(&a.test, d, out);
                if let Some(m) = &a.msg {
                    self.eval(m, d, out);
                }
            }
            S::Import(i) => {
                for alias in &i.names {
                    out.push(Stmt::Import {
                        module: alias.name.to_string(),
                        alias: alias.asname.as_ref().map(|a| a.to_string()),
                        line,
                    });
                }
            }
            S::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.to_string()).unwrap_or_default();
                for alias in &i.names {
                    out.push(Stmt::ImportFrom {
                        module: module.clone(),
                        name: alias.name.to_string(),
                        alias: alias.asname.as_ref().map(|a| a.to_string()),
                        line,
                    });
                }
            }
            S::Expr(e) => self.eval(&e.value, d, out),
        }
    }

    /// One branch of an `if`/`elif`/`else` (`test` is `None` for `else`). A branch
    /// under `if __name__ == "__main__":` runs only when the file is the program, not
    /// when it is imported: a scope of its own (`MAIN_SCOPE`), like a function. Other
    /// branches are statements of the enclosing scope.
    fn branch(
        &mut self,
        test: Option<&ast::Expr>,
        body: &[ast::Stmt],
        line: u32,
        d: usize,
        out: &mut Vec<Stmt>,
    ) {
        let guard_scope = match test {
            Some(t) if is_main_guard(t) => Some(MAIN_SCOPE),
            Some(t) if self.argv_only_read && is_maintainer_command_guard(t) => {
                Some(MAINTAINER_SCOPE)
            }
            _ => None,
        };
        if let Some(scope) = guard_scope {
            let body = self.stmts(body, d);
            out.push(Stmt::Def {
                name: scope.to_string(),
                kind: DefKind::Function,
                params: Vec::new(),
                bases: Vec::new(),
                body,
                line,
            });
            return;
        }
        if let Some(t) = test {
            self.eval(t, d, out);
        }
        out.extend(self.stmts(body, d));
    }

    fn with(&mut self, items: &[ast::WithItem], body: &[ast::Stmt], d: usize, out: &mut Vec<Stmt>) {
        for item in items {
            let line = self.line(&item.context_expr);
            let value = self.expr(&item.context_expr, d);
            match &item.optional_vars {
                Some(v) => {
                    let targets = vec![self.expr(v, d)];
                    out.push(Stmt::Assign {
                        targets,
                        value,
                        line,
                    });
                }
                None => out.push(Stmt::Eval { value, line }),
            }
        }
        out.extend(self.stmts(body, d));
    }

    /// A function definition: decorators and default values run where it is defined, so
    /// they lead its body.
    fn function(&mut self, f: &ast::StmtFunctionDef, line: u32, d: usize) -> Stmt {
        let args = &f.parameters;
        let mut out = Vec::new();
        for a in args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
        {
            if let Some(default) = &a.default {
                self.eval(default, d, &mut out);
            }
        }
        self.decorators(&f.decorator_list, d, &mut out);
        let params: Vec<String> = args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
            .map(|a| a.parameter.name.to_string())
            .collect();
        self.bind_to_decorators(&f.decorator_list, &params, line, d, &mut out);
        out.extend(self.stmts(&f.body, d));
        Stmt::Def {
            name: f.name.to_string(),
            kind: DefKind::Function,
            params,
            bases: vec![],
            body: out,
            line,
        }
    }

    /// A class definition: its bases and keywords (`metaclass=...`), and a body led by
    /// its decorators, which run where it is defined, like the body.
    fn class(&mut self, c: &ast::StmtClassDef, line: u32, d: usize) -> Stmt {
        let mut bases = Vec::new();
        if let Some(a) = &c.arguments {
            bases.extend(a.args.iter().map(|b| self.expr(b, d)));
            bases.extend(a.keywords.iter().map(|k| self.expr(&k.value, d)));
        }
        let mut body = Vec::new();
        self.decorators(&c.decorator_list, d, &mut body);
        body.extend(self.stmts(&c.body, d));
        Stmt::Def {
            name: c.name.to_string(),
            kind: DefKind::Class,
            params: Vec::new(),
            bases,
            body,
            line,
        }
    }

    /// A decorated function's parameters receive what the decorating framework hands it,
    /// as a JavaScript callback's receive what the function it is passed to gives:
    /// `@bot.message_handler(...)` hands over a chat message, `@app.route(...)` a request.
    /// Each parameter is bound to `ResultOf(<decorator>)`, so a decorator the catalogue
    /// lists as `receive` labels them; any other decorator adds nothing.
    fn bind_to_decorators(
        &mut self,
        decorators: &[ast::Decorator],
        params: &[String],
        line: u32,
        d: usize,
        out: &mut Vec<Stmt>,
    ) {
        if params.is_empty() {
            return;
        }
        for dec in decorators {
            let callee = match &dec.expression {
                ast::Expr::Call(c) => c.func.as_ref(),
                other => other,
            };
            let targets = params.iter().map(|p| Expr::Name(p.clone())).collect();
            out.push(Stmt::Assign {
                targets: vec![Expr::Seq(targets)],
                value: Expr::ResultOf(Box::new(self.expr(callee, d)), None),
                line,
            });
        }
    }

    fn decorators(&mut self, decorators: &[ast::Decorator], d: usize, out: &mut Vec<Stmt>) {
        for dec in decorators {
            self.eval(&dec.expression, d, out);
        }
    }

    fn exprs(&mut self, es: &[ast::Expr], d: usize) -> Vec<Expr> {
        es.iter().map(|e| self.expr(e, d)).collect()
    }

    fn expr(&mut self, e: &ast::Expr, depth: usize) -> Expr {
        if depth > self.max_depth {
            self.truncated = true;
            return Expr::Other(vec![]);
        }
        let d = depth + 1;
        use ast::Expr as E;
        match e {
            E::StringLiteral(s) => self.string(s.value.to_str().to_string(), self.line(e)),
            E::BytesLiteral(b) => {
                let bytes: Vec<u8> = b.value.bytes().collect();
                self.string(super::decode::bytes_text(&bytes), self.line(e))
            }
            E::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i.as_i64().map(Expr::Int).unwrap_or(Expr::Other(vec![])),
                _ => Expr::Other(vec![]),
            },
            E::BooleanLiteral(b) => Expr::Int(b.value as i64),
            E::NoneLiteral(_) | E::EllipsisLiteral(_) | E::IpyEscapeCommand(_) => {
                Expr::Other(vec![])
            }
            E::FString(f) => {
                let line = self.line(e);
                let mut template = Template::default();
                for part in &f.value {
                    match part {
                        ast::FStringPart::Literal(s) => template.text.push_str(s.as_str()),
                        ast::FStringPart::FString(f) => {
                            self.elements(&f.elements, &mut template, line, d)
                        }
                    }
                }
                self.template(template, line)
            }
            E::TString(t) => {
                let line = self.line(e);
                let mut template = Template::default();
                for t in &t.value {
                    self.elements(&t.elements, &mut template, line, d);
                }
                self.template(template, line)
            }
            E::Name(n) => Expr::Name(n.id.to_string()),
            E::Attribute(a) => Expr::Attr(Box::new(self.expr(&a.value, d)), a.attr.to_string()),
            E::Subscript(s) => {
                let value = self.expr(&s.value, d);
                if let E::Slice(sl) = s.slice.as_ref() {
                    if is_minus_one(sl.step.as_deref()) && sl.lower.is_none() && sl.upper.is_none()
                    {
                        return Expr::Reversed(Box::new(value));
                    }
                }
                Expr::Index(Box::new(value), Box::new(self.expr(&s.slice, d)))
            }
            E::Call(c) => self.call(c, d),
            E::BinOp(b) => match b.op {
                ast::Operator::Add => self.concat_chain(e, d),
                ast::Operator::Div => Expr::PathJoin(
                    Box::new(self.expr(&b.left, d)),
                    Box::new(self.expr(&b.right, d)),
                ),
                ast::Operator::Mod => Expr::Percent(
                    Box::new(self.expr(&b.left, d)),
                    Box::new(self.expr(&b.right, d)),
                ),
                _ => self.arithmetic_chain(e, d),
            },
            E::List(l) => Expr::Seq(self.exprs(&l.elts, d)),
            E::Tuple(t) => Expr::Seq(self.exprs(&t.elts, d)),
            E::Set(s) => Expr::Seq(self.exprs(&s.elts, d)),
            E::Dict(x) => Expr::Dict(
                x.items
                    .iter()
                    .map(|item| {
                        (
                            item.key
                                .as_ref()
                                .map(|k| self.expr(k, d))
                                .unwrap_or(Expr::Other(vec![])),
                            self.expr(&item.value, d),
                        )
                    })
                    .collect(),
            ),
            E::Lambda(l) => {
                let line = self.line(e);
                Expr::Lambda(vec![Stmt::Eval {
                    value: self.expr(&l.body, d),
                    line,
                }])
            }
            E::BoolOp(b) => Expr::Other(self.exprs(&b.values, d)),
            E::Named(n) => self.expr(&n.value, d),
            E::UnaryOp(u) => Expr::Other(vec![self.expr(&u.operand, d)]),
            E::If(i) => Expr::Other(vec![
                self.expr(&i.test, d),
                self.expr(&i.body, d),
                self.expr(&i.orelse, d),
            ]),
            E::ListComp(c) => self.comprehension(&[&c.elt], &c.generators, d),
            E::SetComp(c) => self.comprehension(&[&c.elt], &c.generators, d),
            E::Generator(c) => self.comprehension(&[&c.elt], &c.generators, d),
            E::DictComp(c) => match &c.key {
                Some(key) => self.comprehension(&[key, &c.value], &c.generators, d),
                None => self.comprehension(&[&c.value], &c.generators, d),
            },
            E::Await(a) => self.expr(&a.value, d),
            E::Yield(y) => Expr::Other(y.value.iter().map(|v| self.expr(v, d)).collect()),
            E::YieldFrom(y) => self.expr(&y.value, d),
            E::Compare(c) => {
                let mut kids = vec![self.expr(&c.left, d)];
                kids.extend(self.exprs(&c.comparators, d));
                Expr::Other(kids)
            }
            E::Starred(s) => self.expr(&s.value, d),
            E::Slice(s) => Expr::Other(
                [&s.lower, &s.upper, &s.step]
                    .into_iter()
                    .flatten()
                    .map(|x| self.expr(x, d))
                    .collect(),
            ),
        }
    }

    fn call(&mut self, c: &ast::ExprCall, d: usize) -> Expr {
        let line = self.line(c);
        if let Some(text) = char_codes_call(c) {
            return self.spelled(text, line);
        }
        // XOR and arithmetic over characters, translate tables, compression layers.
        if let Some(text) = python_eval::decoded_text(c, &self.consts) {
            return self.spelled(text, line);
        }
        let func = self.expr(&c.func, d);
        let args = self.exprs(&c.arguments.args, d);
        let kwargs = c
            .arguments
            .keywords
            .iter()
            .map(|k| {
                let name = k
                    .arg
                    .as_ref()
                    .map_or_else(|| "**".into(), |a| a.to_string());
                (name, self.expr(&k.value, d))
            })
            .collect();
        Expr::Call(Box::new(reflection::python_call(Call {
            func,
            args,
            kwargs,
            line,
            reflective: false,
        })))
    }

    /// The literal text and interpolations of one f-string or t-string, appended to
    /// `template`. `f"{x=}"` shows its own source before the value, as Python does.
    fn elements(
        &mut self,
        elements: &[InterpolatedStringElement],
        template: &mut Template,
        line: u32,
        d: usize,
    ) {
        for element in elements {
            match element {
                InterpolatedStringElement::Literal(l) => template.text.push_str(&l.value),
                InterpolatedStringElement::Interpolation(i) => {
                    if let Some(debug) = &i.debug_text {
                        template.text.push_str(debug.as_str());
                    }
                    self.flush(template, line);
                    let value = self.expr(&i.expression, d);
                    template.parts.push(value);
                }
            }
        }
    }

    /// Ends the literal text collected so far as one part of `template`.
    fn flush(&mut self, template: &mut Template, line: u32) {
        if !template.text.is_empty() {
            let text = std::mem::take(&mut template.text);
            let part = self.string(text, line);
            template.parts.push(part);
        }
    }

    fn template(&mut self, mut template: Template, line: u32) -> Expr {
        self.flush(&mut template, line);
        Expr::Template(template.parts)
    }

    /// `a - b * c + d ...` parses as a left-deep tree one level per operator: its left
    /// spine (through every operator but the path join `/` and formatting `%`) is walked
    /// in a loop, so a long polynomial (sympy's lookup tables) is not cut at the depth
    /// limit. Arithmetic has no meaning for detectors: its operands are kept side by side.
    fn arithmetic_chain(&mut self, e: &ast::Expr, d: usize) -> Expr {
        let operands = left_spine(e, |op| {
            !matches!(op, ast::Operator::Div | ast::Operator::Mod)
        });
        Expr::Other(operands.into_iter().map(|x| self.expr(x, d)).collect())
    }

    /// `a + b + c` parses as a left-deep tree; walk its left spine in a loop so long
    /// concatenations (obfuscated payloads have thousands of terms) do not recurse.
    fn concat_chain(&mut self, e: &ast::Expr, d: usize) -> Expr {
        let operands = left_spine(e, |op| op == ast::Operator::Add);
        Expr::Concat(operands.into_iter().map(|x| self.expr(x, d)).collect())
    }

    /// A comprehension's element sees its iterables: `[chr(c) for c in data]` is a call
    /// over `data`, so the element and the iterables are kept side by side.
    ///
    /// `[chr(c) for c in [104, 105]]` is the text it spells. A comprehension that
    /// transforms a long string literal character by character (a substitution cipher:
    /// `[table[c] for c in "..."]`) is decoding: its value carries the decoded label.
    fn comprehension(
        &mut self,
        elts: &[&ast::Expr],
        gens: &[ast::Comprehension],
        d: usize,
    ) -> Expr {
        if let ([elt], [g]) = (elts, gens) {
            if let Some(text) = chr_comprehension(elt, g) {
                return self.spelled(text, self.line(*elt));
            }
        }
        let mut kids: Vec<Expr> = elts.iter().map(|e| self.expr(e, d)).collect();
        let mut ciphered = false;
        for g in gens {
            ciphered |= matches!(&g.iter, ast::Expr::StringLiteral(s)
                if s.value.to_str().chars().count() >= CIPHERED_TEXT)
                && !elts.iter().any(|e| same_name(e, &g.target));
            kids.push(self.expr(&g.iter, d));
            kids.extend(self.exprs(&g.ifs, d));
        }
        if ciphered {
            return Expr::Decoded(Box::new(Expr::Other(kids)));
        }
        Expr::Other(kids)
    }

    /// Text spelled as character codes: kept as a string (the characters of a list and
    /// of a string join the same way) that carries the decoded label.
    fn spelled(&mut self, text: String, line: u32) -> Expr {
        self.strings.push((text.clone(), line));
        Expr::Decoded(Box::new(Expr::Str(text)))
    }

    /// Records `name = <constant>` at the module's top level for the decoding evaluator;
    /// any other binding of the name forgets it.
    fn bind_const(&mut self, targets: &[ast::Expr], value: &ast::Expr, depth: usize) {
        let [ast::Expr::Name(n)] = targets else {
            for t in targets {
                if let ast::Expr::Name(n) = t {
                    self.consts.remove(n.id.as_str());
                }
            }
            return;
        };
        let constant = (depth == 0)
            .then(|| python_eval::eval(value, &self.consts))
            .flatten()
            .filter(|v| v.size() <= python_eval::MAX_CONST_LEN);
        match constant {
            Some(v) => {
                self.consts.insert(n.id.to_string(), v);
            }
            None => {
                self.consts.remove(n.id.as_str());
            }
        }
    }

    /// A string literal (bytes decoded lossily), recorded with its line.
    fn string(&mut self, text: String, line: u32) -> Expr {
        self.strings.push((text.clone(), line));
        Expr::Str(text)
    }
}

/// An f-string being lowered: its parts so far and the literal text not yet ended.
#[derive(Default)]
struct Template {
    parts: Vec<Expr>,
    text: String,
}

/// A string literal at least this long transformed character by character in a
/// comprehension is ciphered text, not a short alphabet or separator list.
const CIPHERED_TEXT: usize = 32;

/// The codes of a literal list or tuple of integers, each at most `max`.
fn int_list(e: &ast::Expr, max: u32) -> Option<Vec<u32>> {
    let items = match e {
        ast::Expr::List(l) => &l.elts,
        ast::Expr::Tuple(t) => &t.elts,
        _ => return None,
    };
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|i| match i {
            ast::Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(n) => n
                    .as_i64()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n <= max),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The characters a literal list of character codes spells.
fn char_codes(e: &ast::Expr) -> Option<String> {
    int_list(e, char::MAX as u32)?
        .into_iter()
        .map(char::from_u32)
        .collect()
}

/// `map(chr, [104, 105])`, `bytes([104, 105])` and `bytearray(...)` of literal codes:
/// the text they spell (bytes decoded as UTF-8, as `.decode()` does).
fn char_codes_call(c: &ast::ExprCall) -> Option<String> {
    let ast::Expr::Name(f) = c.func.as_ref() else {
        return None;
    };
    match (f.id.as_str(), &*c.arguments.args) {
        ("map", [ast::Expr::Name(g), list]) if g.id.as_str() == "chr" => char_codes(list),
        ("bytes" | "bytearray", [list]) => {
            let bytes: Vec<u8> = int_list(list, 255)?.into_iter().map(|b| b as u8).collect();
            Some(super::decode::bytes_text(&bytes))
        }
        _ => None,
    }
}

/// `chr(c) for c in [104, 105]`: the text the comprehension spells.
fn chr_comprehension(elt: &ast::Expr, g: &ast::Comprehension) -> Option<String> {
    let ast::Expr::Call(call) = elt else {
        return None;
    };
    let is_chr = matches!(call.func.as_ref(), ast::Expr::Name(f) if f.id.as_str() == "chr");
    let over_target = matches!(&*call.arguments.args, [arg] if same_name(arg, &g.target));
    if !is_chr || !over_target || !g.ifs.is_empty() || !call.arguments.keywords.is_empty() {
        return None;
    }
    char_codes(&g.iter)
}

/// True when both expressions are the same plain name.
fn same_name(a: &ast::Expr, b: &ast::Expr) -> bool {
    matches!((a, b), (ast::Expr::Name(x), ast::Expr::Name(y)) if x.id == y.id)
}

fn is_minus_one(step: Option<&ast::Expr>) -> bool {
    match step {
        Some(ast::Expr::UnaryOp(u)) if u.op == ast::UnaryOp::USub => matches!(
            u.operand.as_ref(),
            ast::Expr::NumberLiteral(n) if matches!(&n.value, ast::Number::Int(i) if i.as_i64() == Some(1))
        ),
        _ => false,
    }
}

/// setup.py commands only a maintainer runs (`python setup.py publish`); pip runs
/// `egg_info`, `bdist_wheel`, `dist_info`, `install`, `develop`, `build_ext`, … and none
/// of these.
const MAINTAINER_COMMANDS: &[&str] = &["publish", "upload", "release", "register", "tag", "deploy"];

/// Whether a test holds only for a maintainer's command: `sys.argv[-1] == "publish"`,
/// `sys.argv[1] in ("publish", "upload")`, `"publish" in sys.argv` (either way round
/// for `==`). Every command named must be one pip never passes; `!=` and `not in` hold
/// under pip and do not count.
fn is_maintainer_command_guard(test: &ast::Expr) -> bool {
    let ast::Expr::Compare(c) = test else {
        return false;
    };
    if c.comparators.len() != 1 {
        return false;
    }
    let is_argv = |e: &ast::Expr| {
        let e = match e {
            ast::Expr::Subscript(s) => s.value.as_ref(),
            e => e,
        };
        matches!(e, ast::Expr::Attribute(a)
            if a.attr.as_str() == "argv"
                && matches!(a.value.as_ref(), ast::Expr::Name(n) if n.id.as_str() == "sys"))
    };
    let is_argv_item = |e: &ast::Expr| matches!(e, ast::Expr::Subscript(_)) && is_argv(e);
    let commands = |e: &ast::Expr| -> bool {
        let one = |e: &ast::Expr| matches!(e, ast::Expr::StringLiteral(s) if MAINTAINER_COMMANDS.contains(&s.value.to_str()));
        match e {
            ast::Expr::Tuple(t) => !t.elts.is_empty() && t.elts.iter().all(one),
            ast::Expr::List(l) => !l.elts.is_empty() && l.elts.iter().all(one),
            ast::Expr::Set(s) => !s.elts.is_empty() && s.elts.iter().all(one),
            e => one(e),
        }
    };
    let (l, r) = (c.left.as_ref(), &c.comparators[0]);
    match *c.ops {
        [ast::CmpOp::Eq] => (is_argv_item(l) && commands(r)) || (commands(l) && is_argv_item(r)),
        // `sys.argv[-1] in ("publish", "upload")` or `"publish" in sys.argv`.
        [ast::CmpOp::In] => {
            (is_argv_item(l) && commands(r))
                || (commands(l) && is_argv(r) && !matches!(r, ast::Expr::Subscript(_)))
        }
        _ => false,
    }
}

/// Whether every `sys.argv` in `source` is read by an index or slice, or tested with
/// `in`: nothing appends `publish` to it, assigns into it, or hands it on to code that
/// could, so a guard on its value means what it says. Textual, and so conservative: any
/// other use (a copy by name included) turns maintainer-command guards off.
fn argv_only_read(source: &str) -> bool {
    let bytes = source.as_bytes();
    source.match_indices("sys.argv").all(|(at, m)| {
        let mut i = at + m.len();
        if bytes.get(i) == Some(&b'[') {
            // Skip to the matching `]`, then anything but an assignment is a read.
            let mut depth = 0usize;
            while i < bytes.len() {
                match bytes[i] {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'\n' => return false,
                    _ => {}
                }
                i += 1;
            }
            let rest = source[(i + 1).min(source.len())..].trim_start_matches([' ', '\t']);
            let assigns = (rest.starts_with('=') && !rest.starts_with("=="))
                || rest.starts_with("+=")
                || rest.starts_with("*=");
            !assigns
        } else {
            // `"publish" in sys.argv`, followed by the end of the test.
            let before = source[..at].trim_end_matches([' ', '\t']);
            let after = source[i..].trim_start_matches([' ', '\t']);
            before.ends_with(" in")
                && (after.starts_with(':')
                    || after.starts_with(')')
                    || after.starts_with("and ")
                    || after.starts_with("or "))
        }
    })
}

/// Whether a test is `__name__ == "__main__"` (either way round).
fn is_main_guard(test: &ast::Expr) -> bool {
    let ast::Expr::Compare(c) = test else {
        return false;
    };
    if !matches!(*c.ops, [ast::CmpOp::Eq]) {
        return false;
    }
    let is_name = |e: &ast::Expr| matches!(e, ast::Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main =
        |e: &ast::Expr| matches!(e, ast::Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    let (l, r) = (c.left.as_ref(), &c.comparators[0]);
    (is_name(l) && is_main(r)) || (is_main(l) && is_name(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_is_only_read_by_index_slice_or_membership() {
        assert!(argv_only_read("if sys.argv[-1] == 'publish':\n    x()\nif 'upload' in sys.argv:\n    y()\na = sys.argv[1:]\n"));
        assert!(argv_only_read("no argv here"));
        for mutating in [
            "sys.argv.append('publish')",
            "sys.argv[-1] = 'publish'",
            "sys.argv += ['publish']",
            "args = sys.argv\nargs.append('publish')",
            "sys.argv = ['x', 'publish']",
            "f(sys.argv)",
        ] {
            assert!(!argv_only_read(mutating), "{mutating}");
        }
    }

    fn deep(source: &str) -> bool {
        too_deep_to_parse(source, &Limits::default()).is_some()
    }

    #[test]
    fn depth_pre_check_catches_nesting_the_parser_recurses_on() {
        assert!(deep(&format!("x = {}a", "not ".repeat(20_000))));
        assert!(deep(&format!("x = {}a", "-".repeat(20_000))));
        assert!(deep(&format!("x = a{}", " ** a".repeat(20_000))));
        assert!(deep(&format!("x = {}0", "lambda: ".repeat(20_000))));
        assert!(deep(&format!("x = {}0", "a if b else ".repeat(20_000))));
        assert!(deep(&format!(
            "x = {}1{}",
            "(".repeat(20_000),
            ")".repeat(20_000)
        )));
        assert!(
            deep(&format!("x = \\\n{}a", "not \\\n".repeat(20_000))),
            "backslash continuations"
        );
        // f-string braces hold code.
        assert!(deep(&format!(
            "x = f'{{{}1{}}}'",
            "(".repeat(20_000),
            ")".repeat(20_000)
        )));
        assert!(deep(&format!("x = f\"\" + {}1", "(".repeat(20_000))));
    }

    #[test]
    fn chains_read_in_a_loop_and_payload_strings_are_parsed() {
        let payload = "QUJD+/".repeat(200_000);
        assert!(!deep(&format!(
            "import base64\nexec(base64.b64decode('{payload}'))\n"
        )));
        assert!(!deep(&format!("x = [{}0]\n", "f(a)[0].b, ".repeat(50_000))));
        assert!(!deep(&"y = a.b.c(d) + e\n".repeat(50_000)));
        assert!(!deep("s = '''(((( not not\n'''\n# ((((((\n"));
        assert!(!deep(&format!("x = {}a", "a - ".repeat(20_000))));
        assert!(!deep(&format!("x = a{}", "[0]".repeat(20_000))));
        assert!(!deep(&format!("x = f{}", "()".repeat(20_000))));
        assert!(!deep(&format!("x = [{}0]", "-1, ".repeat(20_000))));
        assert!(!deep(&format!(
            "x = {}1{}",
            "(".repeat(300),
            ")".repeat(300)
        )));
    }
}
