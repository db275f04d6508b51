//! `copy-of-popular`: a squat that is a near-identical copy of the popular package it imitates
//! is reported with the lines it changed, when the popular package is at hand (`--reference`,
//! or another archive of the same scan). Fixtures point only at example.com and `.invalid`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crate::common::{gzip, tar};
use pkgwarden::copy_of_popular::References;
use pkgwarden::finding::Severity;
use pkgwarden::scan::{scan, Config, PackageReport};

const API: &str = "import requests.sessions\n\nBASE = \"https://api.example.org/v1\"\n\ndef get(url, **kw):\n    return requests.sessions.Session().get(BASE + url, **kw)\n";

/// A tiny stand-in for `requests` 2.31.0, or a copy of it under `name` with `api` as its
/// `requests/api.py`.
fn sdist(name: &str, version: &str, api: &str) -> Vec<u8> {
    let files: Vec<(String, Vec<u8>)> = [
        (
            "PKG-INFO",
            format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
        ),
        (
            "setup.py",
            format!("from setuptools import setup\nsetup(name=\"{name}\", version=\"{version}\", packages=[\"requests\"])\n"),
        ),
        ("requests/__init__.py", "from .api import get\n__title__ = 'requests'\n".to_string()),
        ("requests/api.py", api.to_string()),
        ("requests/sessions.py", "class Session:\n    def get(self, url, **kw):\n        return url\n".to_string()),
        ("requests/utils.py", "def quote(s):\n    return s.replace(' ', '%20')\n".to_string()),
        ("requests/status_codes.py", "OK = 200\nNOT_FOUND = 404\n".to_string()),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_string(), text.into_bytes()))
    .collect();
    gzip(&tar(&files, &format!("{name}-{version}/")))
}

/// A fresh folder for this test, holding `files`.
fn folder(test: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkgwarden-copy-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    dir
}

fn scan_with_reference(input: &Path, reference: &Path) -> Vec<PackageReport> {
    let config = Config {
        references: Some(Arc::new(
            References::load(&[reference.to_path_buf()], &Default::default()).unwrap(),
        )),
        ..Config::default()
    };
    scan(&[input.to_path_buf()], &config).packages
}

fn copy_findings(report: &PackageReport) -> Vec<&pkgwarden::finding::Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == "copy-of-popular")
        .collect()
}

#[test]
fn a_copy_with_a_url_changed_is_critical_with_the_line() {
    let reference = folder(
        "ref-url",
        &[("requests-2.31.0.tar.gz", sdist("requests", "2.31.0", API))],
    );
    let api = API.replace(
        "https://api.example.org/v1",
        "https://collect.example.com/v1",
    );
    let input = folder(
        "in-url",
        &[("reqeusts-2.31.1.tar.gz", sdist("reqeusts", "2.31.1", &api))],
    );
    let reports = scan_with_reference(&input, &reference);
    let found = copy_findings(&reports[0]);
    assert_eq!(found.len(), 1, "{:#?}", reports[0].findings);
    let f = found[0];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(
        (f.file.as_str(), f.line),
        ("reqeusts-2.31.1/requests/api.py", 3)
    );
    assert!(
        f.snippet.contains("https://collect.example.com/v1"),
        "{}",
        f.snippet
    );
    assert!(
        f.message
            .contains("near-identical copy of `requests` 2.31.0"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("was: `BASE = \"https://api.example.org/v1\"`"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("`https://collect.example.com/v1`"),
        "{}",
        f.message
    );
    // The name finding stays; the high finding completes the chain.
    let rules: Vec<&str> = reports[0].findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"typosquat-name"), "{rules:?}");
}

#[test]
fn a_copy_with_other_lines_changed_is_high() {
    let reference = folder(
        "ref-high",
        &[("requests-2.31.0.tar.gz", sdist("requests", "2.31.0", API))],
    );
    let api = API.replace("def get(url, **kw):", "def get(url, timeout=5, **kw):");
    let input = folder(
        "in-high",
        &[("reqeusts-2.31.0.tar.gz", sdist("reqeusts", "2.31.0", &api))],
    );
    let reports = scan_with_reference(&input, &reference);
    let found = copy_findings(&reports[0]);
    assert_eq!(found.len(), 1, "{:#?}", reports[0].findings);
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].message.contains("1 line(s) added, 1 removed"),
        "{}",
        found[0].message
    );
}

/// An identical copy changes nothing but the name: the name finding alone reports it. An
/// unrelated package under the squat name is no copy. A package under its own popular name
/// is never compared with itself.
#[test]
fn identical_copies_unrelated_packages_and_the_original_are_not_copies() {
    let reference = folder(
        "ref-neg",
        &[("requests-2.31.0.tar.gz", sdist("requests", "2.31.0", API))],
    );
    let unrelated: Vec<(String, Vec<u8>)> = vec![
        (
            "PKG-INFO".into(),
            b"Metadata-Version: 2.1\nName: reqeusts\nVersion: 0.1\n".to_vec(),
        ),
        ("reqeusts/__init__.py".into(), b"print('hello')\n".to_vec()),
    ];
    let input = folder(
        "in-neg",
        &[
            ("reqeusts-2.31.0.tar.gz", sdist("reqeusts", "2.31.0", API)),
            (
                "reqeusts-0.1.tar.gz",
                gzip(&tar(&unrelated, "reqeusts-0.1/")),
            ),
            ("requests-2.31.0.tar.gz", sdist("requests", "2.31.0", API)),
        ],
    );
    for report in scan_with_reference(&input, &reference) {
        assert!(
            copy_findings(&report).is_empty(),
            "{}: {:#?}",
            report.path,
            report.findings
        );
        if report.name == "reqeusts" {
            assert!(report.findings.iter().any(|f| f.rule == "typosquat-name"));
        }
    }
}

fn pkgwarden(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(args)
        .output()
        .unwrap()
}

/// Through the command line: `--reference DIR`, another archive of the same scan, and a
/// reference that cannot be read (the scan refuses to run rather than find no copy).
#[test]
fn reference_option_same_scan_inputs_and_broken_references() {
    let api = API.replace("https://api.example.org/v1", "https://collect.invalid/v1");
    let reference = folder(
        "ref-cli",
        &[("requests-2.31.0.tar.gz", sdist("requests", "2.31.0", API))],
    );
    let input = folder(
        "in-cli",
        &[("reqeusts-2.31.0.tar.gz", sdist("reqeusts", "2.31.0", &api))],
    );
    let (r, i) = (reference.to_str().unwrap(), input.to_str().unwrap());
    let out = pkgwarden(&[
        "scan",
        "--format",
        "json",
        "--no-config",
        "--reference",
        r,
        i,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"copy-of-popular\""), "{text}");
    assert_eq!(out.status.code(), Some(1), "{text}");

    let both = folder(
        "in-both",
        &[
            ("requests-2.31.0.tar.gz", sdist("requests", "2.31.0", API)),
            ("reqeusts-2.31.0.tar.gz", sdist("reqeusts", "2.31.0", &api)),
        ],
    );
    let out = pkgwarden(&[
        "scan",
        "--format",
        "json",
        "--no-config",
        both.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"copy-of-popular\""), "{text}");

    let broken = folder(
        "ref-broken",
        &[("requests-2.31.0.tar.gz", b"not an archive".to_vec())],
    );
    let out = pkgwarden(&[
        "scan",
        "--no-config",
        "--reference",
        broken.to_str().unwrap(),
        i,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("reference"),
        "{out:?}"
    );
    let out = pkgwarden(&["scan", "--no-config", "--reference", "/nonexistent/refs", i]);
    assert_eq!(out.status.code(), Some(2));
}
