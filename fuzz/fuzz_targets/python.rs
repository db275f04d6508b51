//! Python fact extraction: decoding, the depth pre-check, ruff's error-recovering parser,
//! the lowering and the fact pass over the IR; `.pth` files take the same path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkgwarden::archive::limits::Limits;
use pkgwarden::lang::{analyse, decode_source, Lang};

fuzz_target!(|data: &[u8]| {
    let source = decode_source(data);
    let limits = Limits::default();
    let _ = analyse(Lang::Python, &source, &limits);
    let _ = analyse(Lang::Pth, &source, &limits);
});
