//! The typosquatting check: known squats are flagged with the right target, popular names are
//! not, the noise over the bundled lists stays at its measured level, and `check-name` reads
//! names, files and options as documented.

use std::path::PathBuf;

use clap::Parser;
use pkgwarden::ecosystem::Ecosystem;
use pkgwarden::typosquat::cli::{evaluate, run, CheckNameArgs, OutputFormat};
use pkgwarden::typosquat::{canonical, check_name, check_name_rank_blind, Check};

fn assert_imitates(name: &str, eco: Ecosystem, target: &str, check: Check) {
    let squat = check_name(name, eco).unwrap_or_else(|| panic!("{name} is not flagged"));
    assert_eq!(
        (squat.target.as_str(), squat.check),
        (target, check),
        "{name}"
    );
}

#[test]
fn django_look_alikes_are_flagged() {
    let pypi = Ecosystem::Pypi;
    assert_imitates("diango", pypi, "django", Check::KeyboardNeighbour);
    assert_imitates("djago", pypi, "django", Check::OneEdit);
    assert_imitates("dajngo", pypi, "django", Check::AdjacentSwap);
    assert_imitates("djnago", pypi, "django", Check::AdjacentSwap);
    assert_imitates("djanga", pypi, "django", Check::OneEdit);
    assert_imitates("Django_", pypi, "django", Check::Separator);
}

#[test]
fn each_check_has_an_example() {
    let (pypi, npm) = (Ecosystem::Pypi, Ecosystem::Npm);
    assert_imitates("pythondateutil", pypi, "python-dateutil", Check::Separator);
    assert_imitates("python_dateutils", pypi, "python-dateutil", Check::OneEdit);
    assert_imitates(
        "dateutil-python",
        pypi,
        "python-dateutil",
        Check::ReorderedWords,
    );
    assert_imitates("requests2", pypi, "requests", Check::VersionSuffix);
    assert_imitates("pyrequests", pypi, "requests", Check::Affix);
    assert_imitates("requestss", pypi, "requests", Check::DoubledLetter);
    assert_imitates("rnatplotlib", pypi, "matplotlib", Check::Homoglyph);
    assert_imitates("b0to3", pypi, "boto3", Check::Homoglyph);
    assert_imitates("lodash-js", npm, "lodash", Check::Affix);
    assert_imitates("nodefetch", npm, "node-fetch", Check::Separator);
}

/// Names taken down from the registries, as named in public malware reports and datasets.
#[test]
fn real_typosquats_are_flagged() {
    let (pypi, npm) = (Ecosystem::Pypi, Ecosystem::Npm);
    assert_imitates("urlib3", pypi, "urllib3", Check::DroppedLetter);
    assert_imitates("urolib3", pypi, "urllib3", Check::KeyboardNeighbour);
    assert_imitates("reqeusts", pypi, "requests", Check::AdjacentSwap);
    assert_imitates("python3-dateutil", pypi, "python-dateutil", Check::Affix);
    assert_imitates("jeIlyfish", pypi, "jellyfish", Check::Homoglyph);
    assert_imitates("discordpy-self", pypi, "discord-py-self", Check::Separator);
    assert_imitates("colurama", pypi, "colorama", Check::OneEdit);
    assert_imitates("customtkniter", pypi, "customtkinter", Check::AdjacentSwap);
    assert_imitates(
        "toolbelt-requests",
        pypi,
        "requests-toolbelt",
        Check::ReorderedWords,
    );
    assert_imitates("crossenv", npm, "cross-env", Check::Separator);
    assert_imitates("electorn", npm, "electron", Check::AdjacentSwap);
    assert_imitates("loadsh", npm, "lodash", Check::AdjacentSwap);
    assert_imitates("momnet", npm, "moment", Check::AdjacentSwap);
    assert_imitates("colors-3.0", npm, "colors", Check::VersionSuffix);
}

#[test]
fn npm_scope_confusion_and_cyrillic_look_alikes() {
    let npm = Ecosystem::Npm;
    let scope = Check::ScopeConfusion;
    assert_imitates(
        "@typescript_eslint/parser",
        npm,
        "@typescript-eslint/parser",
        scope,
    );
    assert_imitates(
        "@typescrípt-eslint/parser",
        npm,
        "@typescript-eslint/parser",
        scope,
    );
    assert_imitates("core-tracing", npm, "@azure/core-tracing", scope);
    assert_imitates(
        "typescript-eslint-parser",
        npm,
        "@typescript-eslint/parser",
        scope,
    );
    // Cyrillic е (U+0435) and о (U+043E).
    assert_imitates("rеquests", Ecosystem::Pypi, "requests", Check::Homoglyph);
    assert_imitates("lоdash", npm, "lodash", Check::Homoglyph);
}

