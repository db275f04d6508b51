//! pip requirements files (`requirements*.txt`, `constraints*.txt`, pip-tools' `*.in`), read as
//! pip reads them: `\` continues a line, `#` after whitespace starts a comment, `-r FILE` /
//! `--requirement FILE` includes another file (relative to the including one; a file already
//! read is not read again, which stops cycles), and options, editables (`-e`), constraints
//! (`-c`), URLs and local paths name no package to check. A requirement is PEP 508: `name`,
//! then optional `[extras]`, a version specifier, `@ url`, `; marker` and per-requirement
//! options such as `--hash`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{read_text, FileNames, Found};
use crate::ecosystem::Ecosystem;
use crate::package::manifest::requirement_name;

/// Whether a file name is one pip tools give requirements files.
pub(super) fn is_requirements_name(name: &str) -> bool {
    match name.strip_suffix(".txt") {
        Some(stem) => {
            stem.starts_with("requirements")
                || stem.starts_with("constraints")
                || stem.ends_with("requirements")
        }
        None => name.len() > 3 && name.ends_with(".in"),
    }
}

/// Reads the requirements file at `path` (its text already read) and every file it includes.
pub(super) fn read(path: &Path, text: &str) -> Result<FileNames, String> {
    let mut out = FileNames::default();
    read_into(path, text, &mut HashSet::new(), &mut out)?;
    Ok(out)
}

/// One file's lines, then the files it includes, depth first.
fn read_into(
    path: &Path,
    text: &str,
    visited: &mut HashSet<PathBuf>,
    out: &mut FileNames,
) -> Result<(), String> {
    if !visited.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())) {
        return Ok(());
    }
    let parsed = parse(text);
    if parsed.found.unreadable.len() > parsed.recognised {
        let (line, first) = &parsed.found.unreadable[0];
        return Err(format!(
            "{}: not a requirements file: {} of {} lines are neither requirements nor pip \
             options (line {line}: {first})",
            path.display(),
            parsed.found.unreadable.len(),
            parsed.found.unreadable.len() + parsed.recognised,
        ));
    }
    out.add(path, parsed.found);
    let dir = path.parent().unwrap_or(Path::new(""));
    for (line, target) in parsed.includes {
        let included = dir.join(&target);
        let text = read_text(&included)
            .map_err(|e| format!("{}:{line}: -r {target}: {e}", path.display()))?;
        read_into(&included, &text, visited, out)?;
    }
    Ok(())
}

/// What one file's text holds.
#[derive(Debug, Default)]
struct Parsed {
    found: Found,
    /// `-r` targets as written, with their lines.
    includes: Vec<(usize, String)>,
    /// Lines read as a requirement, an option, a URL or a path.
    recognised: usize,
}

/// Options pip accepts in a requirements file, and whether each takes a value.
const OPTIONS: &[(&str, bool)] = &[
    ("-r", true),
    ("--requirement", true),
    ("-c", true),
    ("--constraint", true),
    ("-e", true),
    ("--editable", true),
    ("-i", true),
    ("--index-url", true),
    ("--extra-index-url", true),
    ("--no-index", false),
    ("-f", true),
    ("--find-links", true),
    ("--trusted-host", true),
    ("--no-binary", true),
    ("--only-binary", true),
    ("--prefer-binary", false),
    ("--pre", false),
    ("--require-hashes", false),
    ("--use-feature", true),
    ("--hash", true),
    ("--config-settings", true),
    ("--global-option", true),
];

fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (line_no, line) in logical_lines(text) {
        let line = strip_comment(&line).trim().to_string();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('-') {
            match option(&line) {
                Some(("-r" | "--requirement", target)) if target.contains("://") => {
                    parsed.found.unreadable(line_no, &line);
                }
                Some(("-r" | "--requirement", target)) => {
                    parsed.recognised += 1;
                    parsed.includes.push((line_no, target.to_string()));
                }
                Some(_) => parsed.recognised += 1,
                None => parsed.found.unreadable(line_no, &line),
            }
        } else if is_location(line.split_whitespace().next().unwrap_or_default()) {
            parsed.recognised += 1;
        } else if let Some(name) = requirement(&line) {
            parsed.recognised += 1;
            parsed.found.name(Ecosystem::Pypi, &name, line_no);
        } else {
            parsed.found.unreadable(line_no, &line);
        }
    }
    parsed
}

/// The lines with `\` continuations joined, each with the number of its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let (start, mut joined) = pending.take().unwrap_or((i + 1, String::new()));
        match line.strip_suffix('\\') {
            Some(head) => {
                joined.push_str(head);
                pending = Some((start, joined));
            }
            None => {
                joined.push_str(line);
                lines.push((start, joined));
            }
        }
    }
    lines.extend(pending);
    lines
}

/// The line before a `#` comment (a `#` at the start or after whitespace, as pip reads it).
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

