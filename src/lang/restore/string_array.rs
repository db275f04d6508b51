//! javascript-obfuscator's string array: the obfuscator moves every string of a program
//! into one array, rotates it, and replaces each string by a call of a lookup function
//! (`_0x4e2f(0x1a3)`), often through aliases and wrapper functions that shift the index.
//!
//! This finds the array, the lookup functions and the rotation the program performs on
//! itself before running (a `while (!![])` loop that rotates until a sum of `parseInt`
//! lookups equals a constant, or a loop that rotates a fixed number of times), evaluates
//! them over constants only, and writes each lookup with constant arguments back as the
//! string it yields. The evaluator knows numbers, strings, arithmetic, `parseInt` and the
//! lookups themselves, nothing else.
//!
//! Supported encodings of the array's items: none, and the obfuscator's base64 (its own
//! alphabet, then UTF-8). An array encoded with RC4 is left as written.

use super::{all_nodes, apply_edits, number, string_value, Edit, Restored};
use crate::lang::ts::{self, named_children, text};
use std::collections::HashMap;
use std::time::Instant;
use tree_sitter::Node;

/// Lookups name `_0x…` identifiers this many times at least before the tree is read:
/// the obfuscator's default names, and a cheap test every other file fails.
const MIN_MANGLED_NAMES: usize = 10;
/// Aliases and wrappers are followed this deep (the obfuscator nests two or three).
const MAX_CHAIN: usize = 8;
/// Evaluation steps allowed per file (finding the rotation tries every turn of the
/// array); past it the file is analysed as written, and the caller says so.
const MAX_STEPS: usize = 20_000_000;

/// The program with its string array restored; `Ok(None)` when it has none this reads,
/// `Err` with the reason when it has one that could not be restored within bounds.
pub(super) fn restore(source: &str, deadline: Instant) -> Result<Option<Restored>, String> {
    if source.matches("_0x").take(MIN_MANGLED_NAMES).count() < MIN_MANGLED_NAMES {
        return Ok(None);
    }
    let tree = ts::parse(tree_sitter_javascript::LANGUAGE.into(), source, deadline)?;
    let mut program = Program::default();
    let nodes = all_nodes(tree.root_node());
    for &n in &nodes {
        program.collect(n, source);
    }
    program.link();
    if program.getters.is_empty() {
        return Ok(None);
    }
    for &n in &nodes {
        program.rotation(n, source);
    }
    let exhausted = || format!("restoring its string array took more than {MAX_STEPS} steps");
    if program.steps.get() > MAX_STEPS {
        return Err(exhausted());
    }
    let mut edits: Vec<Edit> = Vec::new();
    for &n in &nodes {
        if n.kind() != "call_expression" {
            continue;
        }
        if let Some(value) = program.constant_call(n, source) {
            edits.push(Edit::literal(n, &value));
        }
    }
    if program.steps.get() > MAX_STEPS {
        return Err(exhausted());
    }
    apply_edits(source, edits)
}

/// A value the evaluator knows.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Num(f64),
    Str(String),
}

impl Value {
    /// JavaScript's `ToNumber` for the values lookups take (`_0x306c("0x1f")`).
    fn number(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            Value::Str(s) => {
                let t = s.trim();
                if t.is_empty() {
                    0.0
                } else if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                    i64::from_str_radix(hex, 16).map_or(f64::NAN, |v| v as f64)
                } else {
                    t.parse().unwrap_or(f64::NAN)
                }
            }
        }
    }
}

/// An expression over a wrapper's parameters: what it passes on to the next lookup.
#[derive(Debug, Clone)]
enum Term {
    Const(Value),
    Param(usize),
    Neg(Box<Term>),
    Binary(char, Box<Term>, Box<Term>),
}

/// A lookup function: the array it reads, the offset it subtracts from the index, and
/// the encoding of the items.
#[derive(Debug, Clone)]
struct Getter {
    array: String,
    offset: f64,
    base64: Option<Vec<u8>>,
}

