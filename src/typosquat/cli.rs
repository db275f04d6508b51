//! `pkgwarden check-name`: the typosquatting check for names alone, so CI can vet a
//! requirements file or a package.json before anything is downloaded.
//!
//! Exit codes: 0 when every name was read and none is flagged; 1 when a name is flagged or a
//! line of a dependency file could not be read (it is not passed unchecked); 2 on a usage or
//! input error, such as a file of no accepted kind or one whose content is not of its kind.

use std::path::PathBuf;

use serde::Serialize;

use super::dependency_files::{self, Location};
use super::{check_name, check_name_rank_blind, Check};
use crate::ecosystem::Ecosystem;

/// How results are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line per name.
    #[default]
    Text,
    /// A JSON array with one object per name.
    Json,
}

/// Checks package names against the popular packages they may imitate.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckNameArgs {
    /// Package names to check.
    pub names: Vec<String>,
    /// Ecosystem of the names given as arguments: pypi, npm or rubygems [default: pypi].
    #[arg(long)]
    pub ecosystem: Option<Ecosystem>,
    /// Also check the dependencies listed in FILE, a dependency file the name tells the kind
    /// of: requirements*.txt, constraints*.txt, *.in, pyproject.toml, poetry.lock, uv.lock,
    /// Pipfile, Pipfile.lock, package.json, package-lock.json, npm-shrinkwrap.json,
    /// yarn.lock, pnpm-lock.yaml, Gemfile, gems.rb, Gemfile.lock, gems.locked. The kind sets
    /// the ecosystem; any other file is an error. Repeatable.
    /// `--from` takes every file that follows it, so a pre-commit hook can pass the
    /// changed files as arguments.
    #[arg(long = "from", value_name = "FILE", num_args = 1..)]
    pub from: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Judge names of the popular list as if they were not on it (still only against the
    /// names ranked above them): what a legitimate name outside the list faces. For
    /// measuring noise (scripts/typosquat-noise).
    #[arg(long)]
    pub rank_blind: bool,
}

/// The verdict for one name; the JSON output is an array of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameResult {
    /// The package name; for an unreadable line, the line's text.
    pub name: String,
    pub ecosystem: Ecosystem,
    pub flagged: bool,
    pub target: Option<String>,
    /// The target's rank; `None` for a standard-library or built-in module.
    pub target_rank: Option<usize>,
    /// For a module target: its library ("Python standard library").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<&'static str>,
    pub check: Option<Check>,
    /// Where a name read from a file was found; absent for names given as arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// True for a line of a dependency file that should name a package but could not be
    /// read; such an entry is no verdict on any name.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

/// A file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

impl From<Location> for Source {
    fn from(at: Location) -> Source {
        Source {
            file: at.file.display().to_string(),
            line: at.line,
        }
    }
}

/// Gathers the names from the arguments and files and checks each one, in order; a name is
/// listed once per file (and once for all arguments). A file's unreadable lines follow its
/// names. Fails on a file that cannot be read, is of no accepted kind or is not of the kind
/// its name says, and when there is nothing to check at all.
pub fn evaluate(args: &CheckNameArgs) -> Result<Vec<NameResult>, String> {
    let arg_eco = args.ecosystem.unwrap_or(Ecosystem::Pypi);
    let mut names: Vec<(Ecosystem, String, Option<Source>)> = args
        .names
        .iter()
        .map(|name| (arg_eco, name.trim().to_string(), None))
        .collect();
    let mut unreadable = Vec::new();
    for path in &args.from {
        let (eco, found) = dependency_files::read(path)?;
        names.extend(
            found
                .names
                .into_iter()
                .map(|(name, at)| (eco, name, Some(Source::from(at)))),
        );
        unreadable.extend(found.unreadable.into_iter().map(|(at, text)| NameResult {
            name: text,
            ecosystem: eco,
            flagged: false,
            target: None,
            target_rank: None,
            library: None,
            check: None,
            source: Some(Source::from(at)),
            unreadable: true,
        }));
    }
    names.retain(|(_, name, _)| !name.is_empty());
    let mut seen = std::collections::HashSet::new();
    names.retain(|(eco, name, source)| {
        let file = source.as_ref().map(|s| s.file.clone());
        seen.insert((*eco, name.clone(), file))
    });
    if names.is_empty() && unreadable.is_empty() {
        return Err("no package names to check".to_string());
    }
    let mut results: Vec<NameResult> = names
        .into_iter()
        .map(|(ecosystem, name, source)| {
            let squat = if args.rank_blind {
                check_name_rank_blind(&name, ecosystem)
            } else {
                check_name(&name, ecosystem)
            };
            NameResult {
                flagged: squat.is_some(),
                target: squat.as_ref().map(|s| s.target.clone()),
                target_rank: squat.as_ref().and_then(|s| s.target_rank),
                library: squat.as_ref().and_then(|s| s.library),
                check: squat.map(|s| s.check),
                name,
                ecosystem,
                source,
                unreadable: false,
            }
        })
        .collect();
    results.extend(unreadable);
    Ok(results)
}

/// One line per name: `diango (pypi): imitates django (rank 518) by keyboard-neighbour`,
/// with `, from FILE:LINE` after the ecosystem for a name read from a file. Unreadable lines
/// are left to [`render_warnings`].
pub fn render_text(results: &[NameResult]) -> String {
    let mut out = String::new();
    for r in results.iter().filter(|r| !r.unreadable) {
        let eco = r.ecosystem.as_str();
        let from = r
            .source
            .as_ref()
            .map(|s| format!(", from {}:{}", s.file, s.line))
            .unwrap_or_default();
        let line = match (&r.target, r.check) {
            (Some(target), Some(check)) => {
                let what = match (r.target_rank, r.library) {
                    (Some(rank), _) => format!("rank {rank}"),
                    (None, library) => library.unwrap_or("module").to_string(),
                };
                format!(
                    "{} ({eco}{from}): imitates {target} ({what}) by {check}\n",
                    r.name
                )
            }
            _ => format!("{} ({eco}{from}): ok\n", r.name),
        };
        out.push_str(&line);
    }
    out
}

/// One warning line per unreadable line: `warning: FILE:LINE: cannot read a package name: TEXT`.
pub fn render_warnings(results: &[NameResult]) -> String {
    let mut out = String::new();
    for r in results.iter().filter(|r| r.unreadable) {
        if let Some(s) = &r.source {
            out.push_str(&format!(
                "warning: {}:{}: cannot read a package name: {}\n",
                s.file, s.line, r.name
            ));
        }
    }
    out
}

/// Runs `check-name`, prints the results to stdout (errors to stderr) and returns the exit code.
pub fn run(args: &CheckNameArgs) -> i32 {
    let results = match evaluate(args) {
        Ok(results) => results,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    match args.format {
        OutputFormat::Text => {
            print!("{}", render_text(&results));
            eprint!("{}", render_warnings(&results));
        }
        OutputFormat::Json => match serde_json::to_string_pretty(&results) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
    }
    i32::from(results.iter().any(|r| r.flagged || r.unreadable))
}