/// Only a scope's owner publishes in it: neighbours in one scope never imitate each other,
/// while a look-alike name under another scope still does.
#[test]
fn npm_names_in_the_same_scope_are_not_squats() {
    let npm = Ecosystem::Npm;
    assert_eq!(check_name("@octokit/oauth-app", npm), None);
    assert_eq!(check_name("@octokit/auht-app", npm), None);
    assert_imitates(
        "@0ctokit/auth-app",
        npm,
        "@octokit/auth-app",
        Check::ScopeConfusion,
    );
}

#[test]
fn popular_names_and_their_extensions_are_not_flagged() {
    for name in [
        "django",
        "django-filter",
        "Django",
        "requests",
        "numpy",
        "boto3",
        "urllib3",
    ] {
        assert_eq!(check_name(name, Ecosystem::Pypi), None, "{name}");
    }
    for name in [
        "lodash",
        "react",
        "express",
        "@types/lodash",
        "@babel/core",
        "cross-env",
    ] {
        assert_eq!(check_name(name, Ecosystem::Npm), None, "{name}");
    }
    assert_eq!(check_name("rails", Ecosystem::Rubygems), None);
    assert_eq!(check_name("diango", Ecosystem::Unknown), None);
}

#[test]
fn short_names_and_family_names_are_not_flagged() {
    let pypi = Ecosystem::Pypi;
    // One edit from `six` (3 letters), a CUDA variant, a service family, a prefix letter
    // before a name not far more popular (`django`, rank 530).
    for name in ["sux", "nvidia-nccl-cu14", "mypy-boto3-ssx", "xdjango"] {
        assert_eq!(check_name(name, pypi), None, "{name}");
    }
}

/// The squats real attackers register that fixed spans missed: a 4-letter swap and a
/// first-letter change against a name far more popular, prefix letters, combo words, two
/// slips in a long word, module names, a scope added.
#[test]
fn squats_weighed_by_popularity_and_the_new_checks() {
    let (pypi, npm) = (Ecosystem::Pypi, Ecosystem::Npm);
    assert_imitates("falsk", pypi, "flask", Check::AdjacentSwap);
    assert_imitates("mumpy", pypi, "numpy", Check::KeyboardNeighbour);
    assert_imitates("xrequests", pypi, "requests", Check::LetterPrefix);
    assert_imitates("s-requests", pypi, "requests", Check::LetterPrefix);
    assert_imitates("requests-sock", pypi, "requests", Check::ComboWord);
    assert_imitates("httpx-advanced2", pypi, "httpx", Check::ComboWord);
    assert_imitates("axios-proxy", npm, "axios", Check::ComboWord);
    assert_imitates("seleinuim", pypi, "selenium", Check::TwoEdits);
    assert_imitates("simpjson", pypi, "simplejson", Check::TwoEdits);
    assert_imitates("urllib", pypi, "urllib3", Check::StdlibName);
    assert_imitates("@npm/lodash", npm, "lodash", Check::ScopeConfusion);
    assert_imitates("angular-cli", npm, "@angular/cli", Check::ScopeConfusion);
    assert_imitates("python-mysql", pypi, "mysql-python", Check::ReorderedWords);
    assert_imitates("ｒequests", pypi, "requests", Check::Homoglyph);
    let module = |name: &str, eco: Ecosystem, target: &str, check: Check| {
        let squat = check_name(name, eco).unwrap_or_else(|| panic!("{name} is not flagged"));
        assert_eq!(
            (squat.target.as_str(), squat.check),
            (target, check),
            "{name}"
        );
        assert_eq!(squat.target_rank, None, "{name}");
        let label = squat.target_label();
        assert!(
            label.contains("standard library") || label.contains("built-in"),
            "{label}"
        );
    };
    module("smtblib", pypi, "smtplib", Check::OneEdit);
    module("colorsys", pypi, "colorsys", Check::StdlibName);
    module("socket", pypi, "socket", Check::StdlibName);
    module("wroker_threads", npm, "worker_threads", Check::AdjacentSwap);
    // One edit in a 5-letter name counts against a name ranked in the top 300.
    assert_imitates("atts", pypi, "attrs", Check::OneEdit);
}

/// What the same edits do not reach: names of similar popularity, a first letter or a prefix
/// letter against a target not far more popular, plugins under their own scope, module names
/// with a word added, listed backports of modules.
#[test]
fn the_new_checks_keep_their_bounds() {
    let (pypi, npm) = (Ecosystem::Pypi, Ecosystem::Npm);
    for name in [
        "xdjango",
        "fjango",
        "flask-sock",
        "graphviz",
        "fastcodec",
        "pydantic-ai",
        "secure-smtplib",
        "xarray",
        "asyncio",
        "typing",
        "tensofl9w",
    ] {
        assert_eq!(check_name(name, pypi), None, "{name}");
    }
    for name in [
        "@sentry/react",
        "@nx/eslint",
        "@types/react",
        "child_process",
        "fs",
    ] {
        assert_eq!(check_name(name, npm), None, "{name}");
    }
}

