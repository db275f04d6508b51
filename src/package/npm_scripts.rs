//! Which package files an npm lifecycle script starts. A script names its file in many
//! ways: `node index.js`, `node .` (the package's `main`), `node lib` (`lib/index.js`),
//! `npm run build` (another script), `pm2 start x.js`, `forever start x.js`, a path
//! with or without `./`, or the same file name with a leading dot or folder dropped.

use super::manifest::{NpmManifest, INSTALL_SCRIPTS};
use crate::lang::shell;

/// The scripts npm runs at install: the lifecycle scripts, and every script they start
/// with `npm run X`, however deep (a worklist over the package's scripts, each taken
/// once, so a loop of `npm run` ends and no depth is left unread).
pub fn install_time_scripts(npm: &NpmManifest) -> Vec<&(String, String, u32)> {
    let mut out: Vec<&(String, String, u32)> = npm
        .scripts
        .iter()
        .filter(|(name, _, _)| INSTALL_SCRIPTS.contains(&name.as_str()))
        .collect();
    let mut next = 0;
    while next < out.len() {
        let cmd = &out[next].1;
        next += 1;
        for c in shell::parse(cmd) {
            let Some(run) = script_run(&c.program, &c.args) else {
                continue;
            };
            for s in npm.scripts.iter().filter(|(n, _, _)| n == run) {
                if !out.iter().any(|o| std::ptr::eq(*o, s)) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// The package as a script sees it: its manifest, and whether a file exists.
pub struct Scripts<'a> {
    pub npm: &'a NpmManifest,
    /// True when the package holds this file (a path relative to its root).
    pub exists: &'a dyn Fn(&str) -> bool,
}

impl Scripts<'_> {
    /// True if an install-time script starts the package file `rel`.
    pub fn install_runs_file(&self, rel: &str) -> bool {
        let target = normalize(rel);
        install_time_scripts(self.npm)
            .iter()
            .any(|(_, cmd, _)| self.runs_file(cmd, &target))
    }

    /// True if the command line `cmd` starts `target` (normalised) itself: as the
    /// program (`./install.js`), or as the script of an interpreter, wherever that
    /// interpreter stands in the command (`node x.js`, `cross-env A=1 node x.js`). The
    /// files other tools are handed are their input or output (`browserify -o
    /// bundle.js lib/index.js`), not programs. `npm run X` names a script, not a file:
    /// [`install_time_scripts`] follows it.
    fn runs_file(&self, cmd: &str, target: &str) -> bool {
        shell::parse(cmd).iter().any(|c| {
            if script_run(&c.program, &c.args).is_some() {
                return false;
            }
            if self.names_file(&c.program, target, false) {
                return true;
            }
            let mut interpreter = None;
            for w in std::iter::once(&c.program).chain(&c.args) {
                if let Some(node) = interpreter {
                    if self.names_file(w, target, node) {
                        return true;
                    }
                }
                let name = w.rsplit('/').next().unwrap_or(w);
                if shell::NODE_RUNNERS.contains(&name) {
                    interpreter = Some(true);
                } else if shell::SCRIPT_RUNNERS.contains(&name) {
                    interpreter = interpreter.or(Some(false));
                }
            }
            false
        })
    }

    /// True if the word `w` of a script names `target`: the same path, the path without
    /// its `.js`, a folder's `index.js`, the package folder itself (`node .`) standing
    /// for `main`. When the file a node script names is not in the package, a file of
    /// the same name with a leading dot or folder added counts (`node x.js` run from a
    /// package that ships `lib/x.js` or `.x.js`): attackers misplace the payload, and a
    /// reviewer must still see what the script was meant to start.
    fn names_file(&self, w: &str, target: &str, node: bool) -> bool {
        let w = normalize(w);
        let names = |p: &str| {
            p == target || format!("{p}.js") == target || format!("{p}/index.js") == target
        };
        if names(&w) {
            return true;
        }
        if !node {
            return false;
        }
        if w.is_empty() {
            return names(&normalize(self.npm.main.as_deref().unwrap_or("index.js")));
        }
        let base = |p: &str| {
            p.rsplit('/')
                .next()
                .unwrap_or(p)
                .trim_start_matches('.')
                .to_string()
        };
        // The name test first: the file lookup is a walk over the entries.
        w.ends_with(".js") && base(&w) == base(target) && !(self.exists)(&w)
    }
}

/// The script `npm run X`, `npm run-script X`, `yarn run X`, `pnpm X` or `yarn X` starts.
fn script_run<'a>(program: &str, args: &'a [String]) -> Option<&'a str> {
    let name = program.rsplit('/').next().unwrap_or(program);
    let mut words = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'));
    match (name, words.next()?) {
        ("npm" | "yarn" | "pnpm" | "bun", "run" | "run-script") => words.next(),
        ("yarn" | "pnpm", other) if !matches!(other, "install" | "add" | "exec" | "dlx") => {
            Some(other)
        }
        _ => None,
    }
}

