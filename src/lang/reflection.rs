//! Reflective calls lowered to the plain call they make, so every detector sees the API
//! they reach whatever spelling the code chose.
//!
//! JavaScript: `f.call(self, a)`, `f.apply(self, [a])`, `f.bind(self, a)()`,
//! `Reflect.get(o, k)`, `Reflect.apply(f, self, [a])` and
//! `Object.getOwnPropertyDescriptor(o, k).value`. Python: `f.__call__(a)`,
//! `o.__getattribute__(k)`, `o.__dict__[k]` and `vars(o)[k]` (`getattr` is resolved by
//! the facts pass itself). The frontends call these on every call they lower. A call that
//! reached its function through a key-taking reflection API (`Reflect.get`, a property
//! descriptor, `__getattribute__`, `__dict__`, `vars`, `getattr`, `__import__`) or Python's
//! `__call__` is marked [`Call::reflective`]: that is how code hides what it calls from a
//! reader and a grep (`hidden-api-call`). JavaScript's `f.call`/`f.apply`/`f.bind` alone are
//! not: every wrapper that forwards `this` and `arguments` to the function it wraps
//! (instrumentation, polyfills, bundlers) writes them.

use super::ir::{Call, Expr};

/// The most reflective wrappers unwrapped from one call (`f.call.call(...)` nests).
const MAX_UNWRAP: usize = 8;

/// A JavaScript call with its reflective wrappers removed.
pub fn js_call(mut call: Call) -> Call {
    for _ in 0..MAX_UNWRAP {
        let Some((func, args)) = js_unwrap(&call.func, &call.args) else {
            break;
        };
        call.reflective |= through_reflect(&call.func);
        call.func = func;
        call.args = args;
    }
    call
}

/// One layer of JavaScript reflection around a called function: the function and the
/// arguments it really receives.
fn js_unwrap(func: &Expr, args: &[Expr]) -> Option<(Expr, Vec<Expr>)> {
    match func {
        // `Reflect.apply(f, self, [a, b])` is `f(a, b)`.
        Expr::Attr(o, m) if m == "apply" && is_name(o, "Reflect") => {
            let f = args.first()?;
            Some((
                js_member(f).unwrap_or_else(|| f.clone()),
                spread(args.get(2)),
            ))
        }
        // `f.call(self, a, b)` is `f(a, b)`.
        Expr::Attr(f, m) if m == "call" => Some((
            js_member(f).unwrap_or_else(|| (**f).clone()),
            args.iter().skip(1).cloned().collect(),
        )),
        // `f.apply(self, [a, b])` is `f(a, b)`.
        Expr::Attr(f, m) if m == "apply" => Some((
            js_member(f).unwrap_or_else(|| (**f).clone()),
            spread(args.get(1)),
        )),
        Expr::Call(inner) => match &inner.func {
            // `f.bind(self, a)(b)` is `f(a, b)`.
            Expr::Attr(f, m) if m == "bind" => {
                let mut all: Vec<Expr> = inner.args.iter().skip(1).cloned().collect();
                all.extend(args.iter().cloned());
                Some((js_member(f).unwrap_or_else(|| (**f).clone()), all))
            }
            _ => js_member(func).map(|member| (member, args.to_vec())),
        },
        Expr::Attr(..) => js_member(func).map(|member| (member, args.to_vec())),
        _ => None,
    }
}

/// Whether a called expression goes through `Reflect` or a property descriptor: the
/// forms that take the member's name as a key.
fn through_reflect(func: &Expr) -> bool {
    let mut e = func;
    loop {
        if is_member_of(e, "Reflect", "apply") {
            return true;
        }
        match e {
            Expr::Call(c) if is_member_of(&c.func, "Reflect", "get") => return true,
            Expr::Call(c) if is_member_of(&c.func, "Object", "getOwnPropertyDescriptor") => {
                return true
            }
            Expr::Attr(o, _) => e = o,
            Expr::Call(c) => e = &c.func,
            _ => return false,
        }
    }
}

