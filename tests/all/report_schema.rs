//! `docs/report.schema.json` describes `--format json` and every `--format jsonl` line,
//! and cannot drift from the Rust types: its objects are closed, so a field added to
//! the output without the schema fails validation; and every field it declares must
//! appear in the outputs checked here (all optional ones included: `--timings`, archive
//! hashes, reasons, input errors), so the check covers the whole contract.

use super::sarif::{extra_inputs, pkgwarden};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn schema() -> Value {
    serde_json::from_str(include_str!("../../docs/report.schema.json")).unwrap()
}

/// A validator for the schema's root, or for `#/$defs/<def>` when given.
fn validator(def: Option<&str>) -> jsonschema::Validator {
    let mut schema = schema();
    if let Some(def) = def {
        schema["$ref"] = Value::String(format!("#/$defs/{def}"));
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the schema:\n{}",
        errors.join("\n")
    );
}

/// Keys seen per schema definition.
#[derive(Default)]
struct Seen(BTreeMap<&'static str, BTreeSet<String>>);

impl Seen {
    fn add(&mut self, def: &'static str, object: &Value) {
        let keys = object.as_object().unwrap().keys().cloned();
        self.0.entry(def).or_default().extend(keys);
    }

    fn package(&mut self, p: &Value) {
        self.add("packageFields", p);
        for f in p["findings"].as_array().unwrap() {
            self.add("finding", f);
        }
        if p.get("reason").is_some() {
            self.add("reason", &p["reason"]);
        }
        if p.get("timings").is_some() {
            self.add("timings", &p["timings"]);
        }
    }

    fn summary(&mut self, s: &Value) {
        self.add("summaryFields", s);
        for c in s["by_ecosystem"].as_object().unwrap().values() {
            self.add("counts", c);
        }
    }
}

/// The properties a definition declares.
fn declared(schema: &Value, def: &str) -> BTreeSet<String> {
    schema["$defs"][def]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn json_and_jsonl_follow_the_schema() {
    let extra = extra_inputs();
    let missing = extra.join("missing.tar.gz");
    let inputs = [
        "fixtures",
        extra.to_str().unwrap(),
        missing.to_str().unwrap(),
    ];
    let report = validator(None);
    let line = validator(Some("line"));
    let mut seen = Seen::default();
    for timings in [false, true] {
        let mut args = vec!["scan", "--format", "json", "--jobs", "2"];
        if timings {
            args.push("--timings");
        }
        args.extend_from_slice(&inputs);
        let doc: Value = serde_json::from_str(&pkgwarden(&args).1).unwrap();
        assert_valid(&report, &doc, "--format json");
        seen.add("report", &doc);
        seen.add("tool", &doc["tool"]);
        for p in doc["packages"].as_array().unwrap() {
            seen.package(p);
        }
        seen.summary(&doc["summary"]);

        args[2] = "jsonl";
        let out = pkgwarden(&args).1;
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), doc["packages"].as_array().unwrap().len() + 1);
        for (i, l) in lines.iter().enumerate() {
            assert_valid(&line, l, &format!("jsonl line {}", i + 1));
        }
        let last = lines.last().unwrap();
        assert_eq!(last["kind"], "summary");
        seen.add("summaryLine", last);
        for l in &lines[..lines.len() - 1] {
            assert_eq!(l["kind"], "package");
            seen.add("packageLine", l);
        }
    }

    // The hostile package's names and snippets come through as they are.
    let json: Value =
        serde_json::from_str(&pkgwarden(&["scan", "--format", "json", extra.to_str().unwrap()]).1)
            .unwrap();
    let hostile = json["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "hostile")
        .unwrap();
    let texts: Vec<&str> = hostile["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| [f["file"].as_str().unwrap(), f["snippet"].as_str().unwrap()])
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("\u{1b}[31m<script>")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("</script>\u{1b}[2J\u{7}")),
        "{texts:?}"
    );

    // Every declared field was seen, so closed objects were checked against all of them.
    let schema = schema();
    let union = |a: &str, b: &str| -> BTreeSet<String> {
        declared(&schema, a)
            .union(&declared(&schema, b))
            .cloned()
            .collect()
    };
    let package_line = union("packageLine", "packageFields");
    let summary_line = union("summaryLine", "summaryFields");
    for (def, want) in [
        ("report", declared(&schema, "report")),
        ("tool", declared(&schema, "tool")),
        ("packageFields", declared(&schema, "packageFields")),
        ("finding", declared(&schema, "finding")),
        ("reason", declared(&schema, "reason")),
        ("timings", declared(&schema, "timings")),
        ("summaryFields", declared(&schema, "summaryFields")),
        ("counts", declared(&schema, "counts")),
        ("packageLine", package_line),
        ("summaryLine", summary_line),
    ] {
        assert_eq!(seen.0.get(def), Some(&want), "fields of `{def}`");
    }
}

/// A field the schema does not know is rejected: the drift check has teeth.
#[test]
fn unknown_fields_are_rejected() {
    let (_, out) = pkgwarden(&["scan", "--format", "jsonl", "fixtures/npm/dropper"]);
    let line = validator(Some("line"));
    for l in out.lines() {
        let mut v: Value = serde_json::from_str(l).unwrap();
        assert!(line.is_valid(&v));
        v["added_later"] = Value::Bool(true);
        assert!(!line.is_valid(&v), "an unknown field passes: {l}");
    }
    let (_, out) = pkgwarden(&["scan", "--format", "json", "fixtures/npm/dropper"]);
    let mut doc: Value = serde_json::from_str(&out).unwrap();
    let report = validator(None);
    assert!(report.is_valid(&doc));
    doc["packages"][0]["findings"][0]["added_later"] = Value::Bool(true);
    assert!(!report.is_valid(&doc));
}
