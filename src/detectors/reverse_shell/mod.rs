//! Remote control (`rules/reverse-shell/`): a shell wired to a network socket, and
//! commands run as a chat bot, a web request or a socket's peer sends them.

pub(super) mod remote_command;
pub(super) mod socket_shell;

use crate::rules::rule;

rule!(REMOTE_COMMAND = "remote-command" in "reverse-shell" as ReverseShell);
rule!(REVERSE_SHELL = "reverse-shell" in "reverse-shell" as ReverseShell);
