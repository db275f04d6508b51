//! npm's `package.json` and `package-lock.json` / `npm-shrinkwrap.json`, parsed with
//! serde_json; lines come from [`json_lines`](super::json_lines).

use serde_json::{Map, Value};

use super::json_lines::{json_object, key_lines, line};
use super::Found;
use crate::ecosystem::Ecosystem;

/// The dependency maps of a `package.json` whose packages npm installs.
const SECTIONS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

/// The keys of the dependency maps; for an `npm:` alias (`"my-lodash": "npm:lodash@^4"`) the
/// package the alias installs, since that is the name fetched from the registry.
pub(super) fn package_json(text: &str) -> Result<Found, String> {
    let json = json_object(text)?;
    let lines = key_lines(text);
    let mut found = Found::default();
    for section in SECTIONS {
        match json.get(section) {
            None => {}
            Some(Value::Object(deps)) => {
                for (key, spec) in deps {
                    let name = spec.as_str().and_then(alias_target).unwrap_or(key);
                    found.name(Ecosystem::Npm, name, line(&lines, &[section, key]));
                }
            }
            Some(other) => {
                found.unreadable(line(&lines, &[section]), &format!("{section}: {other}"))
            }
        }
    }
    Ok(found)
}

/// The package an `npm:name@range` spec installs.
fn alias_target(spec: &str) -> Option<&str> {
    let target = spec.strip_prefix("npm:")?;
    let end = target.rfind('@').filter(|&i| i > 0).unwrap_or(target.len());
    Some(&target[..end])
}

/// The packages of a lockfile: the `packages` keys of lockfile v2 and v3
/// (`node_modules/a/node_modules/@s/b` installs `@s/b`; an entry's own `name` wins, as for an
/// alias), or else the v1 `dependencies` tree, nested entries included. Workspace folders and
/// links are the project's own code and are skipped.
pub(super) fn package_lock(text: &str) -> Result<Found, String> {
    let json = json_object(text)?;
    if !["lockfileVersion", "packages", "dependencies"]
        .iter()
        .any(|k| json.contains_key(*k))
    {
        return Err("not an npm lockfile: no lockfileVersion, packages or dependencies".into());
    }
    let lines = key_lines(text);
    let mut found = Found::default();
    if let Some(packages) = json.get("packages") {
        let Some(packages) = packages.as_object() else {
            return Err("not an npm lockfile: packages is not an object".into());
        };
        for (key, entry) in packages {
            let Some((_, installed)) = key.rsplit_once("node_modules/") else {
                continue; // the root ("") or a workspace folder
            };
            if entry.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(installed);
            found.name(Ecosystem::Npm, name, line(&lines, &["packages", key]));
        }
    } else if let Some(deps) = json.get("dependencies").and_then(Value::as_object) {
        v1_tree(
            deps,
            &mut vec!["dependencies".to_string()],
            &lines,
            &mut found,
        );
    }
    Ok(found)
}

/// One level of a v1 `dependencies` tree, then each entry's own `dependencies`.
fn v1_tree(
    deps: &Map<String, Value>,
    path: &mut Vec<String>,
    lines: &std::collections::HashMap<Vec<String>, usize>,
    found: &mut Found,
) {
    for (key, entry) in deps {
        path.push(key.clone());
        let at = lines.get(path.as_slice()).copied().unwrap_or(1);
        let version = entry.get("version").and_then(Value::as_str);
        let name = version.and_then(alias_target).unwrap_or(key);
        found.name(Ecosystem::Npm, name, at);
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            path.push("dependencies".to_string());
            v1_tree(nested, path, lines, found);
            path.pop();
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in line order (serde_json's maps are sorted by key).
    fn names(found: Found) -> Vec<(String, usize)> {
        let mut names = found.names;
        names.sort_by_key(|(_, line)| *line);
        names
    }

    #[test]
    fn package_json_sections_and_aliases() {
        let text = "{\n  \"name\": \"app\",\n  \"dependencies\": {\n    \"lodash\": \"^4\",\n    \
                    \"@babel/core\": \"7\"\n  },\n  \"devDependencies\": {\n    \
                    \"my-chalk\": \"npm:chalk@^5\",\n    \"@s/x\": \"npm:@s/y@1\"\n  }\n}\n";
        assert_eq!(
            names(package_json(text).unwrap()),
            [
                ("lodash".to_string(), 4),
                ("@babel/core".to_string(), 5),
                ("chalk".to_string(), 8),
                ("@s/y".to_string(), 9),
            ]
        );
        assert!(package_json("{").is_err());
        assert!(package_json("[1]").is_err());
    }

    #[test]
    fn lockfile_v1_tree() {
        let text = r#"{
  "lockfileVersion": 1,
  "dependencies": {
    "a": {
      "version": "1.0.0",
      "dependencies": {
        "@s/b": { "version": "2.0.0" }
      }
    },
    "alias": { "version": "npm:real@1.0.0" }
  }
}"#;
        assert_eq!(
            names(package_lock(text).unwrap()),
            [
                ("a".to_string(), 4),
                ("@s/b".to_string(), 7),
                ("real".to_string(), 10)
            ]
        );
        assert!(package_lock(r#"{"name": "x"}"#).is_err());
    }
}
