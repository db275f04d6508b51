//! A small pure evaluator of Python decoding expressions over literals, for what the fact
//! engine's folding cannot express: character arithmetic and repeating-key XOR in
//! comprehensions (`''.join(chr(ord(c) ^ 7) for c in s)`, `bytes(a ^ b for a, b in
//! zip(data, cycle(key)))`), `str.translate(str.maketrans(...))`, and zlib or bz2
//! layers (`zlib.decompress(base64.b64decode(...))`).
//!
//! It reads literals and the module-level names bound to them, and knows integers,
//! strings, bytes, lists, the arithmetic and bitwise operators, slicing, and a fixed set
//! of pure builtins and decoders. Nothing of the program runs. Each evaluation is
//! bounded in steps and in the size of every value; past a bound the expression is
//! simply not folded (the code around it is analysed all the same, and running code
//! nobody can read is reported by `exec-decoded` and `exec-computed`).

use ruff_python_ast as ast;
use std::collections::HashMap;
use std::io::Read;

/// A value the evaluator knows.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Value>),
    /// `itertools.cycle(x)`: the items of `x`, repeated as long as `zip` asks.
    Cycle(Vec<Value>),
}

/// Evaluation steps per expression.
const MAX_STEPS: usize = 2_000_000;
/// Longest string, bytes or list a step may produce.
const MAX_LEN: usize = 1 << 20;
/// Deepest expression evaluated (the evaluator recurses; a 200,000-term `+` chain must
/// not exhaust the stack).
const MAX_DEPTH: usize = 64;

/// Names bound to constants at a module's top level, in the order the module binds them.
pub type Consts = HashMap<String, Value>;

/// Largest constant a module-level name keeps for later decodings (a payload the
/// module decodes is rarely larger; a data table is not worth holding).
pub const MAX_CONST_LEN: usize = 256 << 10;

impl Value {
    /// Items or bytes held, for the bounds.
    pub fn size(&self) -> usize {
        match self {
            Value::Str(s) => s.len(),
            Value::Bytes(b) => b.len(),
            Value::List(l) | Value::Cycle(l) => l.len(),
            Value::Int(_) => 1,
        }
    }
}

/// The value of `e`, when it is computed from literals and `consts` only.
pub fn eval(e: &ast::Expr, consts: &Consts) -> Option<Value> {
    let mut ev = Evaluator {
        consts,
        locals: Vec::new(),
        steps: 0,
        depth: 0,
    };
    ev.expr(e)
}

/// The text an expression decodes to, when it is a decoding this evaluator is for: a
/// join or `bytes()` over a comprehension, a `translate`, a decompression, or a
/// `.decode()` of one of those. Plain literals and calls the fact engine folds itself
/// are left to it.
pub fn decoded_text(c: &ast::ExprCall, consts: &Consts) -> Option<String> {
    if !is_decoding(c) {
        return None;
    }
    let mut ev = Evaluator {
        consts,
        locals: Vec::new(),
        steps: 0,
        depth: 0,
    };
    match ev.call(c)? {
        Value::Str(s) => Some(s),
        Value::Bytes(b) => Some(super::decode::bytes_text(&b)),
        _ => None,
    }
}

/// Whether a call is one of the decodings [`decoded_text`] folds.
fn is_decoding(c: &ast::ExprCall) -> bool {
    // A comprehension that transforms each item: `[c for c in s]` is `s` itself.
    let comprehension = |args: &[ast::Expr]| {
        let (elt, gens) = match args.first() {
            Some(ast::Expr::Generator(g)) => (&g.elt, &g.generators),
            Some(ast::Expr::ListComp(c)) => (&c.elt, &c.generators),
            _ => return false,
        };
        !gens.iter().any(|g| same_name(elt, &g.target))
    };
    match c.func.as_ref() {
        ast::Expr::Attribute(a) => match a.attr.as_str() {
            "join" => comprehension(&c.arguments.args),
            "translate" => true,
            "decompress" => {
                matches!(a.value.as_ref(), ast::Expr::Name(n) if matches!(n.id.as_str(), "zlib" | "bz2"))
            }
            "decode" => match a.value.as_ref() {
                ast::Expr::Call(inner) => is_decoding(inner),
                _ => false,
            },
            _ => false,
        },
        ast::Expr::Name(n) => {
            matches!(n.id.as_str(), "bytes" | "bytearray") && comprehension(&c.arguments.args)
        }
        _ => false,
    }
}

