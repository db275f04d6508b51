//! npm dependencies that bypass the registry: a tarball URL or a git repository instead
//! of a version. npm fetches and installs them (running their own install scripts) with
//! no registry review, and what the URL serves can change after publication.

use super::DEPENDENCY_URL;
use crate::detectors::{paths, Ctx, Detector};
use crate::finding::{Confidence, Finding, Phase, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &[&DEPENDENCY_URL],
    run,
};

/// Where a dependency comes from when it does not come from the registry.
enum Source {
    /// An http(s) tarball: whatever the server returns at install time.
    Url(String),
    /// A git repository (`git+https://`, `github:user/repo`, `user/repo`).
    Git,
}

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(npm) = &ctx.package.npm else {
        return;
    };
    let file = format!("{}package.json", ctx.package.root);
    let text = ctx
        .package
        .entries
        .iter()
        .find(|e| e.path == file)
        .map(|e| String::from_utf8_lossy(&e.data).into_owned())
        .unwrap_or_default();
    for (name, spec, line) in &npm.dependencies {
        let Some(source) = source(spec) else {
            continue;
        };
        let (severity, confidence, from) = match &source {
            Source::Url(url) if paths::is_raw_ip(url) => (
                Severity::High,
                Confidence::Medium,
                format!("`{url}`, a bare IP address"),
            ),
            Source::Url(url) => (Severity::Medium, Confidence::Medium, format!("`{url}`")),
            Source::Git => (
                Severity::Low,
                Confidence::High,
                format!("the git repository `{spec}`"),
            ),
        };
        out.push(
            DEPENDENCY_URL
                .finding(
                    severity,
                    confidence,
                    Phase::Metadata,
                    format!("dependency `{name}` is installed from {from}, outside the registry"),
                )
                .at(
                    file.clone(),
                    *line,
                    text.lines()
                        .nth(line.saturating_sub(1) as usize)
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                ),
        );
    }
}

/// Classifies a dependency's version spec; None for registry versions, ranges, tags,
/// aliases (`npm:x@1`) and local paths.
fn source(spec: &str) -> Option<Source> {
    let spec = spec.trim();
    if spec.starts_with("http://") || spec.starts_with("https://") {
        return Some(Source::Url(spec.to_string()));
    }
    let git_prefixes = ["git:", "git+", "github:", "gitlab:", "bitbucket:", "gist:"];
    if git_prefixes.iter().any(|p| spec.starts_with(p)) {
        return Some(Source::Git);
    }
    // GitHub shorthand: `user/repo` or `user/repo#ref`.
    let repo = spec.split('#').next().unwrap_or(spec);
    let shorthand = repo.split('/').count() == 2
        && !repo.starts_with(['.', '/', '~', '@'])
        && !repo.contains(':')
        && repo.split('/').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    shorthand.then_some(Source::Git)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert!(matches!(
            source("https://192.0.2.4/x.tgz"),
            Some(Source::Url(_))
        ));
        assert!(matches!(
            source("git+https://example.com/x.git"),
            Some(Source::Git)
        ));
        assert!(matches!(source("github:user/repo"), Some(Source::Git)));
        assert!(matches!(source("user/repo#v1"), Some(Source::Git)));
        for registry in [
            "^1.2.3",
            "latest",
            "1.x",
            "npm:other@^2",
            "file:../x",
            ">=1 <2",
            "*",
        ] {
            assert!(source(registry).is_none(), "{registry}");
        }
    }
}
