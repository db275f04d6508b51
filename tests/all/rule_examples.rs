//! The rule documents are tests. Every example in a document's `## Examples` section is
//! packed into a real archive in memory (an sdist, an npm tarball, a gem, or an archive
//! described in the small `archive` language), scanned with the whole pipeline, and the
//! exact set of (file, line) findings of each rule it names is compared with its
//! `expect` annotations. The conventions are described in `rules/README.md`.
//!
//! The meta-tests hold documents and code to each other: every rule is declared with its
//! document (the build fails otherwise), every document on disk is a declared rule's and
//! agrees with the declaration, every document shows the rule firing and not firing, and
//! `rules/INDEX.md` lists them all.

use crate::common::{gzip, tar};
use pkgwarden::archive::limits::Limits;
use pkgwarden::rules::{self, Doc};
use pkgwarden::verdict::Verdict;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// The package name examples get unless they name one (it imitates nothing popular).
const DEFAULT_NAME: &str = "rule-example";

/// One fenced block of an `## Examples` section.
#[derive(Debug)]
struct Block {
    /// The first word of the info string: `py`, `js`, `json`, `rb`, `sh`, `archive`.
    lang: String,
    /// `key="value"` words of the info string.
    attrs: BTreeMap<String, String>,
    /// Bare words after the language (`same-package`).
    flags: Vec<String>,
    text: String,
    /// Line of the opening fence in the document, for messages.
    doc_line: usize,
}

impl Block {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }
}

/// A finding the example expects: rule, file as the scan reports it, line.
type Expected = (String, String, u32);

/// One package built from one or more blocks.
struct Example {
    doc_line: usize,
    bytes: Vec<u8>,
    file_name: String,
    limits: Limits,
    expected: BTreeSet<Expected>,
}

/// The fenced blocks of the `## Examples` section. Blocks without an info string are
/// refused: an illustration that is not run says so with `text`.
fn example_blocks(doc: &Doc) -> Result<Vec<Block>, String> {
    let offset = doc.text.len() - doc.body.len();
    let front_lines = doc.text[..offset].lines().count();
    let mut blocks = Vec::new();
    let mut in_examples = false;
    let mut lines = doc.body.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if let Some(h) = line.strip_prefix("## ") {
            in_examples = h.trim() == "Examples";
            continue;
        }
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let doc_line = front_lines + n + 1;
        let mut text = String::new();
        let mut closed = false;
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                closed = true;
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        if !closed {
            return Err(format!("line {doc_line}: code block is not closed"));
        }
        if !in_examples {
            continue;
        }
        let (lang, attrs, flags) =
            info_string(info).map_err(|e| format!("line {doc_line}: {e}"))?;
        if lang.is_empty() {
            return Err(format!(
                "line {doc_line}: example block without a language (use `text` for an illustration that is not run)"
            ));
        }
        if lang != "text" {
            blocks.push(Block {
                lang,
                attrs,
                flags,
                text,
                doc_line,
            });
        }
    }
    Ok(blocks)
}

/// A parsed info string: language, `key="value"` attributes, bare flags.
type Info = (String, BTreeMap<String, String>, Vec<String>);

/// Splits an info string: language, `key="value"` attributes, bare flags.
fn info_string(info: &str) -> Result<Info, String> {
    let mut rest = info.trim();
    let lang_end = rest.find(' ').unwrap_or(rest.len());
    let lang = rest[..lang_end].to_string();
    rest = rest[lang_end..].trim_start();
    let mut attrs = BTreeMap::new();
    let mut flags = Vec::new();
    while !rest.is_empty() {
        let word_end = rest.find([' ', '=']).unwrap_or(rest.len());
        let key = &rest[..word_end];
        rest = &rest[word_end..];
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after
                .find('"')
                .ok_or_else(|| format!("attribute `{key}` is not closed by `\"`"))?;
            attrs.insert(key.to_string(), after[..close].to_string());
            rest = &after[close + 1..];
        } else if rest.starts_with('=') {
            return Err(format!("attribute `{key}` needs a double-quoted value"));
        } else {
            flags.push(key.to_string());
        }
        rest = rest.trim_start();
    }
    for key in attrs.keys() {
        if !matches!(key.as_str(), "title" | "expect" | "name" | "format") {
            return Err(format!("unknown attribute `{key}`"));
        }
    }
    for flag in &flags {
        if flag != "same-package" {
            return Err(format!("unknown flag `{flag}`"));
        }
    }
    Ok((lang, attrs, flags))
}

