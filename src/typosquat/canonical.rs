//! The forms a package name is compared in: the registry's canonical spelling, the same without
//! separators, its words, and its npm scope.

use crate::ecosystem::Ecosystem;

/// Characters that registries use between the words of a name.
pub(crate) fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// The name as the registry compares it.
///
/// PyPI follows PEP 503: lowercase, and every run of `-`, `_` and `.` becomes one `-`.
/// npm and RubyGems keep their separators apart (`lodash.merge` and `lodash-merge` are two
/// packages) and are compared in lowercase; an npm scope stays part of the name (`@scope/name`).
pub fn canonical(name: &str, eco: Ecosystem) -> String {
    let name = name.trim();
    match eco {
        Ecosystem::Pypi => {
            let mut out = String::with_capacity(name.len());
            let mut in_run = false;
            for c in name.chars() {
                if is_separator(c) {
                    if !in_run {
                        out.push('-');
                    }
                    in_run = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_run = false;
                }
            }
            out
        }
        Ecosystem::Npm | Ecosystem::Rubygems | Ecosystem::Unknown => name.to_lowercase(),
    }
}

/// The name with every separator removed: `python-dateutil` and `pythondateutil` share it.
pub(crate) fn squash(name: &str) -> String {
    name.chars().filter(|&c| !is_separator(c)).collect()
}

/// The words of a name, split at separators; empty pieces are dropped.
pub(crate) fn words(name: &str) -> Vec<&str> {
    name.split(is_separator).filter(|w| !w.is_empty()).collect()
}

/// Splits an npm name into its scope (without `@`) and the name after the slash; `None` for an
/// unscoped name.
pub(crate) fn split_scope(name: &str) -> Option<(&str, &str)> {
    name.strip_prefix('@')?.split_once('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_follows_pep_503() {
        assert_eq!(
            canonical("Python__Dateutil", Ecosystem::Pypi),
            "python-dateutil"
        );
        assert_eq!(
            canonical("zope.interface", Ecosystem::Pypi),
            "zope-interface"
        );
        assert_eq!(canonical("a-_.b", Ecosystem::Pypi), "a-b");
    }

    #[test]
    fn npm_keeps_separators_and_scope() {
        assert_eq!(canonical("@Babel/Core", Ecosystem::Npm), "@babel/core");
        assert_eq!(canonical("lodash.merge", Ecosystem::Npm), "lodash.merge");
        assert_eq!(split_scope("@babel/core"), Some(("babel", "core")));
        assert_eq!(split_scope("core"), None);
    }

    #[test]
    fn squash_and_words() {
        assert_eq!(squash("python-date_util"), "pythondateutil");
        assert_eq!(words("dateutil--python"), ["dateutil", "python"]);
    }
}
