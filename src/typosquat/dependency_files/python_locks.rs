//! Python lockfiles: `poetry.lock` and `uv.lock` (TOML, one `[[package]]` table per locked
//! package, with its `name`) and `Pipfile.lock` (JSON: `_meta`, then one object per package
//! category whose keys are the names).

use serde_json::Value;

use super::json_lines::{json_object, key_lines, line};
use super::toml_lines;
use super::Found;
use crate::ecosystem::Ecosystem;

pub(super) fn poetry_lock(text: &str) -> Result<Found, String> {
    let root = toml_lines::parse(text)?;
    if !root.contains_key("package") && !root.contains_key("metadata") {
        return Err("not a poetry.lock: no [[package]] or [metadata]".into());
    }
    Ok(packages(text, &root, |_| false))
}

/// uv.lock: the project's own packages (`source = { editable = "." }` or `{ virtual = "." }`)
/// are skipped.
pub(super) fn uv_lock(text: &str) -> Result<Found, String> {
    let root = toml_lines::parse(text)?;
    if !root.contains_key("version") || !root.contains_key("package") {
        return Err("not a uv.lock: no version and [[package]]".into());
    }
    Ok(packages(text, &root, |package| {
        toml_lines::table(package, &["source"])
            .is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual"))
    }))
}

/// The `name` of each `[[package]]` table not `skip`ped.
fn packages(
    text: &str,
    root: &toml::de::DeTable<'_>,
    skip: impl Fn(&toml::de::DeTable<'_>) -> bool,
) -> Found {
    let mut found = Found::default();
    let Some(list) = root.get("package") else {
        return found;
    };
    let Some(list) = list.get_ref().as_array() else {
        found.unreadable(
            toml_lines::line(text, list),
            "package is not an array of tables",
        );
        return found;
    };
    for package in list.iter() {
        let Some(table) = package.get_ref().as_table() else {
            found.unreadable(toml_lines::line(text, package), &text[package.span()]);
            continue;
        };
        if skip(table) {
            continue;
        }
        match table.get("name") {
            Some(name) if name.get_ref().as_str().is_some() => found.name(
                Ecosystem::Pypi,
                name.get_ref().as_str().unwrap_or_default(),
                toml_lines::line(text, name),
            ),
            _ => found.unreadable(
                toml_lines::line(text, package),
                "[[package]] without a name",
            ),
        }
    }
    found
}

pub(super) fn pipfile_lock(text: &str) -> Result<Found, String> {
    let json = json_object(text)?;
    if !json.get("_meta").is_some_and(Value::is_object) {
        return Err("not a Pipfile.lock: no _meta object".into());
    }
    let lines = key_lines(text);
    let mut found = Found::default();
    for (category, packages) in json.iter().filter(|(k, _)| *k != "_meta") {
        let Some(packages) = packages.as_object() else {
            continue;
        };
        for name in packages.keys() {
            found.name(Ecosystem::Pypi, name, line(&lines, &[category, name]));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_and_uv_packages() {
        let poetry = "[[package]]\nname = \"certifi\"\nversion = \"2024.2.2\"\n\n[[package]]\n\
                      name = \"reqeusts\"\nversion = \"1.0\"\n\n[metadata]\nlock-version = \"2.0\"\n";
        assert_eq!(
            poetry_lock(poetry).unwrap().names,
            [("certifi".to_string(), 2), ("reqeusts".to_string(), 6)]
        );
        let uv = "version = 1\nrequires-python = \">=3.12\"\n\n[[package]]\nname = \"app\"\n\
                  version = \"0.1.0\"\nsource = { editable = \".\" }\n\n[[package]]\nname = \"idna\"\n\
                  version = \"3.7\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
        assert_eq!(uv_lock(uv).unwrap().names, [("idna".to_string(), 10)]);
        assert!(poetry_lock("[tool]\n").is_err());
        assert!(uv_lock("[[package]]\nname = \"x\"\n").is_err());
    }

    #[test]
    fn pipfile_lock_categories() {
        let text = "{\n  \"_meta\": {\"hash\": {\"sha256\": \"00\"}},\n  \"default\": {\n    \
                    \"requests\": {\"version\": \"==2.31.0\"}\n  },\n  \"develop\": {\n    \
                    \"pytest\": {\"version\": \"==8.0.0\"}\n  }\n}\n";
        let mut names = pipfile_lock(text).unwrap().names;
        names.sort();
        assert_eq!(
            names,
            [("pytest".to_string(), 7), ("requests".to_string(), 4)]
        );
        assert!(pipfile_lock("{\"default\": {}}").is_err());
    }
}