/// A script path without `./` in front or `/` behind.
pub fn normalize(p: &str) -> String {
    let p = p.trim_start_matches("./").trim_end_matches('/');
    if p == "." {
        String::new()
    } else {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(scripts: &[(&str, &str)], main: Option<&str>) -> NpmManifest {
        NpmManifest {
            scripts: scripts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string(), 1))
                .collect(),
            main: main.map(str::to_string),
            ..NpmManifest::default()
        }
    }

    fn runs(npm: &NpmManifest, files: &[&str], rel: &str) -> bool {
        let exists = |p: &str| files.contains(&p);
        Scripts {
            npm,
            exists: &exists,
        }
        .install_runs_file(rel)
    }

    #[test]
    fn node_dot_starts_main() {
        let npm = manifest(&[("postinstall", "node .")], Some("lib.js"));
        assert!(runs(&npm, &["lib.js"], "lib.js"));
        assert!(!runs(&npm, &["lib.js", "other.js"], "other.js"));
        let npm = manifest(&[("postinstall", "node ./")], None);
        assert!(runs(&npm, &["index.js"], "index.js"));
    }

    #[test]
    fn npm_run_follows_the_named_script() {
        let npm = manifest(
            &[
                ("postinstall", "npm run setup --silent"),
                ("setup", "node tools/s.js"),
            ],
            None,
        );
        assert!(runs(&npm, &["tools/s.js"], "tools/s.js"));
        // A script that is not a lifecycle script and not run from one does not count.
        let npm = manifest(&[("build", "node tools/s.js")], None);
        assert!(!runs(&npm, &["tools/s.js"], "tools/s.js"));
    }

    #[test]
    fn npm_run_is_followed_however_deep_and_names_no_file() {
        let npm = manifest(
            &[
                ("postinstall", "npm run a"),
                ("a", "npm run b"),
                ("b", "npm run c"),
                ("c", "npm run d"),
                ("d", "npm run build"),
                ("build", "node .x.js"),
            ],
            None,
        );
        assert!(runs(&npm, &[".x.js", "build.js"], ".x.js"));
        // `npm run build` starts the script `build`, not the file `build.js`.
        assert!(!runs(&npm, &[".x.js", "build.js"], "build.js"));
    }

    #[test]
    fn a_loop_of_npm_run_ends() {
        let npm = manifest(
            &[("postinstall", "npm run a"), ("a", "npm run postinstall")],
            None,
        );
        assert!(!runs(&npm, &["x.js"], "x.js"));
    }

    #[test]
    fn a_misplaced_target_is_the_file_it_was_meant_to_be() {
        let npm = manifest(&[("preinstall", "node ./lib/setup.js")], None);
        // `lib/setup.js` is not shipped; the root `setup.js` and `.setup.js` are.
        assert!(runs(&npm, &["setup.js"], "setup.js"));
        assert!(runs(&npm, &[".setup.js"], ".setup.js"));
        // When the named file exists, a namesake elsewhere is not it.
        assert!(!runs(&npm, &["lib/setup.js", "setup.js"], "setup.js"));
    }

    #[test]
    fn pm2_and_forever_start_files() {
        let npm = manifest(
            &[("postinstall", "pm2 start agent.js && forever start b.js")],
            None,
        );
        assert!(runs(&npm, &["agent.js", "b.js"], "agent.js"));
        assert!(runs(&npm, &["agent.js", "b.js"], "b.js"));
    }
}
