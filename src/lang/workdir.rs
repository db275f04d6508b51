//! The working directory a program moved into (`os.chdir`, `process.chdir`, `Dir.chdir`,
//! shell `cd`), so relative file names resolve to where they land. The real libpeshka
//! uploads do `os.chdir(os.path.expanduser("~"))` and then write `.drv` and `.bashrc`:
//! without this, neither looks like the home folder.

/// Calls that change the working directory of the process.
pub const CHDIR_CALLS: &[&str] = &["os.chdir", "process.chdir", "Dir.chdir", "FileUtils.cd"];

/// True for a relative file name: not rooted (`/`, `~`, `C:`, `\\`), not a variable
/// (`$HOME`, `%APPDATA%`), not a URL, not a flag (`-f`, `+x`), and with no unknown part
/// in front.
pub fn is_relative(path: &str) -> bool {
    let drive = matches!(path.as_bytes(), [d, b':', ..] if d.is_ascii_alphabetic());
    !path.is_empty()
        && !drive
        && !path.starts_with(['/', '\\', '~', '$', '%', '{', '-', '+'])
        && !path.contains("://")
        && !path.contains(['\n', ' ', '\t'])
}

/// `path` as seen from `cwd`: relative names are joined to it (`./` and `..` of the
/// relative part are applied), anything else is returned as it is.
pub fn resolve(cwd: &str, path: &str) -> String {
    if !is_relative(path) {
        return path.to_string();
    }
    let mut dir = cwd.trim_end_matches(['/', '\\']).to_string();
    let mut rest = path;
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("../") {
            match dir.rfind(['/', '\\']) {
                Some(i) if i > 0 => dir.truncate(i),
                _ => return format!("{dir}/{rest}"),
            }
            rest = r;
        } else {
            break;
        }
    }
    if rest == "." || rest.is_empty() {
        return dir;
    }
    format!("{dir}/{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names_join_the_working_directory() {
        assert_eq!(resolve("~", ".drv"), "~/.drv");
        assert_eq!(resolve("~/", "./.bashrc"), "~/.bashrc");
        assert_eq!(resolve("/tmp/a", "../b/c"), "/tmp/b/c");
        assert_eq!(resolve("~", "."), "~");
    }

    #[test]
    fn rooted_names_variables_and_urls_stay_as_they_are() {
        for p in [
            "/etc/passwd",
            "~/.x",
            "C:/x",
            "$HOME/x",
            "%APPDATA%/x",
            "{?}/x",
            "http://a.invalid/x",
            "-o",
            "+x",
        ] {
            assert_eq!(resolve("~", p), p);
        }
    }
}
