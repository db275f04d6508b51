//! The command line. Each flag's doc comment is its `--help` text.

use crate::archive::limits::Limits;
use crate::scan::Config;
use crate::verdict::Verdict;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "pkgwarden",
    version,
    about = "Finds malicious PyPI, npm and RubyGems packages without running them"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scan package archives and folders (recursively) and report what they would do.
    Scan(Box<ScanArgs>),
    /// Check package names for typosquatting before anything is downloaded.
    CheckName(crate::typosquat::cli::CheckNameArgs),
    /// List every rule: id, category, severity and title, by category.
    Rules(RulesArgs),
    /// Print a rule's document: what it checks, why it matters, false positives, examples.
    Explain(ExplainArgs),
}

#[derive(clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The rule id, as findings name it (`shell-rc-write`).
    pub rule: String,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Output formats of `scan`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// For people: stories, findings worst first, code lines marked, a summary.
    Text,
    /// One JSON document (`schema_version`ed; schema in `docs/report.schema.json`).
    Json,
    /// JSON Lines: one package per line as each completes, then a summary line.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// One self-contained HTML triage page.
    Html,
}

/// When to colour the text report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColourChoice {
    /// When stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// `--min-confidence` values.
#[derive(Clone, Copy, ValueEnum)]
pub enum ConfidenceArg {
    Low,
    Medium,
    High,
}

impl From<ConfidenceArg> for crate::finding::Confidence {
    fn from(c: ConfidenceArg) -> Self {
        match c {
            ConfidenceArg::Low => Self::Low,
            ConfidenceArg::Medium => Self::Medium,
            ConfidenceArg::High => Self::High,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Malicious,
    Suspicious,
}

#[derive(clap::Args)]
#[command(
    after_help = "Exit codes: 1 if a package is at or above --fail-on; otherwise 2 if \
anything was not scanned completely (an input that could not be opened, a package that could \
not be read or was analysed only in part, a scan stopped by a closed output, nothing scanned \
with --fail-on-empty) or the command line or configuration is wrong; otherwise 0."
)]
pub struct ScanArgs {
    /// Files and folders to scan.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ScanFormat,
    /// A folder (or archive) of known-good packages: a scanned package whose name imitates
    /// one of them and whose files are a near-identical copy of it is reported with the
    /// lines it changed (`copy-of-popular`). Repeatable. Archives of the same scan named
    /// after the package a squat imitates are compared too.
    #[arg(long, value_name = "DIR")]
    pub reference: Vec<PathBuf>,
    /// Also write the HTML triage page to FILE, beside the chosen format.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print flagged packages only: no clean ones, no summary, no progress.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Colour the text report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColourChoice,
    /// No progress line on stderr (it is shown only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Exit with 1 when a package is at or above this verdict [default: malicious].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Only these rule ids or categories count (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE|CATEGORY")]
    pub select: Vec<String>,
    /// These rule ids or categories never count (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE|CATEGORY")]
    pub ignore: Vec<String>,
    /// Findings below this confidence never count.
    #[arg(long, value_enum)]
    pub min_confidence: Option<ConfidenceArg>,
    /// The configuration file [default: the first `pkgwarden.toml` from the current
    /// folder up, unless it lies inside a scanned input].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    pub no_config: bool,
    /// Findings recorded in this baseline (from `--write-baseline`) no longer count.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding that counts today in FILE, so that later scans given
    /// `--baseline FILE` fail only on new ones.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Exit with 2 when nothing was scanned: no input held a package (what was skipped,
    /// and why, is in the report either way).
    #[arg(long)]
    pub fail_on_empty: bool,
    /// Worker threads (0: one per core). Output is the same whatever the number.
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Also show clean packages, low-severity findings and analysis notes.
    #[arg(long, short)]
    pub verbose: bool,
    /// With `--format json`: add each package's seconds per stage (read, parse, facts,
    /// propagate, detect) and the report's own time. Timings vary from run to run, so
    /// they are left out by default and the output stays deterministic.
    #[arg(long)]
    pub timings: bool,
    /// Most uncompressed bytes one package may keep in memory (source text, heads of
    /// other entries, nested archives being read).
    #[arg(long, default_value_t = Limits::default().max_package_bytes)]
    pub max_package_bytes: u64,
    /// Most uncompressed bytes read from one package, kept or streamed past; also the
    /// largest archive file scanned.
    #[arg(long, default_value_t = Limits::default().max_read_bytes)]
    pub max_read_bytes: u64,
    /// Most uncompressed bytes read from one archive entry.
    #[arg(long, default_value_t = Limits::default().max_entry_bytes)]
    pub max_entry_bytes: u64,
    /// Most entries read from one package.
    #[arg(long, default_value_t = Limits::default().max_entries)]
    pub max_entries: usize,
    /// Largest uncompressed/compressed ratio before a stream or entry is a decompression bomb.
    #[arg(long, default_value_t = Limits::default().max_ratio)]
    pub max_ratio: u64,
    /// Archives inside archives followed this many levels deep.
    #[arg(long, default_value_t = Limits::default().max_nesting)]
    pub max_nesting: u32,
    /// Largest source file parsed, in bytes.
    #[arg(long, default_value_t = Limits::default().max_source_bytes)]
    pub max_source_bytes: usize,
    /// Syntax nodes (estimated) one file may make a parser build; a larger file is
    /// read by a linear token pass instead, and the result is partial.
    #[arg(long, default_value_t = Limits::default().max_syntax_nodes)]
    pub max_syntax_nodes: usize,
    /// Syntax nesting analysed; deeper code is cut off and noted.
    #[arg(long, default_value_t = Limits::default().max_ast_depth)]
    pub max_ast_depth: usize,
    /// Seconds allowed for one package, reading and analysis together.
    #[arg(long, default_value_t = Limits::default().package_timeout.as_secs())]
    pub timeout: u64,
    /// Seconds allowed for parsing one file.
    #[arg(long, default_value_t = Limits::default().parse_timeout.as_secs())]
    pub parse_timeout: u64,
}

