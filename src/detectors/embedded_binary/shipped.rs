//! Which native executables the package ships and its own code starts: a command (a
//! shell command, an npm script, the command line of `subprocess`, `child_process` or
//! Ruby's `system`) whose program names a file of the package that is an ELF, PE or
//! Mach-O by its magic bytes, and the phase the command runs in.
//!
//! A program is named from the working directory, which at install is the package's
//! root (pip runs setup.py there, npm runs lifecycle scripts there), or from the running
//! script's own folder, which the analysis cannot spell (`path.join(__dirname, "x")`,
//! `os.path.join(os.path.dirname(__file__), "x")` fold to `{?}/x`). So a relative path is
//! looked up under the root, then under the script's folder (where `gem install` runs
//! extconf.rb); a path whose head is unknown (`{?}/x`, `$DIR/x`,
//! `%INIT_CWD%/x`) under the script's folder and under the root; a path through the
//! package's own install folder (`./node_modules/<name>/x`) under the root; and a bare
//! name only when it names a Windows program (`dropper.exe`): cmd.exe looks in the
//! working directory first, a Unix shell only in `PATH`.

use crate::analysis::SourceFile;
use crate::archive::sniff::executable_kind;
use crate::archive::Entry;
use crate::detectors::{calls, Ctx};
use crate::finding::Phase;
use crate::lang::facts::CallFact;
use crate::lang::workdir;
use std::collections::HashMap;

/// A shipped executable started by the package's code.
pub struct ShippedRun<'a> {
    pub file: &'a SourceFile,
    /// The command (`sh.<program>`) that starts it.
    pub call: &'a CallFact,
    /// The executable's entry.
    pub entry: &'a Entry,
    /// `ELF`, `PE` or `Mach-O`.
    pub kind: &'static str,
    pub phase: Phase,
}

/// Windows programs that run the file they are handed: `start x.exe`, `cmd /c x.exe`,
/// `rundll32 x.dll,Entry`, `regsvr32 /s x.dll`, and `wine x.exe` elsewhere. Unix wrappers
/// (`nohup`, `setsid`, `env`) are unwrapped by the shell parser already.
const LAUNCHERS: &[&str] = &["start", "cmd", "rundll32", "regsvr32", "wine"];

/// Extensions of programs cmd.exe finds in the working directory by bare name.
const WINDOWS_PROGRAMS: &[&str] = &[".exe", ".com", ".scr"];

/// Every command of the package that starts an executable the package ships.
pub fn shipped_runs<'a>(ctx: &'a Ctx) -> Vec<ShippedRun<'a>> {
    let mut out = Vec::new();
    let mut executables: Option<HashMap<&str, (&Entry, &'static str)>> = None;
    for (file, call) in calls(ctx) {
        if call.shell.is_none() || call.args.is_empty() {
            continue;
        }
        let executables = executables.get_or_insert_with(|| {
            ctx.package
                .entries
                .iter()
                .filter_map(|e| executable_kind(&e.data).map(|k| (e.path.as_str(), (e, k))))
                .collect()
        });
        if executables.is_empty() {
            break;
        }
        let program = call.callee.trim_start_matches("sh.").to_ascii_lowercase();
        let launcher = LAUNCHERS.contains(&program.strip_suffix(".exe").unwrap_or(&program));
        let words = call.args.iter().take(if launcher { usize::MAX } else { 1 });
        let found = words
            .filter_map(|w| w.text.as_deref())
            // `rundll32 x.dll,Entry`: the file is before the comma.
            .map(|w| w.split(',').next().unwrap_or(w))
            .flat_map(|w| candidates(ctx, file, w))
            .find_map(|path| lookup(executables, &path));
        if let Some((entry, kind)) = found {
            out.push(ShippedRun {
                file,
                call,
                entry,
                kind,
                phase: file.call_phase(call),
            });
        }
    }
    out
}

