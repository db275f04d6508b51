//! Zip archives: wheels, eggs, zip sdists. Entries are read through the central
//! directory, each within the reader's budgets.

use super::Reader;
use crate::finding::Severity;
use std::io::{Cursor, Read};

pub(super) fn read(r: &mut Reader, prefix: &str, bytes: &[u8], depth: u32) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            let at = prefix.trim_end_matches('!');
            return r.error(format!(
                "{}: corrupt zip ({e})",
                if at.is_empty() { "archive" } else { at }
            ));
        }
    };
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
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e)
                if e.to_string().to_ascii_lowercase().contains("password")
                    || e.to_string().contains("encrypt") =>
            {
                r.anomaly(
                    "encrypted-entry",
                    Severity::Medium,
                    &path,
                    "encrypted entry; its content cannot be inspected".into(),
                );
                continue;
            }
            Err(e) => {
                r.error(format!("{path}: unreadable zip entry ({e}); skipped"));
                continue;
            }
        };
        if !r.count_entry(&path) {
            return;
        }
        r.check_name(&name);
        if file.is_dir() {
            continue;
        }
        if file.encrypted() {
            r.anomaly(
                "encrypted-entry",
                Severity::Medium,
                &path,
                "encrypted entry; its content cannot be inspected".into(),
            );
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
                "setuid-entry",
                Severity::Medium,
                &path,
                format!("file mode {mode:o} sets setuid/setgid"),
            );
        }
        if let Some(data) = r.read_entry(&path, &mut file) {
            r.check_duplicate(&path, &data.0);
            r.keep(path, data, depth);
        }
    }
}
