//! pkgwarden: finds malicious packages by reading their archives without running them.

pub mod ecosystem;