/// A function that calls another lookup with its parameters rearranged and shifted
/// (`function w(a, b, c) { return _0x537c(a - 0x1bf, c); }`).
#[derive(Debug, Clone)]
struct Wrapper {
    target: String,
    args: Vec<Term>,
}

/// What the program defines, by name. Names the obfuscator makes are unique in the
/// file; a name defined twice with different meanings is dropped.
#[derive(Default)]
struct Program {
    /// Array sources: a function returning a literal array of strings, or a variable
    /// holding one; items as written.
    arrays: HashMap<String, Vec<String>>,
    /// How many times the program turns each array left before using it.
    turns: HashMap<String, usize>,
    /// Evaluation steps taken, bounded by [`MAX_STEPS`].
    steps: std::cell::Cell<usize>,
    getters: HashMap<String, Getter>,
    wrappers: HashMap<String, Wrapper>,
    aliases: HashMap<String, String>,
    /// Candidate getters before their array is known: (name, node text facts).
    candidates: Vec<(String, Candidate)>,
    /// Names defined more than once.
    ambiguous: std::collections::HashSet<String>,
}

/// What a function that may be a lookup shows: the names it reads, the constant it
/// subtracts from its first parameter, whether it decodes base64 with an alphabet of
/// its own, and whether it runs RC4 (not supported).
struct Candidate {
    names: Vec<String>,
    offset: Option<f64>,
    alphabet: Option<String>,
    rc4: bool,
}

impl Program {
    /// Records what `n` defines, when it is an array source, a lookup candidate, a
    /// wrapper or an alias.
    fn collect(&mut self, n: Node, src: &str) {
        let (name, params, body) = match n.kind() {
            "function_declaration" => {
                let Some(name) = n.child_by_field_name("name") else {
                    return;
                };
                (
                    text(name, src).to_string(),
                    n.child_by_field_name("parameters"),
                    n.child_by_field_name("body"),
                )
            }
            "variable_declarator" => {
                let (Some(name), Some(value)) = (
                    n.child_by_field_name("name"),
                    n.child_by_field_name("value"),
                ) else {
                    return;
                };
                let name = text(name, src).to_string();
                match value.kind() {
                    "array" => {
                        if let Some(items) = string_items(value, src) {
                            self.define_array(name, items, 5);
                        }
                        return;
                    }
                    "identifier" => {
                        let target = text(value, src).to_string();
                        if self.aliases.get(&name).is_some_and(|t| *t != target) {
                            self.ambiguous.insert(name.clone());
                        }
                        self.aliases.insert(name, target);
                        return;
                    }
                    "function_expression" | "function" => (
                        name,
                        value.child_by_field_name("parameters"),
                        value.child_by_field_name("body"),
                    ),
                    _ => return,
                }
            }
            _ => return,
        };
        let (Some(params), Some(body)) = (params, body) else {
            return;
        };
        let params: Vec<String> = named_children(params)
            .into_iter()
            .filter(|p| p.kind() == "identifier")
            .map(|p| text(p, src).to_string())
            .collect();
        let statements: Vec<Node> = named_children(body)
            .into_iter()
            .filter(|s| s.kind() != "comment")
            .collect();
        // A function returning an array it holds: `function a() { var x = ['..', ..];
        // a = function () { return x; }; return a(); }`.
        if params.is_empty() {
            if let Some(items) = statements.first().and_then(|s| declared_array(*s, src)) {
                self.define_array(name, items, 2);
                return;
            }
        }
        // A wrapper: one statement, `return f(<terms over the parameters>)`.
        if let [only] = statements.as_slice() {
            if let Some(w) = wrapper(*only, &params, src) {
                if self.wrappers.insert(name.clone(), w).is_some() {
                    self.ambiguous.insert(name);
                }
                return;
            }
        }
        if let Some(first) = params.first() {
            self.candidates.push((name, candidate(body, first, src)));
        }
    }

