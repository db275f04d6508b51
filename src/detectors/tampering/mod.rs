//! Tampering (`rules/tampering/`): acting on the rest of the machine rather than on the
//! package's own files: code written into other processes, and commands that destroy the
//! user's files or stop the machine.

pub(super) mod destructive_command;
pub(super) mod process_injection;

use crate::rules::rule;

rule!(DESTRUCTIVE_COMMAND = "destructive-command" in "tampering" as Tampering);
rule!(PROCESS_INJECTION = "process-injection" in "tampering" as Tampering);
