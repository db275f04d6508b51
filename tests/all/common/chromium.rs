//! Headless Chromium for page tests, driven with nothing but its command line: the page
//! is loaded from disk, its DOM is dumped once virtual time has run out, and the console
//! goes to stderr. No WebDriver, no network.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Browser names looked up on `PATH`, after `PKGWARDEN_CHROME`.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// A run that takes longer than this is a failure, not a hang.
const DEADLINE: Duration = Duration::from_secs(90);

/// The browser to use: `PKGWARDEN_CHROME` (which must then exist), else the first of
/// [`NAMES`] on `PATH`; `None` when there is none.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PKGWARDEN_CHROME") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "PKGWARDEN_CHROME={} is not a file",
            path.display()
        );
        return Some(path);
    }
    let dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH")?).collect();
    NAMES
        .iter()
        .flat_map(|name| dirs.iter().map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// What one page load left behind.
pub struct Run {
    /// The DOM after the page's scripts ran (`--dump-dom`).
    pub dom: String,
    /// Browser log, console messages included (`INFO:CONSOLE` lines).
    pub log: String,
}

impl Run {
    /// The console messages the page produced (errors, CSP violations, logs).
    pub fn console(&self) -> Vec<&str> {
        self.log
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .collect()
    }
}

/// Loads `url` in `browser` headless and returns the dumped DOM and the log; panics when
/// the browser fails or overruns [`DEADLINE`]. `scratch` holds the profile and output.
pub fn load(browser: &Path, url: &str, scratch: &Path) -> Run {
    std::fs::create_dir_all(scratch).unwrap();
    let out = scratch.join("dom.html");
    let err = scratch.join("log.txt");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-dev-shm-usage",
            "--dump-dom",
            "--virtual-time-budget=5000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.join("profile").display()
        ))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{} did not finish {url} within {DEADLINE:?}",
                browser.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = Run {
        dom: String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned(),
        log: String::from_utf8_lossy(&std::fs::read(&err).unwrap()).into_owned(),
    };
    assert!(
        status.success() && run.dom.contains("</html>"),
        "{} failed on {url} ({status}); log:\n{}",
        browser.display(),
        run.log
    );
    run
}

/// A `file://` URL for an absolute path (the tests' paths need no percent-encoding).
pub fn file_url(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    format!("file://{}", path.display())
}

/// The text of the first element `<tag id="id">` of a dumped DOM, entities decoded (the
/// serialiser writes only these four in text).
pub fn text_of(dom: &str, tag: &str, id: &str) -> Option<String> {
    let open = format!("<{tag} id=\"{id}\">");
    let start = dom.find(&open)? + open.len();
    let end = start + dom[start..].find(&format!("</{tag}>"))?;
    Some(
        dom[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}
