//! Runs the language frontends over a package's files and decides, call by call, when
//! the code runs (install, import, runtime).

use crate::archive::limits::Limits;
use crate::finding::Phase;
use crate::lang::catalog::Kinds;
use crate::lang::facts::{self, CallFact, FileFacts};
use crate::lang::{self, Lang};
use crate::package::{manifest, Package};
use std::collections::HashSet;
use std::time::Instant;

/// setuptools commands whose override runs during `pip install` of an sdist.
const INSTALL_COMMANDS: &[&str] = &[
    "install",
    "develop",
    "egg_info",
    "build",
    "build_py",
    "build_ext",
    "bdist_wheel",
    "bdist_egg",
    "sdist",
    "install_lib",
    "install_scripts",
    "easy_install",
];

/// One analysed source file.
#[derive(Debug)]
pub struct SourceFile {
    /// Path inside the package, as reported.
    pub path: String,
    pub lang: Lang,
    /// When the file's top-level code runs.
    pub phase: Phase,
    pub text: String,
    pub facts: FileFacts,
    /// Class scopes registered as setuptools commands (`cmdclass`): they run at install.
    pub install_scopes: HashSet<String>,
    /// Set when the file was too large to parse.
    pub skipped: Option<String>,
    /// Imported or started by code that runs unasked: package code, even when its path
    /// looks like a test or a script.
    pub reached: bool,
}

impl SourceFile {
    /// Whether this is a setup.py (of the package or of a nested sdist).
    pub fn is_setup(&self) -> bool {
        self.path.rsplit(['/', '!']).next() == Some("setup.py")
    }

    /// When one call runs.
    pub fn call_phase(&self, c: &CallFact) -> Phase {
        // setup.py runs whole at install; another install-time file (a module setup.py
        // imports, a script an npm hook runs) runs its top level and what that calls.
        // An install-time file is started as a program, so its `__main__` block runs too.
        if self.phase == Phase::Install && (self.is_setup() || c.on_main)
            || self
                .install_scopes
                .iter()
                .any(|s| c.scope == *s || c.scope.starts_with(&format!("{s}.")))
        {
            Phase::Install
        } else if self.phase == Phase::Import && c.on_load {
            Phase::Import
        } else {
            Phase::Runtime
        }
    }

    /// A virtual file of shell commands a package manager runs at install (npm lifecycle
    /// scripts, binding.gyp expansions), named after the manifest that holds them.
    fn install_commands(path: String, text: String, facts: FileFacts) -> SourceFile {
        SourceFile {
            path,
            lang: Lang::Shell,
            phase: Phase::Install,
            text,
            facts,
            install_scopes: HashSet::new(),
            skipped: None,
            reached: false,
        }
    }

    /// Minified: a bundle of a few very long lines rather than written source.
    pub fn is_minified(&self) -> bool {
        let lines = self.text.lines().count().max(1);
        self.text.len() > 20_000 && self.text.len() / lines > 500
    }

    /// The trimmed source line, shortened for reports.
    pub fn snippet(&self, line: u32) -> String {
        let text = self
            .text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("")
            .trim();
        if text.chars().count() > 160 {
            format!("{}…", text.chars().take(160).collect::<String>())
        } else {
            text.to_string()
        }
    }
}

