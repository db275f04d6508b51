//! Programs started by code that runs at install time, other than the compilers, build
//! systems and file utilities a build needs (`rules/data/build-tools.txt`). `calc`,
//! `notepad`, `start x.exe`, `powershell` or `curl` have no place in `pip install`.
//! npm lifecycle scripts are their own declared hook (`npm-install-script`): there,
//! starting `node`, `tsc` or `husky` is ordinary, and only what no npm package's
//! install runs is judged: Windows programs and system binaries used to load or launch
//! payloads, and commands that shut the machine down.

use super::INSTALL_SPAWN;
use crate::detectors::{calls, Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};
use std::collections::HashSet;
use std::sync::OnceLock;

pub const DETECTOR: Detector = Detector {
    rules: &[&INSTALL_SPAWN],
    run,
};

const DATA: &str = include_str!("../../../rules/data/build-tools.txt");
const MAINTAINER_DATA: &str = include_str!("../../../rules/data/maintainer-tools.txt");

fn names(data: &'static str) -> HashSet<&'static str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn build_tools() -> &'static HashSet<&'static str> {
    static CELL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| names(DATA))
}

/// Maintainers' own tools (`twine`, `gpg`, `pandoc`): not a build step, not an attack.
fn maintainer_tools() -> &'static HashSet<&'static str> {
    static CELL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| names(MAINTAINER_DATA))
}

/// Programs no npm lifecycle script has a reason to start: Windows payload launchers
/// (`rundll32 x.dll,Entry`), desktop programs started as proof of execution, and
/// shutting the machine down.
const NEVER_IN_LIFECYCLE: &[&str] = &[
    "rundll32",
    "regsvr32",
    "mshta",
    "cscript",
    "wscript",
    "calc",
    "mspaint",
    "notepad",
    "shutdown",
    "reboot",
    "poweroff",
    "halt",
    "schtasks",
    "vssadmin",
    "bitsadmin",
];

/// Windows executables and scripts: starting one from an installer is running a payload.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    ".exe", ".bat", ".cmd", ".vbs", ".ps1", ".scr", ".msi", ".jar",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        if c.shell.is_none() || f.call_phase(c) != Phase::Install {
            continue;
        }
        let program = c.callee.trim_start_matches("sh.");
        let lifecycle = f.path.ends_with("package.json");
        if lifecycle && !never_in_lifecycle(program, c) {
            continue;
        }
        // `$CC`, `${PKG_CONFIG}`: a tool the build environment names.
        if program.is_empty()
            || program.starts_with('$')
            || program.starts_with('>')
            || program.contains("{?}")
            || build_tools().contains(program.to_ascii_lowercase().as_str())
        {
            continue;
        }
        let words: Vec<&str> = c.args.iter().filter_map(|a| a.text.as_deref()).collect();
        let runs_executable = words.iter().any(|w| {
            let w = w.to_ascii_lowercase();
            EXECUTABLE_EXTENSIONS.iter().any(|e| w.ends_with(e))
        });
        let maintainer = maintainer_tools().contains(program.to_ascii_lowercase().as_str());
        let (severity, confidence) = if runs_executable || lifecycle {
            (Severity::High, Confidence::High)
        } else if maintainer {
            (Severity::Low, Confidence::Medium)
        } else {
            (Severity::Medium, Confidence::Medium)
        };
        out.push(INSTALL_SPAWN.at_call(
            f,
            c,
            severity,
            confidence,
            format!(
                "starts `{}` at install time, which no build needs",
                words.join(" ")
            ),
        ));
    }
}

/// True for a lifecycle-script command that starts a program in `NEVER_IN_LIFECYCLE`
/// or a Windows executable the package ships (`calc.exe`, `lib.exe`).
fn never_in_lifecycle(program: &str, c: &crate::lang::facts::CallFact) -> bool {
    let p = program.to_ascii_lowercase();
    let name = p.strip_suffix(".exe").unwrap_or(&p);
    NEVER_IN_LIFECYCLE.contains(&name)
        || EXECUTABLE_EXTENSIONS.iter().any(|e| p.ends_with(e))
        || c.args
            .first()
            .and_then(|a| a.text.as_deref())
            .is_some_and(|w| {
                let w = w.to_ascii_lowercase();
                EXECUTABLE_EXTENSIONS.iter().any(|e| w.ends_with(e))
            })
}