/// Groups blocks into packages: a block starts a new package unless it is marked
/// `same-package`, which adds its file to the package of the block before it.
fn packages(blocks: Vec<Block>) -> Result<Vec<Vec<Block>>, String> {
    let mut out: Vec<Vec<Block>> = Vec::new();
    for b in blocks {
        if b.flags.iter().any(|f| f == "same-package") {
            let last = out
                .last_mut()
                .ok_or_else(|| format!("line {}: `same-package` on the first block", b.doc_line))?;
            if last[0].lang == "archive" || b.lang == "archive" {
                return Err(format!(
                    "line {}: an `archive` block is a package of its own",
                    b.doc_line
                ));
            }
            last.push(b);
        } else {
            out.push(vec![b]);
        }
    }
    Ok(out)
}

/// The rule ids a line's trailing `# expect: a, b` (`// expect:` in JavaScript) names.
fn line_expectations(line: &str, marker: &str) -> Vec<String> {
    match line.rfind(marker) {
        Some(at) => line[at + marker.len()..]
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect(),
        None => Vec::new(),
    }
}

/// `expect="rule@line, rule"` in an info string: a finding of `rule` at `line` of this
/// block's file, or (without `@`) a package-level finding with no file (a name check).
fn attr_expectations(b: &Block, file: &str) -> Result<Vec<Expected>, String> {
    let Some(list) = b.attr("expect") else {
        return Ok(Vec::new());
    };
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| match e.split_once('@') {
            Some((rule, line)) => line
                .parse()
                .map(|n| (rule.to_string(), file.to_string(), n))
                .map_err(|_| format!("line {}: `{e}`: line is not a number", b.doc_line)),
            None => Ok((e.to_string(), String::new(), 0)),
        })
        .collect()
}

