//! Shell command lines: the parser behind `os.system`, `subprocess`, npm scripts and
//! `.sh` files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkgwarden::archive::limits::Limits;
use pkgwarden::lang::{analyse, decode_source, shell, Lang};

fuzz_target!(|data: &[u8]| {
    let source = decode_source(data);
    let _ = shell::parse(&source);
    let _ = analyse(Lang::Shell, &source, &Limits::default());
});
