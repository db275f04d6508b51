//! Turns command-line paths into packages to scan: archives recognised by content, and
//! unpacked package folders recognised by a manifest at their top.

use crate::archive::sniff;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One package to scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// An archive, or a single source file given by name.
    File(PathBuf),
    /// An unpacked package.
    Folder(PathBuf),
}

impl Target {
    pub fn path(&self) -> &Path {
        match self {
            Target::File(p) | Target::Folder(p) => p,
        }
    }
}

/// Files whose presence at a folder's top makes the folder one package.
const MANIFESTS: &[&str] = &[
    "setup.py",
    "pyproject.toml",
    "PKG-INFO",
    "package.json",
    "setup.cfg",
];

/// Expands inputs into targets. Folders that are not packages are walked; inside them
/// only archives count (loose files are parts of something else). Missing paths are
/// returned as errors, and the rest is still scanned.
pub fn collect(inputs: &[PathBuf]) -> (Vec<Target>, Vec<String>) {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        match fs::metadata(input) {
            Ok(m) if m.is_dir() => walk(input, &mut targets, &mut errors),
            Ok(_) => targets.push(Target::File(input.clone())),
            Err(e) => errors.push(format!("{}: {e}", input.display())),
        }
    }
    targets.sort();
    targets.dedup();
    (targets, errors)
}

fn walk(dir: &Path, targets: &mut Vec<Target>, errors: &mut Vec<String>) {
    if is_package_folder(dir) {
        targets.push(Target::Folder(dir.to_path_buf()));
        return;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!("{}: {e}", d.display()));
                continue;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if is_package_folder(&path) {
                    targets.push(Target::Folder(path));
                } else {
                    stack.push(path);
                }
            } else if ft.is_file() && is_archive_file(&path) {
                targets.push(Target::File(path));
            }
        }
    }
}

fn is_package_folder(dir: &Path) -> bool {
    MANIFESTS.iter().any(|m| dir.join(m).is_file())
        || fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .any(|e| e.file_name().to_string_lossy().ends_with(".gemspec"))
            })
            .unwrap_or(false)
}

/// An archive by content, or by a package-archive name: a corrupt `.tar.gz` or an empty
/// `.whl` is still a package, reported as one that cannot be read rather than skipped.
fn is_archive_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ARCHIVE_NAMES.iter().any(|ext| name.ends_with(ext)) {
        return true;
    }
    let mut head = [0u8; 512];
    let n = fs::File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .unwrap_or(0);
    sniff::sniff(&head[..n]).is_archive()
}

/// File name endings of package archives.
const ARCHIVE_NAMES: &[&str] = &[
    ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip", ".whl", ".egg", ".gem",
];

fn read_up_to(f: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
