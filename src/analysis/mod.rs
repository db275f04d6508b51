//! Runs the language frontends over a package's files and decides, call by call, when
//! the code runs (install, import, runtime).
//!
//! Files are analysed in parallel, riskiest first (install-time code, then import-time
//! modules, then the rest, development files last), so whatever the package's time
//! limit leaves out is the least risky part, and it is recorded: a file that was not
//! analysed fully says why in [`SourceFile::incomplete`]. Within each group large files
//! go first: their parse is the biggest transient cost, best paid while little else is
//! held (next.js peaks at 876 MB this way, 1037 MB small-first).

mod install_commands;
mod modules;
mod propagate;

use crate::archive::limits::Limits;
use crate::finding::Phase;
use crate::lang::facts::{CallFact, FileFacts};
use crate::lang::{self, Lang};
use crate::package::Package;
use crate::timings;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

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
    /// Why the file was analysed only in part (over the parse limit, a parse stopped at
    /// its deadline, nesting cut, an entry cut short) or not at all (the package's time
    /// ran out first). Such a file makes the package's result partial.
    pub incomplete: Option<String>,
    /// Imported or started by code that runs unasked: package code, even when its path
    /// looks like a test or a script.
    pub reached: bool,
    /// Byte offset of every line start, computed on first use.
    line_starts: OnceLock<Vec<usize>>,
}

/// Calls a minified bundle makes at the least (see [`SourceFile::is_minified`]).
const MINIFIED_MIN_CALLS: usize = 200;

impl SourceFile {
    fn new(path: String, lang: Lang, phase: Phase, text: String, facts: FileFacts) -> Self {
        SourceFile {
            path,
            lang,
            phase,
            text,
            facts,
            install_scopes: HashSet::new(),
            incomplete: None,
            reached: false,
            line_starts: OnceLock::new(),
        }
    }

    /// Whether this is a setup.py (of the package or of a nested sdist).
    pub fn is_setup(&self) -> bool {
        self.path.rsplit(['/', '!']).next() == Some("setup.py")
    }

    /// When one call runs.
    pub fn call_phase(&self, c: &CallFact) -> Phase {
        // setup.py runs whole at install; another install-time file (a module setup.py
        // imports, a script an npm hook runs) runs its top level and what that calls.
        // An install-time file is started as a program, so its `__main__` block runs too.
        // A block only a maintainer's own command enters (`if sys.argv[-1] ==
        // "publish":`) never runs under pip.
        if c.scope
            .split('.')
            .any(|s| s == crate::lang::ir::MAINTAINER_SCOPE)
        {
            Phase::Runtime
        } else if self.phase == Phase::Install && (self.is_setup() || c.on_main)
            || self.in_install_scope(&c.scope)
        {
            Phase::Install
        } else if self.phase == Phase::Import && c.on_load {
            Phase::Import
        } else {
            Phase::Runtime
        }
    }

    /// Whether `scope` is an install-time scope or inside one (`Cmd.run` in `Cmd`).
    fn in_install_scope(&self, scope: &str) -> bool {
        !self.install_scopes.is_empty()
            && scope
                .match_indices('.')
                .map(|(i, _)| &scope[..i])
                .chain(std::iter::once(scope))
                .any(|s| self.install_scopes.contains(s))
    }

    /// A virtual file of shell commands a package manager runs at install (npm lifecycle
    /// scripts, binding.gyp expansions), named after the manifest that holds them.
    fn install_commands(path: String, text: String, facts: FileFacts) -> SourceFile {
        SourceFile::new(path, Lang::Shell, Phase::Install, text, facts)
    }

    /// Minified: a bundle of a few very long lines rather than written source. A short
    /// program carrying one long encoded blob is not a bundle: it makes too few calls
    /// for its values to mix.
    pub fn is_minified(&self) -> bool {
        self.text.len() > 20_000
            && self.facts.calls.len() >= MINIFIED_MIN_CALLS
            && self.long_line_bytes() * 2 >= self.text.len()
    }

    /// Bytes in lines over 1,000 characters: most of a bundle's text, little of written
    /// source (a bundle keeps some short lines: banners, template literals).
    fn long_line_bytes(&self) -> usize {
        let starts = self.line_starts();
        starts
            .iter()
            .zip(
                starts
                    .iter()
                    .skip(1)
                    .chain(std::iter::once(&self.text.len())),
            )
            .map(|(a, b)| b - a)
            .filter(|len| *len > 1000)
            .sum()
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The trimmed source line, shortened for reports.
    pub fn snippet(&self, line: u32) -> String {
        let starts = self.line_starts();
        let i = line.saturating_sub(1) as usize;
        let text = match starts.get(i) {
            Some(&start) => {
                let end = starts.get(i + 1).copied().unwrap_or(self.text.len());
                self.text[start..end].trim()
            }
            None => "",
        };
        // Never counts past the cut: a snippet of a 12 MiB line costs 160 characters.
        match text.char_indices().nth(160) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_string(),
        }
    }
}

/// What analysing a package produced.
#[derive(Debug, Default)]
pub struct Analysis {
    pub files: Vec<SourceFile>,
    /// Time in the frontends, summed over files (which are analysed in parallel).
    pub parse: Duration,
    pub facts: Duration,
    /// Wall time of import and call propagation.
    pub propagate: Duration,
}