fn same_name(a: &ast::Expr, b: &ast::Expr) -> bool {
    matches!((a, b), (ast::Expr::Name(x), ast::Expr::Name(y)) if x.id == y.id)
}

struct Evaluator<'c> {
    consts: &'c Consts,
    /// Comprehension variables, innermost last.
    locals: Vec<(String, Value)>,
    steps: usize,
    /// Nesting of the expression being evaluated, bounded by [`MAX_DEPTH`].
    depth: usize,
}

impl Evaluator<'_> {
    fn step(&mut self) -> Option<()> {
        self.steps += 1;
        (self.steps <= MAX_STEPS).then_some(())
    }

    fn expr(&mut self, e: &ast::Expr) -> Option<Value> {
        self.step()?;
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let v = self.expr_inner(e);
        self.depth -= 1;
        v
    }

    fn expr_inner(&mut self, e: &ast::Expr) -> Option<Value> {
        use ast::Expr as E;
        match e {
            E::StringLiteral(s) => Some(Value::Str(s.value.to_str().to_string())),
            E::BytesLiteral(b) => Some(Value::Bytes(b.value.bytes().collect())),
            E::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i.as_i64().map(Value::Int),
                _ => None,
            },
            E::Name(n) => {
                let name = n.id.as_str();
                self.locals
                    .iter()
                    .rev()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .or_else(|| self.consts.get(name).cloned())
            }
            E::List(l) => self.items(&l.elts),
            E::Tuple(t) => self.items(&t.elts),
            E::UnaryOp(u) if u.op == ast::UnaryOp::USub => match self.expr(&u.operand)? {
                Value::Int(i) => Some(Value::Int(i.checked_neg()?)),
                _ => None,
            },
            E::BinOp(b) => {
                let (l, r) = (self.expr(&b.left)?, self.expr(&b.right)?);
                binary(b.op, l, r)
            }
            E::Subscript(s) => {
                let value = self.expr(&s.value)?;
                match s.slice.as_ref() {
                    E::Slice(sl) => {
                        let bound = |ev: &mut Self, x: &Option<Box<ast::Expr>>| match x {
                            Some(x) => match ev.expr(x)? {
                                Value::Int(i) => Some(Some(i)),
                                _ => None,
                            },
                            None => Some(None),
                        };
                        let (lo, hi, st) = (
                            bound(self, &sl.lower)?,
                            bound(self, &sl.upper)?,
                            bound(self, &sl.step)?,
                        );
                        slice(value, lo, hi, st.unwrap_or(1))
                    }
                    index => match self.expr(index)? {
                        Value::Int(i) => item(&value, i),
                        _ => None,
                    },
                }
            }
            E::Generator(g) => self.comprehension(&g.elt, &g.generators),
            E::ListComp(c) => self.comprehension(&c.elt, &c.generators),
            E::Call(c) => self.call(c),
            _ => None,
        }
    }

    fn items(&mut self, elts: &[ast::Expr]) -> Option<Value> {
        let items: Option<Vec<Value>> = elts.iter().map(|x| self.expr(x)).collect();
        Some(Value::List(items?))
    }

    /// One generator, its target a name or a tuple of names, no conditions.
    fn comprehension(&mut self, elt: &ast::Expr, gens: &[ast::Comprehension]) -> Option<Value> {
        let [g] = gens else {
            return None;
        };
        if !g.ifs.is_empty() || g.is_async {
            return None;
        }
        let names: Vec<String> = match &g.target {
            ast::Expr::Name(n) => vec![n.id.to_string()],
            ast::Expr::Tuple(t) => t
                .elts
                .iter()
                .map(|x| match x {
                    ast::Expr::Name(n) => Some(n.id.to_string()),
                    _ => None,
                })
                .collect::<Option<_>>()?,
            _ => return None,
        };
        let items = iterate(self.expr(&g.iter)?)?;
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            let bound: Vec<(String, Value)> = if names.len() == 1 {
                vec![(names[0].clone(), it)]
            } else {
                let Value::List(parts) = it else {
                    return None;
                };
                if parts.len() != names.len() {
                    return None;
                }
                names.iter().cloned().zip(parts).collect()
            };
            let depth = self.locals.len();
            self.locals.extend(bound);
            let v = self.expr(elt);
            self.locals.truncate(depth);
            out.push(v?);
        }
        Some(Value::List(out))
    }

    fn call(&mut self, c: &ast::ExprCall) -> Option<Value> {
        if !c.arguments.keywords.is_empty() {
            return None;
        }
        let args: Vec<Value> = c
            .arguments
            .args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Option<_>>()?;
        match c.func.as_ref() {
            ast::Expr::Name(n) => builtin(n.id.as_str(), args),
            ast::Expr::Attribute(a) => {
                if let ast::Expr::Name(m) = a.value.as_ref() {
                    let module = m.id.as_str();
                    if !self.locals.iter().any(|(k, _)| k == module)
                        && !self.consts.contains_key(module)
                    {
                        return module_function(module, a.attr.as_str(), args);
                    }
                }
                let receiver = self.expr(&a.value)?;
                method(receiver, a.attr.as_str(), args)
            }
            _ => None,
        }
    }
}

