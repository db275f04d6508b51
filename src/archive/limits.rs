//! Every cap on what a hostile package can make pkgwarden do, in one place.
//!
//! Exceeding a cap stops reading that part of the package and is reported: as an
//! `archive-anomaly` finding when the excess is itself evidence (a decompression bomb,
//! a flood of entries), as a per-package error when the package simply cannot be read.

use std::time::{Duration, Instant};

/// Limits applied to each package.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Total uncompressed bytes read from one package, nested archives included.
    pub max_package_bytes: u64,
    /// Uncompressed bytes read from one archive entry.
    pub max_entry_bytes: u64,
    /// Uncompressed size over compressed size beyond which an archive is a bomb
    /// (only checked once more than `ratio_floor_bytes` have been inflated).
    pub max_ratio: u64,
    pub ratio_floor_bytes: u64,
    /// Entries read from one package.
    pub max_entries: usize,
    /// Archives inside archives followed this deep (the package itself is depth 0).
    pub max_nesting: u32,
    /// Source files larger than this are not parsed.
    pub max_source_bytes: usize,
    /// Syntax nesting followed by the frontends; deeper code is cut and reported.
    pub max_ast_depth: usize,
    /// Wall time for one package.
    pub package_timeout: Duration,
    /// Wall time for parsing one file.
    pub parse_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_package_bytes: 512 << 20,
            max_entry_bytes: 64 << 20,
            max_ratio: 100,
            ratio_floor_bytes: 16 << 20,
            max_entries: 50_000,
            max_nesting: 8,
            max_source_bytes: 16 << 20,
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