    fn define_array(&mut self, name: String, items: Vec<String>, min: usize) {
        if items.len() >= min && self.arrays.insert(name.clone(), items).is_some() {
            self.ambiguous.insert(name);
        }
    }

    /// Turns candidates that read an array source and subtract an offset into getters,
    /// and drops whatever was defined twice.
    fn link(&mut self) {
        for (name, c) in std::mem::take(&mut self.candidates) {
            let Some(array) = c.names.iter().find(|n| self.arrays.contains_key(*n)) else {
                continue;
            };
            if c.rc4 {
                continue;
            }
            let base64 = c.alphabet.as_ref().map(|a| a.as_bytes().to_vec());
            let getter = Getter {
                array: array.clone(),
                offset: c.offset.unwrap_or(0.0),
                base64,
            };
            if self.getters.insert(name.clone(), getter).is_some() {
                self.ambiguous.insert(name);
            }
        }
        for name in std::mem::take(&mut self.ambiguous) {
            self.arrays.remove(&name);
            self.getters.remove(&name);
            self.wrappers.remove(&name);
            self.aliases.remove(&name);
        }
    }

    /// Applies the rotation `n` performs, when `n` is the obfuscator's rotating call:
    /// `(function (a, target) { … while (!![]) { try { var v = <parseInt lookups>;
    /// if (v === target) break; else a.push(a.shift()); } catch … } })(array, 0x33d44)`,
    /// or `!function (e, t) { … for (; --t;) e.push(e.shift()) … }(array, 368)`.
    fn rotation(&mut self, n: Node, src: &str) {
        if n.kind() != "call_expression" {
            return;
        }
        let Some(function) = n.child_by_field_name("function").map(unparenthesized) else {
            return;
        };
        if !matches!(function.kind(), "function_expression" | "function") {
            return;
        }
        let args = n
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        let [array, target] = args.as_slice() else {
            return;
        };
        let array = text(*array, src);
        let Some(items) = self.arrays.get(array) else {
            return;
        };
        let Some(target) = const_number(*target, src, 0) else {
            return;
        };
        let len = items.len();
        let Some(body) = function.child_by_field_name("body") else {
            return;
        };
        let body_text = text(body, src);
        if !body_text.contains("push") || !body_text.contains("shift") {
            return;
        }
        let nodes = all_nodes(body);
        let check = nodes.iter().find(|d| {
            matches!(d.kind(), "variable_declarator" | "assignment_expression")
                && text(**d, src).contains("parseInt")
        });
        let turns = match check {
            Some(check) => {
                let Some(expr) = check
                    .child_by_field_name("value")
                    .or_else(|| check.child_by_field_name("right"))
                else {
                    return;
                };
                let mut found = None;
                for turn in 0..len {
                    self.turns.insert(array.to_string(), turn);
                    if self
                        .eval(expr, src, 0)
                        .is_some_and(|v| v.number() == target)
                    {
                        found = Some(turn);
                        break;
                    }
                    if self.steps.get() > MAX_STEPS {
                        break;
                    }
                }
                let Some(turns) = found else {
                    // The program turns the array in a way this cannot follow: its
                    // lookups would read the wrong strings, so none is restored.
                    self.arrays.remove(array);
                    self.turns.remove(array);
                    return;
                };
                turns
            }
            None if target >= 0.0 => (target as usize) % len.max(1),
            None => return,
        };
        self.turns.insert(array.to_string(), turns);
    }

    /// The string a call of a lookup with constant arguments yields.
    fn constant_call(&self, n: Node, src: &str) -> Option<String> {
        let callee = n.child_by_field_name("function")?;
        if callee.kind() != "identifier" {
            return None;
        }
        let name = text(callee, src);
        if !self.is_lookup(name) {
            return None;
        }
        match self.eval(n, src, 0)? {
            Value::Str(s) => Some(s),
            Value::Num(_) => None,
        }
    }

