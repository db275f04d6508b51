//! The rule catalogue: every rule pkgwarden can report ([`ALL`]), and the document that
//! explains each (`rules/<category>/<rule-id>.md`, compiled into its [`Rule`] value).
//!
//! A rule is declared once, with [`rule!`], in the module that reports it (see
//! `crate::detectors`); [`ALL`] lists the declarations, and `rules`, `explain`, the SARIF
//! rule list and `rules/INDEX.md` are built from it. Tests hold the documents on disk to
//! it: a document no rule declares, or whose front matter disagrees with its rule, fails.

mod rule;

pub(crate) use rule::rule;
pub use rule::Rule;

use serde::Serialize;
use std::fmt::Write;

/// Every rule, by category folder then id.
pub static ALL: &[&Rule] = &[
    &crate::archive::anomalies::DECOMPRESSION_BOMB,
    &crate::archive::anomalies::DEVICE_FILE,
    &crate::archive::anomalies::DUPLICATE_ENTRY,
    &crate::archive::anomalies::ENCRYPTED_ENTRY,
    &crate::archive::anomalies::LINK_OUTSIDE_PACKAGE,
    &crate::archive::anomalies::NESTING_TOO_DEEP,
    &crate::archive::anomalies::OVERSIZED_ENTRY,
    &crate::archive::anomalies::OVERSIZED_PACKAGE,
    &crate::archive::anomalies::PATH_TRAVERSAL,
    &crate::archive::anomalies::SETUID_ENTRY,
    &crate::archive::anomalies::TOO_MANY_ENTRIES,
    &crate::archive::anomalies::WHEEL_RECORD_MISMATCH,
    &crate::detectors::background_process::DETACHED_PROCESS,
    &crate::detectors::collection::CLIPBOARD_ACCESS,
    &crate::detectors::collection::ENV_SERIALIZATION,
    &crate::detectors::collection::KEYSTROKE_CAPTURE,
    &crate::detectors::collection::SCREEN_CAPTURE,
    &crate::detectors::credential_read::CREDENTIAL_READ,
    &crate::detectors::download::DOWNLOAD_AT_INSTALL,
    &crate::detectors::embedded_binary::EMBEDDED_EXECUTABLE,
    &crate::detectors::embedded_binary::EXECUTABLE_STUB,
    &crate::detectors::embedded_binary::RUN_SHIPPED_BINARY,
    &crate::detectors::exec_decoded::EXEC_COMPUTED,
    &crate::detectors::exec_decoded::EXEC_DECODED,
    &crate::detectors::exec_downloaded::EXEC_DOWNLOADED,
    &crate::detectors::exfiltration::ENV_EXFILTRATION,
    &crate::detectors::exfiltration::FILE_EXFILTRATION,
    &crate::detectors::exfiltration::HOST_BEACON,
    &crate::detectors::exfiltration::SECRET_EXFILTRATION,
    &crate::detectors::install_hook::CMDCLASS_OVERRIDE,
    &crate::detectors::install_hook::GEM_INSTALL_HOOK,
    &crate::detectors::install_hook::IMPORT_SPAWN,
    &crate::detectors::install_hook::INSTALL_SPAWN,
    &crate::detectors::install_hook::NPM_INSTALL_SCRIPT,
    &crate::detectors::install_hook::UNASKED_CHAIN,
    &crate::detectors::metadata_anomaly::DEPENDENCY_URL,
    &crate::detectors::metadata_anomaly::TYPOSQUAT_DEPENDENCY,
    &crate::detectors::obfuscation::HIDDEN_API_CALL,
    &crate::detectors::obfuscation::OBFUSCATED_CODE,
    &crate::detectors::obfuscation::UNANALYSED_CODE,
    &crate::detectors::persistence::AUTOSTART_ENTRY,
    &crate::detectors::persistence::CRON_JOB,
    &crate::detectors::persistence::DROPPER_CHAIN,
    &crate::detectors::persistence::LAUNCHD_AGENT,
    &crate::detectors::persistence::PLANTED_DOWNLOAD,
    &crate::detectors::persistence::PRELOAD_HIJACK,
    &crate::detectors::persistence::SCHEDULED_TASK,
    &crate::detectors::persistence::SHELL_RC_WRITE,
    &crate::detectors::persistence::SSH_AUTHORIZED_KEY,
    &crate::detectors::persistence::STARTUP_FOLDER,
    &crate::detectors::persistence::SYSTEMD_UNIT,
    &crate::detectors::persistence::WINDOWS_RUN_KEY,
    &crate::detectors::reverse_shell::REMOTE_COMMAND,
    &crate::detectors::reverse_shell::REVERSE_SHELL,
    &crate::detectors::startup_hook::PTH_EXEC,
    &crate::detectors::suspicious_endpoint::SUSPICIOUS_ADDRESS,
    &crate::detectors::suspicious_endpoint::SUSPICIOUS_ENDPOINT,
    &crate::detectors::tampering::DESTRUCTIVE_COMMAND,
    &crate::detectors::tampering::DISGUISED_LIBRARY,
    &crate::detectors::tampering::PROCESS_INJECTION,
    &crate::detectors::typosquat::COPY_OF_POPULAR,
    &crate::detectors::typosquat::TYPOSQUAT_CHAIN,
    &crate::detectors::typosquat::TYPOSQUAT_INSTALL,
    &crate::detectors::typosquat::TYPOSQUAT_NAME,
    &crate::detectors::write_home::WRITE_HOME,
];

