//! Declared dependencies whose names imitate popular packages (`seccache` for `sccache`).
//! Installing the package installs the squat too, so a package can carry its payload in a
//! dependency and stay clean itself. The names are judged by the same index as
//! `typosquat-name`; a dependency that is popular itself is never a squat, and neither is a
//! popular name with a version added (`httpx2`): that is how projects publish a new major
//! line, and an author picks a dependency on purpose rather than mistyping it. Nor is a
//! module's own name (`shutil`), a beginner's mistake far more often than a squat.

use std::collections::HashSet;

use super::TYPOSQUAT_DEPENDENCY;
use crate::detectors::{Ctx, Detector};
use crate::ecosystem::Ecosystem;
use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::package::manifest::{requirement_name, requires_dist, requires_txt};
use crate::typosquat::{canonical, check_name, is_popular, Check};

pub const DETECTOR: Detector = Detector {
    rules: &[&TYPOSQUAT_DEPENDENCY],
    run,
};

/// One declared dependency and where it is declared.
struct Declared {
    name: String,
    file: String,
    line: u32,
    snippet: String,
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    let pkg = ctx.package;
    let eco = pkg.ecosystem;
    let mut seen = HashSet::from([canonical(&pkg.name, eco)]);
    for dep in declared(ctx) {
        if !seen.insert(canonical(&dep.name, eco)) || is_popular(&dep.name, eco) {
            continue;
        }
        let Some(squat) = check_name(&dep.name, eco)
            .filter(|s| !matches!(s.check, Check::VersionSuffix | Check::StdlibName))
        else {
            continue;
        };
        out.push(
            TYPOSQUAT_DEPENDENCY
                .finding(
                    Severity::Medium,
                    Confidence::Medium,
                    Phase::Metadata,
                    format!(
                        "depends on `{}`, which imitates {} by {}",
                        dep.name,
                        squat.target_label(),
                        squat.check.name()
                    ),
                )
                .at(dep.file, dep.line, dep.snippet),
        );
    }
}

/// The dependencies installed with the package, in the order they are reported: PyPI's
/// setup.py `install_requires`, then the metadata files (`Requires-Dist`, `requires.txt`);
/// npm's package.json dependencies.
fn declared(ctx: &Ctx) -> Vec<Declared> {
    let pkg = ctx.package;
    let mut deps = Vec::new();
    if let Some(npm) = &pkg.npm {
        let file = format!("{}package.json", pkg.root);
        let text = entry_text(ctx, &file);
        for (name, spec, line) in &npm.dependencies {
            deps.push(Declared {
                name: npm_alias_target(spec).unwrap_or(name).to_string(),
                file: file.clone(),
                line: *line,
                snippet: line_text(&text, *line),
            });
        }
    }
    if pkg.ecosystem == Ecosystem::Pypi {
        for file in ctx.files.iter().filter(|f| pkg.rel(&f.path) == "setup.py") {
            for (requirement, line) in &file.facts.requirements {
                deps.extend(requirement_name(requirement).map(|name| Declared {
                    name,
                    file: file.path.clone(),
                    line: *line,
                    snippet: file.snippet(*line),
                }));
            }
        }
        for entry in &pkg.entries {
            let rel = pkg.rel(&entry.path);
            let parse = match metadata_kind(rel) {
                Some(Metadata::Headers) => requires_dist,
                Some(Metadata::RequiresTxt) => requires_txt,
                None => continue,
            };
            let text = String::from_utf8_lossy(&entry.data);
            for (name, line) in parse(&text) {
                deps.push(Declared {
                    name,
                    file: entry.path.clone(),
                    line,
                    snippet: line_text(&text, line),
                });
            }
        }
    }
    deps
}

/// How a Python metadata file lists dependencies.
enum Metadata {
    /// PKG-INFO / METADATA `Requires-Dist` headers.
    Headers,
    /// setuptools' `requires.txt`.
    RequiresTxt,
}

/// The kind of a package's own metadata file: at the top or in its `.egg-info` /
/// `.dist-info` folder, never deeper (vendored copies of other projects).
fn metadata_kind(rel: &str) -> Option<Metadata> {
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let own_dir = dir.is_empty()
        || dir == "EGG-INFO"
        || dir.ends_with(".egg-info")
        || dir.ends_with(".dist-info");
    if !own_dir || dir.contains('/') {
        return None;
    }
    match file {
        "PKG-INFO" | "METADATA" => Some(Metadata::Headers),
        "requires.txt" => Some(Metadata::RequiresTxt),
        _ => None,
    }
}

/// The package an npm alias installs (a version spec `npm:string-width@^4`): the dependency
/// is that package, whatever key it is installed under.
fn npm_alias_target(spec: &str) -> Option<&str> {
    let target = spec.trim().strip_prefix("npm:")?;
    // The version follows the last `@` that is not a scope's.
    Some(match target.rfind('@') {
        Some(at) if at > 0 => &target[..at],
        _ => target,
    })
}

fn entry_text(ctx: &Ctx, path: &str) -> String {
    ctx.package
        .entries
        .iter()
        .find(|e| e.path == path)
        .map(|e| String::from_utf8_lossy(&e.data).into_owned())
        .unwrap_or_default()
}

/// Line `line` (1-based) of `text`, trimmed.
fn line_text(text: &str, line: u32) -> String {
    text.lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(
            npm_alias_target("npm:string-width@^4.2.0"),
            Some("string-width")
        );
        assert_eq!(npm_alias_target("npm:@scope/pkg@1"), Some("@scope/pkg"));
        assert_eq!(npm_alias_target("npm:left-pad"), Some("left-pad"));
        assert_eq!(npm_alias_target("^1.0.0"), None);
    }

    #[test]
    fn metadata_files() {
        assert!(matches!(metadata_kind("PKG-INFO"), Some(Metadata::Headers)));
        assert!(matches!(
            metadata_kind("x.egg-info/requires.txt"),
            Some(Metadata::RequiresTxt)
        ));
        assert!(matches!(
            metadata_kind("x-1.0.dist-info/METADATA"),
            Some(Metadata::Headers)
        ));
        assert!(metadata_kind("x/_vendor/y.dist-info/METADATA").is_none());
        assert!(metadata_kind("docs/requires.txt").is_none());
    }
}