    fn is_lookup(&self, name: &str) -> bool {
        let name = self.dealias(name);
        self.getters.contains_key(name) || self.wrappers.contains_key(name)
    }

    fn dealias<'a>(&'a self, mut name: &'a str) -> &'a str {
        for _ in 0..MAX_CHAIN {
            match self.aliases.get(name) {
                Some(next) => name = next,
                None => break,
            }
        }
        name
    }

    /// The value of a constant expression: numbers, strings, `+ - * / %`, unary minus,
    /// `parseInt`, and calls of lookups.
    fn eval(&self, n: Node, src: &str, depth: usize) -> Option<Value> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if depth > MAX_CHAIN * 4 || steps > MAX_STEPS {
            return None;
        }
        match n.kind() {
            "number" => Some(Value::Num(number(n, src)?)),
            "string" => Some(Value::Str(string_value(n, src))),
            "parenthesized_expression" => self.eval(*named_children(n).first()?, src, depth + 1),
            "unary_expression" => {
                let arg = self.eval(n.child_by_field_name("argument")?, src, depth + 1)?;
                match ts::operator(n) {
                    "-" => Some(Value::Num(-arg.number())),
                    "+" => Some(Value::Num(arg.number())),
                    _ => None,
                }
            }
            "binary_expression" => {
                let op = ts::operator(n).chars().next()?;
                let a = self.eval(n.child_by_field_name("left")?, src, depth + 1)?;
                let b = self.eval(n.child_by_field_name("right")?, src, depth + 1)?;
                binary(op, a, b)
            }
            "call_expression" => {
                let callee = n.child_by_field_name("function")?;
                if callee.kind() != "identifier" {
                    return None;
                }
                let args: Option<Vec<Value>> = n
                    .child_by_field_name("arguments")
                    .map(named_children)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| self.eval(a, src, depth + 1))
                    .collect();
                let args = args?;
                match text(callee, src) {
                    "parseInt" => Some(Value::Num(parse_int(&match args.first()? {
                        Value::Str(s) => s.clone(),
                        Value::Num(v) => v.to_string(),
                    }))),
                    name => self.call(name, &args, depth + 1).map(Value::Str),
                }
            }
            _ => None,
        }
    }

    /// The string a lookup (getter, wrapper or alias of one) yields for `args`.
    fn call(&self, name: &str, args: &[Value], depth: usize) -> Option<String> {
        if depth > MAX_CHAIN * 4 {
            return None;
        }
        let name = self.dealias(name);
        if let Some(g) = self.getters.get(name) {
            let index = args.first()?.number() - g.offset;
            if !(index >= 0.0 && index.fract() == 0.0) {
                return None;
            }
            let items = self.arrays.get(&g.array)?;
            let turns = self.turns.get(&g.array).copied().unwrap_or(0);
            let index = index as usize;
            if index >= items.len() {
                return None;
            }
            let item = &items[(index + turns) % items.len()];
            return match &g.base64 {
                Some(alphabet) => decode_base64(item, alphabet),
                None => Some(item.clone()),
            };
        }
        let w = self.wrappers.get(name)?;
        let passed: Option<Vec<Value>> = w.args.iter().map(|t| term(t, args)).collect();
        self.call(&w.target, &passed?, depth + 1)
    }
}

/// `f` for `(f)`, however deep, and the function of `!function () {}` forms.
fn unparenthesized(mut n: Node) -> Node {
    while n.kind() == "parenthesized_expression" {
        match named_children(n).first() {
            Some(inner) => n = *inner,
            None => break,
        }
    }
    n
}

/// The items of an array literal when all are strings.
fn string_items(array: Node, src: &str) -> Option<Vec<String>> {
    named_children(array)
        .into_iter()
        .filter(|c| c.kind() != "comment")
        .map(|c| (c.kind() == "string").then(|| string_value(c, src)))
        .collect()
}

