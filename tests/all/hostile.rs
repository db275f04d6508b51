//! Hostile archives: every case in `tests/support/hostile.rs`, written to a temp folder
//! and scanned as one batch with a healthy dropper among them. The scan must finish,
//! report each attempt as the right `archive-anomaly` finding or per-package error, and
//! still find the dropper. Heavy sizes (4 GiB, 200,000 entries, 12 MiB lines) run in
//! `scripts/stress-hostile`; here the same shapes are smaller where size costs time
//! (1 GiB tar bombs, 60,000 entries, 512 KiB single-line sources).

#[path = "../support/hostile.rs"]
mod cases;

use pkgwarden::verdict::Verdict;
use pkgwarden::{Config, PackageReport, ScanReport};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The batch, scanned once and shared by every test.
fn batch() -> &'static (PathBuf, ScanReport) {
    static BATCH: OnceLock<(PathBuf, ScanReport)> = OnceLock::new();
    BATCH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pkgwarden-hostile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        cases::write_all(&dir, cases::Scale::Test);
        let report = pkgwarden::scan(std::slice::from_ref(&dir), &Config::default());
        (dir, report)
    })
}

fn package(file: &str) -> &'static PackageReport {
    let (_, report) = batch();
    report
        .packages
        .iter()
        .find(|p| p.path.ends_with(file))
        .unwrap_or_else(|| panic!("{file} was not scanned"))
}

fn rules(p: &PackageReport) -> Vec<&'static str> {
    p.findings.iter().map(|f| f.rule).collect()
}

/// Asserts `rule` was reported on an entry whose name contains `entry`.
fn assert_anomaly(file: &str, rule: &str, entry: &str) {
    let p = package(file);
    assert!(
        p.findings
            .iter()
            .any(|f| f.rule == rule && f.file.contains(entry)),
        "{file}: expected {rule} on {entry}; got {:?} errors {:?}",
        p.findings
            .iter()
            .map(|f| (f.rule, &f.file))
            .collect::<Vec<_>>(),
        p.errors
    );
}

fn assert_error(file: &str, text: &str) {
    let p = package(file);
    assert!(
        p.errors.iter().any(|e| e.contains(text)),
        "{file}: expected an error with {text:?}; got {:?}",
        p.errors
    );
}

/// The dropper that every hostile neighbour must not hide.
fn assert_dropper(file: &str) {
    let p = package(file);
    assert!(
        rules(p).contains(&"dropper-chain"),
        "{file}: dropper-chain missing; got {:?} errors {:?}",
        rules(p),
        p.errors
    );
}

#[test]
fn every_case_is_scanned_and_the_control_still_found() {
    let (_, report) = batch();
    assert_eq!(
        report.packages.len(),
        cases::cases(cases::Scale::Test).len(),
        "{:?}",
        report.input_errors
    );
    let control = package("control-libpeshnx-0.1.tar.gz");
    assert_eq!(control.verdict, Verdict::Malicious);
    assert!(control.errors.is_empty(), "{:?}", control.errors);
    assert_dropper("control-libpeshnx-0.1.tar.gz");
}

#[test]
fn bombs_are_stopped_and_reported() {
    assert_anomaly("gzip-bomb-1.0.gz", "decompression-bomb", "(stream)");
    assert_anomaly("tar-bomb-1.0.tar.gz", "decompression-bomb", "");
    assert_anomaly("longname-bomb-1.0.tar.gz", "decompression-bomb", "");
    assert_anomaly(
        "zip-bomb-1.0.zip",
        "decompression-bomb",
        "zip-bomb-1.0/data.bin",
    );
    // The zip bomb is skipped, not the package: its dropper is still found.
    assert_dropper("zip-bomb-1.0.zip");
}

#[test]
fn floods_and_nesting_are_capped() {
    assert_anomaly(
        "many-entries-1.0.tar.gz",
        "too-many-entries",
        "many-entries-1.0/f/",
    );
    assert_anomaly("nested-30-1.0.zip", "nesting-too-deep", "level-");
}

