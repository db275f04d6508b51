//! Test support: packs fixture source trees into real archives in memory and scans them.
#![allow(dead_code)] // helpers shared by the test modules; not every one uses each

pub mod chromium;

use pkgwarden::archive::limits::Limits;
use pkgwarden::finding::Finding;
use pkgwarden::PackageReport;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The fixtures folder.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Every file under `dir`, as (path relative to `dir` with `/`, content), sorted.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A tar of `files`, each under `prefix`.
pub fn tar(files: &[(String, Vec<u8>)], prefix: &str) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, format!("{prefix}{name}"), data.as_slice())
            .unwrap();
    }
    b.into_inner().unwrap()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut w = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::default()).unwrap();
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

/// A zip of `files`, each under `prefix` (stored, uncompressed).
pub fn zip(files: &[(String, Vec<u8>)], prefix: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in files {
        w.start_file(format!("{prefix}{name}"), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A RubyGems `.gem` from a fixture laid out as `metadata` (YAML) + `data/` (files).
pub fn gem(dir: &Path) -> Vec<u8> {
    let metadata = std::fs::read(dir.join("metadata")).unwrap();
    let data = gzip(&tar(&files(&dir.join("data")), ""));
    tar(
        &[
            ("metadata.gz".into(), gzip(&metadata)),
            ("data.tar.gz".into(), data),
        ],
        "",
    )
}

/// Scans bytes as the package file `name`.
pub fn scan(name: &str, bytes: &[u8]) -> PackageReport {
    pkgwarden::scan_bytes(name, bytes, &Limits::default())
}

/// An sdist `demo-1.0.tar.gz` holding a minimal setup.py plus `files`.
pub fn sdist(files: &[(&str, &str)]) -> PackageReport {
    let mut all: Vec<(String, Vec<u8>)> = vec![
        (
            "PKG-INFO".into(),
            b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n".to_vec(),
        ),
        (
            "setup.py".into(),
            b"from setuptools import setup\nsetup(name='demo', version='1.0')\n".to_vec(),
        ),
    ];
    all.extend(
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())),
    );
    scan("demo-1.0.tar.gz", &gzip(&tar(&all, "demo-1.0/")))
}

/// The findings of one rule.
pub fn with_rule<'r>(report: &'r PackageReport, rule: &str) -> Vec<&'r Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

/// Asserts a finding of `rule` at `file_suffix:line`.
pub fn assert_finding(report: &PackageReport, rule: &str, file_suffix: &str, line: u32) {
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == rule && f.file.ends_with(file_suffix) && f.line == line),
        "expected {rule} at {file_suffix}:{line}; got {:#?}",
        report
            .findings
            .iter()
            .map(|f| format!("{} {}:{}", f.rule, f.file, f.line))
            .collect::<Vec<_>>()
    );
}

/// A fresh folder under the system temp dir, unique to this test process and `tag`,
/// holding the named files.
pub fn temp_folder(tag: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkgwarden-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, data) in files {
        std::fs::write(dir.join(name), data).unwrap();
    }
    dir
}

/// The libpeshnx look-alike as an sdist (malicious: its install hook is a dropper).
pub fn libpeshnx_sdist() -> Vec<u8> {
    gzip(&tar(
        &files(&fixture("pypi/libpeshnx-sdist")),
        "libpeshnx-0.1/",
    ))
}

/// A benign C-extension build as an sdist (clean).
pub fn fastcodec_sdist() -> Vec<u8> {
    gzip(&tar(
        &files(&fixture("pypi/cext-build")),
        "fastcodec-2.3.0/",
    ))
}