/// The executable at `path`. A part the analysis could not fold (`{?}`, a platform or
/// architecture: `bin/{?}/tool`, `tool-{?}`) stands for any text within one folder name,
/// as long as the file name keeps a letter of its own: `bin/{?}` could be anything.
fn lookup<'a>(
    executables: &HashMap<&str, (&'a Entry, &'static str)>,
    path: &str,
) -> Option<(&'a Entry, &'static str)> {
    if let Some(found) = executables.get(path) {
        return Some(*found);
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if !path.contains(HOLE) || name.replace(HOLE, "").is_empty() {
        return None;
    }
    executables
        .iter()
        .filter(|(p, _)| matches_holes(path, p))
        .min_by_key(|(p, _)| *p)
        .map(|(_, found)| *found)
}

/// How folded text marks a part it could not know.
const HOLE: &str = "{?}";

/// Whether `path` matches `pattern`, where each `{?}` stands for any text without `/`
/// (the first place the text after it follows).
fn matches_holes(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split(HOLE);
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let mut parts = parts.peekable();
    while let Some(part) = parts.next() {
        let split = if parts.peek().is_none() {
            rest.strip_suffix(part).map(|hole| (hole, ""))
        } else {
            rest.find(part)
                .map(|at| (&rest[..at], &rest[at + part.len()..]))
        };
        match split {
            Some((hole, after)) if !hole.contains('/') => rest = after,
            _ => return false,
        }
    }
    rest.is_empty()
}

/// The package paths a command word may name, most likely first (see the module doc).
pub fn candidates(ctx: &Ctx, file: &SourceFile, word: &str) -> Vec<String> {
    let word = word.replace('\\', "/");
    let root = ctx.package.root.as_str();
    let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
    if let Some(tail) = unknown_head(&word) {
        return vec![join(dir, tail), join(root, tail)];
    }
    if !workdir::is_relative(&word) {
        return Vec::new();
    }
    let plain = word.trim_start_matches("./");
    let own = format!("node_modules/{}/", ctx.package.name);
    if let Some(rest) = plain.strip_prefix(own.as_str()) {
        return vec![join(root, rest)];
    }
    let lower = word.to_ascii_lowercase();
    if word.contains('/') || WINDOWS_PROGRAMS.iter().any(|x| lower.ends_with(x)) {
        return vec![join(root, &word), join(dir, &word)];
    }
    Vec::new()
}

/// The relative rest of a path whose first component is unknown to the analysis: a
/// folded hole (`{?}/bin/x`) or a variable (`$DIR/x`, `${DIR}/x`, `%INIT_CWD%/x`).
fn unknown_head(word: &str) -> Option<&str> {
    let (head, tail) = word.split_once('/')?;
    let variable = |h: &str| {
        h.strip_prefix('$').is_some_and(|v| {
            let v = v
                .strip_prefix('{')
                .and_then(|v| v.strip_suffix('}'))
                .unwrap_or(v);
            !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) || h.len() > 2 && h.starts_with('%') && h.ends_with('%')
    };
    (head == "{?}" || variable(head)).then_some(tail)
}

/// `rel` under the folder `dir` (a package path, empty for the archive's top).
fn join(dir: &str, rel: &str) -> String {
    let rel = rel.trim_start_matches("./");
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        rel.to_string()
    } else {
        workdir::resolve(dir, rel)
    }
}

#[cfg(test)]
mod tests {
    use super::{matches_holes, unknown_head};

    #[test]
    fn holes_stand_for_text_within_one_folder_name() {
        assert!(matches_holes("p/bin/{?}/tool", "p/bin/linux-x64/tool"));
        assert!(matches_holes("p/bin/tool-{?}", "p/bin/tool-linux"));
        assert!(matches_holes("p/{?}-{?}/tool", "p/linux-x64/tool"));
        assert!(!matches_holes("p/bin/{?}/tool", "p/bin/a/b/tool"));
        assert!(!matches_holes("p/bin/{?}/tool", "p/bin/linux/tool2"));
        assert!(!matches_holes("p/bin/{?}/tool", "q/bin/linux/tool"));
    }

    #[test]
    fn unknown_heads_are_holes_and_variables() {
        assert_eq!(unknown_head("{?}/bin/x"), Some("bin/x"));
        assert_eq!(unknown_head("$DIR/x"), Some("x"));
        assert_eq!(unknown_head("${DIR}/x"), Some("x"));
        assert_eq!(unknown_head("%INIT_CWD%/src/a.js"), Some("src/a.js"));
        assert_eq!(unknown_head("bin/x"), None);
        assert_eq!(unknown_head("/usr/bin/x"), None);
        assert_eq!(unknown_head("~/x"), None);
    }
}
