//! SARIF 2.1.0 (`scan --format sarif`), for code-scanning dashboards such as GitHub's.
//! Written with serde types of our own: only the part of SARIF pkgwarden fills in.
//! `docs/sarif.md` says what maps to what; `tests/all/sarif.rs` validates the output
//! against the OASIS schema.
//!
//! - One run. `tool.driver.rules` lists every rule pkgwarden has, in id order, so a
//!   result's `ruleIndex` stays the same whatever was found.
//! - Artifacts: each package is an artifact at its path as given (relative paths with
//!   `uriBaseId` `%SRCROOT%`, absolute ones as `file://` URIs). A file inside an archive
//!   is an artifact whose `parentIndex` is the archive; a nested archive (`outer!inner`
//!   in findings) is chained the same way. In a folder package the files are on disk, so
//!   a file's URI is the folder's joined with it, and only archives inside it nest.
//! - Help links: `helpUri` must be an absolute URI, so it is written only when
//!   `Cargo.toml` names a `repository`; it then points at
//!   `<repository>/blob/HEAD/rules/<category>/<id>.md`. The document's path under the
//!   repository is always in the rule's `properties.document`, and its text is `help`.

use super::summary::Summary;
use crate::finding::{Confidence, Finding as RawFinding, Severity};
use crate::rules::{self, Doc};
use crate::scan::PackageReport;
use crate::verdict::Verdict;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The schema the output declares (the OASIS 2.1.0 errata 01 schema's own id).
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `partialFingerprints` key: `Finding::fingerprint`, version 1 of its recipe.
pub const FINGERPRINT_KEY: &str = "pkgwarden/v1";

/// What relative artifact URIs are relative to: where the scan was run.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

/// A SARIF `multiformatMessageString`.
#[derive(Serialize)]
struct Text {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    /// GitHub's 0.0–10.0 score, as a string ([`security_severity`]).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [String; 2],
    precision: &'static str,
    /// The rule's document, relative to the repository's root.
    document: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    roles: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hashes: Option<Hashes>,
}

#[derive(Serialize)]
struct Hashes {
    #[serde(rename = "sha-256")]
    sha256: String,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Snippet>,
}

#[derive(Serialize)]
struct Snippet {
    text: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    /// The JSON report's finding `id`.
    id: String,
    severity: Severity,
    confidence: Confidence,
    phase: crate::finding::Phase,
    category: crate::finding::Category,
    package: PackageProperties<'a>,
}

#[derive(Serialize)]
struct PackageProperties<'a> {
    path: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    ecosystem: &'static str,
    verdict: &'static str,
}

/// SARIF `level` of a severity: critical and high are errors, medium a warning, low and
/// info notes.
pub fn level(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "error",
        "medium" => "warning",
        _ => "note",
    }
}

/// GitHub's `security-severity` of a rule's (highest) severity. GitHub buckets scores
/// as critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9; each of ours sits
/// inside its own bucket: critical 9.5, high 8.0, medium 5.5, low 3.0, info 1.0.
pub fn security_severity(severity: &str) -> &'static str {
    match severity {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "3.0",
        _ => "1.0",
    }
}

/// SARIF/GitHub `precision` of a confidence.
fn precision(confidence: &str) -> &'static str {
    match confidence {
        "high" => "high",
        "medium" => "medium",
        _ => "low",
    }
}

/// The absolute URL of a rule document when the crate names its repository.
fn help_uri(repository: &str, document: &str) -> Option<String> {
    let base = repository.trim_end_matches('/');
    (!base.is_empty()).then(|| format!("{base}/blob/HEAD/{}", encode(document, false)))
}

const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

fn rule(doc: &Doc) -> Rule {
    let what = doc.section("What it does").unwrap_or(&doc.title);
    let why = doc.section("Why it matters").unwrap_or_default();
    let document = format!("rules/{}", doc.path);
    let explain = format!(
        "Full document: `pkgwarden explain {}` ({document}).",
        doc.id
    );
    Rule {
        id: doc.id.clone(),
        name: doc.id.clone(),
        short_description: Text {
            text: doc.title.clone(),
            markdown: None,
        },
        full_description: Text {
            text: what.to_string(),
            markdown: Some(what.to_string()),
        },
        help: Text {
            text: format!("What it does\n{what}\n\nWhy it matters\n{why}\n\n{explain}"),
            markdown: Some(format!(
                "## What it does\n{what}\n\n## Why it matters\n{why}\n\n{explain}"
            )),
        },
        help_uri: help_uri(REPOSITORY, &document),
        default_configuration: Configuration {
            level: level(&doc.severity),
        },
        properties: RuleProperties {
            security_severity: security_severity(&doc.severity),
            tags: [doc.category.clone(), "security".into()],
            precision: precision(&doc.confidence),
            document,
        },
    }
}