/// Builds the archive a group of source blocks describes.
fn build_source(blocks: &[Block]) -> Result<Example, String> {
    let first = &blocks[0];
    let at = first.doc_line;
    let mut ecosystem = None;
    for b in blocks {
        let e = match b.lang.as_str() {
            "py" => Some("pypi"),
            "js" | "json" => Some("npm"),
            "rb" => Some("rubygems"),
            "sh" => None,
            other => return Err(format!("line {}: unknown language `{other}`", b.doc_line)),
        };
        if let Some(e) = e {
            if ecosystem.is_some_and(|x| x != e) {
                return Err(format!(
                    "line {}: one package mixes {e} and {}",
                    b.doc_line,
                    ecosystem.unwrap()
                ));
            }
            ecosystem = Some(e);
        }
    }
    let ecosystem = ecosystem.ok_or_else(|| {
        format!("line {at}: a package needs a py, js, json or rb block to tell its ecosystem")
    })?;
    let name = first.attr("name").unwrap_or(DEFAULT_NAME);
    let root = match ecosystem {
        "pypi" => format!("{name}-1.0/"),
        "npm" => "package/".to_string(),
        _ => "data.tar.gz!".to_string(),
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut expected = BTreeSet::new();
    for b in blocks {
        let title = b
            .attr("title")
            .ok_or_else(|| format!("line {}: a source block needs `title=\"path\"`", b.doc_line))?;
        if files.iter().any(|(f, _)| f == title) {
            return Err(format!(
                "line {}: `{title}` twice in one package",
                b.doc_line
            ));
        }
        let path = format!("{root}{title}");
        let marker = if b.lang == "js" {
            "// expect:"
        } else {
            "# expect:"
        };
        if b.lang != "json" {
            for (n, line) in b.text.lines().enumerate() {
                for rule in line_expectations(line, marker) {
                    expected.insert((rule, path.clone(), n as u32 + 1));
                }
            }
        }
        expected.extend(attr_expectations(b, &path)?);
        files.push((title.to_string(), b.text.clone().into_bytes()));
    }
    let has = |f: &str| files.iter().any(|(t, _)| t == f);
    let (bytes, file_name) = match ecosystem {
        "pypi" => {
            if !has("PKG-INFO") {
                let meta = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
                files.push(("PKG-INFO".into(), meta.into_bytes()));
            }
            (gzip(&tar(&files, &root)), format!("{name}-1.0.tar.gz"))
        }
        "npm" => {
            if !has("package.json") {
                let manifest = format!("{{\"name\": \"{name}\", \"version\": \"1.0.0\"}}\n");
                files.push(("package.json".into(), manifest.into_bytes()));
            }
            (gzip(&tar(&files, &root)), format!("{name}-1.0.0.tgz"))
        }
        _ => {
            let extensions: String = files
                .iter()
                .filter(|(t, _)| t.starts_with("ext/") && t.ends_with("/extconf.rb"))
                .map(|(t, _)| format!("- {t}\n"))
                .collect();
            let metadata = format!(
                "--- !ruby/object:Gem::Specification\nname: {name}\nversion: !ruby/object:Gem::Version\n  version: 1.0.0\nplatform: ruby\nextensions:\n{extensions}"
            );
            let gem = tar(
                &[
                    ("metadata.gz".into(), gzip(metadata.as_bytes())),
                    ("data.tar.gz".into(), gzip(&tar(&files, ""))),
                ],
                "",
            );
            (gem, format!("{name}-1.0.0.gem"))
        }
    };
    Ok(Example {
        doc_line: at,
        bytes,
        file_name,
        limits: Limits::default(),
        expected,
    })
}

/// One entry of an `archive` block.
enum Entry {
    File {
        path: String,
        data: Vec<u8>,
        mode: u32,
    },
    Link {
        path: String,
        target: String,
        hard: bool,
    },
    Fifo {
        path: String,
    },
    Encrypted {
        path: String,
        data: Vec<u8>,
    },
}

/// Builds the archive an `archive` block describes (see rules/README.md for the language).
fn build_archive(b: &Block) -> Result<Example, String> {
    let name = b.attr("name").unwrap_or(DEFAULT_NAME);
    let format = b.attr("format").unwrap_or("tar.gz");
    let mut limits = Limits::default();
    let mut entries = Vec::new();
    let mut expected = BTreeSet::new();
    for (n, raw) in b.text.lines().enumerate() {
        let at = b.doc_line + n + 1;
        let err = |e: &str| format!("line {at}: {e}");
        let rules = line_expectations(raw, "# expect:");
        let line = match raw.rfind("# expect:") {
            Some(i) => raw[..i].trim_end(),
            None => raw.trim_end(),
        };
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        let (path, arg) = rest.split_once(' ').unwrap_or((rest, ""));
        if path.is_empty() {
            return Err(err("missing path"));
        }
        let entry = match verb {
            "limit" => {
                let value: u64 = arg
                    .parse()
                    .map_err(|_| err("limit value is not a number"))?;
                match path {
                    "max-entries" => limits.max_entries = value as usize,
                    "max-entry-bytes" => limits.max_entry_bytes = value,
                    "max-package-bytes" => limits.max_package_bytes = value,
                    "max-read-bytes" => limits.max_read_bytes = value,
                    "max-nesting" => limits.max_nesting = value as u32,
                    "max-ratio" => limits.max_ratio = value,
                    "ratio-floor-bytes" => limits.ratio_floor_bytes = value,
                    "max-source-bytes" => limits.max_source_bytes = value as usize,
                    "max-ast-depth" => limits.max_ast_depth = value as usize,
                    other => return Err(err(&format!("unknown limit `{other}`"))),
                }
                continue;
            }
            "file" => Entry::File {
                path: path.into(),
                data: arg.replace("\\n", "\n").into_bytes(),
                mode: 0o644,
            },
            "setuid" => Entry::File {
                path: path.into(),
                data: arg.replace("\\n", "\n").into_bytes(),
                mode: 0o4755,
            },
            "binary" => Entry::File {
                path: path.into(),
                data: executable(arg)
                    .ok_or_else(|| err("binary kind: elf, pe, pe-stub, mz, pe-xor or mach-o"))?,
                mode: 0o755,
            },
            "zeros" => Entry::File {
                path: path.into(),
                data: vec![0; size(arg).ok_or_else(|| err("size: a number, or with KiB/MiB"))?],
                mode: 0o644,
            },
            "tgz" => Entry::File {
                path: path.into(),
                data: gzip(&tar(&[("inner/README".into(), b"inner\n".to_vec())], "")),
                mode: 0o644,
            },
            "symlink" | "hardlink" => {
                let target = arg
                    .strip_prefix("-> ")
                    .ok_or_else(|| err("links are written `symlink PATH -> TARGET`"))?;
                Entry::Link {
                    path: path.into(),
                    target: target.into(),
                    hard: verb == "hardlink",
                }
            }
            "fifo" => Entry::Fifo { path: path.into() },
            "encrypted" => Entry::Encrypted {
                path: path.into(),
                data: arg.replace("\\n", "\n").into_bytes(),
            },
            other => return Err(err(&format!("unknown archive verb `{other}`"))),
        };
        // `rule@N`: a finding at line N of the entry (the command in a script it holds).
        for rule in rules {
            let (rule, line) = match rule.split_once('@') {
                Some((rule, n)) => (
                    rule.to_string(),
                    n.parse().map_err(|_| err("`rule@N`: N is not a number"))?,
                ),
                None => (rule, 0),
            };
            expected.insert((rule, path.to_string(), line));
        }
        entries.push(entry);
    }
    let bytes = match format {
        "tar.gz" => gzip(&tar_of(&entries).map_err(|e| format!("line {}: {e}", b.doc_line))?),
        "zip" => zip_of(&entries).map_err(|e| format!("line {}: {e}", b.doc_line))?,
        other => return Err(format!("line {}: unknown format `{other}`", b.doc_line)),
    };
    Ok(Example {
        doc_line: b.doc_line,
        bytes,
        file_name: format!("{name}-1.0.{format}"),
        limits,
        expected,
    })
}

/// The first bytes of a native executable: what the scanner sniffs. `pe` is a
/// well-formed PE (its `PE\0\0` signature where the DOS header points) of a real
/// program's size, `pe-stub` the same header in 512 bytes, `mz` a DOS header with no PE
/// header, `pe-xor` the `pe` header encrypted with the one-byte XOR key 0x5a.
fn executable(kind: &str) -> Option<Vec<u8>> {
    let pe = |size: usize| {
        let mut data = b"MZ\x90\x00".to_vec();
        data.resize(size, 0);
        data[0x3c] = 0x40;
        data[0x40..0x44].copy_from_slice(b"PE\0\0");
        data
    };
    let head: &[u8] = match kind {
        "pe" => return Some(pe(8192)),
        "pe-stub" => return Some(pe(512)),
        "pe-xor" => return Some(pe(8192).iter().map(|b| b ^ 0x5a).collect()),
        "elf" => b"\x7fELF\x02\x01\x01",
        "mz" => b"MZ\x90\x00",
        "mach-o" => &[0xcf, 0xfa, 0xed, 0xfe],
        _ => return None,
    };
    let mut data = head.to_vec();
    data.resize(128, 0);
    Some(data)
}

/// `4096`, `64KiB`, `1MiB`.
fn size(text: &str) -> Option<usize> {
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let n: usize = digits.parse().ok()?;
    match unit {
        "" => Some(n),
        "KiB" => Some(n << 10),
        "MiB" => Some(n << 20),
        _ => None,
    }
}

fn tar_of(entries: &[Entry]) -> Result<Vec<u8>, String> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        let (path, data): (&str, &[u8]) = match e {
            Entry::File { path, data, mode } => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(*mode);
                (path, data)
            }
            Entry::Link { path, target, hard } => {
                h.set_entry_type(if *hard {
                    tar::EntryType::Link
                } else {
                    tar::EntryType::Symlink
                });
                h.set_mode(0o777);
                h.set_link_name(target).map_err(|e| e.to_string())?;
                (path, b"")
            }
            Entry::Fifo { path } => {
                h.set_entry_type(tar::EntryType::Fifo);
                h.set_mode(0o644);
                (path, b"")
            }
            Entry::Encrypted { .. } => return Err("`encrypted` needs format=\"zip\"".into()),
        };
        h.set_size(data.len() as u64);
        // Raw names: hostile paths (`../x`, `/etc/x`) are the point, so no sanitising.
        let name = path.as_bytes();
        if name.len() > 100 {
            return Err(format!("`{path}`: names over 100 bytes are not supported"));
        }
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_cksum();
        b.append(&h, data).map_err(|e| e.to_string())?;
    }
    b.into_inner().map_err(|e| e.to_string())
}

