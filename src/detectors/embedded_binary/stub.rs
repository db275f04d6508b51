//! Windows executables that are not real programs: a PE far smaller than anything a
//! compiler links (a hand-made dropper stub), or a file with a DOS `MZ` header but no PE
//! header where it points (a payload cut short or doctored, which the package's loader
//! completes, or a decoy). Honest packages ship launchers of 11 KiB and more (setuptools'
//! `cli.exe`, the smallest in the popular sets), and none of the popular or mid-rank
//! packages ships an `MZ` file of either kind; PE-parsing libraries may keep such files as
//! test data, so a stub alone is context (medium, low confidence), lowered further in
//! test folders. Run at install, the stub is `run-shipped-binary`'s too.

use super::EXECUTABLE_STUB;
use crate::archive::sniff::pe_well_formed;
use crate::detectors::{Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &[&EXECUTABLE_STUB],
    run,
};

/// PE files under this many bytes are far smaller than any program a toolchain links.
pub const TINY_PE_BYTES: u64 = 4096;

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for e in &ctx.package.entries {
        // A DOS header holds zero bytes; text that happens to start with `MZ` has none.
        if !e.data.starts_with(b"MZ") || e.data.len() < 64 || !e.data[..64].contains(&0) {
            continue;
        }
        let name = e.path.rsplit(['/', '!']).next().unwrap_or(&e.path);
        let message = match pe_well_formed(&e.data, e.size) {
            Some(false) => format!(
                "`{name}` starts with a DOS `MZ` header but has no PE header where it points: \
                 a truncated or doctored executable, or a decoy"
            ),
            Some(true) if e.size < TINY_PE_BYTES => format!(
                "`{name}` is a PE executable of {} bytes, far smaller than any program a \
                 toolchain links: a hand-made stub",
                e.size
            ),
            _ => continue,
        };
        out.push(
            EXECUTABLE_STUB
                .finding(Severity::Medium, Confidence::Low, Phase::Archive, message)
                .at(e.path.clone(), 0, String::new()),
        );
    }
}