/// What a `for` over `v` yields.
fn iterate(v: Value) -> Option<Vec<Value>> {
    match v {
        Value::Str(s) => Some(s.chars().map(|c| Value::Str(c.to_string())).collect()),
        Value::Bytes(b) => Some(b.into_iter().map(|x| Value::Int(x as i64)).collect()),
        Value::List(l) => Some(l),
        Value::Int(_) | Value::Cycle(_) => None,
    }
}

fn binary(op: ast::Operator, l: Value, r: Value) -> Option<Value> {
    use ast::Operator as O;
    match (l, r) {
        (Value::Int(a), Value::Int(b)) => Some(Value::Int(match op {
            O::BitXor => a ^ b,
            O::BitAnd => a & b,
            O::BitOr => a | b,
            O::Add => a.checked_add(b)?,
            O::Sub => a.checked_sub(b)?,
            O::Mult => a.checked_mul(b)?,
            O::Mod if b != 0 => a.rem_euclid(b),
            O::FloorDiv if b != 0 => a.div_euclid(b),
            O::LShift if (0..63).contains(&b) => a.checked_shl(b as u32)?,
            O::RShift if (0..63).contains(&b) => a >> b,
            _ => return None,
        })),
        (Value::Str(a), Value::Str(b)) if op == O::Add => bounded(Value::Str(a + &b)),
        (Value::Bytes(mut a), Value::Bytes(b)) if op == O::Add => {
            a.extend(b);
            bounded(Value::Bytes(a))
        }
        _ => None,
    }
}

fn bounded(v: Value) -> Option<Value> {
    (v.size() <= MAX_LEN).then_some(v)
}

fn item(v: &Value, i: i64) -> Option<Value> {
    let at = |len: usize| -> Option<usize> {
        let i = if i < 0 { len as i64 + i } else { i };
        usize::try_from(i).ok().filter(|&i| i < len)
    };
    match v {
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Some(Value::Str(chars[at(chars.len())?].to_string()))
        }
        Value::Bytes(b) => Some(Value::Int(b[at(b.len())?] as i64)),
        Value::List(l) => Some(l[at(l.len())?].clone()),
        _ => None,
    }
}

/// `v[lo:hi:step]` with Python's clamping.
fn slice(v: Value, lo: Option<i64>, hi: Option<i64>, step: i64) -> Option<Value> {
    if step == 0 {
        return None;
    }
    fn pick<T: Clone>(xs: &[T], lo: Option<i64>, hi: Option<i64>, step: i64) -> Vec<T> {
        let len = xs.len() as i64;
        let norm = |x: i64| if x < 0 { (x + len).max(-1) } else { x.min(len) };
        let mut out = Vec::new();
        if step > 0 {
            let (mut i, end) = (lo.map_or(0, norm).max(0), hi.map_or(len, norm));
            while i < end {
                out.push(xs[i as usize].clone());
                i += step;
            }
        } else {
            let (mut i, end) = (lo.map_or(len - 1, norm).min(len - 1), hi.map_or(-1, norm));
            while i > end {
                out.push(xs[i as usize].clone());
                i += step;
            }
        }
        out
    }
    Some(match v {
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Value::Str(pick(&chars, lo, hi, step).into_iter().collect())
        }
        Value::Bytes(b) => Value::Bytes(pick(&b, lo, hi, step)),
        Value::List(l) => Value::List(pick(&l, lo, hi, step)),
        _ => return None,
    })
}

