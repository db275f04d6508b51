//! Output formats. Reporters only read a finished [`ScanReport`]; they never re-parse code.

pub mod json;
pub mod text;