/// Analyses every source file of the package, until `deadline` (the package's time
/// limit, checked between files). Returns the files and, if the deadline cut the
/// analysis short, the error saying how many files were left out.
pub fn analyse(
    pkg: &Package,
    limits: &Limits,
    deadline: Instant,
) -> (Vec<SourceFile>, Option<String>) {
    let mut files = Vec::new();
    let sources: Vec<_> = pkg
        .entries
        .iter()
        .filter_map(|e| Some((e, Lang::of(&e.path).or_else(|| Lang::of_shebang(&e.data))?)))
        .collect();
    let package_dirs: HashSet<&str> = sources
        .iter()
        .filter_map(|(e, _)| e.path.strip_suffix("/__init__.py"))
        .collect();
    let mut timeout = None;
    for (i, &(e, lang)) in sources.iter().enumerate() {
        if Instant::now() > deadline {
            timeout = Some(format!(
                "analysis stopped at the time limit ({:?}): {} of {} source files not analysed",
                limits.package_timeout,
                sources.len() - i,
                sources.len()
            ));
            break;
        }
        let text = lang::decode_source(&e.data);
        let phase = match pkg.phase_of(&e.path) {
            Phase::Runtime if lang == Lang::Python && is_module(pkg, &e.path, &package_dirs) => {
                Phase::Import
            }
            phase => phase,
        };
        let (facts, skipped) = if e.data.len() > limits.max_source_bytes {
            (
                FileFacts::default(),
                Some(format!(
                    "{} bytes, over the {}-byte parse limit",
                    e.data.len(),
                    limits.max_source_bytes
                )),
            )
        } else {
            (lang::analyse(lang, &text, limits), None)
        };
        files.push(SourceFile {
            path: e.path.clone(),
            lang,
            phase,
            text,
            facts,
            install_scopes: HashSet::new(),
            skipped,
            reached: false,
        });
    }
    if let Some(npm) = &pkg.npm {
        files.extend(npm_scripts(pkg, npm));
        files.extend(gyp_commands(pkg));
    }
    mark_cmdclass(&mut files);
    propagate_imports(&mut files);
    propagate_install_calls(&mut files);
    (files, timeout)
}

/// Whether a Python file is a module of the package whose top level runs when the
/// package is used: a module inside a package folder (one with an `__init__.py`), or the
/// package's single top-level module (`name.py` at the root or under `src/`). Programs
/// (`__main__.py`, `if __name__ == "__main__":` blocks) and development files (tests,
/// docs, examples, scripts) are not.
fn is_module(pkg: &Package, path: &str, package_dirs: &HashSet<&str>) -> bool {
    let Some(stem) = path.strip_suffix(".py") else {
        return false;
    };
    let (dir, name) = stem.rsplit_once('/').unwrap_or(("", stem));
    if name == "__main__" || name == "setup" || crate::detectors::paths::is_dev_file(path) {
        return false;
    }
    if package_dirs.contains(dir) {
        return true;
    }
    let rel_dir = pkg.rel(path).rsplit_once('/').map_or("", |(d, _)| d);
    let canonical = |s: &str| crate::typosquat::canonical(s, crate::ecosystem::Ecosystem::Pypi);
    matches!(rel_dir, "" | "src") && canonical(name) == canonical(&pkg.name)
}

