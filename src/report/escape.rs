//! Makes text that came from a package safe to print. Package names, file names, code
//! lines, messages quoting decoded URLs: an attacker writes all of them, and a raw
//! escape sequence in a snippet can clear the reviewer's screen, hide a line or retitle
//! the terminal. Bidirectional overrides (Trojan Source) reorder what is shown.

/// `text` with every control character written as an escape: `\x1b`, `\0`, `\t`, `\r`,
/// `\n`, C1 controls as `\u{9b}`, and bidirectional controls as `\u{202e}`. A backslash
/// stays as it is (code is full of them); only what would change the display changes.
pub fn terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
            continue;
        }
        match c {
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// C0 and C1 controls, DEL, and the Unicode bidirectional formatting characters.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::terminal;

    #[test]
    fn controls_are_shown_not_sent() {
        assert_eq!(terminal("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(terminal("x\0y\r\n"), "x\\0y\\r\\n");
        assert_eq!(terminal("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal("\x7f"), "\\x7f");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        assert!(matches!(
            terminal("ok \\n é 漢"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
