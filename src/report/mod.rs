//! Output formats. Reporters only read finished [`PackageReport`](crate::PackageReport)s;
//! they never re-parse code.

pub mod escape;
pub mod html;
pub mod json;
pub mod progress;
pub mod sarif;
pub mod story;
pub mod summary;
pub mod text;
