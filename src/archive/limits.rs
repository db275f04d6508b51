//! Every cap on what a hostile package can make pkgwarden do, in one place.
//!
//! Exceeding a cap stops reading that part of the package and is reported: as an
//! `archive-anomaly` finding when the excess is itself evidence (a decompression bomb,
//! a flood of entries), as a per-package error when the package simply cannot be read
//! completely (the time limit, a file too large to parse). Each cap has a `scan` flag;
//! the defaults below are what a real package never comes near.

use std::time::{Duration, Instant};

/// Limits applied to each package.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Uncompressed bytes one package may keep in memory: source text, the heads of
    /// other entries, nested archives while they are read. Default 512 MiB
    /// (`--max-package-bytes`).
    pub max_package_bytes: u64,
    /// Uncompressed bytes read from one package, kept or streamed past (a data file is
    /// inflated and hashed, not kept); also the largest archive file scanned. Default
    /// 4 GiB (`--max-read-bytes`): a second or two of inflating. scipy's sdist inflates
    /// past 512 MiB of benchmark matrices.
    pub max_read_bytes: u64,
    /// Uncompressed bytes read from one archive entry; the rest is not read. Default
    /// 64 MiB (`--max-entry-bytes`).
    pub max_entry_bytes: u64,
    /// Uncompressed size over compressed size beyond which a stream or entry is a bomb.
    /// Default 100 (`--max-ratio`); real packages compress 3–10x, text at most ~30x.
    pub max_ratio: u64,
    /// The ratio is only judged past this many inflated bytes, so highly compressible
    /// files (a 30 MB file of blanks placed before setup.py) are read through rather
    /// than stopping the package. Default 64 MiB: inflating that much costs well under
    /// a second, and nothing but a source file's text is kept.
    pub ratio_floor_bytes: u64,
    /// Entries read from one package. Default 50,000 (`--max-entries`); the largest
    /// real sdists hold a few thousand files.
    pub max_entries: usize,
    /// Archives inside archives followed this deep (the package itself is depth 0).
    /// Default 8 (`--max-nesting`): a gem is 2 deep, a vendored wheel in an sdist 2 or 3.
    pub max_nesting: u32,
    /// Source files larger than this are not parsed (reported as a note). Default
    /// 16 MiB (`--max-source-bytes`).
    pub max_source_bytes: usize,
    /// Syntax nodes one file may make a parser build, estimated by a byte count before
    /// parsing (brackets, commas, dots, `=`): a syntax tree costs a few hundred bytes a
    /// node, so a 12 MiB line of `f(a)[0].b, …` would take gigabytes. A file over the
    /// budget is read by the token pass and reported as analysed in part. Default
    /// 1,000,000 (`--max-syntax-nodes`); the largest popular sources estimate ~300,000.
    pub max_syntax_nodes: usize,
    /// Syntax nesting followed by the frontends; deeper code is cut and reported.
    /// Default 200 (`--max-ast-depth`), CPython's own limit on nested brackets.
    pub max_ast_depth: usize,
    /// Wall time for one package, reading and analysis together. Default 60 s (`--timeout`).
    pub package_timeout: Duration,
    /// Wall time for parsing one file with tree-sitter. Default 10 s (`--parse-timeout`).
    pub parse_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_package_bytes: 512 << 20,
            max_read_bytes: 4 << 30,
            max_entry_bytes: 64 << 20,
            max_ratio: 100,
            ratio_floor_bytes: 64 << 20,
            max_entries: 50_000,
            max_nesting: 8,
            max_source_bytes: 16 << 20,
            max_syntax_nodes: 1_000_000,
            max_ast_depth: 200,
            package_timeout: Duration::from_secs(60),
            parse_timeout: Duration::from_secs(10),
        }
    }
}

impl Limits {
    /// The instant a parse that starts now must give up.
    pub fn parse_deadline(&self) -> Instant {
        Instant::now() + self.parse_timeout
    }
}