/// A known option line as (option, value); `None` for an option pip does not accept there.
fn option(line: &str) -> Option<(&'static str, &str)> {
    let (word, rest) = line.split_once([' ', '\t', '=']).unwrap_or((line, ""));
    let rest = rest.trim();
    if let Some(&(name, takes_value)) = OPTIONS.iter().find(|(name, _)| *name == word) {
        return (!takes_value || !rest.is_empty()).then_some((name, rest));
    }
    // A short option with its value attached: `-rbase.txt`, `-e.`.
    OPTIONS
        .iter()
        .filter(|(name, takes_value)| name.len() == 2 && *takes_value)
        .find(|(name, _)| word.len() > 2 && word.starts_with(name))
        .map(|&(name, _)| (name, line[2..].trim()))
}

/// Whether a line's first word is a URL, a local path or an archive file name (pip installs
/// those without a registry name to check).
fn is_location(word: &str) -> bool {
    const ARCHIVES: &[&str] = &[".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"];
    word.contains("://")
        || word.starts_with(['.', '/', '~'])
        || word.contains(['/', '\\'])
        || word.starts_with("file:")
        || ARCHIVES.iter().any(|ext| word.ends_with(ext))
}

/// The name of a PEP 508 requirement (`name[extras] spec ; marker`, `name @ url`), with pip's
/// per-requirement options allowed after it; `None` when the line is not one.
pub(super) fn requirement(line: &str) -> Option<String> {
    let name = requirement_name(line)?;
    let mut rest = line.trim_start()[name.len()..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        let (inside, after) = extras.split_once(']')?;
        let ok = inside.split(',').all(|e| {
            e.trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
        if !ok {
            return None;
        }
        rest = after.trim_start();
    }
    let spec_end = rest.find([';', '@']).unwrap_or(rest.len());
    let spec_end = rest[..spec_end].find(" --").unwrap_or(spec_end);
    let (spec, tail) = rest.split_at(spec_end);
    let spec_ok = spec.is_empty() || is_version_spec(spec);
    let tail = tail.trim_start();
    let tail_ok = tail.is_empty()
        || tail.starts_with(';')
        || tail.starts_with("--")
        || (tail.starts_with('@') && spec.is_empty() && tail.len() > 1);
    (spec_ok && tail_ok).then_some(name)
}

/// Whether `spec` is a PEP 440 specifier list: `op version` clauses joined by commas
/// (`>=1.2,<2`, `== 1.*`), in parentheses or not.
fn is_version_spec(spec: &str) -> bool {
    const OPERATORS: [&str; 8] = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];
    let spec = spec.trim();
    let spec = spec
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(spec);
    spec.split(',').all(|clause| {
        let clause = clause.trim();
        let version = OPERATORS.iter().find_map(|op| clause.strip_prefix(op));
        version.is_some_and(|v| {
            let v = v.trim();
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".*+!_-".contains(c))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, usize)> {
        parse(text).found.names
    }

    #[test]
    fn requirement_forms() {
        for (line, name) in [
            ("requests", "requests"),
            ("reqeusts==1.0", "reqeusts"),
            (
                "Django[argon2, bcrypt]>=4.2,<5 ; python_version>='3.8'",
                "Django",
            ),
            ("numpy>=1,<2", "numpy"),
            ("pkg @ https://example.invalid/pkg-1.0.whl", "pkg"),
            ("six (>=1.0)", "six"),
            ("attrs==23.1 --hash=sha256:00ff --hash=sha256:11", "attrs"),
            ("zope.interface ~= 6.0", "zope.interface"),
        ] {
            assert_eq!(requirement(line).as_deref(), Some(name), "{line}");
        }
        for line in [
            "This project needs Python",
            "pip install requests",
            "```",
            "a b",
            "flask>=3 if possible",
            "numpy>=",
        ] {
            assert_eq!(requirement(line), None, "{line}");
        }
    }

    #[test]
    fn lines_options_and_locations() {
        let text = "# pinned\nrequests==2.31 \\\n    --hash=sha256:00\n-r base.txt\n\
                    -c constraints.txt\n-e git+https://example.invalid/x.git#egg=x\n\
                    --index-url https://example.invalid/simple\n./local\n\
                    https://example.invalid/y.whl\nlocal-1.0-py3-none-any.whl\n\
                    flask  # web\n\n--bogus-option\n";
        let parsed = parse(text);
        assert_eq!(
            parsed.found.names,
            [("requests".to_string(), 2), ("flask".to_string(), 11)]
        );
        assert_eq!(parsed.includes, [(4, "base.txt".to_string())]);
        assert_eq!(
            parsed.found.unreadable,
            [(13, "--bogus-option".to_string())]
        );
        assert_eq!(parsed.recognised, 9);
    }

    #[test]
    fn attached_short_options() {
        assert_eq!(option("-rbase.txt"), Some(("-r", "base.txt")));
        assert_eq!(
            option("--requirement=dev.txt"),
            Some(("--requirement", "dev.txt"))
        );
        assert_eq!(option("-r"), None);
        assert_eq!(names("-e.\n"), []);
    }

    #[test]
    fn file_names() {
        assert!(is_requirements_name("requirements.txt"));
        assert!(is_requirements_name("requirements-dev.txt"));
        assert!(is_requirements_name("test-requirements.txt"));
        assert!(is_requirements_name("constraints.txt"));
        assert!(is_requirements_name("dev.in"));
        assert!(!is_requirements_name("notes.txt"));
        assert!(!is_requirements_name(".in"));
    }
}
