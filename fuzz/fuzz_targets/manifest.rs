//! Package manifests: PKG-INFO / METADATA, package.json, gem metadata YAML, and the
//! archive file-name guesser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkgwarden::package::manifest;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = manifest::pkg_info(&text);
    let _ = manifest::package_json(&text);
    let _ = manifest::gem_metadata(&text);
    let _ = manifest::from_file_name(&text);
});