/// The string array a `var x = [...]` / `const x = [...]` statement declares.
fn declared_array(statement: Node, src: &str) -> Option<Vec<String>> {
    if !matches!(
        statement.kind(),
        "variable_declaration" | "lexical_declaration"
    ) {
        return None;
    }
    let declarator = named_children(statement)
        .into_iter()
        .find(|d| d.kind() == "variable_declarator")?;
    let value = declarator.child_by_field_name("value")?;
    (value.kind() == "array").then(|| string_items(value, src))?
}

/// A wrapper's `return f(<terms>)`.
fn wrapper(statement: Node, params: &[String], src: &str) -> Option<Wrapper> {
    if statement.kind() != "return_statement" {
        return None;
    }
    let call = *named_children(statement).first()?;
    if call.kind() != "call_expression" {
        return None;
    }
    let target = call.child_by_field_name("function")?;
    if target.kind() != "identifier" {
        return None;
    }
    let args: Option<Vec<Term>> = named_children(call.child_by_field_name("arguments")?)
        .into_iter()
        .map(|a| to_term(a, params, src, 0))
        .collect();
    let args = args?;
    // Something must come from the parameters, or it is a constant call, not a wrapper.
    args.iter().any(uses_param).then(|| Wrapper {
        target: text(target, src).to_string(),
        args,
    })
}

fn uses_param(t: &Term) -> bool {
    match t {
        Term::Param(_) => true,
        Term::Const(_) => false,
        Term::Neg(x) => uses_param(x),
        Term::Binary(_, a, b) => uses_param(a) || uses_param(b),
    }
}

fn to_term(n: Node, params: &[String], src: &str, depth: usize) -> Option<Term> {
    if depth > MAX_CHAIN {
        return None;
    }
    match n.kind() {
        "identifier" => params
            .iter()
            .position(|p| p == text(n, src))
            .map(Term::Param),
        "number" => Some(Term::Const(Value::Num(number(n, src)?))),
        "string" => Some(Term::Const(Value::Str(string_value(n, src)))),
        "parenthesized_expression" => to_term(*named_children(n).first()?, params, src, depth + 1),
        "unary_expression" if ts::operator(n) == "-" => Some(Term::Neg(Box::new(to_term(
            n.child_by_field_name("argument")?,
            params,
            src,
            depth + 1,
        )?))),
        "binary_expression" => {
            let op = ts::operator(n).chars().next()?;
            if !matches!(op, '+' | '-' | '*' | '/' | '%') || ts::operator(n).len() != 1 {
                return None;
            }
            Some(Term::Binary(
                op,
                Box::new(to_term(
                    n.child_by_field_name("left")?,
                    params,
                    src,
                    depth + 1,
                )?),
                Box::new(to_term(
                    n.child_by_field_name("right")?,
                    params,
                    src,
                    depth + 1,
                )?),
            ))
        }
        _ => None,
    }
}

fn term(t: &Term, args: &[Value]) -> Option<Value> {
    match t {
        Term::Const(v) => Some(v.clone()),
        // A parameter the caller did not pass is `undefined`; the lookup then fails.
        Term::Param(i) => args.get(*i).cloned(),
        Term::Neg(x) => Some(Value::Num(-term(x, args)?.number())),
        Term::Binary(op, a, b) => binary(*op, term(a, args)?, term(b, args)?),
    }
}

