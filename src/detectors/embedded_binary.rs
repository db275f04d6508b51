//! Executables disguised by their name, found by magic bytes. Compiled extension
//! modules (`.so`, `.pyd`, `.node`) and tools named `.exe` are normal and not reported;
//! an ELF named `.py` or a PE named `.png` is hiding. An executable encrypted with a
//! one-byte XOR key is hiding whatever its name: nothing honest ships a program that only
//! its own loader can read.

use super::{Ctx, Detector};
use crate::archive::sniff::{executable_kind, xor_executable_kind};
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::rules::rule;

rule!(EMBEDDED_EXECUTABLE = "embedded-executable" in "embedded-binary" as EmbeddedBinary);

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
                    Phase::Archive,
                    format!("{kind} executable disguised as `{name}`: its name hides what it is"),
                )
                .at(e.path.clone(), 0, String::new()),
        );
    }
}