/// Every rule id the code can report, sorted.
pub fn ids() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = ALL.iter().map(|r| r.id).collect();
    all.sort_unstable();
    all
}

/// True if `rule` is the id of one of [`ALL`].
pub fn is_known(rule: &str) -> bool {
    ALL.iter().any(|r| r.id == rule)
}

/// A rule document: its front matter, and the whole text.
#[derive(Debug, Clone, Serialize)]
pub struct Doc {
    pub id: String,
    pub title: String,
    pub category: String,
    /// The highest severity the rule reports.
    pub severity: String,
    pub confidence: String,
    pub ecosystems: Vec<String>,
    pub status: String,
    /// A test file that exercises the rule instead of runnable examples in the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub examples: Option<String>,
    /// Path under `rules/`.
    pub path: String,
    #[serde(skip)]
    pub text: String,
    /// The Markdown after the front matter.
    #[serde(skip)]
    pub body: String,
}

impl Doc {
    /// The text under the body's `## {heading}` line, up to the next `## ` heading,
    /// trimmed; `None` when the document has no such section. SARIF rule descriptions
    /// are built from "What it does" and "Why it matters".
    pub fn section(&self, heading: &str) -> Option<&str> {
        let body = self.body.as_str();
        let mut fence = false;
        let mut start = None;
        let mut offset = 0;
        for line in body.split_inclusive('\n') {
            let at = offset;
            offset += line.len();
            if line.starts_with("```") {
                fence = !fence;
            }
            let Some(title) = line.strip_prefix("## ").filter(|_| !fence) else {
                continue;
            };
            if let Some(s) = start {
                return Some(body[s..at].trim());
            }
            if title.trim() == heading {
                start = Some(offset);
            }
        }
        start.map(|s| body[s..].trim())
    }
}

const SEVERITIES: &[&str] = &["info", "low", "medium", "high", "critical"];
const CONFIDENCES: &[&str] = &["low", "medium", "high"];
const STATUSES: &[&str] = &["stable", "experimental"];
const ECOSYSTEMS: &[&str] = &["pypi", "npm", "rubygems"];

