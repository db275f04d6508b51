//! TOML dependency files parsed with the `toml` crate's span-keeping document parser, so a name
//! read from a key or a string keeps its line.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{line_of, Found};
use crate::ecosystem::Ecosystem;

/// The document's top table; an error naming the first syntax error for text that is not TOML.
pub(super) fn parse(text: &str) -> Result<DeTable<'_>, String> {
    DeTable::parse(text).map(Spanned::into_inner).map_err(|e| {
        let at = line_of(text, e.span().map_or(0, |span| span.start));
        format!("not valid TOML (line {at}): {}", e.message())
    })
}

/// The value at a dotted path of keys under `table`.
pub(super) fn get<'a, 'i>(
    table: &'a DeTable<'i>,
    path: &[&str],
) -> Option<&'a Spanned<DeValue<'i>>> {
    let (first, rest) = path.split_first()?;
    let value = table.get(*first)?;
    if rest.is_empty() {
        return Some(value);
    }
    get(value.get_ref().as_table()?, rest)
}

/// The table at `path`, if there is one.
pub(super) fn table<'a, 'i>(root: &'a DeTable<'i>, path: &[&str]) -> Option<&'a DeTable<'i>> {
    get(root, path)?.get_ref().as_table()
}

/// The line where `value` starts.
pub(super) fn line<T>(text: &str, value: &Spanned<T>) -> usize {
    line_of(text, value.span().start)
}

/// Each key of `table` as a package name (Poetry's and Pipenv's dependency tables), except
/// those in `skip`.
pub(super) fn key_names(text: &str, table: &DeTable<'_>, skip: &[&str], found: &mut Found) {
    for (key, _) in table.iter() {
        if !skip.contains(&key.get_ref().as_ref()) {
            found.name(Ecosystem::Pypi, key.get_ref(), line(text, key));
        }
    }
}