fn zip_of(entries: &[Entry]) -> Result<Vec<u8>, String> {
    use zip::unstable::write::FileOptionsExt;
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for e in entries {
        match e {
            Entry::File { path, data, mode } => {
                w.start_file(path.as_str(), deflate.unix_permissions(*mode))
                    .map_err(|e| e.to_string())?;
                w.write_all(data).map_err(|e| e.to_string())?;
            }
            Entry::Link {
                path,
                target,
                hard: false,
            } => {
                w.add_symlink(path.as_str(), target.as_str(), deflate)
                    .map_err(|e| e.to_string())?;
            }
            Entry::Encrypted { path, data } => {
                w.start_file(
                    path.as_str(),
                    deflate
                        .with_deprecated_encryption(b"example")
                        .map_err(|e| e.to_string())?,
                )
                .map_err(|e| e.to_string())?;
                w.write_all(data).map_err(|e| e.to_string())?;
            }
            Entry::Link { hard: true, .. } | Entry::Fifo { .. } => {
                return Err("hard links and FIFOs need a tar format".into())
            }
        }
    }
    Ok(w.finish().map_err(|e| e.to_string())?.into_inner())
}

fn build(group: &[Block]) -> Result<Example, String> {
    if group[0].lang == "archive" {
        build_archive(&group[0])
    } else {
        build_source(group)
    }
}