/// Percent-encodes a path for a URI: everything but unreserved characters and `/`
/// (and `:` when `colon` is set, for absolute paths such as `C:/…`). A relative
/// reference keeps `:` encoded so that a first segment never reads as a scheme.
fn encode(path: &str, colon: bool) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (colon && b == b':') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The location of a path given on the command line: relative to `%SRCROOT%`, or a
/// `file://` URI when absolute.
fn root_location(path: &str) -> ArtifactLocation {
    let slashed = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    if std::path::Path::new(path).is_absolute() {
        let lead = if slashed.starts_with('/') { "" } else { "/" };
        ArtifactLocation {
            uri: format!("file://{lead}{}", encode(&slashed, true)),
            uri_base_id: None,
            index: None,
        }
    } else {
        ArtifactLocation {
            uri: encode(&slashed, false),
            uri_base_id: Some(SRCROOT),
            index: None,
        }
    }
}

/// `run.artifacts`, each added once (keyed by parent and URI), in first-seen order.
#[derive(Default)]
struct Artifacts {
    list: Vec<Artifact>,
    seen: HashMap<(Option<usize>, String), usize>,
}

impl Artifacts {
    fn add(&mut self, location: ArtifactLocation, parent: Option<usize>) -> usize {
        let key = (parent, location.uri.clone());
        if let Some(&i) = self.seen.get(&key) {
            return i;
        }
        let i = self.list.len();
        self.list.push(Artifact {
            location,
            parent_index: parent,
            length: None,
            roles: Vec::new(),
            hashes: None,
        });
        self.seen.insert(key, i);
        i
    }

    /// The package's own artifact: an analysis target, with its hash and size.
    fn package(&mut self, p: &PackageReport, folder: bool) -> usize {
        let mut location = root_location(&p.path);
        if folder && !location.uri.ends_with('/') {
            location.uri.push('/');
        }
        let i = self.add(location, None);
        let a = &mut self.list[i];
        a.roles = vec!["analysisTarget"];
        if folder {
            a.roles.push("directory");
        }
        a.length = p.size;
        a.hashes = p.sha256.clone().map(|sha256| Hashes { sha256 });
        i
    }

    /// The artifact a finding's `file` names (`outer!inner` chained by `parentIndex`),
    /// or the package's when the finding names no file.
    fn file(&mut self, p: &PackageReport, package: usize, folder: bool, file: &str) -> usize {
        if file.is_empty() {
            return package;
        }
        let mut parts = file.split('!');
        let first = parts.next().unwrap_or_default();
        let mut at = if folder {
            let joined = format!("{}/{first}", p.path.trim_end_matches(['/', '\\']));
            self.add(root_location(&joined), None)
        } else {
            self.add(inner_location(first), Some(package))
        };
        for part in parts {
            at = self.add(inner_location(part), Some(at));
        }
        at
    }

    fn location(&self, index: usize) -> ArtifactLocation {
        ArtifactLocation {
            index: Some(index),
            ..self.list[index].location.clone()
        }
    }
}

/// A path inside an archive, relative to the archive.
fn inner_location(path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: encode(path, false),
        uri_base_id: None,
        index: None,
    }
}

/// Whether the package was an unpacked folder (its files are then on disk).
fn is_folder(p: &PackageReport) -> bool {
    std::path::Path::new(&p.path).is_dir()
}

