//! The package model: ecosystem, name, version, and which files run when.

pub mod manifest;
pub mod npm_scripts;

use crate::archive::Entry;
use crate::ecosystem::Ecosystem;
use crate::finding::Phase;
use manifest::{GemSpec, NpmManifest};

/// A package as read from its archive or folder, before analysis.
#[derive(Debug)]
pub struct Package {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: Option<String>,
    pub entries: Vec<Entry>,
    /// The folder every path shares (`libpeshnx-0.1/`, `package/`, `data.tar.gz!`).
    pub root: String,
    pub npm: Option<NpmManifest>,
    pub gem: Option<GemSpec>,
    /// Manifest problems worth telling the user (unparsable package.json...).
    pub errors: Vec<String>,
}

impl Package {
    /// Builds the model from the entries, naming the package from its manifest or,
    /// failing that, from `file_name`.
    pub fn new(entries: Vec<Entry>, file_name: &str) -> Package {
        let root = common_root(&entries);
        let mut pkg = Package {
            ecosystem: Ecosystem::Unknown,
            name: String::new(),
            version: None,
            entries,
            root,
            npm: None,
            gem: None,
            errors: Vec::new(),
        };
        pkg.read_manifests();
        if pkg.name.is_empty() {
            let (name, version) = manifest::from_file_name(file_name);
            pkg.name = name;
            pkg.version = pkg.version.take().or(version);
        }
        pkg
    }

    /// A path relative to the package root (`libpeshnx-0.1/setup.py` -> `setup.py`).
    pub fn rel<'p>(&self, path: &'p str) -> &'p str {
        path.strip_prefix(self.root.as_str()).unwrap_or(path)
    }

    fn text(&self, rel: &str) -> Option<String> {
        let e = self.entries.iter().find(|e| self.rel(&e.path) == rel)?;
        Some(String::from_utf8_lossy(&e.data).into_owned())
    }

    fn read_manifests(&mut self) {
        let rels: Vec<String> = self
            .entries
            .iter()
            .map(|e| self.rel(&e.path).to_string())
            .collect();
        let has = |f: &dyn Fn(&str) -> bool| rels.iter().any(|r| f(r));
        if has(&|r| r == "metadata.gz") || has(&|r| r.ends_with(".gemspec") && !r.contains('/')) {
            self.ecosystem = Ecosystem::Rubygems;
            if let Some(text) = self.text("metadata.gz") {
                let spec = manifest::gem_metadata(&text);
                self.name = spec.name.clone().unwrap_or_default();
                self.version = spec.version.clone();
                self.gem = Some(spec);
            } else {
                self.gem = Some(GemSpec::default());
            }
            if rels.iter().any(|r| r == "metadata.gz")
                && !self
                    .entries
                    .iter()
                    .any(|e| e.path.starts_with("data.tar.gz!"))
            {
                self.errors.push(
                    "gem has no readable data.tar.gz: its files could not be analysed".into(),
                );
            }
        } else if let Some(meta) = rels.iter().find(|r| is_python_metadata(r)).cloned() {
            // Python core metadata names a PyPI package, whatever else it carries; a
            // package.json beside it is still read, so its lifecycle scripts count too
            // (`phase_of` takes the earlier phase of the two).
            self.ecosystem = Ecosystem::Pypi;
            let (name, version) = manifest::pkg_info(&self.text(&meta).unwrap_or_default());
            self.name = name.unwrap_or_default();
            self.version = version;
            if let Some(text) = self.text("package.json") {
                self.npm = Some(manifest::package_json(&text).unwrap_or_default());
            }
        } else if let Some(text) = self.text("package.json") {
            self.ecosystem = Ecosystem::Npm;
            match manifest::package_json(&text) {
                Ok(m) => {
                    self.name = m.name.clone().unwrap_or_default();
                    self.version = m.version.clone();
                    self.npm = Some(m);
                }
                Err(e) => {
                    self.errors.push(e);
                    self.npm = Some(NpmManifest::default());
                }
            }
        } else if has(&|r| {
            matches!(r, "setup.py" | "pyproject.toml" | "setup.cfg") || r.ends_with(".py")
        }) {
            self.ecosystem = Ecosystem::Pypi;
        } else if has(&|r| r.ends_with(".js") || r.ends_with(".mjs") || r.ends_with(".cjs")) {
            self.ecosystem = Ecosystem::Npm;
        } else if has(&|r| r.ends_with(".rb")) {
            self.ecosystem = Ecosystem::Rubygems;
        }
    }

    /// When a file's top-level code runs on the machine that installs the package.
    ///
    /// A package that both pip and npm can install (an sdist with a package.json, an
    /// npm tarball with a setup.py) gets the earlier of the two phases: the attacker
    /// picks which manifests to ship, and a decoy manifest must not turn an install
    /// hook into code that runs only when called.
    pub fn phase_of(&self, path: &str) -> Phase {
        let rel = nested_rel(self.rel(path));
        let name = rel.rsplit('/').next().unwrap_or(rel);
        match self.ecosystem {
            Ecosystem::Pypi | Ecosystem::Unknown => {
                let npm = self.npm_phase(rel).unwrap_or(Phase::Runtime);
                python_phase(rel, name).min(npm)
            }
            Ecosystem::Npm => {
                let npm = self.npm_phase(rel).unwrap_or(Phase::Runtime);
                if self.pip_installable() {
                    npm.min(python_phase(rel, name))
                } else {
                    npm
                }
            }
            Ecosystem::Rubygems => {
                let ext = self
                    .gem
                    .as_ref()
                    .is_some_and(|g| g.extensions.iter().any(|e| e == rel));
                // extconf.rb only ever runs to build an extension; a gemspec is Ruby
                // that Bundler evaluates when it installs from a git or path source.
                let build = (rel.starts_with("ext/") && name == "extconf.rb")
                    || (name.ends_with(".gemspec") && !rel.contains('/'));
                if ext || build || name == "rubygems_plugin.rb" {
                    Phase::Install
                } else if self
                    .gem
                    .as_ref()
                    .and_then(|g| g.name.as_ref())
                    .is_some_and(|n| rel == format!("lib/{n}.rb"))
                {
                    Phase::Import
                } else {
                    Phase::Runtime
                }
            }
        }
    }

    /// The phase npm gives a file: install when a lifecycle script runs it, import when
    /// it is the package's `main`; `None` without a package.json.
    fn npm_phase(&self, rel: &str) -> Option<Phase> {
        let npm = self.npm.as_ref()?;
        let exists = |p: &str| self.entries.iter().any(|e| self.rel(&e.path) == p);
        let scripts = npm_scripts::Scripts {
            npm,
            exists: &exists,
        };
        Some(if scripts.install_runs_file(rel) {
            Phase::Install
        } else if npm_scripts::normalize(npm.main.as_deref().unwrap_or("index.js"))
            == npm_scripts::normalize(rel)
        {
            Phase::Import
        } else {
            Phase::Runtime
        })
    }

    /// Whether pip would build this package: it has a setup.py or pyproject.toml at its top.
    fn pip_installable(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(self.rel(&e.path), "setup.py" | "pyproject.toml"))
    }
}

