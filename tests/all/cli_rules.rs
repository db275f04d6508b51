//! `pkgwarden rules` and `pkgwarden explain`: the rule catalogue on the command line.

use serde_json::Value;
use std::process::{Command, Output};

fn pkgwarden(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn rules_lists_every_rule_by_category_then_id() {
    let out = pkgwarden(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let rows: Vec<(&str, &str)> = text
        .lines()
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap(), w.next().unwrap())
        })
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let mut listed = ids.clone();
    listed.sort();
    assert_eq!(listed, pkgwarden::rules::ids());
    let keys: Vec<(&str, &str)> = rows.iter().map(|(id, cat)| (*cat, *id)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sorted by category, then id");
    let rc = text
        .lines()
        .find(|l| l.starts_with("shell-rc-write "))
        .unwrap();
    assert!(rc.contains("persistence") && rc.contains("high") && rc.contains("shell startup file"));
}

#[test]
fn rules_as_json() {
    let out = pkgwarden(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rules = json.as_array().unwrap();
    assert_eq!(rules.len(), pkgwarden::rules::ids().len());
    let rc = rules.iter().find(|r| r["id"] == "shell-rc-write").unwrap();
    assert_eq!(rc["category"], "persistence");
    assert_eq!(rc["severity"], "high");
    assert_eq!(rc["path"], "persistence/shell-rc-write.md");
}

#[test]
fn explain_prints_the_document() {
    let out = pkgwarden(&["explain", "dropper-chain"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("+++\nid = \"dropper-chain\""), "{text}");
    assert!(text.contains("## False positives"));
}

#[test]
fn explain_unknown_rule_exits_2_naming_close_ids() {
    let out = pkgwarden(&["explain", "shell-rc"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no rule `shell-rc`"), "{err}");
    assert!(err.contains("shell-rc-write"), "{err}");
    assert!(err.contains("pkgwarden rules"), "{err}");
    assert!(out.stdout.is_empty());
}