#[test]
fn hostile_structure_is_evidence() {
    for entry in [
        "../../../../home/user/.bashrc",
        "/etc/cron.d/traversal",
        "C:\\Windows",
    ] {
        assert_anomaly("traversal-1.0.tar.gz", "path-traversal", entry);
    }
    assert_dropper("traversal-1.0.tar.gz");
    for entry in [
        "links-1.0/id_rsa",
        "links-1.0/key",
        "links-1.0/up",
        "links-1.0/shadow",
    ] {
        assert_anomaly("links-1.0.tar.gz", "link-outside-package", entry);
    }
    assert!(!package("links-1.0.tar.gz")
        .findings
        .iter()
        .any(|f| f.file.ends_with("/ok")));
    for entry in [
        "special-files-1.0/null",
        "special-files-1.0/sda",
        "special-files-1.0/pipe",
    ] {
        assert_anomaly("special-files-1.0.tar.gz", "device-file", entry);
    }
    assert_anomaly(
        "special-files-1.0.tar.gz",
        "setuid-entry",
        "special-files-1.0/helper",
    );
    assert_anomaly(
        "duplicate-1.0.tar.gz",
        "duplicate-entry",
        "duplicate-1.0/setup.py",
    );
    assert_anomaly(
        "encrypted-1.0.zip",
        "encrypted-entry",
        "encrypted-1.0/setup.py",
    );
    assert_anomaly(
        "tampered-1.0-py3-none-any.whl",
        "wheel-record-mismatch",
        "tampered/__init__.py",
    );
    assert_anomaly(
        "tampered-1.0-py3-none-any.whl",
        "wheel-record-mismatch",
        "tampered/_hook.pth",
    );
    let tampered = package("tampered-1.0-py3-none-any.whl");
    assert!(!tampered
        .findings
        .iter()
        .any(|f| f.rule == "wheel-record-mismatch" && f.file.contains("dist-info")));
}

#[test]
fn an_honest_wheel_with_a_large_record_is_not_tampered() {
    let p = package("big-record-1.0-py3-none-any.whl");
    assert!(
        !rules(p).contains(&"wheel-record-mismatch"),
        "{:?}",
        rules(p)
    );
    assert_eq!(p.verdict, Verdict::Clean);
}

#[test]
fn broken_input_is_an_error_never_silence() {
    assert_error("empty-1.0.tar.gz", "empty file");
    assert_error("random-1.0.tar.gz", "not an archive");
    assert_error("random-gzip-1.0.tar.gz", "corrupt");
    assert_error("corrupt-cd-1.0.zip", "corrupt zip");
    assert_error("gem-no-data-1.0.gem", "data.tar.gz");
    // metadata.gz is read inflated under its own name: that is not a duplicate.
    assert!(
        package("gem-no-data-1.0.gem").findings.is_empty(),
        "{:?}",
        rules(package("gem-no-data-1.0.gem"))
    );
    for file in [
        "empty-1.0.tar.gz",
        "random-1.0.tar.gz",
        "random-gzip-1.0.tar.gz",
        "corrupt-cd-1.0.zip",
    ] {
        assert_eq!(package(file).verdict, Verdict::Error, "{file}");
    }
}

#[test]
fn truncated_archives_give_a_partial_result() {
    let p = package("truncated-1.0.tar.gz");
    assert!(!p.errors.is_empty(), "a truncated archive must say so");
    assert_dropper("truncated-1.0.tar.gz");
}

#[test]
fn a_second_gzip_member_is_read() {
    assert_dropper("second-member-1.0.tar.gz");
}

#[test]
fn odd_sources_are_still_analysed() {
    for file in ["python2-1.0.tar.gz", "nul-latin1-1.0.tar.gz"] {
        let p = package(file);
        assert!(
            p.findings
                .iter()
                .any(|f| f.file.ends_with("setup.py") && f.line > 0),
            "{file}: {:?}",
            rules(p)
        );
        assert!(p.errors.is_empty(), "{file}: {:?}", p.errors);
    }
    assert!(package("python2-1.0.tar.gz")
        .notes
        .iter()
        .any(|n| n.contains("syntax errors (recovered)")));
}