/// A member reached through `Reflect.get(o, k)` or
/// `Object.getOwnPropertyDescriptor(o, k).value`, as the plain `o[k]`; `None` for
/// anything else (most calls: nothing is copied for them).
fn js_member(e: &Expr) -> Option<Expr> {
    let index = |c: &Call| Expr::Index(Box::new(c.args[0].clone()), Box::new(c.args[1].clone()));
    match e {
        Expr::Call(c) if is_member_of(&c.func, "Reflect", "get") && c.args.len() >= 2 => {
            Some(index(c))
        }
        Expr::Attr(o, v) if v == "value" => match o.as_ref() {
            Expr::Call(c)
                if is_member_of(&c.func, "Object", "getOwnPropertyDescriptor")
                    && c.args.len() == 2 =>
            {
                Some(index(c))
            }
            _ => None,
        },
        _ => None,
    }
}

/// A Python call with its reflective wrappers removed. Calls of a member of what
/// `getattr`, `__import__` or `importlib.import_module` return are reflective too
/// (`__import__('os').system(c)`).
pub fn python_call(mut call: Call) -> Call {
    for _ in 0..MAX_UNWRAP {
        let func = match &call.func {
            // `f.__call__(a)` is `f(a)`.
            Expr::Attr(f, m) if m == "__call__" => {
                python_member(f, call.line).unwrap_or_else(|| (**f).clone())
            }
            other => match python_member(other, call.line) {
                Some(member) => member,
                None => break,
            },
        };
        call.func = func;
        call.reflective = true;
    }
    let mut base = &call.func;
    while let Expr::Attr(o, _) | Expr::Index(o, _) = base {
        base = o;
    }
    if let Expr::Call(c) = base {
        let reflector = match &c.func {
            Expr::Name(n) => matches!(n.as_str(), "getattr" | "__import__"),
            f => is_member_of(f, "importlib", "import_module"),
        };
        call.reflective |= reflector;
    }
    call
}

