//! Judges folders by their top, by the rules in the [`super`] module doc, and walks on
//! where a folder is no package.

use super::{installed, Collector, Place, SkipReason, Target};
use crate::archive::{folder, sniff};
use crate::lang::Lang;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files whose presence at a folder's top makes the folder one package.
const MANIFESTS: &[&str] = &[
    "setup.py",
    "pyproject.toml",
    "PKG-INFO",
    "package.json",
    "setup.cfg",
    "metadata.gz",
];

/// Folders that are never part of the package around them: they hold packages of their
/// own, each with its own manifest and install scripts.
const CARVED: &[&str] = &["node_modules", "site-packages", "dist-packages"];

/// File name endings of package archives.
const ARCHIVE_NAMES: &[&str] = &[
    ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip", ".whl", ".egg", ".gem",
];

/// Judges `root` and every folder it leads to.
pub(super) fn folder(c: &mut Collector, root: Place) {
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        visit(c, dir, &mut stack);
    }
}

/// What a folder holds at its top, by kind, each sorted by name. Symlinks are not followed.
#[derive(Default)]
pub(super) struct Top {
    pub files: Vec<OsString>,
    pub dirs: Vec<OsString>,
    pub links: Vec<OsString>,
    /// FIFOs, sockets, devices: opening one could block, so they are never read.
    pub special: Vec<OsString>,
    /// Entries whose kind could not be read, with the reason.
    pub unreadable: Vec<(OsString, String)>,
}

impl Top {
    pub(super) fn list(dir: &Path) -> std::io::Result<Top> {
        let mut top = Top::default();
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            match entry.file_type() {
                Ok(t) if t.is_symlink() => top.links.push(name),
                Ok(t) if t.is_dir() => top.dirs.push(name),
                Ok(t) if t.is_file() => top.files.push(name),
                Ok(_) => top.special.push(name),
                Err(e) => top.unreadable.push((name, e.to_string())),
            }
        }
        for names in [
            &mut top.files,
            &mut top.dirs,
            &mut top.links,
            &mut top.special,
        ] {
            names.sort();
        }
        Ok(top)
    }

    fn is_empty(&self) -> bool {
        self.files.is_empty()
            && self.dirs.is_empty()
            && self.links.is_empty()
            && self.special.is_empty()
            && self.unreadable.is_empty()
    }
}

/// Judges one folder; folders still to judge go on `stack`.
fn visit(c: &mut Collector, dir: Place, stack: &mut Vec<Place>) {
    let top = match Top::list(&dir.real) {
        Ok(top) => top,
        Err(e) => return c.error(&dir.shown, format!("cannot list ({e})")),
    };
    for (name, e) in &top.unreadable {
        c.error(&dir.join(name).shown, e.clone());
    }
    if top.is_empty() {
        return c.skip(&dir, SkipReason::EmptyFolder);
    }
    if installed::is_installed(&dir, &top) {
        return installed::split(c, &dir, &top);
    }
    if is_package(&dir, &top) {
        return package(c, dir, stack);
    }
    let (archives, loose): (Vec<&OsString>, Vec<&OsString>) = top
        .files
        .iter()
        .partition(|f| is_archive_file(&dir.real.join(f)));
    let source = loose.iter().any(|f| is_source(f));
    if source && archives.is_empty() && dir.name() != "node_modules" {
        return package(c, dir, stack);
    }
    if source {
        let files = loose.iter().map(PathBuf::from).collect();
        c.target(
            &dir.real,
            Target::Files {
                path: dir.shown.clone(),
                root: dir.shown.clone(),
                files,
            },
        );
    } else {
        for f in loose {
            c.skip(&dir.join(f), SkipReason::NotAnArchive);
        }
    }
    for a in archives {
        let at = dir.join(a);
        c.target(&at.real, Target::File(at.shown));
    }
    skip_unread(c, &dir, &top);
    stack.extend(top.dirs.iter().map(|d| dir.join(d)));
}

/// Rule 2 of the module doc: a manifest at the top.
fn is_package(dir: &Place, top: &Top) -> bool {
    top.files.iter().any(|f| {
        let name = f.to_string_lossy();
        MANIFESTS.contains(&name.as_ref()) || name.ends_with(".gemspec")
    }) || folder::is_gem_layout(&dir.real)
        || installed::dist_infos(dir, top).len() == 1
}

/// Makes `dir` one package of its whole subtree but the [`CARVED`] folders, which go on
/// `stack` to be judged on their own. Symlinks and special files in it are skips, and
/// entries of unknown kind errors: the folder reader does not read them.
fn package(c: &mut Collector, dir: Place, stack: &mut Vec<Place>) {
    let mut exclude = Vec::new();
    let mut pending = vec![dir.clone()];
    while let Some(d) = pending.pop() {
        // A folder that cannot be listed is the package's error, from the folder reader.
        let Ok(top) = Top::list(&d.real) else {
            continue;
        };
        for name in &top.dirs {
            let sub = d.join(name);
            if CARVED.iter().any(|n| OsStr::new(n) == name) {
                exclude.push(sub.shown.clone());
                stack.push(sub);
            } else {
                pending.push(sub);
            }
        }
        for (name, e) in &top.unreadable {
            c.error(&d.join(name).shown, e.clone());
        }
        skip_unread(c, &d, &top);
    }
    exclude.sort();
    c.target(
        &dir.real,
        Target::Folder {
            path: dir.shown,
            exclude,
        },
    );
}

/// Skips the symlinks and special files at a folder's top.
fn skip_unread(c: &mut Collector, dir: &Place, top: &Top) {
    for l in &top.links {
        c.skip(&dir.join(l), SkipReason::Symlink);
    }
    for s in &top.special {
        c.skip(&dir.join(s), SkipReason::NotRegular);
    }
}

/// A file one of the analysers reads as code.
pub(super) fn is_source(name: &OsStr) -> bool {
    Lang::of(&name.to_string_lossy()).is_some()
}

/// What [`tree`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Link,
    Special,
}

/// Every entry under `root/sub` but folders, as paths relative to `root`, in name
/// order. Symlinks are not followed; folders that cannot be listed are left out (the
/// folder reader reports them when it reads the package).
pub(super) fn tree(root: &Path, sub: &Path) -> Vec<(PathBuf, Kind)> {
    let mut out = Vec::new();
    let mut pending = vec![sub.to_path_buf()];
    while let Some(rel) = pending.pop() {
        let Ok(top) = Top::list(&root.join(&rel)) else {
            continue;
        };
        out.extend(top.files.iter().map(|f| (rel.join(f), Kind::File)));
        out.extend(top.links.iter().map(|f| (rel.join(f), Kind::Link)));
        out.extend(top.special.iter().map(|f| (rel.join(f), Kind::Special)));
        pending.extend(top.dirs.iter().map(|d| rel.join(d)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
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
    let mut head = Vec::with_capacity(512);
    let n = fs::File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .unwrap_or(0);
    sniff::sniff(&head[..n]).is_archive()
}
