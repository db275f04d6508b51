//! Language frontends. Each lowers source to the shared IR (`ir.rs`); `facts.rs` turns
//! the IR into the facts detectors read, the same way for every language.

pub mod catalog;
pub mod decode;
pub mod ebcdic;
pub mod facts;
pub mod ir;
pub mod javascript;
pub mod python;
pub mod python_eval;
pub mod reflection;
pub mod restore;
pub mod ruby;
pub mod sensitive;
pub mod shell;
pub mod tokens;
pub mod ts;
pub mod workdir;

use crate::archive::limits::Limits;
use crate::timings::{self, Stage};
pub use facts::FileFacts;

/// The languages pkgwarden analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Python,
    /// A `.pth` file: lines starting with `import` run at interpreter start.
    Pth,
    Shell,
    JavaScript,
    Ruby,
}

impl Lang {
    /// The language of a file, from its name (content sniffing happens in the archive layer).
    pub fn of(path: &str) -> Option<Lang> {
        let name = path.rsplit(['/', '!']).next().unwrap_or(path);
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("py" | "pyw" | "pyi") => Some(Lang::Python),
            Some("pth") => Some(Lang::Pth),
            Some("sh" | "bash") => Some(Lang::Shell),
            Some("js" | "mjs" | "cjs") => Some(Lang::JavaScript),
            Some("rb" | "rake" | "gemspec") => Some(Lang::Ruby),
            // Gemfiles are read by Bundler on the developer's machine, not at gem install.
            _ if name == "Rakefile" => Some(Lang::Ruby),
            _ => None,
        }
    }

    /// The language a `#!` line names (`#!/usr/bin/env node`), for scripts without an
    /// extension such as npm `bin` entries.
    pub fn of_shebang(source: &[u8]) -> Option<Lang> {
        let first = source.strip_prefix(b"#!")?.split(|b| *b == b'\n').next()?;
        let first = String::from_utf8_lossy(first);
        let program = first
            .split_whitespace()
            .filter(|w| !w.starts_with('-'))
            .find(|w| !w.ends_with("/env"))?;
        match program.rsplit('/').next()? {
            "node" | "nodejs" => Some(Lang::JavaScript),
            "ruby" => Some(Lang::Ruby),
            p if p.starts_with("python") => Some(Lang::Python),
            "sh" | "bash" | "dash" | "zsh" => Some(Lang::Shell),
            _ => None,
        }
    }
}

/// [`decode_source`] of bytes it may keep: valid UTF-8 without a BOM or NUL bytes
/// becomes the text without a copy.
pub fn decode_source_owned(bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xef\xbb\xbf") || bytes.contains(&0) {
        return decode_source(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => decode_source(e.as_bytes()),
    }
}

/// Source bytes as text: UTF-8 where valid, Latin-1 otherwise (a PEP 263 cookie naming
/// another 8-bit codec decodes close enough for analysis), NUL bytes dropped.
pub fn decode_source(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text
    }
}

/// Analyses one source file, including code hidden in its strings. What a frontend
/// cut (nesting past the depth limit, calls past the cap) or could not parse (a parse
/// stopped at its deadline) is recorded in `incomplete`, and the token pass reads the
/// whole file too, so code past the cut is still seen.
pub fn analyse(lang: Lang, source: &str, limits: &Limits) -> FileFacts {
    let mut facts = analyse_plain(lang, source, limits);
    reveal(lang, &mut facts, limits, 0);
    if facts.truncated {
        let cut = format!(
            "code nested deeper than {} levels was cut",
            limits.max_ast_depth
        );
        facts.incomplete = Some(match facts.incomplete.take() {
            Some(other) => format!("{cut}; {other}"),
            None => cut,
        });
    }
    if facts.incomplete.is_some() && lang != Lang::Shell {
        let tokens = scan_tokens(lang, source);
        facts.calls.extend(tokens.calls);
        facts.imports.extend(tokens.imports);
        facts.strings.extend(tokens.strings);
        if let Some(why) = &mut facts.incomplete {
            why.push_str(": the token pass read the whole file");
        }
    }
    facts
}