/// Known squats with their targets (tests/data/typosquat-labelled.txt: real malicious
/// uploads of the dev corpus and GuardDog's labelled tests): at least 90% are named with
/// their target. Measured: 80 of 85.
#[test]
fn labelled_squats_are_named_with_their_target() {
    let text = include_str!("../data/typosquat-labelled.txt");
    let mut total = 0;
    let mut misses = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let eco = match cols[0] {
            "pypi" => Ecosystem::Pypi,
            "npm" => Ecosystem::Npm,
            other => panic!("unknown ecosystem {other}"),
        };
        total += 1;
        let got = check_name(cols[1], eco).map(|s| canonical(&s.target, eco));
        let right = cols[2]
            .split('|')
            .any(|t| got.as_deref() == Some(&canonical(t, eco)));
        if !right {
            misses.push(format!("{} ({:?})", cols[1], got));
        }
    }
    let hits = total - misses.len();
    assert!(total >= 80, "the labelled set shrank to {total}");
    assert!(
        hits * 100 >= total * 90,
        "{hits} of {total} named with their target; missed: {misses:?}"
    );
}

#[test]
fn canonical_forms() {
    assert_eq!(
        canonical("Python_Dateutil", Ecosystem::Pypi),
        "python-dateutil"
    );
    assert_eq!(
        canonical("@Scope/Name.js", Ecosystem::Npm),
        "@scope/name.js"
    );
    assert_eq!(canonical("Rails", Ecosystem::Rubygems), "rails");
}

#[test]
fn check_names_are_kebab_case_and_serialised_as_such() {
    let json = serde_json::to_value(check_name("djnago", Ecosystem::Pypi).unwrap()).unwrap();
    assert_eq!(json["check"], "adjacent-swap");
    assert_eq!(json["target"], "django");
    assert_eq!(Check::KeyboardNeighbour.name(), "keyboard-neighbour");
    assert_eq!(Check::ScopeConfusion.to_string(), "scope-confusion");
}

// ---- Noise over the bundled lists -------------------------------------------------------

fn listed_names(eco: Ecosystem) -> Vec<&'static str> {
    let text = match eco {
        Ecosystem::Pypi => include_str!("../../rules/data/popular/pypi.txt"),
        Ecosystem::Npm => include_str!("../../rules/data/popular/npm.txt"),
        Ecosystem::Rubygems => include_str!("../../rules/data/popular/rubygems.txt"),
        Ecosystem::Unknown => "",
    };
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn flagged(
    eco: Ecosystem,
    check: fn(&str, Ecosystem) -> Option<pkgwarden::typosquat::Squat>,
) -> usize {
    listed_names(eco)
        .iter()
        .filter(|name| check(name, eco).is_some())
        .count()
}

/// Each listed name against the names ranked above it, with the rank rule: a listed name is
/// flagged only by a strong check against a name at least 100 times more popular. Measured: 0.
#[test]
fn popular_names_are_not_flagged_against_each_other() {
    for eco in [Ecosystem::Pypi, Ecosystem::Npm, Ecosystem::Rubygems] {
        assert_eq!(flagged(eco, check_name), 0, "{eco:?}");
    }
}

/// The same, as if no listed name were popular itself: what legitimate names outside the list
/// face. Measured: 422 of 14,985 (PyPI), 120 of 5,247 (npm), 6 of 974 (RubyGems); before the
/// popularity score and the checks of issue 14, 342, 94 and 6.
#[test]
fn rank_blind_noise_does_not_grow() {
    let measured = [
        (Ecosystem::Pypi, 422),
        (Ecosystem::Npm, 120),
        (Ecosystem::Rubygems, 6),
    ];
    for (eco, limit) in measured {
        let count = flagged(eco, check_name_rank_blind);
        assert!(
            count <= limit,
            "{eco:?}: {count} rank-blind hits, measured {limit}"
        );
    }
}

/// The shared copy the PyPI list was first taken from lacks 18 alphabetical runs of the top
/// 15,000 (rules/data/popular/SOURCES.md); one name of each run, with `pytest` first.
#[test]
fn pypi_list_has_no_alphabetical_hole() {
    let listed = listed_names(Ecosystem::Pypi);
    for name in [
        "pytest",
        "amazon-braket-sdk",
        "argcomplete",
        "deprecated",
        "devpi-client",
        "django-ajax-selects",
        "jupyterlab-pygments",
        "kornia",
        "platformdirs",
        "playwright",
        "poetry",
        "pyee",
        "pymilvus",
        "pytesseract",
        "scp",
        "skia-python",
        "sphinx-design",
        "spotipy",
        "whitenoise",
    ] {
        assert!(listed.contains(&name), "{name} is not listed");
        assert!(
            pkgwarden::typosquat::is_popular(name, Ecosystem::Pypi),
            "{name}"
        );
        assert_eq!(check_name(name, Ecosystem::Pypi), None, "{name}");
    }
}

