//! When code runs, spread from the files that run unasked to what they import, start and
//! call. Both passes are worklists over an index of the package's modules: a file is
//! looked at again only when something about it changed, so the cost grows with the
//! number of imports and calls, not with files × imports × rounds.

use super::modules::ModuleIndex;
use super::SourceFile;
use crate::finding::Phase;
use crate::lang::catalog::Kinds;
use crate::lang::shell;
use std::collections::{HashSet, VecDeque};

/// A module imported by code that runs unasked runs unasked too: `__init__.py` doing
/// `from .core import x` runs `core.py`'s top level on import, setup.py importing a
/// local helper runs it at install, and so does an npm install script's
/// `require('./lib/x')` or an extconf.rb's `require_relative 'x'`; a file such code
/// starts as a program (`os.system(f"{sys.executable} payload.py")`) runs then too.
pub fn imports(files: &mut [SourceFile], index: &ModuleIndex) {
    let unasked = |f: &SourceFile| matches!(f.phase, Phase::Install | Phase::Import);
    let mut queued: Vec<bool> = files.iter().map(unasked).collect();
    let mut queue: VecDeque<usize> = (0..files.len()).filter(|&i| queued[i]).collect();
    // What each file loads, computed the first time it is needed.
    let mut loads: Vec<Option<Vec<usize>>> = vec![None; files.len()];
    while let Some(i) = queue.pop_front() {
        queued[i] = false;
        let phase = files[i].phase;
        let targets = loads[i].get_or_insert_with(|| loaded_files(files, index, i));
        // A test package's `__init__.py` importing its tests does not make them
        // package code.
        let from_package =
            files[i].reached || !crate::detectors::paths::is_dev_file(&files[i].path);
        for &j in targets.iter() {
            let f = &mut files[j];
            let mut changed = from_package && !f.reached;
            f.reached |= from_package;
            // Install is the stronger claim: a package module started by setup.py runs
            // at install, not only on import.
            let weaker = match phase {
                Phase::Install => matches!(f.phase, Phase::Runtime | Phase::Import),
                _ => f.phase == Phase::Runtime,
            };
            if weaker {
                f.phase = phase;
                changed = true;
            }
            if changed && unasked(f) && !queued[j] {
                queued[j] = true;
                queue.push_back(j);
            }
        }
    }
}

/// The files file `i` imports or starts.
fn loaded_files(files: &[SourceFile], index: &ModuleIndex, i: usize) -> Vec<usize> {
    let mut out: Vec<usize> = files[i]
        .facts
        .imports
        .iter()
        .flat_map(|(m, _)| index.resolve(files, i, m))
        .collect();
    for name in started_files(&files[i]) {
        out.extend_from_slice(index.named(&name));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Source files a file starts as a process or runs as code (`os.system(f"{sys.executable}
/// {here}/payload.py")`, `runpy.run_path("x.py")`), by base name. A command inside a
/// command line (an npm script) starts a file when the file is the program
/// (`./setup.sh`) or an interpreter's script (`node install.js`); other tools' file
/// arguments are their input or output (`browserify -o bundle.js lib/index.js`).
fn started_files(file: &SourceFile) -> HashSet<String> {
    let runs = Kinds::SPAWN.or(Kinds::EXEC);
    let mut out = HashSet::new();
    for c in &file.facts.calls {
        let texts = || c.args.iter().filter_map(|a| a.text.as_deref());
        if c.shell.is_some() {
            let program = c.callee.trim_start_matches("sh.");
            let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
            if is_script(base) {
                out.insert(base.to_string());
            } else if shell::NODE_RUNNERS.contains(&base) || shell::SCRIPT_RUNNERS.contains(&base) {
                out.extend(texts().skip(1).flat_map(script_names));
            }
        } else if c.kinds.has(runs) || c.callee.starts_with("runpy.") {
            out.extend(texts().flat_map(script_names));
        }
    }
    out
}

fn is_script(word: &str) -> bool {
    [".py", ".js", ".cjs", ".mjs", ".rb", ".sh"]
        .iter()
        .any(|e| word.ends_with(e))
}

/// The script file names a command line's text mentions.
fn script_names(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split([' ', '"', '\'', '/', '\\'])
        .filter(|w| is_script(w))
        .map(str::to_string)
}

/// A function called by install-time code runs at install, wherever it is defined:
/// a cmdclass `run()` calling `helpers.beacon()` makes `beacon` in the package's
/// `helpers` module install-time code; a bare `beacon()` means the caller's own file.
/// A file is looked at again when one of its functions became install-time code, and
/// each call is followed once.
pub fn install_calls(files: &mut [SourceFile], index: &ModuleIndex) {
    let defined: Vec<HashSet<String>> = files
        .iter()
        .map(|f| f.facts.defs.iter().map(|d| d.scope.clone()).collect())
        .collect();
    let mut followed: Vec<Vec<bool>> = files
        .iter()
        .map(|f| vec![false; f.facts.calls.len()])
        .collect();
    let mut queued = vec![true; files.len()];
    let mut queue: VecDeque<usize> = (0..files.len()).collect();
    while let Some(i) = queue.pop_front() {
        queued[i] = false;
        let from_setup = files[i].is_setup();
        // (file, function) pairs this file's install-time calls reach.
        let mut targets: Vec<(usize, String)> = Vec::new();
        for (k, c) in files[i].facts.calls.iter().enumerate() {
            if followed[i][k] || c.shell.is_some() || files[i].call_phase(c) != Phase::Install {
                continue;
            }
            followed[i][k] = true;
            match c.callee.rsplit_once('.') {
                Some((module, name)) => targets.extend(
                    index
                        .resolve(files, i, module)
                        .into_iter()
                        .map(|j| (j, name.to_string())),
                ),
                None => targets.push((i, c.callee.clone())),
            }
        }
        for (j, name) in targets {
            let f = &mut files[j];
            // A file that setup.py imports runs its top level at install; of its
            // functions, those setup.py calls run too (`python -c "from pkg.x import f;
            // f()"`). Following calls further inside such files would pull a package's
            // whole call graph into install time when setup.py imports the package itself.
            if (f.phase == Phase::Install && !from_setup) || f.install_scopes.contains(&name) {
                continue;
            }
            if defined[j].contains(&name) {
                f.install_scopes.insert(name);
                if !queued[j] {
                    queued[j] = true;
                    queue.push_back(j);
                }
            }
        }
    }
}