#[test]
fn deep_and_long_sources_do_not_crash_and_code_after_them_is_seen() {
    for name in [
        "deep-parens",
        "deep-lists",
        "long-concat",
        "long-product",
        "deep-not",
        "deep-subscript",
        "deep-calls",
        "deep-lambda",
        "huge-line",
    ] {
        let p = package(&format!("{name}-1.0.tar.gz"));
        assert_cut_is_said(p, "setup.py");
        assert!(
            p.findings
                .iter()
                .any(|f| f.file.ends_with("setup.py") && f.line == 3),
            "{name}: the dropper line after the deep expression was missed: {:?} notes {:?}",
            p.findings
                .iter()
                .map(|f| (f.rule, f.line))
                .collect::<Vec<_>>(),
            p.notes
        );
    }
    // 50,000 nested brackets are cut at the depth limit: that is said.
    assert!(!package("deep-parens-1.0.tar.gz").errors.is_empty());
    let deep_js_ruby = [
        ("js-deep-parens-1.0.tgz", "index.js"),
        ("js-deep-arrays-1.0.tgz", "index.js"),
        ("js-long-concat-1.0.tgz", "index.js"),
        ("js-deep-calls-1.0.tgz", "index.js"),
        ("rb-deep-parens-1.0.gem", ".rb"),
        ("rb-deep-arrays-1.0.gem", ".rb"),
        ("rb-long-concat-1.0.gem", ".rb"),
    ];
    for (file, source) in deep_js_ruby {
        let p = package(file);
        assert_cut_is_said(p, source);
        assert!(
            p.findings
                .iter()
                .any(|f| f.file.ends_with(source) && f.line == 2),
            "{file}: the dropper line after the deep expression was missed: {:?}",
            p.findings
                .iter()
                .map(|f| (f.rule, f.line))
                .collect::<Vec<_>>()
        );
    }
    // The `curl … | sh` at the end of the long line is read (the line is cut into
    // commands); the 50,000-deep substitution after it is cut, and says so.
    let shell = package("deep-shell-1.0.tar.gz");
    assert!(
        shell
            .findings
            .iter()
            .any(|f| f.line == 1 && f.message.contains("192.0.2.1")),
        "{:#?}",
        shell.findings
    );
}

/// Deep code is either analysed whole (the tree-sitter fallback walks long chains in
/// a loop) or cut at the depth limit; a cut makes the package partial, naming the file
/// and why, and the verdict is never clean.
fn assert_cut_is_said(p: &PackageReport, source: &str) {
    for e in &p.errors {
        assert!(
            e.contains(source) && e.contains("analysed in part"),
            "{}: {e}",
            p.path
        );
    }
    assert_ne!(p.verdict, Verdict::Clean, "{}", p.path);
}

#[test]
fn the_binary_exits_1_for_a_dropper_among_hostile_cases_and_2_for_broken_input_alone() {
    let (dir, _) = batch();
    let run = |files: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
            .arg("scan")
            .args(files.iter().map(|f| dir.join(f)))
            .output()
            .unwrap();
        out.status.code()
    };
    let mixed = [
        "control-libpeshnx-0.1.tar.gz",
        "gzip-bomb-1.0.gz",
        "links-1.0.tar.gz",
        "random-1.0.tar.gz",
    ];
    assert_eq!(
        run(&mixed),
        Some(1),
        "the control is malicious: 1 wins over the broken neighbour's 2"
    );
    assert_eq!(
        run(&[
            "empty-1.0.tar.gz",
            "random-1.0.tar.gz",
            "corrupt-cd-1.0.zip"
        ]),
        Some(2)
    );
    // A package read only in part is not clean either: its errors make the exit code 2.
    assert_eq!(run(&["gem-no-data-1.0.gem"]), Some(2));
}

#[test]
fn a_panic_is_isolated_and_reported_with_its_message() {
    let result = pkgwarden::scan::isolate(|| -> u32 { panic!("parser exploded on entry x.py") });
    assert_eq!(result, Err("parser exploded on entry x.py".to_string()));
    let formatted = pkgwarden::scan::isolate(|| -> u32 { panic!("index {} out of range", 7) });
    assert_eq!(formatted, Err("index 7 out of range".to_string()));
    assert_eq!(pkgwarden::scan::isolate(|| 42), Ok(42));
}