/// What a lookup candidate's body shows (see [`Candidate`]).
fn candidate(body: Node, first_param: &str, src: &str) -> Candidate {
    let mut c = Candidate {
        names: Vec::new(),
        offset: None,
        alphabet: None,
        rc4: false,
    };
    let nodes = all_nodes(body);
    // The getter replaces itself with an inner function on first call; the index is
    // the first parameter of either.
    let mut indexes = vec![first_param];
    for n in &nodes {
        if matches!(n.kind(), "function_expression" | "function") {
            if let Some(p) = n
                .child_by_field_name("parameters")
                .and_then(|ps| named_children(ps).into_iter().next())
            {
                indexes.push(text(p, src));
            }
        }
    }
    for n in nodes {
        let (op, left, right) = (
            ts::operator(n),
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        );
        match n.kind() {
            "identifier" => c.names.push(text(n, src).to_string()),
            "string" => {
                let s = string_value(n, src);
                if s.len() >= 64 && s.bytes().filter(u8::is_ascii_alphanumeric).count() >= 62 {
                    c.alphabet = Some(s);
                }
            }
            // RC4's key schedule works modulo 256.
            "binary_expression" if op == "%" => {
                c.rc4 |= right.and_then(|r| number(r, src)) == Some(256.0);
            }
            // `p = p - 0x1b5`, `p -= 0x1b5`, `arr[p - 0x1b5]`: the first one counts.
            "binary_expression" | "augmented_assignment_expression"
                if c.offset.is_none() && matches!(op, "-" | "-=") =>
            {
                if let (Some(l), Some(r)) = (left, right) {
                    if indexes.contains(&text(l, src)) {
                        c.offset = const_number(r, src, 0);
                    }
                }
            }
            _ => {}
        }
    }
    c
}

/// A number written as an expression of literals: the obfuscator spells its offsets and
/// targets as `(-0x577*-0x1+-0xf90+0x1*0xaf3)`.
fn const_number(n: Node, src: &str, depth: usize) -> Option<f64> {
    if depth > MAX_CHAIN * 4 {
        return None;
    }
    match n.kind() {
        "number" => number(n, src),
        "unary_expression" if ts::operator(n) == "-" => Some(-const_number(
            n.child_by_field_name("argument")?,
            src,
            depth + 1,
        )?),
        "parenthesized_expression" => const_number(*named_children(n).first()?, src, depth + 1),
        "binary_expression" => {
            let op = ts::operator(n);
            if op.len() != 1 {
                return None;
            }
            let a = const_number(n.child_by_field_name("left")?, src, depth + 1)?;
            let b = const_number(n.child_by_field_name("right")?, src, depth + 1)?;
            match binary(op.chars().next()?, Value::Num(a), Value::Num(b))? {
                Value::Num(v) => Some(v),
                Value::Str(_) => None,
            }
        }
        _ => None,
    }
}

fn binary(op: char, a: Value, b: Value) -> Option<Value> {
    if op == '+' {
        if let (Value::Str(_), _) | (_, Value::Str(_)) = (&a, &b) {
            return Some(Value::Str(format!("{}{}", show(&a), show(&b))));
        }
    }
    let (x, y) = (a.number(), b.number());
    Some(Value::Num(match op {
        '+' => x + y,
        '-' => x - y,
        '*' => x * y,
        '/' => x / y,
        '%' => x % y,
        _ => return None,
    }))
}

fn show(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Num(n) => n.to_string(),
    }
}

/// JavaScript's `parseInt(s)`: leading blanks, a sign, then decimal digits (or hex after
/// `0x`); `NaN` when no digit follows.
fn parse_int(s: &str) -> f64 {
    let t = s.trim_start();
    let (sign, t) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    let (radix, digits) = match t.get(..2) {
        Some("0x" | "0X") => (16, &t[2..]),
        _ => (10, t),
    };
    let end = digits
        .char_indices()
        .find(|(_, c)| !c.is_digit(radix))
        .map_or(digits.len(), |(i, _)| i);
    if end == 0 {
        return f64::NAN;
    }
    let mut v = 0.0f64;
    for c in digits[..end].chars() {
        v = v * radix as f64 + c.to_digit(radix).unwrap_or(0) as f64;
    }
    sign * v
}