/// The phase pip gives a file: setup.py runs at install, `__init__.py` and `.pth` files
/// on import.
fn python_phase(rel: &str, name: &str) -> Phase {
    if rel == "setup.py" {
        Phase::Install
    } else if name == "__init__.py" || name.ends_with(".pth") {
        Phase::Import
    } else {
        Phase::Runtime
    }
}

/// Inside a nested archive, the path relative to that archive's own top folder:
/// `vendor/x-1.0.tar.gz!x-1.0/setup.py` is that sdist's `setup.py`.
fn nested_rel(rel: &str) -> &str {
    match rel.rsplit_once('!') {
        Some((_, inner)) => inner
            .split_once('/')
            .map(|(_, rest)| rest)
            .filter(|r| !r.is_empty())
            .unwrap_or(inner),
        None => rel,
    }
}

fn is_python_metadata(rel: &str) -> bool {
    rel == "PKG-INFO"
        || rel == "EGG-INFO/PKG-INFO"
        || (rel.ends_with(".dist-info/METADATA") && rel.matches('/').count() == 1)
}

/// The single top folder all entries share, with its slash; gem data is under `data.tar.gz!`.
/// Names an extractor refuses (absolute, `..`) do not count: a stray `/etc/cron.d/x`
/// entry must not hide which file is the package's `setup.py`.
fn common_root(entries: &[Entry]) -> String {
    if entries.iter().any(|e| e.path.starts_with("data.tar.gz!")) {
        return "data.tar.gz!".to_string();
    }
    let mut names = entries
        .iter()
        .map(|e| e.path.as_str())
        .filter(|p| !crate::archive::escapes(p));
    let first = match names.clone().next().and_then(|p| p.split_once('/')) {
        Some((top, _)) => format!("{top}/"),
        None => return String::new(),
    };
    if names.all(|p| p.starts_with(&first)) {
        first
    } else {
        String::new()
    }
}
