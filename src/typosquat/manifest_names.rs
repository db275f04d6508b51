//! Package names read from dependency files, so `check-name --from FILE` can vet a project's
//! dependencies before anything is downloaded. Each parser reads names only, by hand: versions,
//! markers and sources are ignored.

use std::path::Path;

use crate::ecosystem::Ecosystem;
use crate::package::manifest::requirement_name;

/// The kinds of dependency file understood, told apart by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// `requirements.txt` and any other file read as PyPI requirements.
    Requirements,
    Pyproject,
    PackageJson,
    /// `Gemfile` or `gems.rb`.
    Gemfile,
    /// A plain list, one name per line (first word), for an npm or RubyGems file of no known kind.
    NameList,
}

/// Reads the package names in `path` and the ecosystem they belong to: the file kind decides
/// when it tells; otherwise `fallback`, with PyPI files read as requirements.
pub(crate) fn read_names(
    path: &Path,
    fallback: Ecosystem,
) -> Result<(Ecosystem, Vec<String>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let (kind, eco) = match file_name {
        "package.json" => (FileKind::PackageJson, Ecosystem::Npm),
        "pyproject.toml" => (FileKind::Pyproject, Ecosystem::Pypi),
        "Gemfile" | "gems.rb" => (FileKind::Gemfile, Ecosystem::Rubygems),
        _ if file_name.starts_with("requirements") => (FileKind::Requirements, Ecosystem::Pypi),
        _ if fallback == Ecosystem::Pypi => (FileKind::Requirements, Ecosystem::Pypi),
        _ => (FileKind::NameList, fallback),
    };
    let names = match kind {
        FileKind::Requirements => text.lines().filter_map(requirement_line_name).collect(),
        FileKind::Pyproject => pyproject_names(&text),
        FileKind::PackageJson => {
            package_json_names(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        FileKind::Gemfile => text.lines().filter_map(gemfile_line_name).collect(),
        FileKind::NameList => text
            .lines()
            .filter_map(|line| strip_comment(line).split_whitespace().next())
            .map(String::from)
            .collect(),
    };
    Ok((eco, names))
}

/// The line before a `#` comment (a `#` at the start or after whitespace).
fn strip_comment(line: &str) -> &str {
    let mut prev_is_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_is_space {
            return &line[..i];
        }
        prev_is_space = c.is_whitespace();
    }
    line
}

/// The name on one requirements-file line; `None` for blank lines, comments, options (`-r`,
/// `-e`, `--hash`) and bare URLs or paths.
fn requirement_line_name(line: &str) -> Option<String> {
    let line = strip_comment(line).trim();
    let first = line.split_whitespace().next()?;
    let is_location =
        first.contains("://") || first.contains(['/', '\\']) || first.starts_with('.');
    if line.starts_with('-') || is_location {
        return None;
    }
    requirement_name(line)
}

/// The string items of a TOML array that may span lines, read one line at a time. Strings inside
/// inline tables (`{ include-group = "test" }`) are not items.
#[derive(Default)]
struct ArrayReader {
    brackets: usize,
    braces: usize,
    items: Vec<String>,
}

impl ArrayReader {
    /// Reads one line (of the value part); true once the array's closing bracket was read.
    fn feed(&mut self, line: &str) -> bool {
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '#' => return false,
                '[' => self.brackets += 1,
                '{' => self.braces += 1,
                '}' => self.braces = self.braces.saturating_sub(1),
                ']' => {
                    self.brackets = self.brackets.saturating_sub(1);
                    if self.brackets == 0 {
                        return true;
                    }
                }
                '"' | '\'' => {
                    let mut item = String::new();
                    while let Some(d) = chars.next() {
                        match d {
                            _ if d == c => break,
                            '\\' if c == '"' => item.extend(chars.next()),
                            _ => item.push(d),
                        }
                    }
                    if self.brackets == 1 && self.braces == 0 {
                        self.items.push(item);
                    }
                }
                _ => {}
            }
        }
        false
    }
}

