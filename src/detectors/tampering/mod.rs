//! Tampering (`rules/tampering/`): acting on the rest of the machine rather than on the
//! package's own files: code written into other processes, native code loaded from files
//! disguised as something else, and commands that destroy the user's files or stop the
//! machine.

pub(super) mod destructive_command;
pub(super) mod disguised_library;
pub(super) mod process_injection;

use crate::rules::rule;

rule!(DESTRUCTIVE_COMMAND = "destructive-command" in "tampering" as Tampering);
rule!(DISGUISED_LIBRARY = "disguised-library" in "tampering" as Tampering);
rule!(PROCESS_INJECTION = "process-injection" in "tampering" as Tampering);
