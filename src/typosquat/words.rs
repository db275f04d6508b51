//! What squatters add to a popular name: the letters put before it and the combo words put
//! before or after it, read from `rules/data/typosquat-words.txt` (one-letter lines are
//! letters, longer lines words).

use std::collections::HashSet;
use std::sync::OnceLock;

const WORDS: &str = include_str!("../../rules/data/typosquat-words.txt");

/// The list's entries, without comments and blank lines.
fn entries() -> impl Iterator<Item = &'static str> {
    WORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Whether `c` is one of the letters squatters put before a popular name (`xrequests`).
pub(crate) fn is_prefix_letter(c: char) -> bool {
    entries().any(|e| e.chars().eq(std::iter::once(c)))
}

/// Whether `word` (canonical, a whole word of a name) is a combo word (`proxy`, `utils`).
pub(crate) fn is_combo_word(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| entries().filter(|e| e.chars().count() > 1).collect())
        .contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_words_are_read_from_the_list() {
        assert!(is_prefix_letter('x'));
        assert!(!is_prefix_letter('q'));
        assert!(is_combo_word("proxy"));
        assert!(!is_combo_word("x"));
        assert!(!is_combo_word("core"));
    }
}
