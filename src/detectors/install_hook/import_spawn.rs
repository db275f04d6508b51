//! Processes a library starts the moment it is imported: a second Python interpreter
//! running code the package does not ship (`python3 -c "from other import payload"`, a
//! script at a computed path), or `pip install` pulling more code in. Importing a library
//! never needs either; both are how droppers hand over to a stage the archive hides.

use super::IMPORT_SPAWN;
use crate::detectors::{calls, Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};
use std::collections::HashSet;

pub const DETECTOR: Detector = Detector {
    rules: &[&IMPORT_SPAWN],
    run,
};

/// Standard modules a spawned interpreter imports to report on the environment
/// (`python -c "import sys; print(sys.prefix)"`): asking, not running a payload.
const INTROSPECTION: &[&str] = &[
    "sys",
    "os",
    "json",
    "platform",
    "sysconfig",
    "site",
    "struct",
    "ctypes",
    "importlib",
    "distutils",
    "setuptools",
    "multiprocessing",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    let shipped = shipped_names(ctx);
    for (f, c) in calls(ctx) {
        if c.shell.is_none() || f.call_phase(c) != Phase::Import {
            continue;
        }
        let words: Vec<&str> = c.args.iter().filter_map(|a| a.text.as_deref()).collect();
        let program = c.callee.trim_start_matches("sh.").to_ascii_lowercase();
        let Some(finding) = judge(&program, &words, &shipped) else {
            continue;
        };
        let (severity, confidence, what) = finding;
        out.push(IMPORT_SPAWN.at_call(f, c, severity, confidence, format!("on import, {what}")));
    }
}

/// Severity, confidence and description of one started command, if it is one this rule
/// reports.
fn judge(
    program: &str,
    words: &[&str],
    shipped: &HashSet<String>,
) -> Option<(Severity, Confidence, String)> {
    let args = words.get(1..).unwrap_or_default();
    let is_pip =
        program.starts_with("pip") && program[3..].chars().all(|c| c.is_ascii_digit() || c == '.');
    let is_python = program.starts_with("python") || program == "py";
    let pip_args = if is_pip {
        Some(args)
    } else if is_python && args.starts_with(&["-m", "pip"]) {
        Some(&args[2..])
    } else {
        None
    };
    if let Some(pip_args) = pip_args {
        if !pip_args.contains(&"install") {
            return None;
        }
        // A source outside the index (`git+https://...`, an archive URL, another index)
        // is code nobody reviewed, chosen by the package.
        let outside = pip_args.iter().find(|a| {
            a.contains("://")
                || ["git+", "hg+", "svn+", "bzr+"]
                    .iter()
                    .any(|v| a.starts_with(v))
                || [
                    "-i",
                    "--index-url",
                    "--extra-index-url",
                    "-f",
                    "--find-links",
                ]
                .contains(a)
        });
        return Some(match outside {
            Some(_) => (
                Severity::High,
                Confidence::High,
                format!("installs code with `{}`", words.join(" ")),
            ),
            None => (
                Severity::Medium,
                Confidence::Medium,
                format!("runs `{}`", words.join(" ")),
            ),
        });
    }
    if !is_python {
        return None;
    }
    match args.first().copied() {
        Some("-c") => {
            let code = args.get(1)?;
            let foreign: Vec<&str> = imported_modules(code)
                .into_iter()
                .filter(|m| !INTROSPECTION.contains(m) && !shipped.contains(*m))
                .collect();
            let module = foreign.first()?;
            Some((
                Severity::High,
                Confidence::High,
                format!("starts a second Python that imports `{module}`, which the package does not ship"),
            ))
        }
        Some("-m") => {
            let module = args.get(1)?.split('.').next()?;
            (!INTROSPECTION.contains(&module) && !shipped.contains(module)).then(|| {
                (
                    Severity::High,
                    Confidence::High,
                    format!("starts `python -m {module}`, a module the package does not ship"),
                )
            })
        }
        Some(script) if !script.starts_with('-') => {
            let base = script.rsplit(['/', '\\']).next().unwrap_or(script);
            (base.contains("{?}") || !shipped.contains(base)).then(|| {
                (
                    Severity::High,
                    Confidence::High,
                    format!("starts the Python script `{script}`, which the package does not ship"),
                )
            })
        }
        _ => None,
    }
}

/// The top-level modules a snippet of Python imports (`import a.b, c` and `from d import
/// e` give a, c and d), read from the text: the snippet is a one-liner.
fn imported_modules(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for stmt in code.split([';', '\n']) {
        let stmt = stmt.trim();
        if let Some(rest) = stmt.strip_prefix("import ") {
            out.extend(rest.split(',').filter_map(|m| m.split_whitespace().next()));
        } else if let Some(rest) = stmt.strip_prefix("from ") {
            out.extend(rest.split_whitespace().next());
        }
    }
    out.into_iter()
        .filter_map(|m| m.split('.').next())
        .filter(|m| !m.is_empty())
        .collect()
}

/// Every folder name, module name and file name in the package: what it ships.
fn shipped_names(ctx: &Ctx) -> HashSet<String> {
    let mut names = HashSet::new();
    for e in &ctx.package.entries {
        let path = e.path.rsplit('!').next().unwrap_or(&e.path);
        for part in path.split('/') {
            names.insert(part.to_string());
            if let Some(stem) = part.strip_suffix(".py") {
                names.insert(stem.to_string());
            }
        }
    }
    names
}
