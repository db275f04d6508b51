//! Wheel RECORD verification: a wheel lists every file it installs with its sha256 in
//! `<name>.dist-info/RECORD`. A file the RECORD does not list, or whose hash differs, was
//! added or changed after the wheel was built: the mark of a tampered (re-packed) wheel.

use super::anomalies::WHEEL_RECORD_MISMATCH;
use super::{EntryData, Reader};
use crate::finding::Severity;
use std::collections::HashMap;

/// Findings reported one by one before the rest are summed up in one.
const MAX_REPORTED: usize = 20;

/// What one zip held, gathered while reading it.
#[derive(Default)]
pub(super) struct Record {
    /// The RECORD file's name and content, if the zip is a wheel.
    record: Option<(String, Vec<u8>)>,
    /// Every file read: its name and, when read completely, its urlsafe-base64 sha256.
    seen: Vec<(String, Option<String>)>,
}

impl Record {
    /// Notes one file as read from the zip (before it is kept, so before any truncation).
    pub(super) fn saw(&mut self, name: &str, entry: &EntryData) {
        if self.record.is_none() && is_record(name) && entry.complete {
            self.record = Some((name.to_string(), entry.data.clone()));
        }
        let digest = entry.sha256.filter(|_| entry.complete).map(|d| b64(&d));
        self.seen.push((name.to_string(), digest));
    }

    /// Compares the files read with the RECORD and reports each disagreement.
    pub(super) fn check(self, r: &mut Reader, prefix: &str) {
        let Some((record_name, text)) = self.record else {
            return;
        };
        let listed = parse(&String::from_utf8_lossy(&text));
        let dist_info = record_name.trim_end_matches("RECORD");
        let mut problems = Vec::new();
        for (name, digest) in &self.seen {
            if name.ends_with('/')
                || name
                    .strip_prefix(dist_info)
                    .is_some_and(|f| f.starts_with("RECORD"))
            {
                continue; // RECORD, RECORD.jws and RECORD.p7s cannot list themselves with a hash
            }
            match listed.get(name.as_str()) {
                None => problems.push((name, "is not listed in the wheel's RECORD".to_string())),
                Some(Some(expected)) if digest.as_ref().is_some_and(|d| d != expected) => problems
                    .push((
                        name,
                        format!("content does not match its RECORD sha256 ({expected})"),
                    )),
                Some(_) => {}
            }
        }
        for (name, why) in problems.iter().take(MAX_REPORTED) {
            let message = format!("{why}: the file was added or changed after the wheel was built");
            r.anomaly(
                &WHEEL_RECORD_MISMATCH,
                Severity::Medium,
                &format!("{prefix}{name}"),
                message,
            );
        }
        if problems.len() > MAX_REPORTED {
            let message = format!(
                "{} more files disagree with the RECORD",
                problems.len() - MAX_REPORTED
            );
            r.anomaly(
                &WHEEL_RECORD_MISMATCH,
                Severity::Medium,
                &format!("{prefix}{record_name}"),
                message,
            );
        }
    }
}

/// `name.dist-info/RECORD` at the top of the archive.
fn is_record(name: &str) -> bool {
    name.matches('/').count() == 1 && name.ends_with(".dist-info/RECORD")
}

/// RECORD rows as path -> sha256 (None for rows without one or with another algorithm).
fn parse(text: &str) -> HashMap<String, Option<String>> {
    text.lines()
        .filter_map(|line| {
            let mut fields = csv_fields(line).into_iter();
            let path = fields.next().filter(|p| !p.is_empty())?;
            let hash = fields
                .next()
                .and_then(|h| h.strip_prefix("sha256=").map(str::to_string));
            Some((path, hash))
        })
        .collect()
}

/// The paths a RECORD lists, in its order: which files of a `site-packages` folder an
/// installed distribution owns.
pub(crate) fn paths(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| csv_fields(line).into_iter().next())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The fields of one CSV row (quotes with `""` escapes, as Python's csv module writes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// sha256 as RECORD writes it: urlsafe base64 without padding.
fn b64(digest: &[u8; 32]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(43);
    for chunk in digest.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256_b64(data: &[u8]) -> String {
        use sha2::Digest;
        b64(&sha2::Sha256::digest(data).into())
    }

    #[test]
    fn hashes_like_pip() {
        // python3 -c "import hashlib,base64;print(base64.urlsafe_b64encode(hashlib.sha256(b'hello\n').digest()).rstrip(b'='))"
        assert_eq!(
            sha256_b64(b"hello\n"),
            "WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM"
        );
        assert_eq!(
            sha256_b64(b""),
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }

    #[test]
    fn parses_quoted_rows() {
        let rows =
            parse("a/b.py,sha256=xyz,12\n\"a/with,comma.py\",sha256=q,1\nx.dist-info/RECORD,,\n");
        assert_eq!(rows["a/b.py"].as_deref(), Some("xyz"));
        assert_eq!(rows["a/with,comma.py"].as_deref(), Some("q"));
        assert_eq!(rows["x.dist-info/RECORD"], None);
    }

    #[test]
    fn lists_paths_in_order() {
        assert_eq!(
            paths("b.py,,\n\"a,b.py\",sha256=x,1\n\n"),
            ["b.py", "a,b.py"]
        );
    }
}