#[test]
fn lists_hold_each_canonical_name_once() {
    for eco in [Ecosystem::Pypi, Ecosystem::Npm, Ecosystem::Rubygems] {
        let names = listed_names(eco);
        let mut canonical: Vec<String> = names.iter().map(|n| canonical(n, eco)).collect();
        canonical.sort();
        canonical.dedup();
        assert_eq!(canonical.len(), names.len(), "{eco:?}");
    }
}

// ---- check-name ------------------------------------------------------------------------

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: CheckNameArgs,
}

fn parse(argv: &[&str]) -> Result<CheckNameArgs, clap::Error> {
    Cli::try_parse_from(std::iter::once("check-name").chain(argv.iter().copied())).map(|c| c.args)
}

/// A fresh directory for this test's files.
fn scratch_dir(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("pkgwarden-typosquat-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn check_name_exit_codes() {
    assert_eq!(run(&parse(&["requests", "numpy"]).unwrap()), 0);
    assert_eq!(run(&parse(&["requests", "reqeusts"]).unwrap()), 1);
    assert_eq!(run(&parse(&["--ecosystem", "npm", "loadsh"]).unwrap()), 1);
    assert_eq!(run(&parse(&[]).unwrap()), 2);
    assert_eq!(
        run(&parse(&["--from", "/nonexistent/requirements.txt"]).unwrap()),
        2
    );
    assert!(parse(&["--ecosystem", "cargo", "serde"]).is_err());
    assert!(parse(&["--format", "xml", "serde"]).is_err());
}

#[test]
fn check_name_json_shape() {
    let args = parse(&["--format", "json", "diango", "django"]).unwrap();
    assert_eq!(args.format, OutputFormat::Json);
    let json = serde_json::to_value(evaluate(&args).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"name": "diango", "ecosystem": "pypi", "flagged": true, "target": "django",
             "target_rank": check_name("diango", Ecosystem::Pypi).unwrap().target_rank,
             "check": "keyboard-neighbour"},
            {"name": "django", "ecosystem": "pypi", "flagged": false, "target": null,
             "target_rank": null, "check": null},
        ])
    );
}

#[test]
fn check_name_text_lines() {
    let results = evaluate(&parse(&["diango", "requests"]).unwrap()).unwrap();
    let rank = results[0].target_rank.unwrap();
    assert_eq!(
        pkgwarden::typosquat::cli::render_text(&results),
        format!("diango (pypi): imitates django (rank {rank}) by keyboard-neighbour\nrequests (pypi): ok\n")
    );
}

#[test]
fn check_name_reads_dependency_files_with_their_ecosystem() {
    let dir = scratch_dir("files");
    let files = [
        (
            "requirements.txt",
            "requests==2.31\nreqeusts>=1 # typo\n-e ./local\n",
        ),
        (
            "pyproject.toml",
            "[project]\ndependencies = [\n  \"djnago>=4\",\n]\n",
        ),
        (
            "package.json",
            r#"{"dependencies": {"loadsh": "^4"}, "devDependencies": {"react": "*"}}"#,
        ),
        ("Gemfile", "source 'https://rubygems.org'\ngem 'rails'\n"),
    ];
    let mut argv = vec!["--ecosystem".to_string(), "npm".to_string()];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
        argv.extend(["--from".to_string(), dir.join(name).display().to_string()]);
    }
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let results = evaluate(&parse(&argv).unwrap()).unwrap();
    let seen: Vec<(&str, Ecosystem, bool)> = results
        .iter()
        .map(|r| (r.name.as_str(), r.ecosystem, r.flagged))
        .collect();
    assert_eq!(
        seen,
        [
            ("requests", Ecosystem::Pypi, false),
            ("reqeusts", Ecosystem::Pypi, true),
            ("djnago", Ecosystem::Pypi, true),
            ("loadsh", Ecosystem::Npm, true),
            ("react", Ecosystem::Npm, false),
            ("rails", Ecosystem::Rubygems, false),
        ]
    );
    std::fs::write(dir.join("package.json"), "{ not json").unwrap();
    let broken = [
        "--from".to_string(),
        dir.join("package.json").display().to_string(),
    ];
    let broken: Vec<&str> = broken.iter().map(String::as_str).collect();
    assert!(evaluate(&parse(&broken).unwrap()).is_err());
    std::fs::remove_dir_all(dir).unwrap();
}