/// Parses a rule document: TOML-style front matter between `+++` lines (`key = "text"` or
/// `key = ["a", "b"]`, `#` comments), then Markdown.
pub fn parse(path: &str, text: &str) -> Result<Doc, String> {
    let rest = text
        .strip_prefix("+++\n")
        .ok_or("does not start with a `+++` front matter line")?;
    let (front, body) = rest
        .split_once("\n+++\n")
        .ok_or("front matter is not closed by a `+++` line")?;
    let mut doc = Doc {
        id: String::new(),
        title: String::new(),
        category: String::new(),
        severity: String::new(),
        confidence: String::new(),
        ecosystems: Vec::new(),
        status: String::new(),
        examples: None,
        path: path.to_string(),
        text: text.to_string(),
        body: body.to_string(),
    };
    for (n, line) in front.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |e: String| format!("front matter line {}: {e}", n + 2);
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| at(format!("expected `key = value`, found `{line}`")))?;
        let value = value.trim();
        let key = key.trim();
        if key == "ecosystems" {
            doc.ecosystems = string_list(value).map_err(at)?;
            continue;
        }
        let value = string(value).map_err(at)?;
        match key {
            "id" => doc.id = value,
            "title" => doc.title = value,
            "category" => doc.category = value,
            "severity" => doc.severity = value,
            "confidence" => doc.confidence = value,
            "status" => doc.status = value,
            "examples" => doc.examples = Some(value),
            other => return Err(at(format!("unknown key `{other}`"))),
        }
    }
    for (key, value) in [
        ("id", &doc.id),
        ("title", &doc.title),
        ("category", &doc.category),
    ] {
        if value.is_empty() {
            return Err(format!("front matter lacks `{key}`"));
        }
    }
    one_of("severity", &doc.severity, SEVERITIES)?;
    one_of("confidence", &doc.confidence, CONFIDENCES)?;
    one_of("status", &doc.status, STATUSES)?;
    if doc.ecosystems.is_empty() {
        return Err("front matter lacks `ecosystems`".into());
    }
    for e in &doc.ecosystems {
        one_of("ecosystems", e, ECOSYSTEMS)?;
    }
    Ok(doc)
}

fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "`{key}` is `{value}`; expected one of {}",
            allowed.join(", ")
        ))
    }
}

/// A double-quoted string, then optionally a `#` comment.
fn string(value: &str) -> Result<String, String> {
    let (s, rest) = quoted(value)?;
    let rest = rest.trim();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(s)
    } else {
        Err(format!("unexpected `{rest}` after the string"))
    }
}

/// `["a", "b"]`, then optionally a `#` comment.
fn string_list(value: &str) -> Result<Vec<String>, String> {
    let mut rest = value
        .strip_prefix('[')
        .ok_or("expected a list in brackets")?
        .trim_start();
    let mut out = Vec::new();
    while !rest.starts_with(']') {
        let (s, after) = quoted(rest)?;
        out.push(s);
        rest = after.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        if rest.is_empty() {
            return Err("list is not closed by `]`".into());
        }
    }
    let rest = rest[1..].trim();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(out)
    } else {
        Err(format!("unexpected `{rest}` after the list"))
    }
}

/// A leading `"..."` (with `\"` and `\\` escapes) and the text after it.
fn quoted(s: &str) -> Result<(String, &str), String> {
    let body = s
        .strip_prefix('"')
        .ok_or_else(|| format!("expected a double-quoted string, found `{s}`"))?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &body[i + 1..])),
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => out.push(e),
                _ => return Err("only `\\\"` and `\\\\` escapes are allowed".into()),
            },
            c => out.push(c),
        }
    }
    Err("string is not closed".into())
}

/// Every rule's document, parsed, sorted by category then id.
pub fn documents() -> Result<Vec<Doc>, String> {
    let mut docs = ALL
        .iter()
        .map(|r| parse(r.path, r.document).map_err(|e| format!("rules/{}: {e}", r.path)))
        .collect::<Result<Vec<_>, _>>()?;
    docs.sort_by(|a, b| (&a.category, &a.id).cmp(&(&b.category, &b.id)));
    Ok(docs)
}

/// `pkgwarden rules`: one line per rule (id, category, severity, title), or JSON.
pub fn list(docs: &[Doc], json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(docs).expect("documents serialize") + "\n";
    }
    let width = |f: fn(&Doc) -> &str| docs.iter().map(|d| f(d).len()).max().unwrap_or(0);
    let (wi, wc, ws) = (
        width(|d| &d.id),
        width(|d| &d.category),
        width(|d| &d.severity),
    );
    let mut out = String::new();
    for d in docs {
        let _ = writeln!(
            out,
            "{:wi$}  {:wc$}  {:ws$}  {}",
            d.id, d.category, d.severity, d.title
        );
    }
    out
}

