//! Tar archives (plain, or the inside of a compressed stream), read entry by entry.

use super::anomalies::{DEVICE_FILE, LINK_OUTSIDE_PACKAGE, SETUID_ENTRY};
use super::Reader;
use crate::finding::Severity;
use std::io::Read;
use tar::EntryType;

/// Reads a tar from a stream without buffering the whole archive.
pub(super) fn read_stream<R: Read>(r: &mut Reader, prefix: &str, input: R, depth: u32) {
    let mut archive = tar::Archive::new(input);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return r.error(format!("{}: unreadable tar: {e}", label(prefix))),
    };
    for entry in entries {
        if r.stopped() {
            return;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                if !r.tripped() {
                    r.error(format!(
                        "{}: truncated or corrupt tar ({e}); later entries are missing",
                        label(prefix)
                    ));
                }
                return;
            }
        };
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = format!("{prefix}{name}");
        if !r.count_entry(&path) {
            return;
        }
        r.check_name(&name, &path);
        let header = entry.header();
        let mode = header.mode().unwrap_or(0);
        if mode & 0o6000 != 0 && header.entry_type().is_file() {
            r.anomaly(
                &SETUID_ENTRY,
                Severity::Medium,
                &path,
                format!("file mode {mode:o} sets setuid/setgid"),
            );
        }
        match header.entry_type() {
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                if let Some(data) = r.read_entry(&path, &mut entry, false) {
                    r.check_duplicate(&path, data.fnv);
                    r.keep(path, data, depth);
                }
            }
            EntryType::Symlink | EntryType::Link => {
                let target = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                check_link(
                    r,
                    &path,
                    &name,
                    &target,
                    header.entry_type() == EntryType::Link,
                );
            }
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                r.anomaly(
                    &DEVICE_FILE,
                    Severity::Medium,
                    &path,
                    "device or FIFO entry; packages never need one".into(),
                );
            }
            _ => {}
        }
    }
}

/// Links are evidence when they point outside the package (`~/.ssh/id_rsa`, `/etc/passwd`).
pub(super) fn check_link(r: &mut Reader, path: &str, name: &str, target: &str, hard: bool) {
    let mut depth: i64 = name.split('/').filter(|c| !c.is_empty()).count() as i64 - 1;
    let mut escapes =
        target.starts_with('/') || target.starts_with('~') || target.starts_with('\\');
    if !hard {
        for c in target.split('/') {
            match c {
                ".." => depth -= 1,
                "" | "." => {}
                _ => depth += 1,
            }
            escapes |= depth < 0;
        }
    } else {
        escapes |= target.split('/').any(|c| c == "..");
    }
    if escapes {
        let kind = if hard { "hard link" } else { "symlink" };
        r.anomaly(
            &LINK_OUTSIDE_PACKAGE,
            Severity::High,
            path,
            format!("{kind} to `{target}`, outside the package; extracting it exposes or overwrites that file"),
        );
    }
}

fn label(prefix: &str) -> &str {
    let p = prefix.trim_end_matches('!');
    if p.is_empty() {
        "archive"
    } else {
        p
    }
}
