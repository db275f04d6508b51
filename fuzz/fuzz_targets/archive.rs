//! Archive readers (tar, gzip, bzip2, xz, zip, gem, nesting) on arbitrary bytes, then
//! the package model and analysis of whatever was read: the path `pkgwarden scan` takes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkgwarden::archive::{limits::Limits, read_archive};

fuzz_target!(|data: &[u8]| {
    let limits = small_limits();
    if let Ok(contents) = read_archive(data, &limits) {
        let deadline = std::time::Instant::now() + limits.package_timeout;
        let _ = pkgwarden::scan::scan_contents("fuzz.tar.gz".into(), contents, &limits, deadline);
    }
});

/// Caps small enough that one input stays fast under the fuzzer.
fn small_limits() -> Limits {
    Limits {
        max_package_bytes: 8 << 20,
        max_entry_bytes: 2 << 20,
        ratio_floor_bytes: 1 << 20,
        max_entries: 2_000,
        ..Limits::default()
    }
}
