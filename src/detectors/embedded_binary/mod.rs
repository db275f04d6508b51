//! Embedded binaries (`rules/embedded-binary/`): native executables a package ships,
//! found by their magic bytes whatever their names say. An executable under a name that
//! hides it (`embedded-executable`), one the package runs at install or on import
//! (`run-shipped-binary`), and a PE too small or too broken to be a real program
//! (`executable-stub`). `shipped` finds which shipped executables the package's own code
//! runs, and when, for the first two.

pub(super) mod disguised;
pub(super) mod run_shipped;
mod shipped;
pub(super) mod stub;

use crate::rules::rule;

rule!(EMBEDDED_EXECUTABLE = "embedded-executable" in "embedded-binary" as EmbeddedBinary);
rule!(RUN_SHIPPED_BINARY = "run-shipped-binary" in "embedded-binary" as EmbeddedBinary);
rule!(EXECUTABLE_STUB = "executable-stub" in "embedded-binary" as EmbeddedBinary);