/// A module imported by code that runs unasked runs unasked too: `__init__.py` doing
/// `from .core import x` runs `core.py`'s top level on import, setup.py importing a
/// local helper runs it at install, and so does an npm install script's
/// `require('./lib/x')` or an extconf.rb's `require_relative 'x'`. Imports are resolved
/// to files by path (`resolve_module`), repeated until nothing changes.
fn propagate_imports(files: &mut [SourceFile]) {
    loop {
        let mut changed = false;
        for i in 0..files.len() {
            if !matches!(files[i].phase, Phase::Install | Phase::Import) {
                continue;
            }
            let phase = files[i].phase;
            let mut reached: HashSet<usize> = files[i]
                .facts
                .imports
                .iter()
                .flat_map(|(m, _)| resolve_module(files, i, m))
                .collect();
            let started = started_files(&files[i]);
            reached
                .extend((0..files.len()).filter(|&j| started.contains(base_name(&files[j].path))));
            // A test package's `__init__.py` importing its tests does not make them
            // package code.
            let from_package =
                files[i].reached || !crate::detectors::paths::is_dev_file(&files[i].path);
            for j in reached {
                files[j].reached |= from_package;
                // Install is the stronger claim: a package module started by setup.py
                // runs at install, not only on import.
                let weaker = match phase {
                    Phase::Install => matches!(files[j].phase, Phase::Runtime | Phase::Import),
                    _ => files[j].phase == Phase::Runtime,
                };
                if weaker {
                    files[j].phase = phase;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// A function called by install-time code runs at install, wherever it is defined:
/// a cmdclass `run()` calling `helpers.beacon()` makes `beacon` in the package's
/// `helpers` module install-time code; a bare `beacon()` means the caller's own file.
fn propagate_install_calls(files: &mut [SourceFile]) {
    loop {
        // (file, function, called from setup.py itself)
        let mut targets: Vec<(usize, String, bool)> = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let from_setup = f.is_setup();
            for c in f
                .facts
                .calls
                .iter()
                .filter(|c| c.shell.is_none() && f.call_phase(c) == Phase::Install)
            {
                match c.callee.rsplit_once('.') {
                    Some((module, name)) => targets.extend(
                        resolve_module(files, i, module)
                            .into_iter()
                            .map(|j| (j, name.to_string(), from_setup)),
                    ),
                    None => targets.push((i, c.callee.clone(), from_setup)),
                }
            }
        }
        let mut changed = false;
        for (j, name, from_setup) in targets {
            let f = &mut files[j];
            // A file that setup.py imports runs its top level at install; of its
            // functions, those setup.py calls run too (`python -c "from pkg.x import f;
            // f()"`). Following calls further inside such files would pull a package's
            // whole call graph into install time when setup.py imports the package itself.
            if (f.phase == Phase::Install && !from_setup) || f.install_scopes.contains(&name) {
                continue;
            }
            if f.facts.defs.iter().any(|d| d.scope == name) {
                f.install_scopes.insert(name);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// The files of the package an import of `module` from file `from` may load. Python
/// dotted names match the end of a file's path (`pkg.core` is `.../pkg/core.py` or
/// `.../pkg/core/__init__.py`); relative JavaScript paths are resolved against the
/// importer's folder; Ruby features match by file name. When several files match, the
/// ones sharing the most folders with the importer win, so `from . import xfr` in
/// `dns/__init__.py` means `dns/xfr.py`, not `examples/xfr.py`.
fn resolve_module(files: &[SourceFile], from: usize, module: &str) -> Vec<usize> {
    let importer = &files[from];
    let dir = importer.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let candidates: Vec<usize> = match importer.lang {
        Lang::Python | Lang::Pth => {
            let key = module.trim_start_matches('.').replace('.', "/");
            if key.is_empty() {
                return Vec::new();
            }
            (0..files.len())
                .filter(|&j| files[j].lang == Lang::Python && j != from)
                .filter(|&j| {
                    let p = files[j].path.rsplit('!').next().unwrap_or(&files[j].path);
                    let stem = p
                        .strip_suffix("/__init__.py")
                        .or_else(|| p.strip_suffix(".py"))
                        .unwrap_or("");
                    stem == key || stem.ends_with(&format!("/{key}"))
                })
                .collect()
        }
        Lang::JavaScript if module.starts_with('.') => {
            let target = normalize_path(&format!("{dir}/{module}"));
            (0..files.len())
                .filter(|&j| {
                    let p = &files[j].path;
                    ["", ".js", ".cjs", ".mjs", "/index.js"]
                        .iter()
                        .any(|e| *p == format!("{target}{e}"))
                })
                .collect()
        }
        Lang::Ruby => {
            let name = module
                .rsplit('/')
                .next()
                .unwrap_or(module)
                .trim_end_matches(".rb");
            (0..files.len())
                .filter(|&j| {
                    files[j].lang == Lang::Ruby
                        && base_name(&files[j].path).trim_end_matches(".rb") == name
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let shared = |j: usize| common_prefix(dir, &files[j].path);
    let best = candidates.iter().map(|&j| shared(j)).max().unwrap_or(0);
    candidates
        .into_iter()
        .filter(|&j| shared(j) == best)
        .collect()
}

/// How many leading folders two paths share.
fn common_prefix(dir: &str, path: &str) -> usize {
    dir.split('/')
        .zip(path.split('/'))
        .take_while(|(a, b)| a == b)
        .count()
}

/// Resolves `.` and `..` in a `/`-separated path.
fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '!']).next().unwrap_or(path)
}

/// Source files a file starts as a process or runs as code (`os.system(f"{sys.executable}
/// {here}/payload.py")`, `runpy.run_path("x.py")`), by base name: what an install hook
/// starts runs at install time too.
fn started_files(file: &SourceFile) -> HashSet<String> {
    let runs = Kinds::SPAWN.or(Kinds::EXEC);
    file.facts
        .calls
        .iter()
        .filter(|c| c.kinds.has(runs) || c.callee.starts_with("runpy.") || c.shell.is_some())
        .flat_map(|c| c.args.iter().filter_map(|a| a.text.as_deref()))
        .flat_map(|t| t.split([' ', '"', '\'', '/', '\\']))
        .filter(|w| {
            [".py", ".js", ".cjs", ".mjs", ".rb", ".sh"]
                .iter()
                .any(|e| w.ends_with(e))
        })
        .map(str::to_string)
        .collect()
}

/// npm lifecycle scripts that run at install, analysed as shell in a virtual file named
/// after package.json, each command at its line there.
fn npm_scripts(pkg: &Package, npm: &manifest::NpmManifest) -> Option<SourceFile> {
    let path = format!("{}package.json", pkg.root);
    let entry = pkg.entries.iter().find(|e| e.path == path)?;
    let text = String::from_utf8_lossy(&entry.data).into_owned();
    let mut facts = FileFacts::default();
    for (name, cmd, line) in &npm.scripts {
        if !manifest::INSTALL_SCRIPTS.contains(&name.as_str()) {
            continue;
        }
        let at = CallFact {
            callee: format!("npm.scripts.{name}"),
            kinds: Default::default(),
            args: vec![facts::Value {
                text: Some(cmd.clone()),
                ..Default::default()
            }],
            kwargs: vec![],
            receiver: None,
            line: *line,
            scope: String::new(),
            on_load: true,
            on_main: true,
            shell: None,
        };
        facts.calls.extend(facts::shell_calls(cmd, &at));
        facts.calls.push(at);
    }
    Some(SourceFile::install_commands(path, text, facts))
}

/// `binding.gyp` command expansions (`<!(cmd)`, `<!@(cmd)`): node-gyp runs them while it
/// builds the addon at install. Analysed as shell in a virtual file named after binding.gyp.
fn gyp_commands(pkg: &Package) -> Option<SourceFile> {
    let path = format!("{}binding.gyp", pkg.root);
    let entry = pkg.entries.iter().find(|e| e.path == path)?;
    let text = String::from_utf8_lossy(&entry.data).into_owned();
    let mut facts = FileFacts::default();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("<!") {
            rest = &rest[start + 2..];
            let Some(open) = rest.strip_prefix('@').unwrap_or(rest).strip_prefix('(') else {
                continue;
            };
            let command = balanced_parens(open);
            let at = CallFact {
                callee: "node-gyp.command".into(),
                kinds: Default::default(),
                args: vec![facts::Value {
                    text: Some(command.to_string()),
                    ..Default::default()
                }],
                kwargs: vec![],
                receiver: None,
                line: i as u32 + 1,
                scope: String::new(),
                on_load: true,
                on_main: true,
                shell: None,
            };
            facts.calls.extend(facts::shell_calls(command, &at));
        }
    }
    Some(SourceFile::install_commands(path, text, facts))
}

/// The text before the `)` that closes an already opened parenthesis.
fn balanced_parens(text: &str) -> &str {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}

/// Classes named in an install-time `cmdclass={...}` run at install wherever they live.
fn mark_cmdclass(files: &mut [SourceFile]) {
    let classes: HashSet<String> = files
        .iter()
        .filter(|f| f.phase == Phase::Install && f.lang == Lang::Python)
        .flat_map(|f| f.facts.dict_entries.iter())
        .filter(|(cmd, _)| INSTALL_COMMANDS.contains(&cmd.as_str()))
        .map(|(_, class)| class.rsplit('.').next().unwrap_or(class).to_string())
        .collect();
    for f in files.iter_mut() {
        let scopes: Vec<String> = f
            .facts
            .defs
            .iter()
            .filter(|d| classes.contains(&d.name))
            .map(|d| d.scope.clone())
            .collect();
        f.install_scopes.extend(scopes);
    }
}
