//! Installed distributions (`site-packages/`): which files are whose, from each
//! `*.dist-info/` folder's RECORD, so that every distribution is scanned as the package
//! it was installed from, under its own name.

use super::walk::{self, Kind, Top};
use super::{Collector, Place, SkipReason, Target};
use crate::archive::{escapes, record};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Folders that hold installed distributions whatever their count.
const INSTALL_FOLDERS: &[&str] = &["site-packages", "dist-packages"];

/// The most of a RECORD or `top_level.txt` read. Files a longer listing names are still
/// scanned, with the files no distribution lists.
const LISTING_MAX: u64 = 16 << 20;

/// The `*.dist-info/` folders at the top of `dir` that hold a `METADATA`.
pub(super) fn dist_infos<'t>(dir: &Place, top: &'t Top) -> Vec<&'t OsString> {
    top.dirs
        .iter()
        .filter(|d| {
            d.to_string_lossy().ends_with(".dist-info")
                && dir.real.join(d).join("METADATA").is_file()
        })
        .collect()
}

/// Rule 1 of the module doc.
pub(super) fn is_installed(dir: &Place, top: &Top) -> bool {
    INSTALL_FOLDERS.iter().any(|n| dir.name() == *n) || dist_infos(dir, top).len() >= 2
}

/// Makes each distribution in `dir` a package, and the files none lists one more (if any
/// is source) or skips.
pub(super) fn split(c: &mut Collector, dir: &Place, top: &Top) {
    let mut owned = BTreeSet::new();
    for info in dist_infos(dir, top) {
        let files = dist_files(dir, top, info);
        owned.extend(files.iter().cloned());
        let at = dir.join(info);
        c.target(
            &at.real,
            Target::Files {
                path: at.shown,
                root: dir.shown.clone(),
                files,
            },
        );
    }
    let mut rest = Vec::new();
    for (rel, kind) in walk::tree(&dir.real, Path::new("")) {
        if owned.contains(&rel) {
            continue;
        }
        match kind {
            Kind::File => rest.push(rel),
            Kind::Link => c.skip(&dir.join(&rel), SkipReason::Symlink),
            Kind::Special => c.skip(&dir.join(&rel), SkipReason::NotRegular),
        }
    }
    let source = rest
        .iter()
        .any(|r| r.file_name().is_some_and(walk::is_source));
    if source {
        c.target(
            &dir.real,
            Target::Files {
                path: dir.shown.clone(),
                root: dir.shown.clone(),
                files: rest,
            },
        );
    } else {
        for r in rest {
            c.skip(&dir.join(&r), SkipReason::Unlisted);
        }
    }
}

/// One distribution's regular files, relative to `dir`: its dist-info folder, and what
/// its RECORD lists inside `dir` (`../../bin/x` scripts are outside what was asked for),
/// or failing a RECORD what its top-level names hold.
fn dist_files(dir: &Place, top: &Top, info: &OsString) -> Vec<PathBuf> {
    let is_file = |rel: &Path| {
        fs::symlink_metadata(dir.real.join(rel)).is_ok_and(|m| m.file_type().is_file())
    };
    let mut files: BTreeSet<PathBuf> = files_under(&dir.real, Path::new(info));
    match read_capped(&dir.real.join(info).join("RECORD")) {
        Some(text) => files.extend(
            record::paths(&text)
                .into_iter()
                .filter(|p| !escapes(p))
                .map(PathBuf::from)
                .filter(|p| is_file(p)),
        ),
        None => {
            for name in top_names(&dir.real.join(info), info) {
                if top.dirs.iter().any(|d| d.to_str() == Some(&name)) {
                    files.extend(files_under(&dir.real, Path::new(&name)));
                }
                let module = top
                    .files
                    .iter()
                    .filter(|f| f.to_string_lossy().split('.').next() == Some(name.as_str()));
                files.extend(module.map(PathBuf::from));
            }
        }
    }
    files.into_iter().collect()
}

/// The regular files under `root/sub`, relative to `root`.
fn files_under(root: &Path, sub: &Path) -> BTreeSet<PathBuf> {
    walk::tree(root, sub)
        .into_iter()
        .filter(|(_, kind)| *kind == Kind::File)
        .map(|(rel, _)| rel)
        .collect()
}

/// The first [`LISTING_MAX`] bytes of a dist-info listing, if there is one.
fn read_capped(path: &Path) -> Option<String> {
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(LISTING_MAX).read_to_end(&mut bytes))
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The importable names a distribution installs: `top_level.txt`, or failing that its
/// project name from the dist-info folder's (`my_pkg-1.0.dist-info` -> `my_pkg`).
fn top_names(info_dir: &Path, info: &OsString) -> Vec<String> {
    let listed: Vec<String> = read_capped(&info_dir.join("top_level.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.contains(['/', '\\']) && *n != "..")
        .map(str::to_string)
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    let info = info.to_string_lossy();
    let project = info.trim_end_matches(".dist-info");
    vec![project.split('-').next().unwrap_or(project).to_string()]
}
