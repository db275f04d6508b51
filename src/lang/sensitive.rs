//! Secrets: credential files and environment variables (data in `rules/data/credentials.txt`).
//! The facts pass labels values read from them, so a detector can follow a secret to the
//! network.

use std::sync::OnceLock;

const DATA: &str = include_str!("../../rules/data/credentials.txt");

fn lists() -> &'static (Vec<String>, Vec<String>) {
    static CELL: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut paths = Vec::new();
        let mut envs = Vec::new();
        for line in DATA
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            match line.split_once(' ') {
                Some(("path", p)) => paths.push(p.trim().to_ascii_lowercase()),
                Some(("env", e)) => envs.push(e.trim().to_string()),
                _ => panic!("credentials.txt: malformed line `{line}`"),
            }
        }
        (paths, envs)
    })
}

/// The credential-file fragment a path text contains, if any.
pub fn credential_path(text: &str) -> Option<&'static str> {
    if text.len() > 4096 {
        return None;
    }
    let t = text.replace('\\', "/").to_ascii_lowercase();
    // A path, not a sentence that mentions one: apart from the fragment, no spaces.
    lists()
        .0
        .iter()
        .find(|p| t.contains(p.as_str()) && !t.replacen(p.as_str(), "", 1).contains(' '))
        .map(String::as_str)
}

/// True for an environment variable that holds a secret.
pub fn is_secret_env(name: &str) -> bool {
    lists().1.iter().any(|e| e == name)
}
