//! Persistence: making code come back after the installer is gone — shell rc files,
//! cron, systemd and XDG autostart, launchd, Windows Run keys, Startup folder and
//! scheduled tasks. The mechanisms are data (`rules/data/persistence.txt`).

use super::{calls, runs_unasked, unasked_confidence, when, Ctx, Detector};
use crate::analysis::SourceFile;
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::{self, Kinds};
use crate::lang::facts::CallFact;
use crate::lang::shell;
use crate::rules::{rule, Rule};
use std::sync::OnceLock;

rule!(SHELL_RC_WRITE = "shell-rc-write" in "persistence" as Persistence);
rule!(CRON_JOB = "cron-job" in "persistence" as Persistence);
rule!(SYSTEMD_UNIT = "systemd-unit" in "persistence" as Persistence);
rule!(AUTOSTART_ENTRY = "autostart-entry" in "persistence" as Persistence);
rule!(LAUNCHD_AGENT = "launchd-agent" in "persistence" as Persistence);
rule!(STARTUP_FOLDER = "startup-folder" in "persistence" as Persistence);
rule!(WINDOWS_RUN_KEY = "windows-run-key" in "persistence" as Persistence);
rule!(SCHEDULED_TASK = "scheduled-task" in "persistence" as Persistence);
rule!(SSH_AUTHORIZED_KEY = "ssh-authorized-key" in "persistence" as Persistence);
rule!(PRELOAD_HIJACK = "preload-hijack" in "persistence" as Persistence);
rule!(PLANTED_DOWNLOAD = "planted-download" in "persistence" as Persistence);
rule!(DROPPER_CHAIN = "dropper-chain" in "persistence" as Persistence);

pub const DETECTOR: Detector = Detector {
    rules: &[
        &SHELL_RC_WRITE,
        &CRON_JOB,
        &SYSTEMD_UNIT,
        &AUTOSTART_ENTRY,
        &LAUNCHD_AGENT,
        &STARTUP_FOLDER,
        &WINDOWS_RUN_KEY,
        &SCHEDULED_TASK,
        &SSH_AUTHORIZED_KEY,
        &PRELOAD_HIJACK,
        &PLANTED_DOWNLOAD,
    ],
    run,
};

const DATA: &str = include_str!("../../rules/data/persistence.txt");

/// The rules `rules/data/persistence.txt` may name, each with a short human name of its
/// mechanism for messages.
static MECHANISM_RULES: &[(&Rule, &str)] = &[
    (
        &SHELL_RC_WRITE,
        "a shell start-up file: it runs in every new shell",
    ),
    (&CRON_JOB, "a cron job: it runs on a schedule"),
    (
        &SYSTEMD_UNIT,
        "a systemd unit: it starts with the session or system",
    ),
    (
        &AUTOSTART_ENTRY,
        "an XDG autostart entry: it starts with the desktop session",
    ),
    (&LAUNCHD_AGENT, "a launchd agent: it starts at login"),
    (
        &STARTUP_FOLDER,
        "the Windows Startup folder: it starts at login",
    ),
    (&WINDOWS_RUN_KEY, "a Windows Run key: it starts at login"),
    (&SCHEDULED_TASK, "a scheduled task"),
    (
        &SSH_AUTHORIZED_KEY,
        "the SSH keys allowed to log in: whoever holds the key gets a shell",
    ),
    (
        &PRELOAD_HIJACK,
        "the dynamic linker's preload list: the library is loaded into every program",
    ),
];

/// One line of the data file.
pub struct Mechanism {
    kind: &'static str,
    rule: &'static Rule,
    /// The mechanism's human name, from [`MECHANISM_RULES`].
    what: &'static str,
    pattern: String,
    arg: Option<String>,
}