/// Facts from the linear token pass alone (`tokens.rs`; for shell, the command pass,
/// which is linear already): for code too large to parse.
pub fn scan_tokens(lang: Lang, source: &str) -> FileFacts {
    match lang {
        Lang::Shell => analyse_shell(source),
        Lang::Pth => scan_tokens(Lang::Python, &pth_code(source)),
        _ => {
            let module = timings::time(Stage::Parse, || tokens::lower(lang, source));
            timings::time(Stage::Facts, || facts::extract(module, None))
        }
    }
}

/// About how many syntax nodes a parser would build for `source`: the bytes that open
/// or join expressions (brackets, commas, dots, `=`), counted in one pass. Strings are
/// not skipped, so text-heavy files estimate high; shell is parsed piece by piece and
/// has no tree.
pub fn syntax_estimate(lang: Lang, source: &str) -> usize {
    if lang == Lang::Shell {
        return 0;
    }
    source
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'{' | b',' | b'.' | b'='))
        .count()
}

/// Bytes of a file that count toward the parse limit: everything but white space and
/// whole-line comments, so padding cannot push real code past the limit.
pub fn code_bytes(lang: Lang, source: &str) -> usize {
    let comment = match lang {
        Lang::JavaScript => "//",
        _ => "#",
    };
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with(comment))
        .map(|l| l.bytes().filter(|b| !b.is_ascii_whitespace()).count())
        .sum()
}

/// Strings run as code are followed this many levels deep (`exec` of a string that
/// `exec`s another...).
const MAX_HIDDEN_DEPTH: u32 = 3;

/// Code hidden in strings: text handed to `exec`/`eval`/`compile`/`Function`, or to
/// `python -c` / `node -e`, once folded to a constant (decoded from base64, reversed,
/// rot13...), is analysed as code, and its calls join the file's facts at the line of
/// the call that runs it. Detectors then see what the payload does, not only that a
/// payload exists.
/// Hidden code past the depth or the byte budget is not analysed, and the file says so.
fn reveal(lang: Lang, facts: &mut FileFacts, limits: &Limits, depth: u32) {
    let mut budget = limits.max_source_bytes;
    let mut found = Vec::new();
    let mut cut: Option<String> = None;
    for c in &facts.calls {
        let Some((code_lang, code)) = hidden_code(lang, c) else {
            continue;
        };
        if code.len() < 6 {
            continue;
        }
        if depth >= MAX_HIDDEN_DEPTH {
            cut.get_or_insert(format!(
                "code hidden in strings more than {MAX_HIDDEN_DEPTH} levels deep was not analysed"
            ));
            continue;
        }
        if code.len() > budget {
            cut.get_or_insert(format!(
                "code hidden in strings past {} bytes was not analysed",
                limits.max_source_bytes
            ));
            continue;
        }
        budget -= code.len();
        let mut inner = analyse_plain(code_lang, code, limits);
        reveal(code_lang, &mut inner, limits, depth + 1);
        if let Some(why) = inner.incomplete.take() {
            cut.get_or_insert(why);
        }
        if inner.truncated {
            cut.get_or_insert(format!(
                "code hidden in strings nested deeper than {} levels was cut",
                limits.max_ast_depth
            ));
        }
        for mut ic in inner.calls {
            ic.line = c.line;
            ic.scope = c.scope.clone();
            ic.on_load = c.on_load;
            ic.on_main = c.on_main;
            found.push(ic);
        }
        facts
            .strings
            .extend(inner.strings.into_iter().map(|(s, _)| (s, c.line)));
        facts
            .imports
            .extend(inner.imports.into_iter().map(|(m, _)| (m, c.line)));
    }
    facts.calls.extend(found);
    if let Some(why) = cut {
        facts.incomplete = Some(match facts.incomplete.take() {
            Some(other) => format!("{other}; {why}"),
            None => why,
        });
    }
}

