//! The index of one ecosystem's popular names: hash maps from derived keys to the names that
//! produce them, so a query looks up a few dozen keys instead of comparing against every name.
//!
//! One-edit neighbours are found with deletion neighbourhoods (symmetric delete): each popular
//! name is stored under itself and every string one deletion away; two names within one
//! insertion, deletion, substitution or adjacent swap share at least one such key.

use std::collections::HashMap;

use super::canonical::{split_scope, squash};
use super::checks::{classify, Check};
use super::forms::Forms;
use super::policy;
use super::popular::popular_list;
use crate::ecosystem::Ecosystem;

/// What a key was derived from; keys of different kinds never match each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum KeyKind {
    Squashed,
    Skeleton,
    Deletion,
    WordSet,
    /// The squashed name without an ecosystem affix.
    Core,
    /// npm: the name part of a scoped name, or its scope and name run together.
    Unscoped,
}

/// One popular name: as listed, and its comparison forms.
struct Entry {
    listed: &'static str,
    forms: Forms,
}

/// The closest popular name a candidate imitates.
pub(crate) struct Hit<'a> {
    pub target: &'a str,
    pub rank: usize,
    pub check: Check,
}

pub(crate) struct Index {
    eco: Ecosystem,
    ranked: bool,
    /// Popular names in rank order: entry `i` has rank `i + 1`.
    entries: Vec<Entry>,
    /// Canonical name to the best-ranked entry spelled that way.
    by_canonical: HashMap<String, u32>,
    /// Entries by first character and length (squashed), for the two-edit check, which
    /// the one-deletion keys do not reach.
    by_first_len: HashMap<(char, usize), Vec<u32>>,
    /// (hash of a key, entry) pairs, sorted: one flat array instead of a map of small
    /// vectors, so building the index at start-up costs a sort, not 200,000 allocations.
    /// Two keys with the same hash only add a candidate, which `classify` then judges
    /// like any other.
    by_key: Vec<(u64, u32)>,
}

/// About how many keys a popular name is stored under (its deletions dominate), to size the array.
const KEYS_PER_NAME: usize = 16;

/// A key's hash: its kind and characters, mixed FxHash-style. Cheap enough that
/// building the index of 15,000 names (about 240,000 keys) takes milliseconds.
fn hash_chars(kind: KeyKind, chars: impl Iterator<Item = char>) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    chars.fold((kind as u64 + 1).wrapping_mul(K), |h, c| {
        (h.rotate_left(5) ^ c as u64).wrapping_mul(K)
    })
}

fn key_hash(kind: KeyKind, key: &str) -> u64 {
    hash_chars(kind, key.chars())
}

/// The hashes of the string of `chars` and of every string one deletion away from it,
/// computed without building the strings.
fn deletion_hashes(chars: &[char]) -> impl Iterator<Item = u64> + '_ {
    let whole = hash_chars(KeyKind::Deletion, chars.iter().copied());
    (0..chars.len())
        .map(move |skip| {
            let (head, tail) = (&chars[..skip], &chars[skip + 1..]);
            hash_chars(KeyKind::Deletion, head.iter().chain(tail).copied())
        })
        .chain(std::iter::once(whole))
}

/// The hashes of every key of `forms` (see [`keys`]).
fn key_hashes(forms: &Forms, eco: Ecosystem, stored: bool) -> Vec<u64> {
    deletion_hashes(&forms.chars)
        .chain(
            keys(forms, eco, stored)
                .into_iter()
                .map(|(kind, key)| key_hash(kind, &key)),
        )
        .collect()
}

/// The keys under which `forms` is stored (for a popular name) or looked up (for a
/// query), besides its deletion neighbourhood ([`deletion_hashes`]). `stored` selects
/// the storing side where the two differ.
fn keys(forms: &Forms, eco: Ecosystem, stored: bool) -> Vec<(KeyKind, String)> {
    let mut keys = vec![
        (KeyKind::Squashed, forms.squashed.clone()),
        (KeyKind::Skeleton, forms.skeleton.clone()),
    ];
    keys.extend(forms.word_set().map(|w| (KeyKind::WordSet, w)));
    let affix_cores = forms.affix_cores(eco).into_iter().map(String::from);
    if stored {
        keys.extend(affix_cores.map(|core| (KeyKind::Core, core)));
        keys.extend(forms.version_core().map(|core| (KeyKind::Core, core)));
        if let Some((scope, name)) = split_scope(&forms.canonical) {
            keys.push((KeyKind::Unscoped, name.to_string()));
            keys.push((KeyKind::Unscoped, squash(scope) + &squash(name)));
        }
    } else {
        // A query without its affix or version may be a popular name, or share its core.
        for core in affix_cores {
            keys.push((KeyKind::Squashed, core.clone()));
            keys.push((KeyKind::Core, core));
        }
        keys.extend(forms.version_core().map(|core| (KeyKind::Squashed, core)));
        keys.extend(
            forms
                .combo_cores()
                .into_iter()
                .map(|core| (KeyKind::Squashed, core)),
        );
        match split_scope(&forms.canonical) {
            Some((_, name)) => {
                keys.push((KeyKind::Unscoped, name.to_string()));
                // A scope added to an unscoped popular name.
                keys.push((KeyKind::Squashed, squash(name)));
            }
            None => {
                keys.push((KeyKind::Unscoped, forms.canonical.clone()));
                keys.push((KeyKind::Unscoped, forms.squashed.clone()));
            }
        }
    }
    keys
}

