//! Shipped native executables (`rules/embedded-binary/`), end to end: archives built in
//! memory with ELF and PE files in them, scanned, and checked for what the package does
//! with them. The documents' examples cover the common shapes; these cover shell scripts
//! and Ruby extensions run at install, phases, one finding per act, and look-alikes.

use crate::common::{gzip, scan, tar, with_rule};
use pkgwarden::finding::{Confidence, Phase, Severity};
use pkgwarden::verdict::Verdict;
use pkgwarden::PackageReport;

/// The first 64 bytes of a 64-bit little-endian ELF: what the scanner sniffs.
fn elf() -> Vec<u8> {
    let mut data = b"\x7fELF\x02\x01\x01".to_vec();
    data.resize(64, 0);
    data
}

/// A well-formed PE (its `PE\0\0` signature where the DOS header points) of `size` bytes.
fn pe(size: usize) -> Vec<u8> {
    let mut data = b"MZ\x90\x00".to_vec();
    data.resize(size, 0);
    data[0x3c] = 0x80;
    data[0x80..0x84].copy_from_slice(b"PE\0\0");
    data
}

fn text(path: &str, body: &str) -> (String, Vec<u8>) {
    (path.to_string(), body.as_bytes().to_vec())
}

/// An sdist `demo-1.0.tar.gz` of `files` (a PKG-INFO is added).
fn sdist(files: Vec<(String, Vec<u8>)>) -> PackageReport {
    let mut all = vec![text(
        "PKG-INFO",
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
    )];
    all.extend(files);
    scan("demo-1.0.tar.gz", &gzip(&tar(&all, "demo-1.0/")))
}

/// An npm tarball `demo-1.0.0.tgz` of `files`, under `package/`.
fn npm(files: Vec<(String, Vec<u8>)>) -> PackageReport {
    scan("demo-1.0.0.tgz", &gzip(&tar(&files, "package/")))
}

fn package_json(scripts: &str) -> (String, Vec<u8>) {
    text(
        "package.json",
        &format!(
            r#"{{"name":"demo","version":"1.0.0","main":"index.js","scripts":{{{scripts}}}}}"#
        ),
    )
}

fn only<'r>(r: &'r PackageReport, rule: &str) -> &'r pkgwarden::finding::Finding {
    let found = with_rule(r, rule);
    assert_eq!(found.len(), 1, "{rule}: {:#?}", r.findings);
    found[0]
}

#[test]
fn a_shell_script_run_at_install_starts_a_binary_beside_it() {
    let r = sdist(vec![
        text(
            "setup.py",
            "import subprocess\nfrom setuptools import setup\n\
             subprocess.call(['sh', 'tools/bootstrap.sh'])\nsetup(name='demo')\n",
        ),
        text(
            "tools/bootstrap.sh",
            "#!/bin/sh\nchmod +x \"$(dirname \"$0\")/agent\"\n\"$(dirname \"$0\")/agent\" &\n",
        ),
        ("tools/agent".into(), elf()),
    ]);
    let f = only(&r, "run-shipped-binary");
    assert_eq!(f.file, "demo-1.0/tools/bootstrap.sh");
    assert_eq!(f.line, 3);
    assert_eq!((f.severity, f.phase), (Severity::Critical, Phase::Install));
    assert!(f.message.contains("`tools/agent`, a ELF"), "{}", f.message);
    // The chmod before it is the same act: named, not reported apart.
    assert!(f.message.contains("(line 2)"), "{}", f.message);
    assert_eq!(r.verdict, Verdict::Malicious);
}

#[test]
fn setup_py_makes_a_shipped_binary_executable_then_runs_it() {
    let r = sdist(vec![
        text(
            "setup.py",
            "import os, subprocess\nfrom setuptools import setup\n\
             p = os.path.join(os.path.dirname(__file__), 'demo', 'bin', 'helper')\n\
             os.chmod(p, 0o755)\nos.system(p + ' --quiet')\nsetup(name='demo')\n",
        ),
        ("demo/bin/helper".into(), elf()),
    ]);
    let f = only(&r, "run-shipped-binary");
    assert_eq!((f.file.as_str(), f.line), ("demo-1.0/setup.py", 5));
    assert!(f.message.contains("(line 4)"), "{}", f.message);
    assert_eq!(f.severity, Severity::Critical);
}

#[test]
fn a_gem_extension_runs_a_binary_from_its_own_folder() {
    let metadata = "--- !ruby/object:Gem::Specification\nname: demo\nversion: !ruby/object:Gem::Version\n  version: 1.0.0\nplatform: ruby\nextensions:\n- ext/demo/extconf.rb\n";
    let data = gzip(&tar(
        &[
            text(
                "ext/demo/extconf.rb",
                "require 'mkmf'\nsystem('./prebuilt/setup-helper')\ncreate_makefile('demo')\n",
            ),
            ("ext/demo/prebuilt/setup-helper".into(), elf()),
            text("lib/demo.rb", "module Demo; end\n"),
        ],
        "",
    ));
    let gem = tar(
        &[
            ("metadata.gz".into(), gzip(metadata.as_bytes())),
            ("data.tar.gz".into(), data),
        ],
        "",
    );
    let r = scan("demo-1.0.0.gem", &gem);
    let f = only(&r, "run-shipped-binary");
    assert!(f.file.ends_with("ext/demo/extconf.rb"), "{}", f.file);
    assert_eq!((f.line, f.severity), (2, Severity::Critical));
}

