//! Shell commands a package manager runs at install that live in manifests, not in
//! source files: npm lifecycle scripts and `binding.gyp` command expansions. Each becomes
//! a virtual shell file named after its manifest.

use super::SourceFile;
use crate::lang::facts::{self, CallFact, FileFacts};
use crate::package::{manifest, npm_scripts, Package};

/// npm lifecycle scripts that run at install, analysed as shell in a virtual file named
/// after package.json, each command at its line there.
pub fn npm_scripts(pkg: &Package, npm: &manifest::NpmManifest) -> Option<SourceFile> {
    let path = format!("{}package.json", pkg.root);
    let entry = pkg.entries.iter().find(|e| e.path == path)?;
    let text = String::from_utf8_lossy(&entry.data).into_owned();
    let mut facts = FileFacts::default();
    for (name, cmd, line) in npm_scripts::install_time_scripts(npm) {
        let text = facts::Value {
            text: Some(cmd.clone()),
            ..Default::default()
        };
        let at = CallFact::command_line(format!("npm.scripts.{name}"), *line, vec![text]);
        facts.calls.extend(facts::shell_calls(cmd, &at, None));
        facts.calls.push(at);
    }
    Some(SourceFile::install_commands(path, text, facts))
}

/// `binding.gyp` command expansions (`<!(cmd)`, `<!@(cmd)`): node-gyp runs them while it
/// builds the addon at install. Analysed as shell in a virtual file named after binding.gyp.
pub fn gyp_commands(pkg: &Package) -> Option<SourceFile> {
    let path = format!("{}binding.gyp", pkg.root);
    let entry = pkg.entries.iter().find(|e| e.path == path)?;
    let text = String::from_utf8_lossy(&entry.data).into_owned();
    let mut facts = FileFacts::default();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("<!") {
            rest = &rest[start + 2..];
            let Some(open) = rest.strip_prefix('@').unwrap_or(rest).strip_prefix('(') else {
                continue;
            };
            let command = balanced_parens(open);
            let text = facts::Value {
                text: Some(command.to_string()),
                ..Default::default()
            };
            let at = CallFact::command_line("node-gyp.command".into(), i as u32 + 1, vec![text]);
            facts.calls.extend(facts::shell_calls(command, &at, None));
        }
    }
    Some(SourceFile::install_commands(path, text, facts))
}

/// The text before the `)` that closes an already opened parenthesis.
fn balanced_parens(text: &str) -> &str {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}