impl Index {
    /// Builds the index of `eco`'s bundled list; `None` for an ecosystem without a list.
    pub fn build(eco: Ecosystem) -> Option<Index> {
        let list = popular_list(eco)?;
        Some(Index::of_names(eco, list.names, list.ranked))
    }

    /// Builds the index of `names`, in rank order when `ranked`.
    pub fn of_names(eco: Ecosystem, names: Vec<&'static str>, ranked: bool) -> Index {
        let mut index = Index {
            eco,
            ranked,
            entries: Vec::with_capacity(names.len()),
            by_canonical: HashMap::with_capacity(names.len()),
            by_first_len: HashMap::new(),
            by_key: Vec::with_capacity(names.len() * KEYS_PER_NAME),
        };
        for (id, listed) in names.into_iter().enumerate() {
            let id = id as u32;
            let forms = Forms::new(listed, eco);
            index
                .by_canonical
                .entry(forms.canonical.clone())
                .or_insert(id);
            index
                .by_key
                .extend(key_hashes(&forms, eco, true).into_iter().map(|h| (h, id)));
            if let Some(&first) = forms.chars.first() {
                index
                    .by_first_len
                    .entry((first, forms.chars.len()))
                    .or_default()
                    .push(id);
            }
            index.entries.push(Entry { listed, forms });
        }
        // By hash alone: a name stored twice under one key only repeats a candidate,
        // which `check` deduplicates.
        index.by_key.sort_unstable_by_key(|&(h, _)| h);
        index
    }

    /// The entries that share `query`'s first character and are within two characters of
    /// its length: the only ones the two-edit check can relate it to.
    fn two_edit_candidates(&self, query: &Forms) -> impl Iterator<Item = u32> + '_ {
        let first = query.chars.first().copied();
        let len = query.chars.len();
        (len.saturating_sub(2)..=len + 2)
            .filter_map(move |l| self.by_first_len.get(&(first?, l)))
            .flatten()
            .copied()
    }

    /// The best-ranked name that is `raw` plus a version or an ecosystem affix (`urllib3`
    /// for `urllib`), spelled as listed, with its rank.
    pub fn extended_by(&self, raw: &str) -> Option<(&str, usize)> {
        let query = Forms::new(raw, self.eco);
        let h = key_hash(KeyKind::Core, &query.squashed);
        let start = self.by_key.partition_point(|&(k, _)| k < h);
        self.by_key[start..]
            .iter()
            .take_while(|&&(k, _)| k == h)
            .map(|&(_, id)| id)
            .filter(|&id| {
                let forms = &self.entries[id as usize].forms;
                forms.canonical != query.canonical
                    && (forms.version_core().as_deref() == Some(query.squashed.as_str())
                        || forms
                            .affix_cores(self.eco)
                            .contains(&query.squashed.as_str()))
            })
            .min()
            .map(|id| (self.entries[id as usize].listed, id as usize + 1))
    }

    /// Whether `raw` is on the popular list, in any spelling of its canonical form.
    pub fn is_listed(&self, raw: &str) -> bool {
        self.by_canonical
            .contains_key(&Forms::new(raw, self.eco).canonical)
    }

    /// The name that `raw` imitates under the thresholds of `policy`, if any: of the names it
    /// imitates, the one related by the most specific check (the order of [`Check`]), then
    /// the most popular (`python-mysql` imitates `mysql-python` by reordered words rather
    /// than `pymysql` by an affix).
    ///
    /// A listed name is compared only with the names ranked above it. With `rank_blind`, its
    /// own rank is then ignored by the rank rule, as if it were not popular itself.
    pub fn check(&self, raw: &str, rank_blind: bool) -> Option<Hit<'_>> {
        let query = Forms::new(raw, self.eco);
        let own_rank = self
            .by_canonical
            .get(&query.canonical)
            .map(|&id| id as usize + 1);
        let policy_rank = own_rank.filter(|_| !rank_blind);
        let mut ids: Vec<u32> = key_hashes(&query, self.eco, false)
            .into_iter()
            .flat_map(|h| {
                let start = self.by_key.partition_point(|&(k, _)| k < h);
                self.by_key[start..]
                    .iter()
                    .take_while(move |&&(k, _)| k == h)
                    .map(|&(_, id)| id)
            })
            .chain(self.two_edit_candidates(&query))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|id| {
                let entry = &self.entries[id as usize];
                let rank = id as usize + 1;
                if entry.forms.canonical == query.canonical || own_rank.is_some_and(|r| r <= rank) {
                    return None;
                }
                let relation = classify(&query, &entry.forms, self.eco)?;
                policy::counts(relation, policy_rank, rank, self.ranked).then_some(Hit {
                    target: entry.listed,
                    rank,
                    check: relation.check,
                })
            })
            .min_by_key(|hit| (hit.check, hit.rank))
    }
}
