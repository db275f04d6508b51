//! The small intermediate representation every language frontend lowers to.
//!
//! Python, JavaScript and Ruby all become this tree, and one pass
//! (`facts.rs`) resolves aliases, folds constants and tracks data flow over it, so a
//! behaviour detector is written once for every language. Control flow is flattened:
//! the bodies of `if`, `for`, `try` and `with` become statements of the enclosing scope,
//! because a payload behind `if os.name == "nt":` runs just the same.

/// An expression, reduced to what detectors need.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A string literal (bytes literals are decoded lossily).
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A bare identifier.
    Name(String),
    /// `object.attribute`.
    Attr(Box<Expr>, String),
    /// `object[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `object[::-1]`: the reversed sequence, a common obfuscation.
    Reversed(Box<Expr>),
    /// A call.
    Call(Box<Call>),
    /// Operands of a `+` chain (kept flat so long chains do not nest).
    Concat(Vec<Expr>),
    /// `left / right`: path joining with `pathlib`.
    PathJoin(Box<Expr>, Box<Expr>),
    /// `"fmt" % args`: printf-style formatting.
    Percent(Box<Expr>, Box<Expr>),
    /// An f-string or template literal: literal and interpolated parts in order.
    Template(Vec<Expr>),
    /// A list, tuple, set or array literal.
    Seq(Vec<Expr>),
    /// A dict or object literal.
    Dict(Vec<(Expr, Expr)>),
    /// A function literal (lambda, arrow function, block): its body is analysed in place.
    Lambda(Vec<Stmt>),
    /// What a call of this callee returns, as a callback parameter receives it
    /// (`https.get(u, res => ...)`: `res`), so labels flow into callbacks; with the
    /// call's first argument when it is small (`fs.readFile(cred, (e, data) => ...)`:
    /// `data` is the credential file's content).
    ResultOf(Box<Expr>, Option<Box<Expr>>),
    /// A literal spelled in escapes that hide readable text (`"\x65\x76\x61\x6c"`):
    /// its value, carrying the `decoded` label.
    Decoded(Box<Expr>),
    /// Any other expression; its children are kept so calls inside are still seen.
    Other(Vec<Expr>),
}

/// Expressions copied into a callback's [`Expr::ResultOf`] hold at most this many nodes.
const SMALL_EXPR_NODES: usize = 64;

impl Expr {
    /// A copy of this expression when it holds no function literal and at most
    /// [`SMALL_EXPR_NODES`] nodes: what a callback's parameter is bound to may name its
    /// call's first argument without nested callbacks copying each other's bodies.
    pub fn small_copy(&self) -> Option<Expr> {
        let mut budget = SMALL_EXPR_NODES;
        self.is_small(&mut budget).then(|| self.clone())
    }

    fn is_small(&self, budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match self {
            Expr::Str(_) | Expr::Int(_) | Expr::Name(_) => true,
            Expr::Lambda(_) | Expr::ResultOf(..) => false,
            Expr::Attr(x, _) | Expr::Reversed(x) | Expr::Decoded(x) => x.is_small(budget),
            Expr::Index(a, b) | Expr::PathJoin(a, b) | Expr::Percent(a, b) => {
                a.is_small(budget) && b.is_small(budget)
            }
            Expr::Call(c) => {
                c.func.is_small(budget)
                    && c.args.iter().all(|a| a.is_small(budget))
                    && c.kwargs.iter().all(|(_, v)| v.is_small(budget))
            }
            Expr::Concat(xs) | Expr::Template(xs) | Expr::Seq(xs) | Expr::Other(xs) => {
                xs.iter().all(|x| x.is_small(budget))
            }
            Expr::Dict(kv) => kv
                .iter()
                .all(|(k, v)| k.is_small(budget) && v.is_small(budget)),
        }
    }
}

/// A call expression: `func(args, keyword=value)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub func: Expr,
    pub args: Vec<Expr>,
    pub kwargs: Vec<(String, Expr)>,
    pub line: u32,
    /// The frontend reached the function through reflection (`f.call(...)`,
    /// `Reflect.get(o, k)(...)`, `getattr(o, k)(...)`); see `reflection.rs`.
    pub reflective: bool,
}

/// What a definition defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    Function,
    Class,
}

/// A statement, reduced to what detectors need.
/// The scope of a Python `if __name__ == "__main__":` block: code that runs when the file
/// is started as a program, never when it is imported.
pub const MAIN_SCOPE: &str = "__main__";

/// The scope of a Python block that runs only for a maintainer's own setup.py command,
/// `if sys.argv[-1] == "publish":`: pip never passes such a command, so the block never
/// runs when the package is installed (see `python::is_maintainer_command_guard`).
pub const MAINTAINER_SCOPE: &str = "__maintainer_command__";

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `import a.b as c` (alias `c`), `import a.b` (binds `a`), `require("a")` bound to a name.
    Import {
        module: String,
        alias: Option<String>,
        line: u32,
    },
    /// `from module import name as alias`; `name == "*"` for star imports.
    ImportFrom {
        module: String,
        name: String,
        alias: Option<String>,
        line: u32,
    },
    /// `targets = value`.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
        line: u32,
    },
    /// An expression evaluated for its effect (or a condition...).
    Eval { value: Expr, line: u32 },
    /// A function's result: calls of the function carry its labels. Frontends may lower
    /// `return x` as `Eval` instead, losing only that flow.
    Return { value: Expr, line: u32 },
    /// A function or class definition with its body.
    Def {
        name: String,
        kind: DefKind,
        /// A function's parameter names in order, so a call can bind its arguments to them
        /// (empty for classes, and where a frontend does not record them).
        params: Vec<String>,
        bases: Vec<Expr>,
        body: Vec<Stmt>,
        line: u32,
    },
}

/// The result of lowering one source file.
#[derive(Debug, Default)]
pub struct Module {
    pub body: Vec<Stmt>,
    /// Every string literal with its line, including those in positions `body` drops.
    pub strings: Vec<(String, u32)>,
    /// The syntax errors the parser found (and recovered from), or why it could not parse.
    pub parse_error: Option<String>,
    /// Set when nesting exceeded the depth limit and deeper code was cut off.
    pub truncated: bool,
    /// Why the parser could not read the whole file (it stopped at its deadline), if so.
    pub unparsed: Option<String>,
    /// Set when `return` values only fold (calls of small local functions) and carry no
    /// labels to callers. Python's labels are kept per name for the whole file, so a
    /// helper's result (an SDK's auth headers, a wrapper returning a response) would
    /// taint every caller.
    pub returns_fold_only: bool,
}

/// Byte offset to 1-based line number.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}
