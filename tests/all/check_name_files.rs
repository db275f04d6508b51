//! `pkgwarden check-name --from FILE` on realistic dependency files of every accepted kind
//! (`tests/data/check-name/`, each with one typosquat among popular names): the squat is
//! flagged at its file and line, the rest are not; `-r` is followed; files of no accepted kind,
//! or whose content is not of their kind, are refused with exit 2; lines that cannot be read are
//! reported, never passed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/check-name")
        .join(rel)
}

/// Runs the binary: (exit code, stdout, stderr).
fn check_name(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .arg("check-name")
        .args(args)
        .output()
        .expect("run pkgwarden");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The JSON results for `--from` each of `files`.
fn json_results(files: &[&Path]) -> (i32, Vec<Value>) {
    let mut args = vec!["--format".to_string(), "json".to_string()];
    for file in files {
        args.extend(["--from".to_string(), file.display().to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = check_name(&args);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (code, json.as_array().expect("an array").clone())
}

/// (name, file, line) of each flagged result.
fn flagged(results: &[Value]) -> Vec<(String, String, u64)> {
    results
        .iter()
        .filter(|r| r["flagged"] == true)
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["source"]["file"].as_str().unwrap().to_string(),
                r["source"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The unflagged names.
fn passed(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| r["flagged"] == false && r.get("unreadable").is_none())
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

/// Each file kind: the file, its ecosystem, the squat with its line, and the popular names
/// read from it.
const KINDS: &[(&str, &str, &str, u64, &[&str])] = &[
    (
        "pep621/pyproject.toml",
        "pypi",
        "djago",
        19,
        &[
            "hatchling",
            "httpx",
            "pydantic",
            "sqlalchemy",
            "psycopg",
            "flask",
            "pytest",
            "pytest-cov",
            "ruff",
            "mypy",
        ],
    ),
    (
        "poetry/pyproject.toml",
        "pypi",
        "reqeusts",
        18,
        &["click", "rich", "pytest", "black", "sphinx", "poetry-core"],
    ),
    (
        "poetry/poetry.lock",
        "pypi",
        "djago",
        28,
        &["certifi", "click"],
    ),
    ("uv/uv.lock", "pypi", "reqeusts", 29, &["idna"]),
    (
        "pipenv/Pipfile",
        "pypi",
        "djago",
        8,
        &["requests", "gunicorn", "pytest"],
    ),
    (
        "pipenv/Pipfile.lock",
        "pypi",
        "reqeusts",
        26,
        &["certifi", "pytest"],
    ),
    (
        "npm-v3/package.json",
        "npm",
        "expresss",
        11,
        &[
            "express",
            "lodash",
            "@babel/core",
            "jest",
            "typescript",
            "react",
            "fsevents",
        ],
    ),
    (
        "npm-v3/package-lock.json",
        "npm",
        "lodahs",
        27,
        &["@babel/core", "express", "lodash", "@types/node"],
    ),
    (
        "npm-v1/package-lock.json",
        "npm",
        "expresss",
        23,
        &["body-parser", "debug", "chalk"],
    ),
    (
        "yarn-v1/yarn.lock",
        "npm",
        "lodahs",
        20,
        &["@babel/code-frame", "chalk", "picocolors"],
    ),
    (
        "yarn-berry/yarn.lock",
        "npm",
        "expresss",
        17,
        &["js-tokens", "react"],
    ),
    (
        "pnpm-v6/pnpm-lock.yaml",
        "npm",
        "lodahs",
        35,
        &[
            "express",
            "lodash",
            "@types/node",
            "@babel/plugin-syntax-jsx",
        ],
    ),
    (
        "pnpm-v9/pnpm-lock.yaml",
        "npm",
        "expresss",
        11,
        &["typescript", "react", "@babel/core"],
    ),
    (
        "ruby/Gemfile",
        "rubygems",
        "rai1s",
        9,
        &["rails", "pg", "puma", "rspec-rails", "bootsnap"],
    ),
    (
        "ruby/Gemfile.lock",
        "rubygems",
        "rai1s",
        12,
        &["actionpack", "nokogiri", "pg", "puma", "rack", "rails"],
    ),
];

#[test]
fn every_file_kind_flags_its_squat_at_its_line() {
    for &(rel, eco, squat, line, popular) in KINDS {
        let file = data(rel);
        let (code, results) = json_results(&[&file]);
        assert_eq!(code, 1, "{rel}");
        assert_eq!(
            flagged(&results),
            [(squat.to_string(), file.display().to_string(), line)],
            "{rel}"
        );
        assert_eq!(passed(&results), popular, "{rel}");
        assert!(results.iter().all(|r| r["ecosystem"] == eco), "{rel}");
        assert!(
            results.iter().all(|r| r.get("unreadable").is_none()),
            "{rel}"
        );
    }
}

#[test]
fn requirements_follow_r_relative_to_the_file_and_stop_at_cycles() {
    // requirements.txt includes base.txt, which includes requirements.txt again.
    let file = data("requirements.txt");
    let (code, results) = json_results(&[&file]);
    assert_eq!(code, 1);
    let base = data("base.txt").display().to_string();
    assert_eq!(
        flagged(&results),
        [
            ("reqeusts".to_string(), file.display().to_string(), 9),
            ("djago".to_string(), base, 5),
        ]
    );
    // Hashes, markers, extras, `@ url`, options, `-e`, paths and `-c` name nothing else.
    assert_eq!(
        passed(&results),
        ["Django", "celery", "gunicorn", "pytest", "numpy", "urllib3"]
    );
}

#[test]
fn text_output_names_the_file_and_line() {
    let file = data("ruby/Gemfile");
    let (code, stdout, _) = check_name(&["--from", &file.display().to_string()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(&format!(
            "rai1s (rubygems, from {}:9): imitates rails",
            file.display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("rails (rubygems, from {}:6): ok", file.display())));
    // Names given as arguments have no source.
    let (code, stdout, _) = check_name(&["--format", "json", "pytest", "reqeusts"]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert!(json[0].get("source").is_none() && json[1].get("source").is_none());
    assert_eq!(json[0]["flagged"], false);
}

/// A fresh directory for this test's files.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("pkgwarden-checkname-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn other_files_and_impostor_content_are_refused() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let (code, _, stderr) = check_name(&["--from", &readme.display().to_string()]);
    assert_eq!(code, 2);
    assert!(stderr.contains(&readme.display().to_string()), "{stderr}");
    assert!(stderr.contains("accepted: requirements*.txt"), "{stderr}");
    assert!(
        stderr.contains("pnpm-lock.yaml") && stderr.contains("Gemfile.lock"),
        "{stderr}"
    );

    let dir = scratch("refused");
    let readme_text = std::fs::read_to_string(&readme).unwrap();
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "requirements.txt",
            readme_text.as_bytes(),
            "not a requirements file",
        ),
        (
            "Gemfile.lock",
            b"Dear team,\nthe gems are listed below.\n  rails\n",
            "not a Gemfile.lock",
        ),
        (
            "Gemfile",
            b"# Notes\nsource code lives in lib/\n",
            "not a Gemfile",
        ),
        ("package-lock.json", &binary, "binary"),
        ("requirements-dev.txt", b"requests\0\0\x01\x02", "binary"),
        ("package.json", b"{ \"dependencies\": ", "not valid JSON"),
        (
            "package-lock.json",
            b"{\"name\": \"x\"}",
            "not an npm lockfile",
        ),
        ("pyproject.toml", b"[project\nname = 1", "not valid TOML"),
        (
            "pyproject.toml",
            b"[package]\nname = \"x\"\n",
            "not a pyproject.toml",
        ),
        ("poetry.lock", b"[tool]\nx = 1\n", "not a poetry.lock"),
        ("uv.lock", b"[[package]]\nname = \"x\"\n", "not a uv.lock"),
        ("Pipfile.lock", b"{\"default\": {}}", "not a Pipfile.lock"),
        (
            "yarn.lock",
            b"lodash@^4:\n  version \"4\"\n",
            "not a yarn.lock",
        ),
        (
            "pnpm-lock.yaml",
            b"packages:\n  lodash@4.17.21:\n",
            "not a pnpm lockfile",
        ),
    ];
    for (name, content, message) in cases {
        let file = dir.join(name);
        std::fs::write(&file, content).unwrap();
        let (code, stdout, stderr) = check_name(&["--from", &file.display().to_string()]);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "{name}: {stdout}");
        assert!(
            stderr.contains(&file.display().to_string()),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unreadable_lines_are_reported_and_fail_the_check() {
    let dir = scratch("unreadable");
    let file = dir.join("requirements.txt");
    std::fs::write(
        &file,
        "requests==2.31\nflask>=3 if possible\npytest\n--frobnicate\n",
    )
    .unwrap();
    let shown = file.display().to_string();
    let (code, stdout, stderr) = check_name(&["--from", &shown]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("requests (pypi") && stdout.contains("pytest (pypi"));
    assert!(
        stderr.contains(&format!(
            "warning: {shown}:2: cannot read a package name: flask>=3 if possible"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("warning: {shown}:4:")), "{stderr}");

    let (code, results) = json_results(&[&file]);
    assert_eq!(code, 1);
    let unreadable: Vec<(&str, u64)> = results
        .iter()
        .filter(|r| r["unreadable"] == true)
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["source"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unreadable,
        [("flask>=3 if possible", 2), ("--frobnicate", 4)]
    );

    // A missing -r target is an input error naming the line that asks for it.
    std::fs::write(&file, "requests\n-r missing.txt\n").unwrap();
    let (code, _, stderr) = check_name(&["--from", &shown]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{shown}:2: -r missing.txt")),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn from_takes_every_file_that_follows_as_a_pre_commit_hook_passes_them() {
    let req = data("requirements.txt");
    let npm = data("npm-v3/package.json");
    let gem = data("ruby/Gemfile");
    let (code, out, err) = check_name(&[
        "--from",
        req.to_str().unwrap(),
        npm.to_str().unwrap(),
        gem.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    for squat in ["reqeusts (pypi", "expresss (npm", "rai1s (rubygems"] {
        assert!(out.contains(squat), "{squat} missing: {out}");
    }
}
