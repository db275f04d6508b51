//! Persistence: making code come back after the installer is gone — shell rc files,
//! cron, systemd and XDG autostart, launchd, Windows Run keys, Startup folder and
//! scheduled tasks. The mechanisms are data (`rules/data/persistence.txt`).

use super::{at_call, calls, runs_unasked, when, Ctx, Detector};
use crate::analysis::SourceFile;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::lang::catalog::{self, Kinds};
use crate::lang::facts::CallFact;
use crate::lang::shell;
use std::sync::OnceLock;

pub const DETECTOR: Detector = Detector {
    rules: &[
        "shell-rc-write",
        "cron-job",
        "systemd-unit",
        "autostart-entry",
        "launchd-agent",
        "startup-folder",
        "windows-run-key",
        "scheduled-task",
        "planted-download",
    ],
    run,
};

const DATA: &str = include_str!("../../rules/data/persistence.txt");

/// One line of the data file.
struct Mechanism {
    kind: &'static str,
    rule: &'static str,
    pattern: String,
    arg: Option<String>,
}

fn mechanisms() -> &'static [Mechanism] {
    static CELL: OnceLock<Vec<Mechanism>> = OnceLock::new();
    CELL.get_or_init(|| {
        DATA.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut words = l.splitn(4, ' ');
                let kind = words.next().expect("kind");
                let rule = words.next().expect("rule id");
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
                    pattern,
                    arg,
                }
            })
            .collect()
    })
}

/// The persistence rule a written path falls under, if any.
pub fn mechanism(path: &str) -> Option<&'static str> {
    let p = super::paths::normalize(path);
    mechanisms()
        .iter()
        .find(|m| m.kind == "path" && p.contains(&m.pattern))
        .map(|m| m.rule)
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
        let mut hit = |rule: &'static str, how: String| {
            out.push(at_call(
                f,
                c,
                rule,
                Category::Persistence,
                severity,
                confidence,
                format!("{how} {}", when(phase)),
            ));
        };
        if let Some(target) = c.write_target() {
            if let Some(rule) = mechanism(target) {
                let launcher = (rule == "shell-rc-write")
                    .then(|| planted_launcher(f, c))
                    .flatten()
                    .map(|cmd| format!(", adding the launcher `{cmd}`,"))
                    .unwrap_or_default();
                hit(
                    rule,
                    format!("writes `{target}` ({}){launcher}", describe(rule)),
                );
                if let Some(cmd) = planted_download(f, c) {
                    // A downloader planted where the system starts it is a dropper that
                    // re-arms itself, whoever calls the code that plants it.
                    out.push(at_call(
                        f,
                        c,
                        "planted-download",
                        Category::Persistence,
                        Severity::Critical,
                        if runs_unasked(phase) {
                            Confidence::High
                        } else {
                            Confidence::Medium
                        },
                        format!(
                            "plants the download `{cmd}` in `{target}` ({}) {}",
                            describe(rule),
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
                hit(
                    m.rule,
                    format!("runs `{program} {args}` ({})", describe(m.rule)),
                );
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
                format!(
                    "passes `{}` ({}) to `{}`",
                    m.pattern,
                    describe(m.rule),
                    c.callee
                ),
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

/// A short human name for a mechanism.
pub fn describe(rule: &str) -> &'static str {
    match rule {
        "shell-rc-write" => "a shell start-up file: it runs in every new shell",
        "cron-job" => "a cron job: it runs on a schedule",
        "systemd-unit" => "a systemd unit: it starts with the session or system",
        "autostart-entry" => "an XDG autostart entry: it starts with the desktop session",
        "launchd-agent" => "a launchd agent: it starts at login",
        "startup-folder" => "the Windows Startup folder: it starts at login",
        "windows-run-key" => "a Windows Run key: it starts at login",
        "scheduled-task" => "a scheduled task",
        _ => "a persistence mechanism",
    }
}
