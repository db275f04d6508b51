//! pkgwarden: finds malicious packages by reading their archives without running them.
//!
//! Data flows one way: inputs -> archive -> package -> lang (facts) -> detectors ->
//! chains/verdict -> report. [`scan`] is the one entry point the CLI and tests use.

pub mod analysis;
pub mod archive;
pub mod chains;
pub mod cli;
pub mod copy_of_popular;
pub mod detectors;
pub mod ecosystem;
pub mod finding;
pub mod gate;
pub mod input;
pub mod lang;
pub mod package;
pub mod report;
pub mod rules;
pub mod scan;
pub mod scan_command;
pub mod timings;
pub mod verdict;

pub use scan::{scan, scan_bytes, Config, PackageReport, ScanReport};
pub mod typosquat;