/// The obfuscator's base64: its own alphabet (lowercase letters first), then the bytes
/// read as UTF-8.
fn decode_base64(s: &str, alphabet: &[u8]) -> Option<String> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut bytes = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes() {
        let Some(v) = alphabet.iter().take(64).position(|&a| a == c) else {
            if c == b'=' {
                break;
            }
            return None;
        };
        bits = (bits << 6) | v as u32;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            bytes.push((bits >> nbits) as u8);
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn restored(src: &str) -> String {
        restore(src, Instant::now() + Duration::from_secs(10))
            .expect("within bounds")
            .expect("an array restored")
            .text
    }

    /// The shape javascript-obfuscator writes by default: an array function, a getter
    /// with an offset, an alias, and a rotation that stops when the `parseInt` sum
    /// matches. Here the array is written rotated once: `parseInt('1x')` must come first.
    #[test]
    fn a_rotated_array_with_an_offset_is_restored() {
        let src = r#"var _0x1a=_0x2b;(function(_0x3c,_0x4d){var _0x5e=_0x2b,_0x6f=_0x3c();while(!![]){try{var _0x7a=parseInt(_0x5e(0x100))/0x1;if(_0x7a===_0x4d)break;else _0x6f['push'](_0x6f['shift']());}catch(_0x8b){_0x6f['push'](_0x6f['shift']());}}}(_0x9c,0x1));
function _0x2b(_0xa,_0xb){var _0xc=_0x9c();return _0x2b=function(_0xd,_0xe){_0xd=_0xd-0x100;var _0xf=_0xc[_0xd];return _0xf;},_0x2b(_0xa,_0xb);}
function _0x9c(){var _0x10=['https://example.com/x','1x','child_process','exec'];_0x9c=function(){return _0x10;};return _0x9c();}
const cp=require(_0x1a(0x101));cp[_0x1a(0x102)]('curl '+_0x1a(0x103));"#;
        let out = restored(src);
        assert!(
            out.contains(
                r#"const cp=require("child_process");cp["exec"]('curl '+"https://example.com/x");"#
            ),
            "{out}"
        );
        assert_eq!(out.lines().count(), src.lines().count());
    }

    /// Wrappers shift the index and reorder parameters before calling the getter.
    #[test]
    fn wrappers_and_counted_rotations_are_followed() {
        let src = r#"var _0x3d88=["log","child_process","spawn","_0x","_0x","_0x","_0x"];!function(e,t){!function(t){for(;--t;)e.push(e.shift())}(++t)}(_0x3d88,1);
var _0x306c=function(e,t){return _0x3d88[e-=0]};
function _0x11(_0xa,_0xb,_0xc){return _0x306c(_0xc- -0x10,_0xa);}
require(_0x306c("0x0"))[_0x11(0,0,-0xf)]('sh');"#;
        let out = restored(src);
        assert!(
            out.contains(r#"require("child_process")["spawn"]('sh');"#),
            "{out}"
        );
    }

    #[test]
    fn base64_items_use_the_obfuscators_alphabet() {
        // "exec" in the obfuscator's alphabet (lowercase first): standard "ZXhlYw" with cases swapped.
        let src = r#"function _0xa(){var _0xb=['zxHLyW','_0x','_0x','_0x','_0x'];_0xa=function(){return _0xb;};return _0xa();}
function _0xc(_0xd,_0xe){var _0xf=_0xa();return _0xc=function(_0x1,_0x2){_0x1=_0x1-0x0;var _0x3=_0xf[_0x1];var _0x4='abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=';return _0x3;},_0xc(_0xd,_0xe);}
x[_0xc(0x0)]('id');"#;
        assert!(restored(src).contains(r#"x["exec"]('id');"#));
    }

    #[test]
    fn plain_code_is_left_alone() {
        let src = "const cp = require('child_process');\ncp.exec('ls');\n";
        assert!(restore(src, Instant::now() + Duration::from_secs(1))
            .unwrap()
            .is_none());
    }

    #[test]
    fn parse_int_reads_like_javascript() {
        assert_eq!(parse_int("123abc"), 123.0);
        assert_eq!(parse_int("  -42"), -42.0);
        assert_eq!(parse_int("0x1f"), 31.0);
        assert!(parse_int("abc").is_nan());
    }
}
