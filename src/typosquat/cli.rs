//! `pkgwarden check-name`: the typosquatting check for names alone, so CI can vet a
//! requirements file or a package.json before anything is downloaded.
//!
//! Exit codes: 0 when no name is flagged, 1 when any is, 2 on a usage or input error.

use std::path::PathBuf;

use serde::Serialize;

use super::manifest_names::read_names;
use super::{check_name, Check};
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
    /// Ecosystem of the names given as arguments, and of files whose kind does not tell:
    /// pypi, npm or rubygems [default: pypi].
    #[arg(long)]
    pub ecosystem: Option<Ecosystem>,
    /// Also check the dependencies listed in FILE (requirements*.txt, pyproject.toml,
    /// package.json, Gemfile); the file kind sets the ecosystem. Repeatable.
    #[arg(long = "from", value_name = "FILE")]
    pub from: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// The verdict for one name; the JSON output is an array of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameResult {
    pub name: String,
    pub ecosystem: Ecosystem,
    pub flagged: bool,
    pub target: Option<String>,
    pub target_rank: Option<usize>,
    pub check: Option<Check>,
}

/// Gathers the names from the arguments and files and checks each one, in order and without
/// duplicates. Fails on an unreadable or malformed file, or when there is no name at all.
pub fn evaluate(args: &CheckNameArgs) -> Result<Vec<NameResult>, String> {
    let default_eco = args.ecosystem.unwrap_or(Ecosystem::Pypi);
    let mut names: Vec<(Ecosystem, String)> = args
        .names
        .iter()
        .map(|name| (default_eco, name.trim().to_string()))
        .collect();
    for path in &args.from {
        let (eco, file_names) = read_names(path, default_eco)?;
        names.extend(file_names.into_iter().map(|name| (eco, name)));
    }
    names.retain(|(_, name)| !name.is_empty());
    let mut seen = std::collections::HashSet::new();
    names.retain(|entry| seen.insert(entry.clone()));
    if names.is_empty() {
        return Err("no package names to check".to_string());
    }
    Ok(names
        .into_iter()
        .map(|(ecosystem, name)| {
            let squat = check_name(&name, ecosystem);
            NameResult {
                flagged: squat.is_some(),
                target: squat.as_ref().map(|s| s.target.clone()),
                target_rank: squat.as_ref().map(|s| s.target_rank),
                check: squat.map(|s| s.check),
                name,
                ecosystem,
            }
        })
        .collect())
}

/// One line per result: `diango (pypi): imitates django (rank 518) by keyboard-neighbour`.
pub fn render_text(results: &[NameResult]) -> String {
    let mut out = String::new();
    for r in results {
        let eco = r.ecosystem.as_str();
        let line = match (&r.target, r.target_rank, r.check) {
            (Some(target), Some(rank), Some(check)) => {
                format!(
                    "{} ({eco}): imitates {target} (rank {rank}) by {check}\n",
                    r.name
                )
            }
            _ => format!("{} ({eco}): ok\n", r.name),
        };
        out.push_str(&line);
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
        OutputFormat::Text => print!("{}", render_text(&results)),
        OutputFormat::Json => match serde_json::to_string_pretty(&results) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
    }
    i32::from(results.iter().any(|r| r.flagged))
}
