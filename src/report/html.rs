//! The HTML triage page (`--format html`, `--html FILE`): one self-contained file a CI job
//! can keep as an artifact and a reviewer can open from disk. It loads nothing: the style
//! and the one script are inline, and a Content-Security-Policy allows exactly those two
//! (by their sha256) and nothing else, so even a bug in the escaping below could neither
//! run an injected script nor load an image, a frame or a font.
//!
//! Everything a package wrote (names, versions, paths, file names, code lines, messages,
//! errors, notes) travels as JSON in a `<script type="application/json">` block, with
//! `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX` so no string can close the block;
//! the script builds the page with `textContent` only. `docs/html-report.md` says more.

mod view;

use super::summary::Summary;
use crate::scan::PackageReport;

/// The page's stylesheet and script, inserted verbatim and allowed by their hashes.
const STYLE: &str = include_str!("html/page.css");
const SCRIPT: &str = include_str!("html/page.js");

/// The page for `packages` (any order; the page lists them worst first) and `summary`.
pub fn render(packages: &[PackageReport], summary: &Summary) -> String {
    let data = serde_json::to_string(&view::page(packages, summary)).expect("page serialises");
    let mut out = String::with_capacity(data.len() + STYLE.len() + SCRIPT.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n",
        csp()
    ));
    out.push_str(concat!(
        "<meta name=\"referrer\" content=\"no-referrer\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>pkgwarden scan report</title>\n<style>",
    ));
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(BODY);
    out.push_str("<script type=\"application/json\" id=\"data\">");
    out.push_str(&inert_json(&data));
    out.push_str("</script>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// The static part of the page; the script fills it from the data.
const BODY: &str = r#"<header>
<h1>pkgwarden scan report</h1>
<p id="summary"></p>
<ul id="input-errors"></ul>
<p id="top-rules"></p>
</header>
<noscript><p class="noscript">This page needs JavaScript to show the packages. The same data is in <code>pkgwarden scan --format json</code>.</p></noscript>
<section id="controls">
<input id="filter" type="search" placeholder="Filter by name, path or rule" aria-label="Filter by name, path or rule">
<span id="verdicts"></span>
<span id="shown"></span>
</section>
<table id="packages">
<thead><tr>
<th data-key="verdict" scope="col">Verdict</th>
<th data-key="score" scope="col" class="num">Score</th>
<th data-key="ecosystem" scope="col">Ecosystem</th>
<th data-key="name" scope="col">Name</th>
<th data-key="version" scope="col">Version</th>
<th data-key="rule" scope="col">Top rule</th>
<th data-key="findings" scope="col" class="num">Findings</th>
<th data-key="path" scope="col">Path</th>
</tr></thead>
<tbody></tbody>
</table>
"#;

/// Nothing but the page's own style and script, each by its hash.
fn csp() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    )
}

/// The CSP source that allows an inline `<script>` or `<style>` whose text is exactly
/// `text`: `'sha256-<base64>'`.
pub fn csp_hash(text: &str) -> String {
    use sha2::Digest;
    format!(
        "'sha256-{}'",
        base64(&sha2::Sha256::digest(text.as_bytes()))
    )
}

/// JSON that cannot end the `<script>` element holding it or be read as markup: `<`,
/// `>` and `&` (which appear only inside strings) and the two Unicode separators become
/// `\u` escapes, which `JSON.parse` reads back as the same characters.
fn inert_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648), for the CSP hashes.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_follows_rfc_4648() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn json_cannot_close_its_element() {
        let raw = serde_json::to_string("</script><!-- & \u{2028}\u{2029}").unwrap();
        let inert = inert_json(&raw);
        assert!(
            !inert.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
            "{inert}"
        );
        let back: String = serde_json::from_str(&inert).unwrap();
        assert_eq!(back, "</script><!-- & \u{2028}\u{2029}");
    }

    #[test]
    fn the_assets_cannot_end_their_elements() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }
}