#[test]
fn a_disguised_executable_takes_the_phase_it_runs_in() {
    let run = npm(vec![
        package_json(r#""postinstall":"node setup.js""#),
        text(
            "setup.js",
            "const { spawn } = require('child_process');\nconst path = require('path');\n\
             spawn(path.join(__dirname, 'assets', 'logo.png'), { detached: true });\n",
        ),
        ("assets/logo.png".into(), elf()),
    ]);
    let f = only(&run, "embedded-executable");
    assert_eq!((f.phase, f.severity), (Phase::Install, Severity::High));
    assert_eq!(only(&run, "run-shipped-binary").line, 3);
    // Only shipped, it is archive structure.
    let kept = npm(vec![
        package_json(r#""test":"mocha""#),
        text("index.js", "module.exports = 1;\n"),
        ("assets/logo.png".into(), elf()),
    ]);
    assert_eq!(only(&kept, "embedded-executable").phase, Phase::Archive);
    assert!(with_rule(&kept, "run-shipped-binary").is_empty());
}

#[test]
fn started_on_import_is_high_and_suspicious() {
    let r = npm(vec![
        package_json(r#""test":"mocha""#),
        text(
            "index.js",
            "const cp = require('child_process');\ncp.execFile(__dirname + '/bin/svc');\n",
        ),
        ("bin/svc".into(), elf()),
    ]);
    let f = only(&r, "run-shipped-binary");
    assert_eq!(
        (f.phase, f.severity, f.confidence),
        (Phase::Import, Severity::High, Confidence::Medium)
    );
}

#[test]
fn extensionless_tools_and_binaries_of_other_packages_are_quiet() {
    // esbuild's shape: the install script checks a binary it resolves from its platform
    // package; its own `bin/tool` is a JavaScript launcher; a native tool of another
    // platform package ships without an extension and is never started at install.
    let r = npm(vec![
        package_json(r#""postinstall":"node install.js""#),
        text(
            "install.js",
            "const cp = require('child_process');\n\
             const bin = require.resolve('@demo/linux-x64/bin/tool');\n\
             cp.execFileSync(bin, ['--version']);\n",
        ),
        text(
            "bin/tool",
            "#!/usr/bin/env node\nrequire('../lib/main.js');\n",
        ),
        ("vendor/linux-x64/tool".into(), elf()),
    ]);
    for rule in [
        "run-shipped-binary",
        "embedded-executable",
        "executable-stub",
    ] {
        assert!(with_rule(&r, rule).is_empty(), "{rule}: {:#?}", r.findings);
    }
}

#[test]
fn a_program_from_path_is_not_a_shipped_file_of_the_same_name() {
    let r = sdist(vec![
        text(
            "setup.py",
            "import subprocess\nfrom setuptools import setup\n\
             subprocess.call(['make', '-C', 'src'])\nsetup(name='demo')\n",
        ),
        ("make".into(), elf()),
        ("src/make".into(), elf()),
    ]);
    assert!(
        with_rule(&r, "run-shipped-binary").is_empty(),
        "{:#?}",
        r.findings
    );
}

#[test]
fn pe_stubs_are_context_and_lower_in_tests() {
    let mut headerless = b"MZ\x90\x00".to_vec();
    headerless.resize(2048, 0);
    let r = sdist(vec![
        text(
            "setup.py",
            "from setuptools import setup\nsetup(name='demo')\n",
        ),
        ("winutil/stub.exe".into(), pe(600)),
        ("winutil/launcher.exe".into(), pe(12 * 1024)),
        ("tests/data/truncated.dll".into(), headerless),
    ]);
    let stubs = with_rule(&r, "executable-stub");
    assert_eq!(stubs.len(), 2, "{stubs:#?}");
    let stub = stubs.iter().find(|f| f.file.ends_with("stub.exe")).unwrap();
    assert_eq!(
        (stub.severity, stub.confidence),
        (Severity::Medium, Confidence::Low)
    );
    assert!(stub.message.contains("600 bytes"), "{}", stub.message);
    let test_data = stubs
        .iter()
        .find(|f| f.file.ends_with("truncated.dll"))
        .unwrap();
    assert_eq!(test_data.severity, Severity::Low);
    assert_eq!(r.verdict, Verdict::Clean, "{:#?}", r.findings);
}

#[test]
fn a_platform_folder_the_analysis_cannot_fold_still_names_the_binary() {
    let r = npm(vec![
        package_json(r#""postinstall":"node install.js""#),
        text(
            "install.js",
            "const cp = require('child_process');\nconst path = require('path');\n\
             const dir = `${process.platform}-${process.arch}`;\n\
             cp.execFileSync(path.join(__dirname, 'prebuilt', dir, 'updater'));\n",
        ),
        ("prebuilt/linux-x64/updater".into(), elf()),
        ("prebuilt/linux-x64/other".into(), elf()),
    ]);
    let f = only(&r, "run-shipped-binary");
    assert_eq!((f.line, f.severity), (4, Severity::Critical));
    assert!(
        f.message.contains("prebuilt/linux-x64/updater"),
        "{}",
        f.message
    );
    // A file name the analysis does not know could be any file: not a finding.
    let unknown = npm(vec![
        package_json(r#""postinstall":"node install.js""#),
        text(
            "install.js",
            "const cp = require('child_process');\nconst path = require('path');\n\
             cp.execFileSync(path.join(__dirname, 'prebuilt', process.env.TOOL));\n",
        ),
        ("prebuilt/updater".into(), elf()),
    ]);
    assert!(
        with_rule(&unknown, "run-shipped-binary").is_empty(),
        "{:#?}",
        unknown.findings
    );
}
