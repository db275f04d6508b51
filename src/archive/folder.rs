//! Unpacked packages: a folder read as if it were an archive, under the same limits.
//! Symlinks are never followed; one pointing outside the folder is reported.

use super::{Contents, Reader};
use crate::archive::limits::Limits;
use std::fs;
use std::path::Path;

/// Reads every file under `root`, named relative to it with `/` separators.
pub fn read_folder(root: &Path, limits: &Limits) -> Contents {
    let mut reader = Reader::new(limits, 1);
    // A folder has no compressed size, so the ratio check must not fire.
    reader.compressed = u64::MAX / 2;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut children: Vec<_> = match fs::read_dir(&dir) {
            Ok(rd) => rd.filter_map(Result::ok).collect(),
            Err(e) => {
                reader.error(format!("{}: cannot list ({e})", dir.display()));
                continue;
            }
        };
        children.sort_by_key(|c| c.file_name());
        for child in children {
            if reader.stopped() {
                return reader.finish();
            }
            let path = child.path();
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path)
                    .map(|t| t.to_string_lossy().into_owned())
                    .unwrap_or_default();
                super::tar_reader::check_link(&mut reader, &rel, &rel, &target, false);
            } else if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                if !reader.count_entry(&rel) {
                    return reader.finish();
                }
                match fs::File::open(&path) {
                    Ok(f) => {
                        if let Some(data) = reader.read_entry(&rel, f, false) {
                            reader.keep(rel, data, 0);
                        }
                    }
                    Err(e) => reader.error(format!("{rel}: cannot read ({e})")),
                }
            }
        }
    }
    reader.finish()
}