/// The data file's mechanisms. A line naming a rule that is not one of
/// [`MECHANISM_RULES`] panics on first use (a unit test reads them all).
fn mechanisms() -> &'static [Mechanism] {
    static CELL: OnceLock<Vec<Mechanism>> = OnceLock::new();
    CELL.get_or_init(|| {
        DATA.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut words = l.splitn(4, ' ');
                let kind = words.next().expect("kind");
                let id = words.next().expect("rule id");
                let (rule, what) = MECHANISM_RULES
                    .iter()
                    .find(|(r, _)| r.id == id)
                    .unwrap_or_else(|| {
                        panic!("rules/data/persistence.txt names `{id}`, no persistence rule")
                    });
                let rest: Vec<&'static str> = words.collect();
                let (pattern, arg) = match kind {
                    "command" => (
                        rest[0].to_string(),
                        rest.get(1).map(|a| a.to_ascii_lowercase()),
                    ),
                    _ => (rest.join(" ").to_ascii_lowercase(), None),
                };
                Mechanism {
                    kind,
                    rule,
                    what,
                    pattern,
                    arg,
                }
            })
            .collect()
    })
}

/// The persistence mechanism a written path falls under, if any.
pub fn mechanism(path: &str) -> Option<&'static Mechanism> {
    let p = super::paths::normalize(path);
    mechanisms()
        .iter()
        .find(|m| m.kind == "path" && p.contains(&m.pattern))
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        // Developer tools write rc files for a home they are given when asked (`devenv`,
        // `conda init`); a payload names the file itself.
        let computed = c.write_target().is_some_and(|t| t.contains("{?}"));
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::High)
        } else if computed {
            (Severity::Medium, Confidence::Low)
        } else {
            (Severity::Medium, Confidence::Medium)
        };
        let mut hit = |rule: &'static Rule, how: String| {
            // Provisioning tools (and devices' own reset code) rewrite the authorized keys
            // when asked; only an unasked write is a backdoor by itself.
            let confidence = if rule == &SSH_AUTHORIZED_KEY && !runs_unasked(phase) {
                Confidence::Low
            } else {
                confidence
            };
            out.push(rule.at_call(f, c, severity, confidence, format!("{how} {}", when(phase))));
        };
        if let Some(target) = c.write_target() {
            if let Some(m) = mechanism(target) {
                let launcher = (m.rule == &SHELL_RC_WRITE)
                    .then(|| planted_launcher(f, c))
                    .flatten()
                    .map(|cmd| format!(", adding the launcher `{cmd}`,"))
                    .unwrap_or_default();
                hit(m.rule, format!("writes `{target}` ({}){launcher}", m.what));
                if let Some(cmd) = planted_download(f, c) {
                    // A downloader planted where the system starts it is a dropper that
                    // re-arms itself, whoever calls the code that plants it.
                    out.push(PLANTED_DOWNLOAD.at_call(
                        f,
                        c,
                        Severity::Critical,
                        unasked_confidence(phase),
                        format!(
                            "plants the download `{cmd}` in `{target}` ({}) {}",
                            m.what,
                            when(phase)
                        ),
                    ));
                }
                continue;
            }
        }
        if c.shell.is_some() {
            let program = c.callee.trim_start_matches("sh.");
            let words: Vec<String> = c
                .args
                .iter()
                .skip(1)
                .filter_map(|a| a.text.as_deref())
                .map(str::to_ascii_lowercase)
                .collect();
            let has = |w: &str| words.iter().any(|x| x == w);
            let found = mechanisms().iter().find(|m| {
                m.kind == "command"
                    && m.pattern.eq_ignore_ascii_case(program)
                    && m.arg.as_ref().is_none_or(|a| match a.strip_prefix('!') {
                        Some(not) => !has(not),
                        None => has(a),
                    })
            });
            let args = words.join(" ");
            if let Some(m) = found {
                hit(m.rule, format!("runs `{program} {args}` ({})", m.what));
                continue;
            }
        }
        let texts: Vec<String> = c
            .all_args()
            .filter_map(|a| a.text.as_deref())
            .map(super::paths::normalize)
            .collect();
        let by_string = mechanisms().iter().find(|m| {
            m.kind == "string"
                && texts
                    .iter()
                    .any(|t| t.contains(&m.pattern.replace('\\', "/")))
        });
        if let Some(m) = by_string {
            hit(
                m.rule,
                format!("passes `{}` ({}) to `{}`", m.pattern, m.what, c.callee),
            );
        }
    }
}

