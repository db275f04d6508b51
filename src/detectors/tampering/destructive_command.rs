//! Commands that destroy the user's files or stop the machine: `rm -rf` of the home or
//! root folder, `shutil.rmtree` of the home folder, wiping a disk with `dd` or `mkfs`, and
//! `shutdown`/`poweroff`/`reboot`/`halt`. Sabotage packages (protestware, wipers) do this
//! at install.

use super::DESTRUCTIVE_COMMAND;
use crate::detectors::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::facts::CallFact;

pub const DETECTOR: Detector = Detector {
    rules: &[&DESTRUCTIVE_COMMAND],
    run,
};

/// Folders whose recursive removal destroys a user's data or the system.
const PRECIOUS: &[&str] = &[
    "/",
    "/*",
    "~",
    "~/",
    "~/*",
    "$HOME",
    "${HOME}",
    "$HOME/",
    "$HOME/*",
    "/home",
    "/home/*",
    "/etc",
    "/usr",
    "/boot",
    "/var",
    "/root",
    "c:\\",
    "c:/",
    "c:\\*",
    "%userprofile%",
];

/// Programs that stop or restart the machine.
const STOPPERS: &[&str] = &["shutdown", "poweroff", "reboot", "halt"];

/// Python calls that remove a folder tree.
const TREE_REMOVERS: &[&str] = &[
    "shutil.rmtree",
    "FileUtils.rm_rf",
    "FileUtils.rm_r",
    "fs.rmSync",
    "fs.rmdirSync",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let Some(act) = destroys(c) else {
            continue;
        };
        let phase = f.call_phase(c);
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::Critical, Confidence::High)
        } else {
            (Severity::High, Confidence::Medium)
        };
        out.push(DESTRUCTIVE_COMMAND.at_call(
            f,
            c,
            severity,
            confidence,
            format!("{act} {}", when(phase)),
        ));
    }
}

/// What `c` destroys, for the message, if it is destructive.
fn destroys(c: &CallFact) -> Option<String> {
    let words: Vec<&str> = c.args.iter().filter_map(|a| a.text.as_deref()).collect();
    let precious = |w: &str| {
        PRECIOUS.contains(&w.trim_end_matches('/').to_ascii_lowercase().as_str())
            || PRECIOUS.contains(&w.to_ascii_lowercase().as_str())
    };
    if TREE_REMOVERS.contains(&c.callee.as_str()) {
        let target = words.first()?;
        return precious(target)
            .then(|| format!("removes the whole of `{target}` with `{}`", c.callee));
    }
    c.shell.as_ref()?;
    let program = c.callee.strip_prefix("sh.")?;
    match program {
        "rm" => {
            let recursive = words.iter().skip(1).any(|w| {
                w.starts_with('-') && !w.starts_with("--") && w.contains(['r', 'R'])
                    || *w == "--recursive"
            });
            let target = words
                .iter()
                .skip(1)
                .find(|w| !w.starts_with('-') && precious(w))?;
            recursive.then(|| format!("removes the whole of `{target}` with `rm`"))
        }
        "dd" => {
            let disk = words.iter().find(|w| {
                w.strip_prefix("of=/dev/").is_some_and(|d| {
                    d.starts_with(['s', 'h', 'n', 'v', 'x']) && !d.starts_with("null")
                })
            })?;
            Some(format!(
                "overwrites the disk `{}` with `dd`",
                disk.trim_start_matches("of=")
            ))
        }
        p if p.starts_with("mkfs") => Some(format!("formats a disk with `{p}`")),
        p if STOPPERS.contains(&p) => Some(format!("stops the machine with `{}`", words.join(" "))),
        _ => None,
    }
}
