//! Look-alike characters: a name's skeleton is what it looks like on screen, so two names that
//! share a skeleton but differ in spelling are homoglyphs of each other.

use super::canonical::{canonical, squash};
use crate::ecosystem::Ecosystem;

/// The Latin letter a character is mistaken for, before lowercasing (an uppercase `I` reads as
/// `l`, not as `i`); `None` for a character that looks like itself.
fn look_alike(c: char) -> Option<char> {
    Some(match c {
        // Latin and digits.
        'I' | '1' | '|' => 'l',
        '0' => 'o',
        // Cyrillic, lowercase then uppercase.
        'а' => 'a',
        'е' | 'ё' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' | 'ї' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'һ' => 'h',
        'ӏ' | 'І' | 'Ӏ' => 'l',
        'А' => 'a',
        'В' => 'b',
        'Е' => 'e',
        'К' => 'k',
        'М' => 'm',
        'Н' => 'h',
        'О' => 'o',
        'Р' => 'p',
        'С' => 'c',
        'Т' => 't',
        'Х' => 'x',
        'Ј' => 'j',
        'Ѕ' => 's',
        'Ү' => 'y',
        // Greek, lowercase then uppercase.
        'α' => 'a',
        'ο' => 'o',
        'ρ' => 'p',
        'ν' => 'v',
        'ι' => 'i',
        'κ' => 'k',
        'υ' => 'u',
        'Α' => 'a',
        'Β' => 'b',
        'Ε' => 'e',
        'Ζ' => 'z',
        'Η' => 'h',
        'Ι' => 'l',
        'Κ' => 'k',
        'Μ' => 'm',
        'Ν' => 'n',
        'Ο' => 'o',
        'Ρ' => 'p',
        'Τ' => 't',
        'Χ' => 'x',
        'Υ' => 'y',
        // Armenian.
        'օ' => 'o',
        'ս' => 'u',
        'ց' => 'g',
        'հ' => 'h',
        'ո' => 'n',
        'զ' => 'q',
        'ք' => 'p',
        // Latin look-alikes outside ASCII.
        'ɡ' => 'g',
        'ı' => 'i',
        'ɑ' => 'a',
        'ǀ' => 'l',
        // Fullwidth forms read as the ASCII letter or digit they widen.
        'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'a' as u32)?,
        'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'a' as u32)?,
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
        _ => return None,
    })
}

/// Letter pairs that read as one glyph: `rn` looks like `m`, `vv` like `w`.
const DIGRAPHS: [(&str, &str); 2] = [("rn", "m"), ("vv", "w")];

/// What a name looks like: each look-alike replaced by the letter it imitates, in the
/// ecosystem's canonical form, without separators, and with look-alike digraphs folded.
///
/// Takes the name as written, because case matters before canonicalisation lowercases it.
pub(crate) fn skeleton(raw: &str, eco: Ecosystem) -> String {
    let folded: String = raw.chars().map(|c| look_alike(c).unwrap_or(c)).collect();
    let mut out = squash(&canonical(&folded, eco));
    for (pair, single) in DIGRAPHS {
        if out.contains(pair) {
            out = out.replace(pair, single);
        }
    }
    out
}

/// Whether substituting `a` for `b` (both canonical, so lowercase) is a look-alike swap.
pub(crate) fn is_look_alike_pair(a: char, b: char) -> bool {
    let fold = |c: char| look_alike(c).unwrap_or(c);
    a != b && fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_folds_look_alikes() {
        assert_eq!(skeleton("jeIlyfish", Ecosystem::Pypi), "jellyfish");
        assert_eq!(skeleton("reqúests", Ecosystem::Pypi), "reqúests");
        assert_eq!(skeleton("rеquеsts", Ecosystem::Pypi), "requests");
        assert_eq!(skeleton("urIlib3", Ecosystem::Pypi), "urllib3");
        assert_eq!(skeleton("rnatplotlib", Ecosystem::Pypi), "matplotlib");
        assert_eq!(skeleton("b0t0-3", Ecosystem::Pypi), "boto3");
        assert_eq!(skeleton("ｒequests", Ecosystem::Pypi), "requests");
        assert_eq!(skeleton("reqսests", Ecosystem::Pypi), "requests");
    }

    #[test]
    fn look_alike_pairs() {
        assert!(!is_look_alike_pair('i', 'l'));
        assert!(is_look_alike_pair('0', 'o'));
        assert!(is_look_alike_pair('1', 'l'));
        assert!(!is_look_alike_pair('a', 'e'));
        assert!(!is_look_alike_pair('l', 'l'));
    }
}