/// A download command in the text a function writes after opening a start-up file (the
/// open call itself, or a `.write` of the same function on a later line), as written.
fn planted_download(f: &SourceFile, open: &CallFact) -> Option<String> {
    writes_after(f, open)
        // The open call's own first argument is the start-up file's path, not its text
        // (`appendFileSync(path, text)` writes as it opens).
        .flat_map(|w| {
            let skip = usize::from(std::ptr::eq(w, open));
            w.args.iter().skip(skip).filter_map(|a| a.text.as_deref())
        })
        .filter(|t| t.contains("://"))
        .find_map(|t| download_in(t, 2))
}

/// A command that starts a program, in the text written into a shell start-up file: one
/// put in the background (`~/.drv &`) or started by its path (`~/.local/bin/agent`).
/// Read as shell, because that is what every new shell does with it.
fn planted_launcher(f: &SourceFile, open: &CallFact) -> Option<String> {
    const WRITES: &[&str] = &[
        "write",
        "writelines",
        "writeFileSync",
        "appendFileSync",
        "writeFile",
        "appendFile",
        "puts",
        "print",
        "write_text",
    ];
    writes_after(f, open)
        .filter(|w| {
            std::ptr::eq(*w, open) || WRITES.contains(&w.callee.rsplit('.').next().unwrap_or(""))
        })
        // The open call's own first argument is the start-up file's path, not its text
        // (`appendFileSync(path, text)` writes as it opens).
        .flat_map(|w| {
            let skip = usize::from(std::ptr::eq(w, open));
            w.args.iter().skip(skip).filter_map(|a| a.text.as_deref())
        })
        .flat_map(shell::parse)
        .find(|cmd| cmd.background || cmd.program.contains('/'))
        .map(|cmd| {
            let mut words = vec![cmd.program.clone()];
            words.extend(cmd.args.iter().cloned());
            if cmd.background {
                words.push("&".into());
            }
            words.join(" ")
        })
}

/// The calls of the same function from the open call on: where what is written into
/// the file it opened is found.
fn writes_after<'a>(f: &'a SourceFile, open: &'a CallFact) -> impl Iterator<Item = &'a CallFact> {
    f.facts
        .calls
        .iter()
        .filter(|w| w.scope == open.scope && w.line >= open.line && w.shell.is_none())
}

/// The first download command in a shell text, looking `depth` levels into quoted words
/// that hold commands themselves (`echo "wget https://... -O x" > run.sh`).
fn download_in(text: &str, depth: u32) -> Option<String> {
    let commands = shell::parse(text);
    for cmd in &commands {
        if catalog::kinds(&format!("sh.{}", cmd.name())).has(Kinds::DOWNLOAD)
            && cmd.args.iter().any(|a| a.contains("://"))
        {
            return Some(format!("{} {}", cmd.program, cmd.args.join(" ")));
        }
    }
    if depth == 0 {
        return None;
    }
    commands
        .iter()
        .flat_map(|c| &c.args)
        .filter(|a| a.contains("://") && a.contains(' '))
        .find_map(|a| download_in(a, depth - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of `rules/data/persistence.txt` names one of the persistence rules.
    #[test]
    fn data_names_persistence_rules() {
        assert!(!mechanisms().is_empty());
        assert_eq!(
            mechanism("~/.bashrc").map(|m| m.rule),
            Some(&SHELL_RC_WRITE)
        );
    }
}
