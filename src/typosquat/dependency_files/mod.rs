//! Package names read from dependency files, so `check-name --from FILE` can vet a project's
//! dependencies before anything is downloaded.
//!
//! The file name picks the reader (and so the ecosystem); the reader then checks that the
//! content is of that kind, so a README renamed `requirements.txt` is an error rather than a
//! clean bill of health. Any other file name is refused. Every name keeps the file and line it
//! came from; a line of a recognised file that names a package in a form the reader cannot
//! read is returned as unreadable, never dropped.

mod gemfile;
mod json_lines;
mod npm;
mod pnpm_lock;
mod pyproject;
mod python_locks;
mod requirements;
mod toml_lines;
mod yarn_lock;

use std::path::{Path, PathBuf};

use crate::ecosystem::Ecosystem;

/// The file kinds accepted, for error messages and `--help`.
pub(crate) const ACCEPTED: &str = "requirements*.txt, *requirements.txt, constraints*.txt, *.in, \
     pyproject.toml, poetry.lock, uv.lock, Pipfile, Pipfile.lock, package.json, \
     package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, Gemfile, gems.rb, \
     Gemfile.lock, gems.locked";

/// One kind of dependency file, told by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Requirements,
    Pyproject,
    PoetryLock,
    UvLock,
    Pipfile,
    PipfileLock,
    PackageJson,
    PackageLock,
    YarnLock,
    PnpmLock,
    Gemfile,
    GemfileLock,
}

impl Kind {
    /// The kind a file name stands for, if any.
    fn of(file_name: &str) -> Option<Kind> {
        let kind = match file_name {
            "pyproject.toml" => Kind::Pyproject,
            "poetry.lock" => Kind::PoetryLock,
            "uv.lock" => Kind::UvLock,
            "Pipfile" => Kind::Pipfile,
            "Pipfile.lock" => Kind::PipfileLock,
            "package.json" => Kind::PackageJson,
            "package-lock.json" | "npm-shrinkwrap.json" => Kind::PackageLock,
            "yarn.lock" => Kind::YarnLock,
            "pnpm-lock.yaml" => Kind::PnpmLock,
            "Gemfile" | "gems.rb" => Kind::Gemfile,
            "Gemfile.lock" | "gems.locked" => Kind::GemfileLock,
            _ if requirements::is_requirements_name(file_name) => Kind::Requirements,
            _ => return None,
        };
        Some(kind)
    }

    /// The registry whose packages the kind lists.
    fn ecosystem(self) -> Ecosystem {
        match self {
            Kind::Requirements
            | Kind::Pyproject
            | Kind::PoetryLock
            | Kind::UvLock
            | Kind::Pipfile
            | Kind::PipfileLock => Ecosystem::Pypi,
            Kind::PackageJson | Kind::PackageLock | Kind::YarnLock | Kind::PnpmLock => {
                Ecosystem::Npm
            }
            Kind::Gemfile | Kind::GemfileLock => Ecosystem::Rubygems,
        }
    }
}

/// Where a name (or an unreadable line) was found: the file as given or as reached through
/// `-r`, and the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    pub file: PathBuf,
    pub line: usize,
}

/// What one `--from` file yields.
#[derive(Debug, Default)]
pub(crate) struct FileNames {
    /// Each package name with where it was found, in file order, once per file.
    pub names: Vec<(String, Location)>,
    /// Lines that should name a package but could not be read: where, and the line's text.
    pub unreadable: Vec<(Location, String)>,
}

/// What a reader finds in one file's text: names and unreadable lines, with 1-based lines.
#[derive(Debug, Default)]
struct Found {
    names: Vec<(String, usize)>,
    unreadable: Vec<(usize, String)>,
}

impl Found {
    /// Records `name` at `line`, or the line as unreadable when `name` is not a package name
    /// of `eco` (a reader's guess at a name must not pass unchecked as an odd spelling).
    fn name(&mut self, eco: Ecosystem, name: &str, line: usize) {
        if is_package_name(name, eco) {
            self.names.push((name.to_string(), line));
        } else {
            self.unreadable(line, name);
        }
    }

    /// Records `line` as one that should name a package but could not be read, with its text
    /// (the first 200 characters of a longer one).
    fn unreadable(&mut self, line: usize, text: &str) {
        const SHOWN: usize = 200;
        let text = text.trim();
        let mut shown: String = text.chars().take(SHOWN).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        self.unreadable.push((line, shown));
    }
}

