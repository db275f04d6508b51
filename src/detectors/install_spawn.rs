//! Programs started by code that runs at install time, other than the compilers, build
//! systems and file utilities a build needs (`rules/data/build-tools.txt`). `calc`,
//! `notepad`, `start x.exe`, `powershell` or `curl` have no place in `pip install`.
//! npm lifecycle scripts are their own declared hook (`npm-install-script`) and are not
//! judged here.

use super::{at_call, calls, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use std::collections::HashSet;
use std::sync::OnceLock;

pub const DETECTOR: Detector = Detector {
    rules: &["install-spawn"],
    run,
};

const DATA: &str = include_str!("../../rules/data/build-tools.txt");

fn build_tools() -> &'static HashSet<&'static str> {
    static CELL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| {
        DATA.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Windows executables and scripts: starting one from an installer is running a payload.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    ".exe", ".bat", ".cmd", ".vbs", ".ps1", ".scr", ".msi", ".jar",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        if c.shell.is_none()
            || f.path.ends_with("package.json")
            || f.call_phase(c) != Phase::Install
        {
            continue;
        }
        let program = c.callee.trim_start_matches("sh.");
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
        let (severity, confidence) = if runs_executable {
            (Severity::High, Confidence::High)
        } else {
            (Severity::Medium, Confidence::Medium)
        };
        out.push(at_call(
            f,
            c,
            "install-spawn",
            Category::InstallHook,
            severity,
            confidence,
            format!(
                "starts `{}` at install time, which no build needs",
                words.join(" ")
            ),
        ));
    }
}