fn builtin(name: &str, args: Vec<Value>) -> Option<Value> {
    match (name, args.as_slice()) {
        ("chr", [Value::Int(i)]) => Some(Value::Str(
            char::from_u32(u32::try_from(*i).ok()?)?.to_string(),
        )),
        ("ord", [Value::Str(s)]) if s.chars().count() == 1 => {
            Some(Value::Int(s.chars().next()? as i64))
        }
        ("ord", [Value::Bytes(b)]) if b.len() == 1 => Some(Value::Int(b[0] as i64)),
        ("len", [v]) => Some(Value::Int(match v {
            Value::Str(s) => s.chars().count(),
            Value::Bytes(b) => b.len(),
            Value::List(l) => l.len(),
            _ => return None,
        } as i64)),
        ("int", [Value::Str(s), Value::Int(base)]) => {
            i64::from_str_radix(s.trim(), u32::try_from(*base).ok()?)
                .ok()
                .map(Value::Int)
        }
        ("int", [Value::Str(s)]) => s.trim().parse().ok().map(Value::Int),
        ("bytes" | "bytearray", [v]) => {
            let bytes: Option<Vec<u8>> = iterate(v.clone())?
                .into_iter()
                .map(|x| match x {
                    Value::Int(i) => u8::try_from(i).ok(),
                    _ => None,
                })
                .collect();
            Some(Value::Bytes(bytes?))
        }
        ("list", [v]) => Some(Value::List(iterate(v.clone())?)),
        ("reversed", [v]) => slice(v.clone(), None, None, -1).map(|x| match x {
            Value::Str(_) | Value::Bytes(_) => Value::List(iterate(x).unwrap_or_default()),
            other => other,
        }),
        ("range", [Value::Int(n)]) if (0..=MAX_LEN as i64).contains(n) => {
            Some(Value::List((0..*n).map(Value::Int).collect()))
        }
        ("range", [Value::Int(a), Value::Int(b)]) if (b - a) <= MAX_LEN as i64 => {
            Some(Value::List((*a..*b).map(Value::Int).collect()))
        }
        ("enumerate", [v]) => Some(Value::List(
            iterate(v.clone())?
                .into_iter()
                .enumerate()
                .map(|(i, x)| Value::List(vec![Value::Int(i as i64), x]))
                .collect(),
        )),
        ("zip", [a, b]) => {
            let left = iterate(a.clone())?;
            let right: Vec<Value> = match b {
                Value::Cycle(items) if !items.is_empty() => {
                    items.iter().cycle().take(left.len()).cloned().collect()
                }
                other => iterate(other.clone())?,
            };
            Some(Value::List(
                left.into_iter()
                    .zip(right)
                    .map(|(x, y)| Value::List(vec![x, y]))
                    .collect(),
            ))
        }
        _ => None,
    }
}

