//! Reverse and bind shells: a shell wired to a network socket (`bash -i >& /dev/tcp/...`,
//! `nc -e`, Python `socket` + `dup2` + a shell, a Node child process piped to a socket),
//! and command loops that run what a socket sends. This is remote control, never a feature.

use super::REVERSE_SHELL;
use crate::analysis::SourceFile;
use crate::detectors::{unasked_confidence, when, Ctx, Detector};
use crate::finding::{Finding, Severity};
use crate::lang::facts::{CallFact, Value};

pub const DETECTOR: Detector = Detector {
    rules: &[&REVERSE_SHELL],
    run,
};

/// Programs that read commands from their input: wired to a socket, the far end drives
/// them. `exec` stands for the shell itself (`exec 5<>/dev/tcp/...`).
const SHELLS: &[&str] = &[
    "bash",
    "sh",
    "zsh",
    "dash",
    "ksh",
    "ash",
    "csh",
    "tcsh",
    "fish",
    "exec",
    "python",
    "python3",
    "perl",
    "ruby",
    "php",
    "powershell",
    "pwsh",
];

/// Whether a shell command on `line` runs an interpreter. A `/dev/tcp` redirect of a
/// command that runs none (`: > /dev/tcp/localhost/3001`, the usual "is the port taken"
/// probe) connects and closes: there is no shell on the socket.
fn shell_on_line(f: &SourceFile, line: u32) -> bool {
    f.facts.calls.iter().any(|c| {
        c.line == line
            && c.shell.is_some()
            && c.callee
                .strip_prefix("sh.")
                .is_some_and(|p| SHELLS.contains(&p) || p.starts_with("python"))
    })
}

/// Values that start as a network socket: what a connection constructor returns, in
/// Python, Node and Ruby.
const SOCKETS: &[&str] = &[
    "socket.socket",
    "socket.create_connection",
    "TCPSocket",
    "Socket.tcp",
    "net.Socket",
    "net.connect",
    "net.createConnection",
    "tls.connect",
];

/// Methods that read what the far end of a socket sent.
const SOCKET_READS: &[&str] = &[
    "recv",
    "recvfrom",
    "gets",
    "read",
    "readline",
    "readpartial",
    "recv_nonblock",
];

/// Whether a value's origin (`socket.socket.recv.decode`, `net.connect`) is a socket.
fn is_socket(origin: &str) -> bool {
    SOCKETS
        .iter()
        .any(|s| origin == *s || origin.strip_prefix(s).is_some_and(|r| r.starts_with('.')))
}

/// Whether a value's origin is data read from a socket (`socket.socket.recv(1024).decode()`,
/// `TCPSocket.gets`).
fn read_from_socket(origin: &str) -> bool {
    is_socket(origin) && origin.split('.').any(|part| SOCKET_READS.contains(&part))
}

/// Whether a value comes from starting a child process (`child_process.spawn.stdin`).
fn child_stream(origin: &str) -> bool {
    origin.starts_with("child_process.")
}

/// How a call hands a program's input or output to a socket, if it does: a command run
/// from what a socket read, or a child process's stream piped to or from a socket.
fn socket_driven(c: &CallFact) -> Option<&'static str> {
    use crate::lang::catalog::Kinds;
    let origins: Vec<&str> = c
        .all_args()
        .flat_map(|a| a.name.iter().chain(&a.names))
        .map(String::as_str)
        .collect();
    if (c.kinds.has(Kinds::SPAWN) || c.kinds.has(Kinds::EXEC))
        && origins.iter().any(|o| read_from_socket(o))
    {
        return Some("runs commands it reads from a network socket");
    }
    if c.kinds.has(Kinds::SPAWN)
        && ["stdin", "stdout"].iter().any(|k| {
            c.kwarg(k)
                .is_some_and(|v| v.name.iter().chain(&v.names).any(|n| is_socket(n)))
        })
    {
        return Some("starts a program whose standard streams are a network socket");
    }
    // The input side is the one that matters: what the socket sends becomes the program's
    // input (`client.pipe(sh.stdin)`). Piping output back is the same shell, reported once.
    let receiver = c.receiver.as_ref().and_then(|r| r.name.as_deref());
    let feeds_child = c.callee.ends_with(".pipe")
        && receiver.is_some_and(is_socket)
        && origins
            .iter()
            .any(|o| child_stream(o) && o.ends_with(".stdin"));
    feeds_child.then_some("pipes what a network socket sends into a child process's input")
}

