//! Python frontend: rustpython-parser first, tree-sitter-python for what it rejects.
//!
//! rustpython-parser gives the exact Python 3 AST; it rejects Python 2, 3.12+ f-strings
//! and some indentation CPython accepts, and its AST drop is recursive (deep nesting
//! overflows the stack). Sources it rejects or that look too deep for it go to the
//! tree-sitter fallback, and the reason is recorded on the module.

use super::ir::{Call, DefKind, Expr, LineIndex, Module, Stmt, MAIN_SCOPE};
use super::python_ts;
use crate::archive::limits::Limits;
use rustpython_parser::ast::{self, Constant, Ranged};

/// Lowers Python source to the IR. Never fails: a file neither parser accepts yields
/// an empty module with the reason in `parse_error`.
pub fn lower(source: &str, limits: &Limits) -> Module {
    if let Some(reason) = too_deep_for_rustpython(source, limits) {
        return fallback(source, limits, reason);
    }
    match rustpython_parser::parse(source, rustpython_parser::Mode::Module, "<package>") {
        Ok(ast::Mod::Module(m)) => {
            let mut lowerer = Lowerer {
                lines: LineIndex::new(source),
                strings: Vec::new(),
                max_depth: limits.max_ast_depth,
                truncated: false,
            };
            let body = lowerer.stmts(&m.body, 0);
            Module {
                body,
                strings: lowerer.strings,
                parse_error: None,
                truncated: lowerer.truncated,
                unparsed: None,
                returns_fold_only: true,
            }
        }
        Ok(_) => fallback(source, limits, "not a module".to_string()),
        Err(e) => fallback(source, limits, format!("rustpython-parser: {}", e.error)),
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

fn fallback(source: &str, limits: &Limits, reason: String) -> Module {
    let mut module = python_ts::lower(source, limits);
    module.parse_error = Some(match module.parse_error.take() {
        Some(ts) => format!("{reason}; tree-sitter fallback: {ts}"),
        None => format!("{reason}; analysed with the tree-sitter fallback"),
    });
    module
}

/// rustpython's parser and its AST drop recurse once per nesting level, so a 200,000-term
/// expression, 50,000 nested brackets or `not not not ...` would overflow any thread's
/// stack. Such files go straight to tree-sitter, whose cursor walk is iterative.
///
/// A quick scan estimates the nesting: bracket depth, and per bracket level the length
/// of the chain since the last comma (operators, postfix brackets as in `x[0][0]...` or
/// `f()()...`, and the keywords that nest an expression: `not`, `lambda`, `await`,
/// `if`/`else`, `yield`). Plain string literals and comments are skipped, so a long
/// base64 payload full of `+` and `/` stays with the primary parser; f-strings are
/// scanned as code, since their braces hold expressions.
fn too_deep_for_rustpython(source: &str, limits: &Limits) -> Option<String> {
    let max_chain = limits.max_ast_depth * 50;
    // One chain length per open bracket, plus the top level.
    let mut chains: Vec<usize> = vec![0];
    let bytes = source.as_bytes();
    let mut i = 0;
    let mut f_prefix = false;
    // Inside an f-string: its quote and whether it is triple.
    let mut fstring: Option<(u8, bool)> = None;
    while i < bytes.len() {
        let b = bytes[i];
        let mut chain_step = false;
        let mut step = 1;
        match b {
            b'(' | b'[' | b'{' => {
                // The opening extends the enclosing chain (`x[0][0]`), then starts its own.
                let chain = chains.last_mut().unwrap();
                *chain += 1;
                if *chain > max_chain {
                    return Some("an expression too long for the primary parser".to_string());
                }
                chains.push(0);
                if chains.len() - 1 > limits.max_ast_depth {
                    return Some(format!(
                        "brackets nested more than {} deep",
                        limits.max_ast_depth
                    ));
                }
            }
            b')' | b']' | b'}' if chains.len() > 1 => {
                chains.pop();
            }
            b',' | b';' => *chains.last_mut().unwrap() = 0,
            b'\n' if chains.len() == 1 && !continued(&bytes[..i]) => chains[0] = 0,
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'<' | b'>' | b'.' | b'~'
            | b'@' => chain_step = true,
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
                } else if f_prefix && fstring.is_none() {
                    fstring = Some((b, triple));
                    i += width;
                } else {
                    i = string_end(bytes, i);
                }
                f_prefix = false;
                continue;
            }
            _ if is_ident_byte(b) && (i == 0 || !is_ident_byte(bytes[i - 1])) => {
                let len = bytes[i..].iter().take_while(|c| is_ident_byte(**c)).count();
                let word = &bytes[i..i + len];
                let nests = matches!(
                    word,
                    b"not" | b"lambda" | b"await" | b"if" | b"else" | b"yield"
                );
                // `f"..."`, `rf'...'`, `t"..."`: the literal that follows is scanned as code.
                f_prefix = len <= 3
                    && word.iter().all(|c| b"rRbBuUfFtT".contains(c))
                    && word.iter().any(|c| b"fFtT".contains(c))
                    && matches!(bytes.get(i + len), Some(b'\'' | b'"'));
                i += len;
                step = 0;
                chain_step = nests;
            }
            _ => {}
        }
        if chain_step {
            let chain = chains.last_mut().unwrap();
            *chain += 1;
            if *chain > max_chain {
                return Some("an expression too long for the primary parser".to_string());
            }
        }
        i += step;
    }
    None
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

fn continued(before: &[u8]) -> bool {
    before
        .strip_suffix(b"\r")
        .unwrap_or(before)
        .ends_with(b"\\")
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

struct Lowerer {
    lines: LineIndex,
    strings: Vec<(String, u32)>,
    max_depth: usize,
    truncated: bool,
}

impl Lowerer {
    fn line<T: Ranged>(&self, node: &T) -> u32 {
        self.lines.line(node.start().to_usize())
    }

    fn stmts(&mut self, body: &[ast::Stmt], depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in body {
            self.stmt(s, depth, &mut out);
        }
        out
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
            S::FunctionDef(f) => {
                out.push(self.function(&f.name, &f.args, &f.decorator_list, &f.body, line, d))
            }
            S::AsyncFunctionDef(f) => {
                out.push(self.function(&f.name, &f.args, &f.decorator_list, &f.body, line, d))
            }
            S::ClassDef(c) => {
                let mut bases: Vec<Expr> = c.bases.iter().map(|b| self.expr(b, d)).collect();
                bases.extend(c.keywords.iter().map(|k| self.expr(&k.value, d)));
                let body = self.stmts(&c.body, d);
                out.push(Stmt::Def {
                    name: c.name.to_string(),
                    kind: DefKind::Class,
                    params: Vec::new(),
                    bases,
                    body,
                    line,
                });
            }
            S::Return(r) => {
                if let Some(v) = &r.value {
                    let value = self.expr(v, d);
                    out.push(Stmt::Return { value, line });
                }
            }
            S::Delete(x) => x.targets.iter().for_each(|t| self.eval(t, d, out)),
            S::Assign(a) => {
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
            | S::Nonlocal(_) => {}
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
            S::For(f) => self.for_loop(&f.target, &f.iter, &f.body, &f.orelse, line, d, out),
            S::AsyncFor(f) => self.for_loop(&f.target, &f.iter, &f.body, &f.orelse, line, d, out),
            S::While(w) => {
                self.eval(&w.test, d, out);
                out.extend(self.stmts(&w.body, d));
                out.extend(self.stmts(&w.orelse, d));
            }
            S::If(i) if is_main_guard(&i.test) => {
                // The block runs only when the file is the program, not when it is
                // imported: a scope of its own (`MAIN_SCOPE`), like a function.
                let body = self.stmts(&i.body, d);
                out.push(Stmt::Def {
                    name: MAIN_SCOPE.to_string(),
                    kind: DefKind::Function,
                    params: Vec::new(),
                    bases: Vec::new(),
                    body,
                    line,
                });
                out.extend(self.stmts(&i.orelse, d));
            }
            S::If(i) => {
                self.eval(&i.test, d, out);
                out.extend(self.stmts(&i.body, d));
                out.extend(self.stmts(&i.orelse, d));
            }
            S::With(w) => self.with(&w.items, &w.body, d, out),
            S::AsyncWith(w) => self.with(&w.items, &w.body, d, out),
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
            S::Try(t) => self.try_block(&t.body, &t.handlers, &t.orelse, &t.finalbody, d, out),
            S::TryStar(t) => self.try_block(&t.body, &t.handlers, &t.orelse, &t.finalbody, d, out),
            S::Assert(a) => {
                self.eval(&a.test, d, out);
                if let Some(m) = &a.msg {
                    self.eval(m, d, out);
                }
            }
            S::Import(i) => {
                for alias in &i.names {
                    let module = alias.name.to_string();
                    out.push(Stmt::Import {
                        module,
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

    #[allow(clippy::too_many_arguments)]
    fn for_loop(
        &mut self,
        target: &ast::Expr,
        iter: &ast::Expr,
        body: &[ast::Stmt],
        orelse: &[ast::Stmt],
        line: u32,
        d: usize,
        out: &mut Vec<Stmt>,
    ) {
        // The loop variable carries whatever the iterable carries (data flow only).
        let targets = vec![self.expr(target, d)];
        let value = self.expr(iter, d);
        out.push(Stmt::Assign {
            targets,
            value,
            line,
        });
        out.extend(self.stmts(body, d));
        out.extend(self.stmts(orelse, d));
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

    fn try_block(
        &mut self,
        body: &[ast::Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[ast::Stmt],
        finalbody: &[ast::Stmt],
        d: usize,
        out: &mut Vec<Stmt>,
    ) {
        out.extend(self.stmts(body, d));
        for ast::ExceptHandler::ExceptHandler(h) in handlers {
            if let Some(t) = &h.type_ {
                self.eval(t, d, out);
            }
            out.extend(self.stmts(&h.body, d));
        }
        out.extend(self.stmts(orelse, d));
        out.extend(self.stmts(finalbody, d));
    }

    /// A function definition: decorators and default values run where it is defined, so
    /// they lead its body.
    fn function(
        &mut self,
        name: &ast::Identifier,
        args: &ast::Arguments,
        decorators: &[ast::Expr],
        body: &[ast::Stmt],
        line: u32,
        d: usize,
    ) -> Stmt {
        let mut out = self.arguments(args, d);
        for dec in decorators {
            self.eval(dec, d, &mut out);
        }
        out.extend(self.stmts(body, d));
        let params = args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
            .map(|a| a.def.arg.to_string())
            .collect();
        Stmt::Def {
            name: name.to_string(),
            kind: DefKind::Function,
            params,
            bases: vec![],
            body: out,
            line,
        }
    }

    /// Default values run when the function is defined: keep them as statements.
    fn arguments(&mut self, args: &ast::Arguments, d: usize) -> Vec<Stmt> {
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
        out
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
            E::Constant(c) => self.constant(&c.value, self.line(e)),
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
            E::Call(c) => {
                if let Some(text) = char_codes_call(c) {
                    return self.spelled(text, self.line(e));
                }
                let func = self.expr(&c.func, d);
                let args = self.exprs(&c.args, d);
                let kwargs = c
                    .keywords
                    .iter()
                    .map(|k| {
                        (
                            k.arg
                                .as_ref()
                                .map(|a| a.to_string())
                                .unwrap_or_else(|| "**".into()),
                            self.expr(&k.value, d),
                        )
                    })
                    .collect();
                Expr::Call(Box::new(Call {
                    func,
                    args,
                    kwargs,
                    line: self.line(e),
                }))
            }
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
            E::JoinedStr(j) => Expr::Template(self.exprs(&j.values, d)),
            E::FormattedValue(f) => self.expr(&f.value, d),
            E::List(l) => Expr::Seq(self.exprs(&l.elts, d)),
            E::Tuple(t) => Expr::Seq(self.exprs(&t.elts, d)),
            E::Set(s) => Expr::Seq(self.exprs(&s.elts, d)),
            E::Dict(x) => Expr::Dict(
                x.keys
                    .iter()
                    .zip(&x.values)
                    .map(|(k, v)| {
                        (
                            k.as_ref()
                                .map(|k| self.expr(k, d))
                                .unwrap_or(Expr::Other(vec![])),
                            self.expr(v, d),
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
            E::NamedExpr(n) => self.expr(&n.value, d),
            E::UnaryOp(u) => Expr::Other(vec![self.expr(&u.operand, d)]),
            E::IfExp(i) => Expr::Other(vec![
                self.expr(&i.test, d),
                self.expr(&i.body, d),
                self.expr(&i.orelse, d),
            ]),
            E::ListComp(c) => self.comprehension(&[&c.elt], &c.generators, d),
            E::SetComp(c) => self.comprehension(&[&c.elt], &c.generators, d),
            E::GeneratorExp(c) => self.comprehension(&[&c.elt], &c.generators, d),
            E::DictComp(c) => self.comprehension(&[&c.key, &c.value], &c.generators, d),
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
            ciphered |= matches!(&g.iter, ast::Expr::Constant(c)
                if matches!(&c.value, Constant::Str(s) if s.chars().count() >= CIPHERED_TEXT))
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

    fn constant(&mut self, c: &Constant, line: u32) -> Expr {
        match c {
            Constant::Str(s) => {
                self.strings.push((s.clone(), line));
                Expr::Str(s.clone())
            }
            Constant::Bytes(b) => {
                let s = String::from_utf8_lossy(b).into_owned();
                self.strings.push((s.clone(), line));
                Expr::Str(s)
            }
            Constant::Int(i) => i.try_into().map(Expr::Int).unwrap_or(Expr::Other(vec![])),
            Constant::Bool(b) => Expr::Int(*b as i64),
            Constant::Tuple(items) => {
                Expr::Seq(items.iter().map(|c| self.constant(c, line)).collect())
            }
            _ => Expr::Other(vec![]),
        }
    }
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
            ast::Expr::Constant(c) => match &c.value {
                Constant::Int(n) => u32::try_from(n).ok().filter(|n| *n <= max),
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
    match (f.id.as_str(), c.args.as_slice()) {
        ("map", [ast::Expr::Name(g), list]) if g.id.as_str() == "chr" => char_codes(list),
        ("bytes" | "bytearray", [list]) => {
            let bytes: Vec<u8> = int_list(list, 255)?.into_iter().map(|b| b as u8).collect();
            Some(String::from_utf8_lossy(&bytes).into_owned())
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
    let over_target = matches!(call.args.as_slice(), [arg] if same_name(arg, &g.target));
    if !is_chr || !over_target || !g.ifs.is_empty() || !call.keywords.is_empty() {
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
        Some(ast::Expr::UnaryOp(u)) if u.op == ast::UnaryOp::USub => {
            matches!(u.operand.as_ref(), ast::Expr::Constant(c) if matches!(&c.value, Constant::Int(i) if *i == 1.into()))
        }
        _ => false,
    }
}

/// Whether a test is `__name__ == "__main__"` (either way round).
fn is_main_guard(test: &ast::Expr) -> bool {
    let ast::Expr::Compare(c) = test else {
        return false;
    };
    if c.ops.len() != 1 || !matches!(c.ops[0], ast::CmpOp::Eq) {
        return false;
    }
    let is_name = |e: &ast::Expr| matches!(e, ast::Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &ast::Expr| matches!(e, ast::Expr::Constant(k) if matches!(&k.value, ast::Constant::Str(s) if s == "__main__"));
    let (l, r) = (c.left.as_ref(), &c.comparators[0]);
    (is_name(l) && is_main(r)) || (is_main(l) && is_name(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(source: &str) -> bool {
        too_deep_for_rustpython(source, &Limits::default()).is_some()
    }

    #[test]
    fn depth_pre_check_catches_every_kind_of_nesting() {
        assert!(deep(&format!("x = {}a", "not ".repeat(20_000))));
        assert!(deep(&format!("x = {}a", "a + ".repeat(20_000))));
        assert!(deep(&format!("x = a{}", "[0]".repeat(20_000))));
        assert!(deep(&format!("x = f{}", "()".repeat(20_000))));
        assert!(deep(&format!("x = {}0", "lambda: ".repeat(20_000))));
        assert!(deep(&format!(
            "x = {}1{}",
            "(".repeat(300),
            ")".repeat(300)
        )));
        assert!(
            deep(&format!("x = \\\n{}a", "not \\\n".repeat(20_000))),
            "backslash continuations"
        );
        // Strings are skipped, but the operators between them are not.
        assert!(deep(&format!("x = {}','", "',' + ".repeat(20_000))));
        // f-string braces hold code.
        assert!(deep(&format!(
            "x = f'{{{}1{}}}'",
            "(".repeat(300),
            ")".repeat(300)
        )));
        assert!(deep(&format!("x = f\"\" + {}1", "(".repeat(300))));
    }

    #[test]
    fn wide_code_and_payload_strings_stay_with_the_primary_parser() {
        let payload = "QUJD+/".repeat(200_000);
        assert!(!deep(&format!(
            "import base64\nexec(base64.b64decode('{payload}'))\n"
        )));
        assert!(!deep(&format!("x = [{}0]\n", "f(a)[0].b, ".repeat(50_000))));
        assert!(!deep(&"y = a.b.c(d) + e\n".repeat(50_000)));
        assert!(!deep("s = '''(((( not not\n'''\n# ((((((\n"));
    }
}