/// `pkgwarden explain <id>`: the rule's document, or a message naming close ids.
pub fn explain(docs: &[Doc], id: &str) -> Result<String, String> {
    if let Some(d) = docs.iter().find(|d| d.id == id) {
        return Ok(d.text.clone());
    }
    let mut close: Vec<(usize, &str)> = docs
        .iter()
        .map(|d| (distance(id, &d.id), d.id.as_str()))
        .filter(|(n, other)| *n <= 3.max(id.len() / 3) || other.contains(id) && id.len() >= 3)
        .collect();
    close.sort();
    let hint = if close.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = close.iter().take(5).map(|(_, id)| *id).collect();
        format!("; did you mean {}?", names.join(", "))
    };
    Err(format!(
        "no rule `{id}`{hint} (`pkgwarden rules` lists every rule)"
    ))
}

/// `pkgwarden rules`: prints the list; returns the exit code.
pub fn print_list(json: bool) -> i32 {
    print!("{}", list(&compiled(), json));
    0
}

/// `pkgwarden explain <id>`: prints the document, or names close ids on stderr and
/// returns 2.
pub fn print_explain(id: &str) -> i32 {
    match explain(&compiled(), id) {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(e) => {
            eprintln!("pkgwarden: {e}");
            2
        }
    }
}

/// The compiled-in documents; `tests/all/rule_examples.rs` guarantees they parse.
pub fn compiled() -> Vec<Doc> {
    documents().expect("rule documents parse (checked by tests/all/rule_examples.rs)")
}

/// Levenshtein distance, for suggesting rule ids.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// `rules/INDEX.md`: one table row per rule, linking its document.
pub fn index(docs: &[Doc]) -> String {
    let mut out = String::from(
        "# Rule index\n\n\
         One line per rule, by category. Generated from the rule documents; \
         `UPDATE_RULE_INDEX=1 cargo test --test rule_examples` rewrites it.\n\n\
         | rule | category | severity | confidence | title |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for d in docs {
        let _ = writeln!(
            out,
            "| [{}]({}) | {} | {} | {} | {} |",
            d.id, d.path, d.category, d.severity, d.confidence, d.title
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter() {
        let text = "+++\nid = \"x-y\"\ntitle = \"A \\\"t\\\"\" # c\ncategory = \"persistence\"\n\
                    severity = \"high\"\nconfidence = \"low\"\necosystems = [\"pypi\", \"npm\"]\n\
                    status = \"stable\"\n+++\n## What it does\n";
        let d = parse("persistence/x-y.md", text).unwrap();
        assert_eq!(d.title, "A \"t\"");
        assert_eq!(d.ecosystems, ["pypi", "npm"]);
        assert_eq!(d.body, "## What it does\n");
        let bad = text.replace("\"high\"", "\"severe\"");
        assert!(parse("p", &bad).unwrap_err().contains("severity"));
        let unknown = text.replace("status", "state");
        assert!(parse("p", &unknown).unwrap_err().contains("unknown key"));
    }

    #[test]
    fn sections() {
        let text = "+++\nid = \"x-y\"\ntitle = \"t\"\ncategory = \"persistence\"\n\
                    severity = \"high\"\nconfidence = \"low\"\necosystems = [\"pypi\"]\n\
                    status = \"stable\"\n+++\n## What it does\nFlags `## x`.\n\n\
                    ## Why it matters\nIt hides.\n## Examples\n```py\n## no\n```\n";
        let d = parse("persistence/x-y.md", text).unwrap();
        assert_eq!(d.section("What it does"), Some("Flags `## x`."));
        assert_eq!(d.section("Why it matters"), Some("It hides."));
        assert_eq!(d.section("False positives"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(distance("cron-jobs", "cron-job"), 1);
        let docs = documents().unwrap();
        let err = explain(&docs, "shell-rc").unwrap_err();
        assert!(err.contains("shell-rc-write"), "{err}");
    }
}
