//! Zip archives: wheels, eggs, zip sdists. Entries are read through the central
//! directory, each within the reader's budgets, from the file itself (or, for a zip
//! nested in another archive, from its bytes in memory).

use super::anomalies::{DECOMPRESSION_BOMB, ENCRYPTED_ENTRY, SETUID_ENTRY};
use super::{record, Reader};
use crate::finding::Severity;
use std::io::{Read, Seek};
use zip::result::ZipError;

pub(super) fn read<R: Read + Seek>(r: &mut Reader, prefix: &str, input: R, depth: u32) {
    let mut archive = match zip::ZipArchive::new(input) {
        Ok(a) => a,
        Err(e) => {
            let at = prefix.trim_end_matches('!');
            return r.error(format!(
                "{}: corrupt zip ({e}); nothing could be read",
                if at.is_empty() { "archive" } else { at }
            ));
        }
    };
    let mut record = record::Record::default();
    for i in 0..archive.len() {
        if r.stopped() {
            return;
        }
        let name = archive
            .name_for_index(i)
            .and_then(Result::ok)
            .map(|n| n.into_owned())
            .unwrap_or_else(|| format!("entry-{i}"));
        let path = format!("{prefix}{name}");
        if !r.count_entry(&path) {
            return;
        }
        r.check_name(&name, &path);
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED)) => {
                encrypted(r, &path);
                continue;
            }
            Err(e) => {
                r.error(format!("{path}: unreadable zip entry ({e}); skipped"));
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        if file.encrypted() {
            encrypted(r, &path);
            continue;
        }
        let mode = file.unix_mode().unwrap_or(0);
        if file.is_symlink() {
            let mut target = String::new();
            let _ = (&mut file).take(4096).read_to_string(&mut target);
            super::tar_reader::check_link(r, &path, &name, &target, false);
            continue;
        }
        if mode & 0o6000 != 0 {
            r.anomaly(
                &SETUID_ENTRY,
                Severity::Medium,
                &path,
                format!("file mode {mode:o} sets setuid/setgid"),
            );
        }
        if declares_bomb(r, &path, file.size(), file.compressed_size()) {
            continue;
        }
        if let Some(data) = r.read_entry(&path, &mut file, true) {
            r.check_duplicate(&path, data.fnv);
            record.saw(&name, &data);
            r.keep(path, data, depth);
        }
    }
    record.check(r, prefix);
}

fn encrypted(r: &mut Reader, path: &str) {
    r.anomaly(
        &ENCRYPTED_ENTRY,
        Severity::Medium,
        path,
        "encrypted entry; its content cannot be inspected".into(),
    );
}

/// The central directory states each entry's sizes: an entry that claims to inflate past
/// the ratio cap is reported and skipped without inflating a byte of it.
fn declares_bomb(r: &mut Reader, path: &str, size: u64, compressed: u64) -> bool {
    let limits = r.limits;
    if size <= limits.ratio_floor_bytes || size / compressed.max(1) <= limits.max_ratio {
        return false;
    }
    r.anomaly(
        &DECOMPRESSION_BOMB,
        Severity::High,
        path,
        format!(
            "entry declares {size} bytes from {compressed} compressed (over {}x); not inflated",
            limits.max_ratio
        ),
    );
    true
}