fn severity_rank(s: &str) -> usize {
    ["info", "low", "medium", "high", "critical"]
        .iter()
        .position(|x| *x == s)
        .unwrap_or(usize::MAX)
}

fn label<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What running one document's examples found: problems, and whether the rule fired and
/// stayed quiet at least once each.
struct Outcome {
    problems: Vec<String>,
    positive: bool,
    negative: bool,
}

fn run_document(doc: &Doc) -> Outcome {
    let mut out = Outcome {
        problems: Vec::new(),
        positive: false,
        negative: false,
    };
    let groups = match example_blocks(doc).and_then(packages) {
        Ok(g) => g,
        Err(e) => {
            out.problems.push(e);
            return out;
        }
    };
    let known = rules::ids();
    let mut highest = 0;
    for group in &groups {
        let ex = match build(group) {
            Ok(ex) => ex,
            Err(e) => {
                out.problems.push(e);
                continue;
            }
        };
        let at = format!("example at line {}", ex.doc_line);
        for (rule, _, _) in &ex.expected {
            if !known.contains(&rule.as_str()) {
                out.problems
                    .push(format!("{at}: `expect: {rule}` names no rule"));
            }
        }
        let report = pkgwarden::scan_bytes(&ex.file_name, &ex.bytes, &ex.limits);
        // Partial-read errors are other tests' business; an unreadable example is a typo here.
        if report.verdict == Verdict::Error {
            out.problems.push(format!(
                "{at}: the package could not be read: {:?}",
                report.errors
            ));
        }
        let mut checked: BTreeSet<&str> = ex.expected.iter().map(|(r, _, _)| r.as_str()).collect();
        checked.insert(&doc.id);
        for rule in checked {
            let want: BTreeSet<(&str, u32)> = ex
                .expected
                .iter()
                .filter(|(r, _, _)| r == rule)
                .map(|(_, f, l)| (f.as_str(), *l))
                .collect();
            let found: Vec<_> = report.findings.iter().filter(|f| f.rule == rule).collect();
            let got: BTreeSet<(&str, u32)> =
                found.iter().map(|f| (f.file.as_str(), f.line)).collect();
            for (file, line) in want.difference(&got) {
                out.problems.push(format!(
                    "{at}: expected {rule} at {file}:{line}, not reported"
                ));
            }
            for f in found
                .iter()
                .filter(|f| !want.contains(&(f.file.as_str(), f.line)))
            {
                out.problems.push(format!(
                    "{at}: unexpected {rule} at {}:{}: {}",
                    f.file, f.line, f.message
                ));
            }
        }
        let own: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule == doc.id)
            .collect();
        if ex.expected.iter().any(|(r, _, _)| *r == doc.id) {
            out.positive = true;
        } else {
            out.negative = true;
        }
        for f in own {
            let (category, severity) = (label(f.category), label(f.severity));
            if category != doc.category {
                out.problems.push(format!(
                    "{at}: {} reported in category `{category}`, the document says `{}`",
                    doc.id, doc.category
                ));
            }
            if severity_rank(&severity) > severity_rank(&doc.severity) {
                out.problems.push(format!(
                    "{at}: {} reported at severity `{severity}`, above the document's `{}`",
                    doc.id, doc.severity
                ));
            }
            highest = highest.max(severity_rank(&severity));
        }
    }
    if out.positive && highest < severity_rank(&doc.severity) {
        out.problems.push(format!(
            "no example reaches the document's severity `{}`: show the case that does",
            doc.severity
        ));
    }
    out
}

