//! `pyproject.toml` and Pipenv's `Pipfile`, parsed as TOML.
//!
//! pyproject: the PEP 508 strings of `project.dependencies`, `project.optional-dependencies`,
//! PEP 735 `dependency-groups` (an `{include-group = ...}` item names a group, not a
//! package) and `build-system.requires`, and the keys of Poetry's
//! `tool.poetry.dependencies`, `tool.poetry.dev-dependencies` and
//! `tool.poetry.group.<group>.dependencies` (less `python`, the interpreter).
//! Pipfile: the keys of `packages`, `dev-packages` and of any other package category.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::requirements::requirement;
use super::toml_lines::{self, key_names, line, table};
use super::Found;
use crate::ecosystem::Ecosystem;

pub(super) fn pyproject(text: &str) -> Result<Found, String> {
    let root = toml_lines::parse(text)?;
    if !["project", "build-system", "tool", "dependency-groups"]
        .iter()
        .any(|k| root.contains_key(*k))
    {
        return Err(
            "not a pyproject.toml: no [project], [build-system], [tool] or [dependency-groups]"
                .into(),
        );
    }
    let mut found = Found::default();
    for path in [
        &["project", "dependencies"][..],
        &["build-system", "requires"],
    ] {
        if let Some(array) = toml_lines::get(&root, path) {
            requirement_array(text, array, &mut found);
        }
    }
    for path in [
        &["project", "optional-dependencies"][..],
        &["dependency-groups"],
    ] {
        for (_, array) in table(&root, path).into_iter().flat_map(|t| t.iter()) {
            requirement_array(text, array, &mut found);
        }
    }
    let poetry = table(&root, &["tool", "poetry"]);
    for key in ["dependencies", "dev-dependencies"] {
        if let Some(deps) = poetry.and_then(|p| table(p, &[key])) {
            key_names(text, deps, &["python"], &mut found);
        }
    }
    for (_, group) in poetry
        .and_then(|p| table(p, &["group"]))
        .into_iter()
        .flat_map(|groups| groups.iter())
    {
        if let Some(deps) = group
            .get_ref()
            .as_table()
            .and_then(|g| table(g, &["dependencies"]))
        {
            key_names(text, deps, &["python"], &mut found);
        }
    }
    Ok(found)
}

/// The names of an array of PEP 508 strings; tables in it (`{include-group = "test"}`) name
/// no package, and anything else is unreadable.
fn requirement_array(text: &str, value: &Spanned<DeValue<'_>>, found: &mut Found) {
    let Some(items) = value.get_ref().as_array() else {
        found.unreadable(line(text, value), &text[value.span()]);
        return;
    };
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => match requirement(s) {
                Some(name) => found.name(Ecosystem::Pypi, &name, line(text, item)),
                None => found.unreadable(line(text, item), s),
            },
            DeValue::Table(_) => {}
            _ => found.unreadable(line(text, item), &text[item.span()]),
        }
    }
}

/// Pipfile sections that hold no packages.
const PIPFILE_NON_PACKAGES: &[&str] = &["source", "requires", "scripts", "pipenv"];

pub(super) fn pipfile(text: &str) -> Result<Found, String> {
    let root = toml_lines::parse(text)?;
    if !["source", "packages", "dev-packages"]
        .iter()
        .any(|k| root.contains_key(*k))
    {
        return Err("not a Pipfile: no [[source]], [packages] or [dev-packages]".into());
    }
    let mut found = Found::default();
    for (key, value) in root.iter() {
        let category: &DeTable<'_> = match value.get_ref().as_table() {
            Some(t) if !PIPFILE_NON_PACKAGES.contains(&key.get_ref().as_ref()) => t,
            _ => continue,
        };
        key_names(text, category, &[], &mut found);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: &Found) -> Vec<(&str, usize)> {
        let mut names: Vec<_> = found.names.iter().map(|(n, l)| (n.as_str(), *l)).collect();
        names.sort_by_key(|(_, l)| *l);
        names
    }

    #[test]
    fn pyproject_tables() {
        let text = r#"[build-system]
requires = ["setuptools>=61"]

[project]
name = "demo"
dependencies = [
    "requests[socks]>=2 ; python_version >= '3.8'",  # comment ]
    'numpy',
    "not a requirement",
]

[project.optional-dependencies]
test = ["pytest>=8"]

[dependency-groups]
dev = ["ruff", { include-group = "test" }]

[tool.poetry.dependencies]
python = "^3.10"
"flask" = { version = "^3" }

[tool.poetry.group.docs.dependencies]
sphinx = "*"
"#;
        let found = pyproject(text).unwrap();
        assert_eq!(
            names(&found),
            [
                ("setuptools", 2),
                ("requests", 7),
                ("numpy", 8),
                ("pytest", 13),
                ("ruff", 16),
                ("flask", 20),
                ("sphinx", 23)
            ]
        );
        assert_eq!(found.unreadable, [(9, "not a requirement".to_string())]);
        assert!(pyproject("[package]\nname = \"x\"\n").is_err());
        assert!(pyproject("not = [toml").is_err());
    }

    #[test]
    fn pipfile_categories() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n\
                    [packages]\nrequests = \"*\"\ndjago = {version = \"*\"}\n\n[dev-packages]\npytest = \"*\"\n\n\
                    [requires]\npython_version = \"3.12\"\n";
        assert_eq!(
            names(&pipfile(text).unwrap()),
            [("requests", 7), ("djago", 8), ("pytest", 11)]
        );
        assert!(pipfile("[tool]\nx = 1\n").is_err());
    }
}
