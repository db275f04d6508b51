//! Native code loaded from a file whose name says it is something else: `ctypes.CDLL`
//! of `_build.py`, `rundll32 package.db,GenerateKey`, `process.dlopen` of a `.png`.
//! A library a package honestly ships is named as one (`.so`, `.dll`, `.pyd`, `.node`);
//! a loader handed a script, a database or an image is running a binary hidden from
//! whoever lists the package's files.

use super::DISGUISED_LIBRARY;
use crate::detectors::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::facts::CallFact;

pub const DETECTOR: Detector = Detector {
    rules: &[&DISGUISED_LIBRARY],
    run,
};

/// Calls that load a native library, by their last names (however the binding is
/// reached: `ctypes.cdll.LoadLibrary`, `kernel32.LoadLibraryW`).
const LOADERS: &[&str] = &[
    "CDLL",
    "WinDLL",
    "OleDLL",
    "PyDLL",
    "LoadLibrary",
    "LoadLibraryA",
    "LoadLibraryW",
    "LoadLibraryExA",
    "LoadLibraryExW",
    "dlopen",
];
/// Programs that load a library named on their command line.
const LOADER_PROGRAMS: &[&str] = &["sh.rundll32", "sh.regsvr32"];
/// Extensions native libraries are named with (Windows control panels, drivers and
/// ActiveX controls are libraries too; an executable may be loaded for its resources).
const LIBRARY_EXTENSIONS: &[&str] = &[
    "so", "dll", "dylib", "pyd", "node", "bundle", "sl", "ocx", "cpl", "drv", "sys", "ax", "exe",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let Some(name) = loaded_file(c) else {
            continue;
        };
        let phase = f.call_phase(c);
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::High)
        } else {
            (Severity::Medium, Confidence::Medium)
        };
        out.push(DISGUISED_LIBRARY.at_call(
            f,
            c,
            severity,
            confidence,
            format!(
                "loads `{name}` as native code with `{}`, a file its name says is not a library, {}",
                c.callee,
                when(phase)
            ),
        ));
    }
}

/// The file a loader call loads, when its name has an extension no library has.
fn loaded_file(c: &CallFact) -> Option<&str> {
    let path = if LOADER_PROGRAMS.contains(&c.callee.as_str()) {
        // `rundll32 file,Entry`: the program is the first argument of the command line.
        let arg = c.args.get(1)?.text.as_deref()?;
        arg.split(',').next()?
    } else {
        let api = c.callee.rsplit('.').next()?;
        if c.shell.is_some() || !LOADERS.contains(&api) {
            return None;
        }
        c.args.first()?.text.as_deref()?
    };
    let name = path.trim().rsplit(['/', '\\']).next()?;
    let (_, ext) = name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    let library = LIBRARY_EXTENSIONS.contains(&ext.as_str())
        || ext.chars().all(|ch| ch.is_ascii_digit()) // libfoo.so.1
        || ext.contains("{?}");
    (!library && !ext.is_empty()).then_some(name)
}