/// Analyses every source file of the package, riskiest first, in parallel. A file whose
/// turn comes after `deadline` is kept unanalysed, with the reason, so the result is
/// visibly partial and detectors can treat unanalysed install-time code as evidence.
pub fn analyse(pkg: &mut Package, limits: &Limits, deadline: Instant) -> Analysis {
    let found: Vec<(usize, Lang)> = pkg
        .entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((i, Lang::of(&e.path).or_else(|| Lang::of_shebang(&e.data))?)))
        .collect();
    // Each source's text moves out of its entry, which keeps only its head (what
    // detectors of archive content sniff): the package holds its code once, not twice.
    let sources: Vec<Source> = found
        .into_iter()
        .map(|(i, lang)| {
            let e = &mut pkg.entries[i];
            let bytes = std::mem::take(&mut e.data);
            e.data = bytes[..bytes.len().min(crate::archive::HEAD_BYTES)].to_vec();
            Source {
                path: e.path.clone(),
                lang,
                complete: e.complete,
                text: lang::decode_source_owned(bytes),
            }
        })
        .collect();
    let pkg = &*pkg;
    let package_dirs: HashSet<&str> = sources
        .iter()
        .filter_map(|s| s.path.strip_suffix("/__init__.py"))
        .collect();
    let phases: Vec<Phase> = sources
        .iter()
        .map(|s| match pkg.phase_of(&s.path) {
            Phase::Runtime if s.lang == Lang::Python && is_module(pkg, &s.path, &package_dirs) => {
                Phase::Import
            }
            phase => phase,
        })
        .collect();
    let mut queue: Vec<(usize, Source)> = sources.into_iter().enumerate().collect();
    queue.sort_by_key(|(i, s)| {
        (
            risk_rank(phases[*i]),
            crate::detectors::paths::is_dev_file(&s.path),
            std::cmp::Reverse(s.text.len()),
        )
    });
    // One file per task, so the workers share the queue in order instead of splitting
    // it in halves.
    let mut analysed: Vec<(usize, SourceFile, Duration, Duration)> = queue
        .into_par_iter()
        .with_max_len(1)
        .map(|(i, source)| {
            // The file is analysed on this thread alone: its stage counters are its own.
            let _ = timings::take();
            let file = analyse_file(source, phases[i], limits, deadline);
            let (parse, facts) = timings::take();
            (i, file, parse, facts)
        })
        .collect();
    analysed.sort_by_key(|a| a.0);
    let parse = analysed.iter().map(|a| a.2).sum();
    let facts = analysed.iter().map(|a| a.3).sum();
    let mut files: Vec<SourceFile> = analysed.into_iter().map(|a| a.1).collect();
    if let Some(npm) = &pkg.npm {
        files.extend(install_commands::npm_scripts(pkg, npm));
        files.extend(install_commands::gyp_commands(pkg));
    }
    let start = Instant::now();
    mark_cmdclass(&mut files);
    let index = modules::ModuleIndex::new(&files);
    propagate::imports(&mut files, &index);
    propagate::install_calls(&mut files, &index);
    Analysis {
        files,
        parse,
        facts,
        propagate: start.elapsed(),
    }
}

/// A source file taken out of its archive entry, before analysis.
struct Source {
    path: String,
    lang: Lang,
    /// False when a limit cut the entry short.
    complete: bool,
    text: String,
}

/// Analysis order: install-time code first, then import-time, then the rest.
fn risk_rank(phase: Phase) -> u8 {
    match phase {
        Phase::Install => 0,
        Phase::Import => 1,
        _ => 2,
    }
}

/// Analyses one file within the package's deadline. Comments and blank runs do not
/// count toward the parse limit (padding a setup.py with a 17 MB comment must not hide
/// it); code over the limit, and code a parser could not finish, still gets the
/// linear token pass, so a `curl … | sh` at the end of a 12 MiB line is seen.
fn analyse_file(source: Source, phase: Phase, limits: &Limits, deadline: Instant) -> SourceFile {
    let Source {
        path,
        lang,
        complete,
        text,
    } = source;
    let mut reasons: Vec<String> = Vec::new();
    if !complete {
        reasons.push(format!(
            "only the first {} of its bytes were read",
            text.len()
        ));
    }
    let now = Instant::now();
    let facts = if now >= deadline {
        reasons.push(format!(
            "not analysed: the package's time limit ({:?}) ran out first",
            limits.package_timeout
        ));
        FileFacts::default()
    } else {
        let code = lang::code_bytes(lang, &text);
        let nodes = lang::syntax_estimate(lang, &text);
        if code > limits.max_source_bytes || nodes > limits.max_syntax_nodes {
            reasons.push(if code > limits.max_source_bytes {
                format!(
                    "{code} bytes of code, over the {}-byte parse limit: read by the token pass only",
                    limits.max_source_bytes
                )
            } else {
                format!(
                    "about {nodes} syntax nodes, over the {}-node budget: read by the token pass only",
                    limits.max_syntax_nodes
                )
            });
            lang::scan_tokens(lang, &text)
        } else {
            // A parse may run until the package's deadline, never past it.
            let file_limits = Limits {
                parse_timeout: limits
                    .parse_timeout
                    .min(deadline.saturating_duration_since(now)),
                ..limits.clone()
            };
            let facts = lang::analyse(lang, &text, &file_limits);
            reasons.extend(facts.incomplete.clone());
            facts
        }
    };
    let mut file = SourceFile::new(path, lang, phase, text, facts);
    if !reasons.is_empty() {
        file.incomplete = Some(reasons.join("; "));
    }
    file
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