/// Names in `pyproject.toml`: `[project]` dependencies and optional dependencies, PEP 735
/// dependency groups, build requirements, and the keys of Poetry's dependency tables.
fn pyproject_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut table = String::new();
    let mut array: Option<ArrayReader> = None;
    for line in text.lines() {
        if let Some(reader) = array.as_mut() {
            if reader.feed(line) {
                names.extend(reader.items.drain(..).filter_map(|r| requirement_name(&r)));
                array = None;
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed.trim_matches(['[', ']', ' ']).to_string();
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let is_requirement_array = match table.as_str() {
            "project" => key == "dependencies",
            "build-system" => key == "requires",
            "project.optional-dependencies" | "dependency-groups" => true,
            _ => false,
        };
        let is_poetry_table = table == "tool.poetry.dependencies"
            || table == "tool.poetry.dev-dependencies"
            || (table.starts_with("tool.poetry.group.") && table.ends_with(".dependencies"));
        if is_requirement_array {
            let mut reader = ArrayReader::default();
            if reader.feed(value) {
                names.extend(
                    reader
                        .items
                        .into_iter()
                        .filter_map(|r| requirement_name(&r)),
                );
            } else {
                array = Some(reader);
            }
        } else if is_poetry_table && key != "python" && !key.is_empty() {
            names.push(key.to_string());
        }
    }
    names
}

/// The keys of a `package.json`'s dependency maps, plus the real package behind an
/// `npm:` alias (`"my-lodash": "npm:lodash@^4"` installs `lodash`).
fn package_json_names(text: &str) -> Result<Vec<String>, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let sections = [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ];
    let mut names = Vec::new();
    for deps in sections.iter().filter_map(|s| json.get(s)?.as_object()) {
        for (name, spec) in deps {
            names.push(name.clone());
            if let Some(alias) = spec.as_str().and_then(|s| s.strip_prefix("npm:")) {
                let end = alias.rfind('@').filter(|&i| i > 0).unwrap_or(alias.len());
                names.push(alias[..end].to_string());
            }
        }
    }
    Ok(names)
}

/// The gem on a `gem 'name'` / `gem("name", …)` line of a Gemfile.
fn gemfile_line_name(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("gem")?;
    if !rest.starts_with([' ', '\t', '(']) {
        return None;
    }
    let rest = rest.trim_start_matches([' ', '\t', '(']);
    let quote = rest.chars().next().filter(|q| matches!(q, '\'' | '"'))?;
    let (name, _) = rest[1..].split_once(quote)?;
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_lines() {
        let text = "# pinned\nDjango[argon2]>=4.2 ; python_version>'3'\n-r base.txt\n\
                    --hash=sha256:00\nrequests==2.0 # http\n./local\nhttps://x/y.whl\n\
                    pkg @ https://example.invalid/pkg.whl\n\n";
        let names: Vec<_> = text.lines().filter_map(requirement_line_name).collect();
        assert_eq!(names, ["Django", "requests", "pkg"]);
    }

    #[test]
    fn pyproject_arrays_and_poetry_keys() {
        let text = r#"
[build-system]
requires = ["setuptools>=61"]

[project]
name = "demo"
dependencies = [
    "requests[socks]>=2",  # comment ]
    'numpy',
]

[project.optional-dependencies]
test = ["pytest"]

[dependency-groups]
dev = ["ruff", { include-group = "test" }]

[tool.poetry.dependencies]
python = "^3.10"
"flask" = { version = "^3" }

[tool.poetry.group.docs.dependencies]
sphinx = "*"
"#;
        assert_eq!(
            pyproject_names(text),
            [
                "setuptools",
                "requests",
                "numpy",
                "pytest",
                "ruff",
                "flask",
                "sphinx"
            ]
        );
    }

    #[test]
    fn package_json_sections_and_aliases() {
        let text = r#"{"name": "x", "dependencies": {"lodash": "^4", "@babel/core": "7"},
            "devDependencies": {"my-chalk": "npm:chalk@^5"}, "peerDependencies": {"react": "*"}}"#;
        let mut names = package_json_names(text).unwrap();
        names.sort();
        assert_eq!(
            names,
            ["@babel/core", "chalk", "lodash", "my-chalk", "react"]
        );
        assert!(package_json_names("{").is_err());
    }

    #[test]
    fn gemfile_lines() {
        let text = "source 'https://rubygems.org'\ngem 'rails', '~> 7'\n  gem(\"pg\")\ngems 'no'\n";
        let names: Vec<_> = text.lines().filter_map(gemfile_line_name).collect();
        assert_eq!(names, ["rails", "pg"]);
    }
}
