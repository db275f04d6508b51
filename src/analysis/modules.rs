//! Which file of the package an import names: an index built once per package, so
//! resolving an import costs a few hash lookups instead of a pass over every file (the
//! pass, with a `format!` per candidate, made large packages quadratic).

use super::SourceFile;
use crate::lang::Lang;
use std::collections::HashMap;

/// Files of one package by the names imports use for them.
pub struct ModuleIndex {
    /// Python files by every trailing run of folders of their module path: `a/b/c.py`
    /// and `a/b/c/__init__.py` are found under `c`, `b/c` and `a/b/c`.
    python: HashMap<String, Vec<usize>>,
    /// Every file by its full path.
    by_path: HashMap<String, usize>,
    /// Ruby files by base name without `.rb` (`require 'x'` loads any `x.rb` on the path).
    ruby: HashMap<String, Vec<usize>>,
    /// Every file by base name: what a command line starting `payload.py` may mean.
    by_base: HashMap<String, Vec<usize>>,
}

impl ModuleIndex {
    pub fn new(files: &[SourceFile]) -> ModuleIndex {
        let mut index = ModuleIndex {
            python: HashMap::new(),
            by_path: HashMap::new(),
            ruby: HashMap::new(),
            by_base: HashMap::new(),
        };
        for (j, f) in files.iter().enumerate() {
            index.by_path.entry(f.path.clone()).or_insert(j);
            let base = base_name(&f.path);
            index.by_base.entry(base.to_string()).or_default().push(j);
            match f.lang {
                Lang::Python => {
                    let stem = python_stem(&f.path);
                    // `stem` itself and each part after a `/`.
                    let starts =
                        std::iter::once(0).chain(stem.match_indices('/').map(|(i, _)| i + 1));
                    for start in starts {
                        if start < stem.len() {
                            index
                                .python
                                .entry(stem[start..].to_string())
                                .or_default()
                                .push(j);
                        }
                    }
                }
                Lang::Ruby => {
                    let name = base.trim_end_matches(".rb").to_string();
                    index.ruby.entry(name).or_default().push(j);
                }
                _ => {}
            }
        }
        index
    }

    /// The files an import of `module` from file `from` may load. Python dotted names
    /// match the end of a file's module path (`pkg.core` is `.../pkg/core.py` or
    /// `.../pkg/core/__init__.py`); relative JavaScript paths are resolved against the
    /// importer's folder; Ruby features match by file name. When several files match,
    /// the ones sharing the most folders with the importer win, so `from . import xfr`
    /// in `dns/__init__.py` means `dns/xfr.py`, not `examples/xfr.py`.
    pub fn resolve(&self, files: &[SourceFile], from: usize, module: &str) -> Vec<usize> {
        let importer = &files[from];
        let dir = importer.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let mut candidates: Vec<usize> = match importer.lang {
            Lang::Python | Lang::Pth => {
                let key = module.trim_start_matches('.').replace('.', "/");
                if key.is_empty() {
                    return Vec::new();
                }
                self.python
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&j| j != from)
                    .collect()
            }
            Lang::JavaScript if module.starts_with('.') => {
                let target = normalize_path(&format!("{dir}/{module}"));
                ["", ".js", ".cjs", ".mjs", "/index.js"]
                    .iter()
                    .filter_map(|e| self.by_path.get(&format!("{target}{e}")).copied())
                    .collect()
            }
            Lang::Ruby => {
                let name = module
                    .rsplit('/')
                    .next()
                    .unwrap_or(module)
                    .trim_end_matches(".rb");
                self.ruby.get(name).cloned().unwrap_or_default()
            }
            _ => Vec::new(),
        };
        candidates.sort_unstable();
        candidates.dedup();
        let shared = |j: usize| common_prefix(dir, &files[j].path);
        let best = candidates.iter().map(|&j| shared(j)).max().unwrap_or(0);
        candidates.retain(|&j| shared(j) == best);
        candidates
    }

    /// Files whose base name is `name`.
    pub fn named(&self, name: &str) -> &[usize] {
        self.by_base.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A Python file's module path: the path inside its innermost archive without
/// `/__init__.py` or `.py` (`pkg/core.py` and `pkg/core/__init__.py` are `pkg/core`).
fn python_stem(path: &str) -> &str {
    let p = path.rsplit('!').next().unwrap_or(path);
    p.strip_suffix("/__init__.py")
        .or_else(|| p.strip_suffix(".py"))
        .unwrap_or("")
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

/// The last component of a path, nested archives included.
pub fn base_name(path: &str) -> &str {
    path.rsplit(['/', '!']).next().unwrap_or(path)
}