fn result<'a>(
    p: &'a PackageReport,
    f: &RawFinding,
    rule_index: Option<usize>,
    artifacts: &mut Artifacts,
    package: usize,
    folder: bool,
) -> SarifResult<'a> {
    let at = artifacts.file(p, package, folder, &f.file);
    let fingerprint = f.fingerprint(&p.name);
    let who = match &p.version {
        Some(v) => format!("{} {v}", p.name),
        None => p.name.clone(),
    };
    SarifResult {
        rule_id: f.rule,
        rule_index,
        level: level(f.severity.as_str()),
        message: Message {
            text: format!("{who}: {}", f.message),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifacts.location(at),
                region: (f.line > 0).then(|| Region {
                    start_line: f.line,
                    snippet: (!f.snippet.is_empty()).then(|| Snippet {
                        text: f.snippet.clone(),
                    }),
                }),
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint.clone())]),
        properties: ResultProperties {
            id: RawFinding::id(&fingerprint),
            severity: f.severity,
            confidence: f.confidence,
            phase: f.phase,
            category: f.category,
            package: PackageProperties {
                path: &p.path,
                name: &p.name,
                version: p.version.as_deref(),
                ecosystem: p.ecosystem.as_str(),
                verdict: p.verdict.as_str(),
            },
        },
    }
}

/// Why a package's scan was not complete, as invocation notifications: an error for a
/// package that could not be scanned, a warning per cut for one scanned in part.
fn notifications(p: &PackageReport, at: ArtifactLocation) -> Vec<Notification> {
    let level = if p.verdict == Verdict::Error {
        "error"
    } else {
        "warning"
    };
    p.errors
        .iter()
        .map(|e| Notification {
            level,
            message: Message {
                text: format!("{}: {e}", p.path),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: at.clone(),
                    region: None,
                },
            }],
        })
        .collect()
}

/// The SARIF log of a scan, pretty-printed; `packages` in path order.
pub fn render(packages: &[PackageReport], summary: &Summary) -> String {
    let docs = rules::compiled();
    let mut docs: Vec<&Doc> = docs.iter().collect();
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    let rule_index: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut artifacts = Artifacts::default();
    let mut results = Vec::new();
    let mut notes: Vec<Notification> = summary
        .input_errors
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Message {
                text: e.to_string(),
            },
            locations: Vec::new(),
        })
        .collect();
    for p in packages {
        let folder = is_folder(p);
        let package = artifacts.package(p, folder);
        notes.extend(notifications(p, artifacts.location(package)));
        let mut ordered: Vec<&RawFinding> = p.findings.iter().collect();
        ordered.sort_by(|a, b| a.rank_key().cmp(&b.rank_key()));
        for f in ordered {
            let index = rule_index.get(f.rule).copied();
            results.push(result(p, f, index, &mut artifacts, package, folder));
        }
    }
    let incomplete = !summary.input_errors.is_empty()
        || summary.error > 0
        || summary.partial > 0
        || summary.stopped;
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "pkgwarden",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: (!REPOSITORY.is_empty()).then_some(REPOSITORY),
                    rules: docs.iter().map(|d| rule(d)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: !incomplete,
                tool_execution_notifications: notes,
            }],
            artifacts: artifacts.list,
            results,
        }],
    };
    serde_json::to_string_pretty(&log).expect("SARIF serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(encode("a b/c:d!e%", false), "a%20b/c%3Ad%21e%25");
        assert_eq!(encode("C:/x y", true), "C:/x%20y");
        assert_eq!(encode("é\u{1}", false), "%C3%A9%01");
        let rel = root_location("dist/pkg 1.tgz");
        assert_eq!(
            (rel.uri.as_str(), rel.uri_base_id),
            ("dist/pkg%201.tgz", Some(SRCROOT))
        );
        let abs = root_location("/tmp/p.tgz");
        assert_eq!(
            (abs.uri.as_str(), abs.uri_base_id),
            ("file:///tmp/p.tgz", None)
        );
    }

    #[test]
    fn help_links() {
        assert_eq!(help_uri("", "rules/a/b.md"), None);
        assert_eq!(
            help_uri("https://example.com/o/r/", "rules/a/b.md").as_deref(),
            Some("https://example.com/o/r/blob/HEAD/rules/a/b.md")
        );
    }

    #[test]
    fn levels_and_scores() {
        let pairs: Vec<_> = ["critical", "high", "medium", "low", "info"]
            .iter()
            .map(|s| (level(s), security_severity(s)))
            .collect();
        assert_eq!(
            pairs,
            [
                ("error", "9.5"),
                ("error", "8.0"),
                ("warning", "5.5"),
                ("note", "3.0"),
                ("note", "1.0")
            ]
        );
    }
}