fn module_function(module: &str, name: &str, args: Vec<Value>) -> Option<Value> {
    let bytes_of = |v: &Value| match v {
        Value::Bytes(b) => Some(b.clone()),
        Value::Str(s) => Some(s.as_bytes().to_vec()),
        _ => None,
    };
    match (module, name, args.as_slice()) {
        ("itertools", "cycle", [v]) => Some(Value::Cycle(iterate(v.clone())?)),
        ("base64", "b64decode", [v]) => {
            let text = String::from_utf8(bytes_of(v)?).ok()?;
            super::decode::decode_base64_bytes(&text).map(Value::Bytes)
        }
        ("bytes", "fromhex", [Value::Str(s)]) => {
            let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            (0..clean.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(clean.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()
                .map(Value::Bytes)
        }
        ("zlib", "decompress", [v]) => {
            inflate(flate2::read::ZlibDecoder::new(&bytes_of(v)?[..])).map(Value::Bytes)
        }
        ("bz2", "decompress", [v]) => {
            inflate(bzip2::read::BzDecoder::new(&bytes_of(v)?[..])).map(Value::Bytes)
        }
        ("str", "maketrans", [Value::Str(from), Value::Str(to)])
            if from.chars().count() == to.chars().count() =>
        {
            Some(Value::List(
                from.chars()
                    .zip(to.chars())
                    .map(|(a, b)| Value::List(vec![Value::Int(a as i64), Value::Int(b as i64)]))
                    .collect(),
            ))
        }
        _ => None,
    }
}

/// A decompressor's whole output, when it is at most [`MAX_LEN`] bytes.
fn inflate(reader: impl Read) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    reader.take(MAX_LEN as u64 + 1).read_to_end(&mut out).ok()?;
    (out.len() <= MAX_LEN).then_some(out)
}

fn method(receiver: Value, name: &str, args: Vec<Value>) -> Option<Value> {
    match (receiver, name, args.as_slice()) {
        (Value::Str(sep), "join", [v]) => {
            let parts: Option<Vec<String>> = iterate(v.clone())?
                .into_iter()
                .map(|x| match x {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect();
            bounded(Value::Str(parts?.join(&sep)))
        }
        (Value::Bytes(sep), "join", [v]) => {
            let mut out = Vec::new();
            for (i, x) in iterate(v.clone())?.into_iter().enumerate() {
                if i > 0 {
                    out.extend(&sep);
                }
                match x {
                    Value::Bytes(b) => out.extend(b),
                    _ => return None,
                }
            }
            bounded(Value::Bytes(out))
        }
        (Value::Bytes(b), "decode", []) => Some(Value::Str(String::from_utf8(b).ok()?)),
        (Value::Bytes(b), "decode", [Value::Str(codec)]) => {
            match codec.to_ascii_lowercase().as_str() {
                "utf-8" | "utf8" | "ascii" => Some(Value::Str(String::from_utf8(b).ok()?)),
                "latin-1" | "latin1" | "iso-8859-1" => {
                    Some(Value::Str(b.into_iter().map(char::from).collect()))
                }
                _ => None,
            }
        }
        (Value::Str(s), "encode", [] | [Value::Str(_)]) => Some(Value::Bytes(s.into_bytes())),
        (Value::Str(s), "translate", [Value::List(table)]) => {
            let map: HashMap<u32, u32> = table
                .iter()
                .filter_map(|pair| match pair {
                    Value::List(ab) => match ab.as_slice() {
                        [Value::Int(a), Value::Int(b)] => Some((*a as u32, *b as u32)),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            Some(Value::Str(
                s.chars()
                    .map(|c| {
                        map.get(&(c as u32))
                            .and_then(|&m| char::from_u32(m))
                            .unwrap_or(c)
                    })
                    .collect(),
            ))
        }
        (Value::Str(s), "lower", []) => Some(Value::Str(s.to_lowercase())),
        (Value::Str(s), "upper", []) => Some(Value::Str(s.to_uppercase())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_parser::parse_expression;

    fn text(src: &str, consts: &Consts) -> Option<String> {
        let parsed = parse_expression(src).expect("an expression");
        match parsed.expr() {
            ast::Expr::Call(c) => decoded_text(c, consts),
            _ => None,
        }
    }

    #[test]
    fn character_arithmetic_and_repeating_key_xor_are_folded() {
        let mut consts = Consts::new();
        // "import os" with every character XOR 7.
        let hidden: String = "import os"
            .chars()
            .map(|c| char::from(c as u8 ^ 7))
            .collect();
        consts.insert("data".into(), Value::Str(hidden));
        assert_eq!(
            text("''.join(chr(ord(c) ^ 7) for c in data)", &consts).as_deref(),
            Some("import os")
        );
        let key = b"k3y";
        let xored: Vec<Value> = b"print(1)"
            .iter()
            .zip(key.iter().cycle())
            .map(|(a, b)| Value::Int((a ^ b) as i64))
            .collect();
        consts.insert("blob".into(), Value::List(xored));
        assert_eq!(
            text(
                "bytes(a ^ b for a, b in zip(blob, itertools.cycle(b'k3y'))).decode()",
                &consts
            )
            .as_deref(),
            Some("print(1)")
        );
        assert_eq!(
            text(
                "''.join([chr(x - 1) for x in [106, 110, 113, 112, 115, 117]])",
                &consts
            )
            .as_deref(),
            Some("import")
        );
    }

    #[test]
    fn translate_and_decompression_layers_are_folded() {
        let consts = Consts::new();
        assert_eq!(
            text(
                "'ohkab'.translate(str.maketrans('abhko', 'lvaxe'))",
                &consts
            )
            .as_deref(),
            Some("eaxlv")
        );
        // zlib.compress(b"import os") in base64.
        assert_eq!(
            text(
                "zlib.decompress(base64.b64decode('eJzLzC3ILypRyC8GABKHA54='))",
                &consts
            )
            .as_deref(),
            Some("import os")
        );
    }

    #[test]
    fn a_deep_expression_is_not_folded() {
        // 200 nested unary minuses: past the depth evaluated.
        let deep = format!("''.join(chr(c) for c in [{}66])", "-".repeat(200));
        assert_eq!(text(&deep, &Consts::new()), None);
    }

    #[test]
    fn unknown_names_and_runaway_sizes_are_not_folded() {
        let consts = Consts::new();
        assert_eq!(
            text("''.join(chr(ord(c) ^ 7) for c in data)", &consts),
            None
        );
        assert_eq!(
            text("''.join(chr(65) for c in range(10000000))", &consts),
            None
        );
    }
}