/// Runs every example of every rule document and reports every mismatch at once.
#[test]
fn rule_examples() {
    let docs = rules::documents().unwrap();
    let mut problems = Vec::new();
    for doc in &docs {
        let outcome = run_document(doc);
        let mut own = outcome.problems;
        if doc.examples.is_none() {
            if !outcome.positive {
                own.push("no example where the rule fires (an `expect` of it)".into());
            }
            if !outcome.negative {
                own.push("no benign look-alike (an example without an `expect` of it)".into());
            }
        }
        problems.extend(own.into_iter().map(|p| format!("rules/{}: {p}", doc.path)));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every document on disk is a rule's, and every rule's document agrees with its
/// declaration (id, category, path); documents have the four sections, and an `examples`
/// pointer names a test file that exists. (A rule without a document does not build.)
#[test]
fn every_rule_has_a_document() {
    let docs = rules::documents().unwrap();
    let mut problems = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        // rules/data holds lists, not documents.
        if !dir.is_dir() || dir.ends_with("data") {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !rules::ALL.iter().any(|r| r.path == rel) {
                problems.push(format!(
                    "rules/{rel}: no rule declares this document (declare it with `rule!`, \
                     and list it in pkgwarden::rules::ALL)"
                ));
            }
        }
    }
    for rule in rules::ALL {
        let category = label(rule.category);
        let d = docs.iter().find(|d| d.path == rule.path).unwrap();
        if d.id != rule.id || d.category != category {
            problems.push(format!(
                "rules/{}: front matter says `{}` in `{}`, the rule is declared as `{}` in `{category}`",
                d.path, d.id, d.category, rule.id
            ));
        }
    }
    for d in &docs {
        let expected = format!("{}/{}.md", d.category, d.id);
        if d.path != expected {
            problems.push(format!("rules/{}: should be rules/{expected}", d.path));
        }
        let mut at = 0;
        for section in [
            "## What it does",
            "## Why it matters",
            "## False positives",
            "## Examples",
        ] {
            match d.body[at..].find(&format!("{section}\n")) {
                Some(i) => at += i,
                None => problems.push(format!(
                    "rules/{}: lacks `{section}` (in this order)",
                    d.path
                )),
            }
        }
        if let Some(test) = &d.examples {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(test);
            if !test.starts_with("tests/") || !test.ends_with(".rs") || !path.is_file() {
                problems.push(format!(
                    "rules/{}: examples = `{test}` is no test file",
                    d.path
                ));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for d in &docs {
        if !seen.insert(&d.id) {
            problems.push(format!("rule `{}` has two documents", d.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `rules/INDEX.md` lists every document; `UPDATE_RULE_INDEX=1` rewrites it.
#[test]
fn rule_index_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/INDEX.md");
    let want = rules::index(&rules::documents().unwrap());
    if std::env::var_os("UPDATE_RULE_INDEX").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "rules/INDEX.md is out of date: run `UPDATE_RULE_INDEX=1 cargo test --test rule_examples`"
    );
}