/// The language and text of code a call runs from a string, if it does.
fn hidden_code(lang: Lang, c: &facts::CallFact) -> Option<(Lang, &str)> {
    let text = |i: usize| c.args.get(i).and_then(|a| a.text.as_deref());
    if c.shell.is_some() {
        let flag = match c.callee.as_str() {
            "sh.python" | "sh.python3" | "sh.python2" | "sh.pythonw" | "sh.py" => {
                ("-c", Lang::Python)
            }
            "sh.node" | "sh.nodejs" => ("-e", Lang::JavaScript),
            "sh.ruby" => ("-e", Lang::Ruby),
            _ => return None,
        };
        let at = c
            .args
            .iter()
            .position(|a| a.text.as_deref() == Some(flag.0))?;
        return Some((flag.1, text(at + 1)?));
    }
    // The code a .pth line executes is Python.
    let lang = if lang == Lang::Pth {
        Lang::Python
    } else {
        lang
    };
    if !matches!(lang, Lang::Python | Lang::JavaScript | Lang::Ruby) {
        return None;
    }
    // A payload staged into a file to be started later (`tmp.write(b"import os;...")`):
    // written text that reads as code of the file's language is analysed as code.
    if c.callee.ends_with(".write") || c.kinds.has(catalog::Kinds::WRITE) {
        let code = c
            .args
            .iter()
            .filter_map(|a| a.text.as_deref())
            .find(|t| looks_like_code(lang, t))?;
        return Some((lang, code));
    }
    if !c.kinds.has(catalog::Kinds::EXEC) {
        return None;
    }
    // `new Function(a, b, body)`: the body is the last argument.
    let i = if c.callee == "Function" {
        c.args.len().checked_sub(1)?
    } else {
        0
    };
    let code = text(i)?;
    (!code.contains("{?}")).then_some((lang, code))
}

/// Text that is code rather than data: it imports or requires something and calls it.
fn looks_like_code(lang: Lang, text: &str) -> bool {
    let imports = match lang {
        Lang::Python => text.contains("import "),
        Lang::JavaScript => text.contains("require(") || text.contains("import "),
        Lang::Ruby => text.contains("require "),
        _ => false,
    };
    imports && text.contains('(') && !text.contains("{?}")
}

/// Analyses one source file as written.
fn analyse_plain(lang: Lang, source: &str, limits: &Limits) -> FileFacts {
    let parse = |lower: &dyn Fn() -> ir::Module, parse_expr: Option<facts::ExprParser>| {
        let module = timings::time(Stage::Parse, lower);
        timings::time(Stage::Facts, || facts::extract(module, parse_expr))
    };
    match lang {
        Lang::Python => parse(&|| python::lower(source, limits), Some(python::parse_expr)),
        Lang::Pth => {
            let code = pth_code(source);
            parse(&|| python::lower(&code, limits), Some(python::parse_expr))
        }
        Lang::JavaScript => {
            // An obfuscator's string array is put back before the program is read, so
            // every detector sees the names and addresses it hid.
            match timings::time(Stage::Parse, || {
                restore::restore(source, limits.parse_deadline())
            }) {
                Ok(Some(restored)) => {
                    let mut facts = parse(&|| javascript::lower(&restored.text, limits), None);
                    facts.restored_lookups = restored.replaced;
                    facts
                }
                Ok(None) => parse(&|| javascript::lower(source, limits), None),
                Err(why) => {
                    let mut facts = parse(&|| javascript::lower(source, limits), None);
                    let why = format!("its string array was not restored: {why}");
                    facts.incomplete = Some(match facts.incomplete.take() {
                        Some(other) => format!("{why}; {other}"),
                        None => why,
                    });
                    facts
                }
            }
        }
        Lang::Ruby => parse(&|| ruby::lower(source, limits), None),
        Lang::Shell => timings::time(Stage::Parse, || analyse_shell(source)),
    }
}

