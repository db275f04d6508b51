//! Executables disguised by their name, found by magic bytes. Compiled extension
//! modules (`.so`, `.pyd`, `.node`) and tools named `.exe` are normal and not reported;
//! an ELF named `.py` or a PE named `.png` is hiding. An executable encrypted with a
//! one-byte XOR key is hiding whatever its name: nothing honest ships a program that only
//! its own loader can read.
//!
//! The finding's phase is when the package starts the executable, if its install or
//! import code does (`shipped`); `archive` otherwise. Files without an extension are not
//! reported here (npm `bin` tools, `bin/esbuild`): started unasked, they are
//! `run-shipped-binary`'s.

use super::shipped::shipped_runs;
use super::EMBEDDED_EXECUTABLE;
use crate::archive::sniff::{executable_kind, xor_executable_kind};
use crate::detectors::{runs_unasked, Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};
use std::collections::HashMap;

pub const DETECTOR: Detector = Detector {
    rules: &[&EMBEDDED_EXECUTABLE],
    run,
};

/// Extensions under which native code is expected.
const NATIVE: &[&str] = &[
    "so", "pyd", "dll", "dylib", "node", "bundle", "o", "a", "lib", "exe", "bin", "elf", "wasm",
    "co", "cubin", "hsaco", "fatbin", "ko",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    // The earliest unasked phase each started executable runs in: install before import.
    let mut started: HashMap<&str, Phase> = HashMap::new();
    for r in shipped_runs(ctx)
        .into_iter()
        .filter(|r| runs_unasked(r.phase))
    {
        let phase = started.entry(r.entry.path.as_str()).or_insert(r.phase);
        if r.phase == Phase::Install {
            *phase = Phase::Install;
        }
    }
    for e in &ctx.package.entries {
        let name = e.path.rsplit(['/', '!']).next().unwrap_or(&e.path);
        let Some(kind) = executable_kind(&e.data) else {
            if let Some((kind, key)) = xor_executable_kind(&e.data) {
                out.push(
                    EMBEDDED_EXECUTABLE
                        .finding(
                            Severity::Critical,
                            Confidence::Medium,
                            Phase::Archive,
                            format!(
                        "{kind} executable encrypted with the XOR key {key:#04x}, named `{name}`: \
                         only code that decrypts it can run it"
                    ),
                        )
                        .at(e.path.clone(), 0, String::new()),
                );
            }
            continue;
        };
        let ext = name.rsplit_once('.').map(|(_, x)| x.to_ascii_lowercase());
        let expected = match ext.as_deref() {
            None => true,
            Some(x) => NATIVE.contains(&x) || x.chars().all(|c| c.is_ascii_digit()), // libfoo.so.1
        };
        if expected {
            continue;
        }
        out.push(
            EMBEDDED_EXECUTABLE
                .finding(
                    Severity::High,
                    Confidence::High,
                    started
                        .get(e.path.as_str())
                        .copied()
                        .unwrap_or(Phase::Archive),
                    format!("{kind} executable disguised as `{name}`: its name hides what it is"),
                )
                .at(e.path.clone(), 0, String::new()),
        );
    }
}