/// Reads the package names of the dependency file at `path`, with their ecosystem. Fails on a
/// file of no accepted kind, an unreadable or binary file, and content that is not of the kind
/// the file name says.
pub(crate) fn read(path: &Path) -> Result<(Ecosystem, FileNames), String> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let kind = Kind::of(file_name).ok_or_else(|| {
        format!(
            "{}: not a dependency file check-name reads (accepted: {ACCEPTED})",
            path.display()
        )
    })?;
    let eco = kind.ecosystem();
    let text = read_text(path)?;
    let found = match kind {
        Kind::Requirements => return Ok((eco, requirements::read(path, &text)?)),
        Kind::Pyproject => pyproject::pyproject(&text),
        Kind::Pipfile => pyproject::pipfile(&text),
        Kind::PoetryLock => python_locks::poetry_lock(&text),
        Kind::UvLock => python_locks::uv_lock(&text),
        Kind::PipfileLock => python_locks::pipfile_lock(&text),
        Kind::PackageJson => npm::package_json(&text),
        Kind::PackageLock => npm::package_lock(&text),
        Kind::YarnLock => yarn_lock::read(&text),
        Kind::PnpmLock => pnpm_lock::read(&text),
        Kind::Gemfile => gemfile::gemfile(&text),
        Kind::GemfileLock => gemfile::gemfile_lock(&text),
    }
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((eco, FileNames::from_found(path, found)))
}

impl FileNames {
    /// `found` in `file`, each name kept at its first line only.
    fn from_found(file: &Path, found: Found) -> FileNames {
        let mut out = FileNames::default();
        out.add(file, found);
        out
    }

    /// Adds `found` in `file`: names in line order, each at its first line only.
    fn add(&mut self, file: &Path, mut found: Found) {
        let at = |line| Location {
            file: file.to_path_buf(),
            line,
        };
        found.names.sort_by_key(|(_, line)| *line);
        found.unreadable.sort_by_key(|(line, _)| *line);
        let mut seen = std::collections::HashSet::new();
        for (name, line) in found.names {
            if seen.insert(name.clone()) {
                self.names.push((name, at(line)));
            }
        }
        self.unreadable.extend(
            found
                .unreadable
                .into_iter()
                .map(|(line, text)| (at(line), text)),
        );
    }
}

/// The file's text; an error for a file that cannot be read or is not text (NUL bytes or
/// invalid UTF-8), since no dependency file is binary.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let binary = || format!("{}: a binary file, not a dependency file", path.display());
    if bytes.contains(&0) {
        return Err(binary());
    }
    let text = String::from_utf8(bytes).map_err(|_| binary())?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// Whether `name` is spelled as a package name of `eco` can be: PEP 508 names (ASCII letters,
/// digits, `.`, `-`, `_`, starting and ending with a letter or digit), npm names (an optional
/// `@scope/`, then URL-safe characters, 214 at most) and gem names (letters, digits, `.`, `-`,
/// `_`).
fn is_package_name(name: &str, eco: Ecosystem) -> bool {
    let word = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
    };
    match eco {
        Ecosystem::Pypi => {
            word(name, &['.', '-', '_'])
                && name.starts_with(|c: char| c.is_ascii_alphanumeric())
                && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        }
        Ecosystem::Npm => {
            let bare = match name.strip_prefix('@') {
                Some(scoped) => match scoped.split_once('/') {
                    Some((scope, bare)) if word(scope, &['.', '-', '_', '~']) => bare,
                    _ => return false,
                },
                None => name,
            };
            name.len() <= 214 && word(bare, &['.', '-', '_', '~']) && !bare.starts_with(['.', '_'])
        }
        Ecosystem::Rubygems => word(name, &['.', '-', '_']),
        Ecosystem::Unknown => false,
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_file_name() {
        assert_eq!(Kind::of("requirements-dev.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("dev-requirements.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("constraints.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("base.in"), Some(Kind::Requirements));
        assert_eq!(Kind::of("npm-shrinkwrap.json"), Some(Kind::PackageLock));
        assert_eq!(Kind::of("gems.locked"), Some(Kind::GemfileLock));
        assert_eq!(Kind::of("README.md"), None);
        assert_eq!(Kind::of("notes.txt"), None);
        assert_eq!(Kind::of("setup.py"), None);
    }

    #[test]
    fn package_names_per_ecosystem() {
        assert!(is_package_name("zope.interface", Ecosystem::Pypi));
        assert!(!is_package_name("reqeusts==1.0", Ecosystem::Pypi));
        assert!(!is_package_name("-e", Ecosystem::Pypi));
        assert!(!is_package_name("rеquests", Ecosystem::Pypi)); // Cyrillic е
        assert!(is_package_name("@babel/core", Ecosystem::Npm));
        assert!(!is_package_name("@babel", Ecosystem::Npm));
        assert!(!is_package_name(".bin", Ecosystem::Npm));
        assert!(is_package_name("aws-sdk-s3", Ecosystem::Rubygems));
    }

    #[test]
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