/// The code of a `.pth` file: site.py executes lines that start with `import`; every
/// other line is a path. Line numbers are kept.
fn pth_code(source: &str) -> String {
    source
        .lines()
        .map(|l| {
            if l.starts_with("import ") || l.starts_with("import\t") {
                l
            } else {
                ""
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Shell command lines longer than this are cut at command boundaries and read piece
/// by piece (`shell::split_commands`).
const SHELL_PIECE: usize = 16 << 10;

/// A shell script's facts, logical line by logical line, so each command keeps its
/// line: a quoted string or a trailing `\` continues onto the next line; a
/// here-document's body is data. Repeated identical commands on one line count once,
/// and past [`facts::MAX_CALLS`] only catalogued commands are kept (the file is then
/// incomplete), so a line of a million commands costs neither time nor memory
/// beyond its bytes.
fn analyse_shell(source: &str) -> FileFacts {
    let spawner = facts::CallFact::command_line("sh".into(), 1, vec![]);
    let mut out = FileFacts::default();
    let mut seen = std::collections::HashSet::new();
    let mut heredoc: Option<String> = None;
    let mut pending = String::new();
    let mut quotes = shell::OpenQuotes::default();
    let mut start = 0;
    let mut vars = shell::Vars::default();
    for (i, line) in source.lines().enumerate() {
        if let Some(delimiter) = &heredoc {
            if line.trim() == delimiter {
                heredoc = None;
            }
            continue;
        }
        if pending.is_empty() {
            start = i;
        } else {
            pending.push('\n');
        }
        pending.push_str(line);
        if quotes.continues_after(line) && pending.len() < 1 << 20 {
            continue;
        }
        quotes = shell::OpenQuotes::default();
        heredoc = shell::heredoc_delimiter(&pending);
        let at = facts::CallFact {
            line: start as u32 + 1,
            ..spawner.clone()
        };
        let command = std::mem::take(&mut pending);
        for piece in shell::split_commands(&command, SHELL_PIECE) {
            for call in facts::shell_calls_with(piece, &at, None, &mut vars) {
                let uncatalogued = call.kinds == catalog::Kinds::default();
                if out.calls.len() >= facts::MAX_CALLS && uncatalogued
                    || out.calls.len() >= 4 * facts::MAX_CALLS
                {
                    out.incomplete.get_or_insert_with(|| {
                        format!("commands past the first {} were not kept", facts::MAX_CALLS)
                    });
                    continue;
                }
                let key: Vec<Option<&str>> = std::iter::once(Some(call.callee.as_str()))
                    .chain(call.args.iter().map(|a| a.text.as_deref()))
                    .collect();
                if seen.insert((call.line, format!("{key:?}"))) {
                    out.calls.push(call);
                }
            }
        }
    }
    if let Some(why) = vars.cut_short() {
        out.incomplete.get_or_insert(why);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{analyse, Lang, MAX_HIDDEN_DEPTH};
    use crate::archive::limits::Limits;

    /// `exec` of a string that `exec`s a string … past the depth followed: the file says
    /// that part of it was not analysed.
    #[test]
    fn hidden_code_past_the_depth_limit_makes_the_file_incomplete() {
        let quote = |code: &str| format!("exec({code:?})");
        let mut code = "import os\nos.system('id')".to_string();
        for _ in 0..MAX_HIDDEN_DEPTH {
            code = quote(&code);
        }
        let shallow = analyse(Lang::Python, &code, &Limits::default());
        assert_eq!(shallow.incomplete, None);
        assert!(shallow.calls.iter().any(|c| c.callee == "os.system"));
        let deep = analyse(Lang::Python, &quote(&code), &Limits::default());
        let why = deep.incomplete.expect("incomplete");
        assert!(why.contains("levels deep was not analysed"), "{why}");
    }
}
