//! Unpacked packages: a folder, or chosen files of one, read as if it were an archive,
//! under the same limits. Symlinks are never followed; one pointing outside the folder
//! is reported.
//!
//! A `.gem` unpacked by hand into its `metadata` YAML and a `data/` folder of files is
//! read under the names the `.gem` itself gives (`metadata.gz`, `data.tar.gz!lib/x.rb`),
//! so the package model sees the gem exactly as it would from the archive.

use super::{Contents, Reader};
use crate::archive::limits::Limits;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Which files of a folder make the package.
#[derive(Debug, Clone, Copy)]
pub enum Select<'a> {
    /// Every file, except under these folders (packages of their own: `node_modules/`).
    AllBut(&'a [PathBuf]),
    /// Only these files, relative to the folder (one distribution of a `site-packages/`).
    Only(&'a [PathBuf]),
}

/// Reads the `select`ed files under `root`, named relative to it with `/` separators.
pub fn read_folder(root: &Path, select: Select<'_>, limits: &Limits) -> Contents {
    let mut reader = Reader::new(limits, 1);
    // A folder has no compressed size, so the ratio check must not fire.
    reader.compressed = u64::MAX / 2;
    match select {
        Select::AllBut(exclude) => read_tree(&mut reader, root, exclude, is_gem_layout(root)),
        Select::Only(files) => {
            for rel in files {
                let name = rel.to_string_lossy().replace('\\', "/");
                if reader.stopped() || !read_path(&mut reader, &root.join(rel), name) {
                    break;
                }
            }
        }
    }
    reader.finish()
}

/// True for a `.gem` unpacked by hand: a `metadata` gemspec YAML beside a `data/` folder,
/// and no `metadata.gz` (then the files are the gem's as they are).
pub fn is_gem_layout(root: &Path) -> bool {
    let mut head = Vec::with_capacity(256);
    root.join("data").is_dir()
        && !root.join("metadata.gz").exists()
        && fs::File::open(root.join("metadata"))
            .and_then(|f| f.take(256).read_to_end(&mut head))
            .is_ok()
        && String::from_utf8_lossy(&head).contains("Gem::Specification")
}

/// Reads every file under `root` but the `exclude`d folders; `gem` renames the files of
/// a gem layout as the `.gem` names them.
fn read_tree(reader: &mut Reader, root: &Path, exclude: &[PathBuf], gem: bool) {
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
                return;
            }
            let path = child.path();
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let is_dir = child.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                if !exclude.contains(&path) {
                    stack.push(path);
                }
            } else if !read_path(reader, &path, gem_name(rel, gem)) {
                return;
            }
        }
    }
}

/// Reads the file (or notes the symlink) at `path` as the entry `name`; false once the
/// entry cap stops the package.
fn read_path(reader: &mut Reader, path: &Path, name: String) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return true;
    };
    if meta.file_type().is_symlink() {
        let target = fs::read_link(path)
            .map(|t| t.to_string_lossy().into_owned())
            .unwrap_or_default();
        super::tar_reader::check_link(reader, &name, &name, &target, false);
    } else if meta.is_file() {
        if !reader.count_entry(&name) {
            return false;
        }
        match fs::File::open(path) {
            Ok(f) => {
                if let Some(data) = reader.read_entry(&name, f, false) {
                    reader.keep(name, data, 0);
                }
            }
            Err(e) => reader.error(format!("{name}: cannot read ({e})")),
        }
    }
    true
}

/// The entry name of `rel` in a gem layout: `metadata` -> `metadata.gz`, `data/x` ->
/// `data.tar.gz!x`; other names, and every name outside a gem layout, stay as they are.
fn gem_name(rel: String, gem: bool) -> String {
    if !gem {
        return rel;
    }
    if rel == "metadata" {
        return "metadata.gz".into();
    }
    match rel.strip_prefix("data/") {
        Some(inner) => format!("data.tar.gz!{inner}"),
        None => rel,
    }
}