/// Whether a value names a socket or its descriptor (`s`, `s.fileno()`, `fd = s.fileno()`).
fn names_socket(v: &Value) -> bool {
    v.name.iter().chain(&v.names).any(|n| is_socket(n))
}

/// Whether `dup` is an `os.dup2` that puts a socket's descriptor onto standard input,
/// output or error (`os.dup2(s.fileno(), 0)`, or a loop variable over 0, 1, 2). A socket
/// method called inline (`s.fileno()`) is a call of its own on the same line.
fn dups_socket(f: &SourceFile, dup: &CallFact) -> bool {
    let from_socket = dup.args.first().is_some_and(names_socket)
        || f.facts
            .calls
            .iter()
            .any(|c| c.line == dup.line && c.callee.ends_with(".fileno") && is_socket(&c.callee));
    let onto_std = dup.args.get(1).is_some_and(|v| {
        v.text
            .as_deref()
            .is_none_or(|t| matches!(t, "0" | "1" | "2"))
    });
    dup.callee == "os.dup2" && from_socket && onto_std
}

/// Whether a call starts a shell or a pseudo-terminal for one (`pty.spawn("/bin/sh")`,
/// `subprocess.call(["/bin/sh", "-i"])`).
fn spawns_shell(c: &CallFact) -> bool {
    c.callee == "pty.spawn"
        || c.callee
            .strip_prefix("sh.")
            .is_some_and(|p| SHELLS.contains(&p) || p.starts_with("python"))
}

/// Whether the function holding `connect` makes its sockets only with `AF_UNIX`: a local
/// control socket (a daemon's command channel), which no remote end drives.
fn unix_socket(f: &SourceFile, connect: &CallFact) -> bool {
    let mut made = f
        .facts
        .calls
        .iter()
        .filter(|c| c.scope == connect.scope && c.callee == "socket.socket")
        .peekable();
    made.peek().is_some()
        && made.all(|c| {
            c.args
                .first()
                .is_some_and(|a| a.name.as_deref() == Some("socket.AF_UNIX"))
        })
}

/// Whether a Python `socket.connect` is wired to a shell: the file duplicates a socket
/// onto the standard streams, or the connecting function starts a shell in a file that
/// duplicates descriptors or spawns a pty. A file that merely has both a `dup2` (a pipe
/// onto stdout) and a `connect` (to a control socket) is not a shell.
fn connect_feeds_shell(f: &SourceFile, connect: &CallFact) -> bool {
    if !connect.callee.ends_with("socket.connect") || unix_socket(f, connect) {
        return false;
    }
    let calls = &f.facts.calls;
    let dups = calls
        .iter()
        .any(|c| c.callee == "os.dup2" || c.callee == "pty.spawn");
    calls.iter().any(|c| dups_socket(f, c))
        || dups
            && calls
                .iter()
                .any(|c| c.scope == connect.scope && spawns_shell(c))
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in ctx.files {
        for c in &f.facts.calls {
            let texts: Vec<&str> = c.args.iter().filter_map(|a| a.text.as_deref()).collect();
            let how = if c.shell.is_some()
                && texts
                    .iter()
                    .any(|t| t.contains("/dev/tcp/") || t.contains("/dev/udp/"))
                && shell_on_line(f, c.line)
            {
                Some("wires a shell to a TCP connection through /dev/tcp")
            } else if matches!(c.callee.as_str(), "sh.nc" | "sh.ncat" | "sh.netcat")
                && texts.iter().any(|t| matches!(*t, "-e" | "-c"))
            {
                Some("hands a shell to netcat (`-e`)")
            } else if c.callee == "sh.socat"
                && texts
                    .iter()
                    .any(|t| t.to_ascii_lowercase().starts_with("exec:"))
            {
                Some("hands a shell to socat")
            } else if connect_feeds_shell(f, c) {
                Some("connects a socket and duplicates it onto the standard streams of a shell")
            } else {
                socket_driven(c)
            };
            if let Some(how) = how {
                let phase = f.call_phase(c);
                out.push(REVERSE_SHELL.at_call(
                    f,
                    c,
                    Severity::Critical,
                    unasked_confidence(phase),
                    format!("{how} {}", when(phase)),
                ));
            }
        }
    }
}