/// `o.__getattribute__(k)`, `o.__dict__[k]` and `vars(o)[k]` as `getattr(o, k)` (on the
/// call's `line`); `None` for anything else.
fn python_member(e: &Expr, line: u32) -> Option<Expr> {
    let getattr = |o: &Expr, k: &Expr| {
        Expr::Call(Box::new(Call {
            func: Expr::Name("getattr".into()),
            args: vec![o.clone(), k.clone()],
            kwargs: vec![],
            line,
            reflective: true,
        }))
    };
    match e {
        Expr::Call(c) if c.args.len() == 1 => match &c.func {
            Expr::Attr(o, m) if m == "__getattribute__" => Some(getattr(o, &c.args[0])),
            _ => None,
        },
        Expr::Index(o, k) => match o.as_ref() {
            Expr::Attr(inner, m) if m == "__dict__" => Some(getattr(inner, k)),
            Expr::Call(c) if is_name(&c.func, "vars") && c.args.len() == 1 => {
                Some(getattr(&c.args[0], k))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The arguments an argument array spreads into: its items when it is a literal, else the
/// whole array as one unknown argument (its data still flows).
fn spread(array: Option<&Expr>) -> Vec<Expr> {
    match array {
        None => vec![],
        Some(Expr::Seq(items)) => items.clone(),
        Some(other) => vec![Expr::Other(vec![other.clone()])],
    }
}

fn is_name(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Name(n) if n == name)
}

fn is_member_of(e: &Expr, object: &str, member: &str) -> bool {
    matches!(e, Expr::Attr(o, m) if m == member && is_name(o, object))
}

#[cfg(test)]
mod tests {
    use crate::archive::limits::Limits;
    use crate::lang::facts::Indirection;
    use crate::lang::{analyse, Lang};

    /// The call of `want` in `src`, with how it was named.
    fn reached(lang: Lang, src: &str, want: &str) -> Option<Option<Indirection>> {
        analyse(lang, src, &Limits::default())
            .calls
            .into_iter()
            .find(|c| c.callee == want)
            .map(|c| c.indirection)
    }

    #[test]
    fn javascript_reflection_reaches_the_api() {
        use Indirection::{Reflected, Spelled};
        let cp = "const p = require('child_process');\nvar str = 'spawn';\n";
        for (call, how) in [
            ("p.spawn('node', ['x.js'])", None),
            ("p['spawn']('node', ['x.js'])", Some(Reflected)),
            ("p['spawn'].call(p, 'node', ['x.js'])", Some(Reflected)),
            ("p['spawn'].apply({}, ['node', ['x.js']])", Some(Reflected)),
            ("p['spawn'].bind({}, 'node', ['x.js'])()", Some(Reflected)),
            ("p['sp' + 'awn']('node')", Some(Spelled)),
            ("p[str]('node')", Some(Reflected)),
            (
                "p[Buffer.from('c3Bhd24=', 'base64').toString('utf-8')]('node')",
                Some(Spelled),
            ),
            (
                "p[String.fromCharCode(0x73, 0x70, 0x61, 0x77, 0x6e)]('node')",
                Some(Spelled),
            ),
            (
                "p[Buffer.from([0x73, 0x70, 0x61, 0x77, 0x6e]).toString()]('node')",
                Some(Spelled),
            ),
            ("p[\"\\x73\\x70\\x61\\x77\\x6e\"]('node')", Some(Spelled)),
            ("Reflect.get(p, 'spawn')('node')", Some(Reflected)),
            ("Reflect.get(p, 'spawn').call(p, 'node')", Some(Reflected)),
            ("Reflect.apply(p.spawn, p, ['node'])", Some(Reflected)),
            (
                "Object.getOwnPropertyDescriptor(p, 'spawn').value('node')",
                Some(Reflected),
            ),
            (
                "Object.getOwnPropertyDescriptor(p, 'spawn').value.bind({}, 'node')()",
                Some(Reflected),
            ),
            (
                "p[Object.keys(p).find(name => name === 'spawn')]('node')",
                Some(Spelled),
            ),
            (
                "p[Object.getOwnPropertyNames(p).find(n => n === 'spawn')].call(p, 'node')",
                Some(Spelled),
            ),
            (
                "Object.entries(p).find(([name, _]) => name === \"spawn\")[1]('node')",
                Some(Spelled),
            ),
            (
                "Object.entries(p).filter(([k]) => k === 'spawn')[0][1].apply({}, ['node'])",
                Some(Spelled),
            ),
        ] {
            let src = format!("{cp}{call};");
            assert_eq!(
                reached(Lang::JavaScript, &src, "child_process.spawn"),
                Some(how),
                "{call}"
            );
        }
        // The real arguments survive the unwrapping.
        let facts = analyse(
            Lang::JavaScript,
            &format!("{cp}p.exec.call(null, 'id');"),
            &Limits::default(),
        );
        assert!(facts.calls.iter().any(|c| c.callee == "sh.id"), "{facts:?}");
    }

    #[test]
    fn python_reflection_reaches_the_api() {
        use Indirection::{Reflected, Spelled};
        let head = "import os, base64\nfunc = 'system'\n";
        for (call, how) in [
            ("os.system('id')", None),
            ("os.__dict__['system']('id')", Some(Reflected)),
            ("os.__dict__['sys' + 'tem']('id')", Some(Spelled)),
            ("os.__dict__[func]('id')", Some(Reflected)),
            (
                "os.__dict__[base64.b64decode('c3lzdGVt').decode('utf-8')]('id')",
                Some(Spelled),
            ),
            (
                "os.__dict__[bytes.fromhex('73797374656d').decode('utf-8')]('id')",
                Some(Spelled),
            ),
            ("os.__dict__['system'].__call__('id')", Some(Reflected)),
            ("os.__getattribute__('system')('id')", Some(Reflected)),
            (
                "os.__getattribute__('system').__call__('id')",
                Some(Reflected),
            ),
            ("getattr(os, 'system')('id')", Some(Reflected)),
            ("getattr(os, 'sys' + 'tem')('id')", Some(Spelled)),
            ("__import__('os').system('id')", Some(Reflected)),
            (
                "__import__('os').__dict__['system'].__call__('id')",
                Some(Reflected),
            ),
            (
                "getattr(__import__('os'), 'system').__call__('id')",
                Some(Reflected),
            ),
            ("vars(os)['system']('id')", Some(Reflected)),
        ] {
            let src = format!("{head}{call}\n");
            assert_eq!(
                reached(Lang::Python, &src, "os.system"),
                Some(how),
                "{call}"
            );
        }
    }
}