impl ScanArgs {
    pub fn config(&self) -> Config {
        let limits = Limits {
            max_package_bytes: self.max_package_bytes,
            max_read_bytes: self.max_read_bytes,
            max_entry_bytes: self.max_entry_bytes,
            max_entries: self.max_entries,
            max_ratio: self.max_ratio,
            max_nesting: self.max_nesting,
            max_source_bytes: self.max_source_bytes,
            max_syntax_nodes: self.max_syntax_nodes,
            max_ast_depth: self.max_ast_depth,
            package_timeout: Duration::from_secs(self.timeout),
            parse_timeout: Duration::from_secs(self.parse_timeout),
            ..Limits::default()
        };
        Config {
            limits,
            jobs: self.jobs,
            references: None,
        }
    }
}

/// Exit status for CI, from what the scan saw: 1 if a package reached `fail_on`; else 2
/// if anything was not scanned completely (an input that could not be opened, a package
/// that could not be read, one read or analysed only in part, a scan stopped because its
/// output was closed) or, with `fail_on_empty`, if no package was scanned at all; else 0.
pub fn exit_code(
    failed: bool,
    summary: &crate::report::summary::Summary,
    fail_on_empty: bool,
) -> i32 {
    let incomplete = !summary.input_errors.is_empty()
        || summary.error > 0
        || summary.partial > 0
        || summary.stopped
        || (fail_on_empty && summary.packages == 0);
    if failed {
        1
    } else if incomplete {
        2
    } else {
        0
    }
}

/// Whether a package fails the `--fail-on` gate.
pub fn fails(verdict: Verdict, fail_on: FailOn) -> bool {
    let threshold = match fail_on {
        FailOn::Malicious => Verdict::Malicious,
        FailOn::Suspicious => Verdict::Suspicious,
    };
    verdict != Verdict::Error && verdict >= threshold
}
