//! A name prepared once for every comparison: canonical, squashed, skeleton, and the cores left
//! after removing a version suffix or an ecosystem affix.

use super::canonical::{canonical, is_separator, split_scope, squash, words};
use super::homoglyph::skeleton;
use super::words::is_combo_word;
use crate::ecosystem::Ecosystem;

/// The forms of one name that the checks compare.
pub(crate) struct Forms {
    pub canonical: String,
    /// Canonical without separators.
    pub squashed: String,
    /// What the name looks like (see `homoglyph::skeleton`).
    pub skeleton: String,
    /// The squashed name as characters, for the edit checks.
    pub chars: Vec<char>,
}

impl Forms {
    pub fn new(raw: &str, eco: Ecosystem) -> Forms {
        let canonical = canonical(raw, eco);
        let squashed = squash(&canonical);
        Forms {
            skeleton: skeleton(raw, eco),
            chars: squashed.chars().collect(),
            squashed,
            canonical,
        }
    }

    /// The name without its npm scope, squashed: what length thresholds measure.
    pub fn bare_len(&self) -> usize {
        match split_scope(&self.canonical) {
            Some((_, name)) => squash(name).chars().count(),
            None => self.chars.len(),
        }
    }

    /// The length of the word that holds the character at `index` of the squashed name (the
    /// last word for an index past the end).
    pub fn word_len_at(&self, index: usize) -> usize {
        let mut start = 0;
        let mut len = 0;
        for word in words(&self.canonical) {
            len = word.chars().count();
            if index < start + len {
                break;
            }
            start += len;
        }
        len
    }

    /// The summed length of the words that overlap the squashed name's characters
    /// `start..end`; for an empty range, the word at `start` (see [`Forms::word_len_at`]).
    pub fn words_len_over(&self, start: usize, end: usize) -> usize {
        if start >= end {
            return self.word_len_at(start);
        }
        let mut at = 0;
        let mut total = 0;
        for word in words(&self.canonical) {
            let len = word.chars().count();
            if at < end && at + len > start {
                total += len;
            }
            at += len;
        }
        total
    }

    /// The name without a combo word (`rules/data/typosquat-words.txt`) at its start or end,
    /// squashed (`axios-proxy` gives `axios`, `httpx-advanced2` gives `httpx`): up to two
    /// cores. A trailing version is dropped first; only whole words count, and the npm scope
    /// is never cut.
    pub fn combo_cores(&self) -> Vec<String> {
        if split_scope(&self.canonical).is_some() {
            return Vec::new();
        }
        let name = &self.canonical;
        let kept = name.trim_end_matches(|c: char| c.is_ascii_digit() || is_separator(c));
        let words = words(if kept.is_empty() { name } else { kept });
        if words.len() < 2 {
            return Vec::new();
        }
        let mut cores = Vec::new();
        if is_combo_word(words[0]) {
            cores.push(words[1..].concat());
        }
        if is_combo_word(words[words.len() - 1]) {
            cores.push(words[..words.len() - 1].concat());
        }
        cores
    }

    /// The words sorted, joined by `-`, when the name has two or more: equal for names that
    /// differ only in word order.
    pub fn word_set(&self) -> Option<String> {
        let mut words = words(&self.canonical);
        if words.len() < 2 {
            return None;
        }
        words.sort_unstable();
        Some(words.join("-"))
    }

    /// The squashed name without a trailing version or digits (`requests2`, `colors-3.0`,
    /// `discord-self-v13`); `None` when it has none or nothing is left.
    pub fn version_core(&self) -> Option<String> {
        let name = &self.canonical;
        let kept = name.trim_end_matches(|c: char| c.is_ascii_digit() || is_separator(c));
        if !name[kept.len()..].contains(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let kept = match kept.strip_suffix('v') {
            Some(rest) if rest.ends_with(is_separator) => rest,
            _ => kept,
        };
        let core = squash(kept);
        (!core.is_empty()).then_some(core)
    }

    /// The squashed name with the longest ecosystem affix (`python`, `py`, `node`, `js`,
    /// `ruby`…) removed from its start, and from its end: up to two cores.
    pub fn affix_cores(&self, eco: Ecosystem) -> Vec<&str> {
        let name = self.squashed.as_str();
        let prefix = affixes(eco).iter().find_map(|a| name.strip_prefix(a));
        let suffix = affixes(eco).iter().find_map(|a| name.strip_suffix(a));
        [prefix, suffix]
            .into_iter()
            .flatten()
            .filter(|core| !core.is_empty())
            .collect()
    }
}

/// Words that squatters put before or after a popular name to make it look official.
pub(crate) fn affixes(eco: Ecosystem) -> &'static [&'static str] {
    match eco {
        Ecosystem::Pypi => &["python3", "python", "py3", "py"],
        Ecosystem::Npm => &["nodejs", "node", "js"],
        Ecosystem::Rubygems => &["ruby", "rb"],
        Ecosystem::Unknown => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pypi(name: &str) -> Forms {
        Forms::new(name, Ecosystem::Pypi)
    }

    #[test]
    fn version_core_strips_digits_and_v() {
        assert_eq!(
            pypi("requests2").version_core().as_deref(),
            Some("requests")
        );
        assert_eq!(pypi("colors-3.0").version_core().as_deref(), Some("colors"));
        assert_eq!(
            pypi("discord-self-v13").version_core().as_deref(),
            Some("discordself")
        );
        assert_eq!(pypi("requests").version_core(), None);
        assert_eq!(pypi("123").version_core(), None);
    }

    #[test]
    fn affix_cores_and_word_set() {
        let forms = pypi("python-requests");
        assert_eq!(forms.affix_cores(Ecosystem::Pypi), ["requests"]);
        assert_eq!(
            pypi("dateutil-python").word_set(),
            pypi("python-dateutil").word_set()
        );
        assert_eq!(pypi("django").word_set(), None);
    }

    #[test]
    fn word_len_at_finds_the_edited_word() {
        let forms = pypi("mypy-boto3-ssm");
        assert_eq!(forms.word_len_at(0), 4);
        assert_eq!(forms.word_len_at(4), 5);
        assert_eq!(forms.word_len_at(9), 3);
        assert_eq!(forms.word_len_at(12), 3);
    }

    #[test]
    fn bare_len_ignores_the_scope() {
        assert_eq!(Forms::new("@babel/core", Ecosystem::Npm).bare_len(), 4);
        assert_eq!(pypi("python-dateutil").bare_len(), 14);
    }
}
