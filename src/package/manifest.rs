//! Package manifests: PKG-INFO / METADATA (PyPI), package.json (npm), gem metadata YAML.

use serde_json::Value as Json;

/// Name and version from RFC 822-style metadata (PKG-INFO, METADATA).
pub fn pkg_info(text: &str) -> (Option<String>, Option<String>) {
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break; // the body (long description) follows the first blank line
        }
        if let Some(v) = line.strip_prefix("Name:") {
            name.get_or_insert_with(|| v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("Version:") {
            version.get_or_insert_with(|| v.trim().to_string());
        }
    }
    (name, version)
}

/// The project name at the start of a PEP 508 requirement (`Django[argon2]>=4; python_version…`).
pub fn requirement_name(requirement: &str) -> Option<String> {
    let requirement = requirement.trim_start();
    let end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    (end > 0).then(|| requirement[..end].to_string())
}

/// The dependencies a plain `pip install` brings in, from the `Requires-Dist` headers of
/// PKG-INFO / METADATA: (name, line). Requirements that apply only to an extra
/// (`; extra == "dev"`) are left out: the user must ask for them.
pub fn requires_dist(text: &str) -> Vec<(String, u32)> {
    let mut deps = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            break; // the body (long description) follows the first blank line
        }
        let Some(req) = line.strip_prefix("Requires-Dist:") else {
            continue;
        };
        let marker = req.split_once(';').map_or("", |(_, m)| m);
        if marker.contains("extra") {
            continue;
        }
        deps.extend(requirement_name(req).map(|n| (n, i as u32 + 1)));
    }
    deps
}

/// The dependencies a plain `pip install` brings in, from setuptools' `*.egg-info/requires.txt`
/// (one requirement a line; `[extra]` sections follow, `[:marker]` sections only restrict
/// the platform): (name, line).
pub fn requires_txt(text: &str) -> Vec<(String, u32)> {
    let mut deps = Vec::new();
    let mut installed = true;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(section) = line.strip_prefix('[') {
            installed = section.starts_with(':');
        } else if installed {
            deps.extend(requirement_name(line).map(|n| (n, i as u32 + 1)));
        }
    }
    deps
}

/// What pkgwarden needs from a package.json.
#[derive(Debug, Clone, Default)]
pub struct NpmManifest {
    pub name: Option<String>,
    pub version: Option<String>,
    /// Lifecycle and other scripts: (name, command, line in package.json).
    pub scripts: Vec<(String, String, u32)>,
    pub main: Option<String>,
    /// Files installed as commands (`bin`), run when the user types the command.
    pub bin: Vec<String>,
    /// Dependencies installed with the package (`dependencies`, `optionalDependencies`,
    /// `peerDependencies`): (name, version spec, line in package.json).
    pub dependencies: Vec<(String, String, u32)>,
    /// `"gypfile": true`: npm builds `binding.gyp` with node-gyp at install.
    pub gypfile: bool,
}

/// Dependency sections whose entries npm installs along with the package.
const INSTALLED_DEPENDENCIES: &[&str] =
    &["dependencies", "optionalDependencies", "peerDependencies"];

/// npm scripts that run when the package is installed.
pub const INSTALL_SCRIPTS: &[&str] = &[
    "preinstall",
    "install",
    "postinstall",
    "prepare",
    "preprepare",
    "postprepare",
];

pub fn package_json(text: &str) -> Result<NpmManifest, String> {
    let json: Json = serde_json::from_str(text).map_err(|e| format!("package.json: {e}"))?;
    let s = |k: &str| json.get(k).and_then(Json::as_str).map(str::to_string);
    let mut scripts = Vec::new();
    if let Some(map) = json.get("scripts").and_then(Json::as_object) {
        for (k, v) in map {
            if let Some(cmd) = v.as_str() {
                scripts.push((k.clone(), cmd.to_string(), line_of_key(text, k)));
            }
        }
    }
    let bin = match json.get("bin") {
        Some(Json::String(path)) => vec![path.clone()],
        Some(Json::Object(map)) => map
            .values()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    };
    let mut dependencies = Vec::new();
    for section in INSTALLED_DEPENDENCIES {
        if let Some(map) = json.get(*section).and_then(Json::as_object) {
            for (name, spec) in map {
                if let Some(spec) = spec.as_str() {
                    dependencies.push((name.clone(), spec.to_string(), line_of_key(text, name)));
                }
            }
        }
    }
    Ok(NpmManifest {
        name: s("name"),
        version: s("version"),
        scripts,
        main: s("main"),
        bin,
        dependencies,
        gypfile: json.get("gypfile").and_then(Json::as_bool).unwrap_or(false),
    })
}

/// The line of `"key":` in JSON text (1 when not found), for reporting scripts.
fn line_of_key(text: &str, key: &str) -> u32 {
    let needle = format!("\"{key}\"");
    text.lines()
        .position(|l| l.contains(&needle))
        .map(|i| i as u32 + 1)
        .unwrap_or(1)
}

/// What pkgwarden needs from a gem's metadata (YAML, read line by line: the format
/// RubyGems writes is regular enough, and a YAML library would load tagged objects).
#[derive(Debug, Clone, Default)]
pub struct GemSpec {
    pub name: Option<String>,
    pub version: Option<String>,
    pub extensions: Vec<String>,
}

pub fn gem_metadata(text: &str) -> GemSpec {
    let mut spec = GemSpec::default();
    let mut section = "";
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') {
            section = line.split(':').next().unwrap_or("");
            if let Some(v) = line.strip_prefix("name:") {
                spec.name = Some(unquote(v));
            }
            continue;
        }
        match section {
            "version" => {
                if let Some(v) = line.trim().strip_prefix("version:") {
                    spec.version.get_or_insert_with(|| unquote(v));
                }
            }
            "extensions" => {
                if let Some(v) = line.trim().strip_prefix("- ") {
                    spec.extensions.push(unquote(v));
                }
            }
            _ => {}
        }
    }
    spec
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// Name and version guessed from an archive file name (`name-1.2.3.tar.gz`).
pub fn from_file_name(file: &str) -> (String, Option<String>) {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = [
        ".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".whl", ".egg", ".gem", ".tar",
    ]
    .iter()
    .find_map(|e| base.strip_suffix(e))
    .unwrap_or(base);
    // Wheels: name-version-pytag-abitag-platform.
    let stem = if base.ends_with(".whl") {
        stem.splitn(3, '-').take(2).collect::<Vec<_>>().join("-")
    } else {
        stem.to_string()
    };
    match stem
        .char_indices()
        .rfind(|(i, c)| *c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
    {
        Some((i, _)) => (stem[..i].to_string(), Some(stem[i + 1..].to_string())),
        None => (stem, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            from_file_name("a/libpeshnx-0.1.tar.gz"),
            ("libpeshnx".into(), Some("0.1".into()))
        );
        assert_eq!(
            from_file_name("py_x-1.0-py3-none-any.whl"),
            ("py_x".into(), Some("1.0".into()))
        );
        assert_eq!(from_file_name("noversion.zip"), ("noversion".into(), None));
    }

    #[test]
    fn python_requirements() {
        let meta = "Name: x\nRequires-Dist: requests (>=2)\nRequires-Dist: pytest; extra == \"dev\"\nRequires-Dist: colorama; sys_platform == \"win32\"\n\nRequires-Dist: body\n";
        assert_eq!(
            requires_dist(meta),
            vec![("requests".into(), 2), ("colorama".into(), 4)]
        );
        let txt = "seccache\nsqlalchemy>=0.7\n\n[:python_version < \"3.8\"]\nimportlib-metadata\n\n[dev]\npytest\n";
        assert_eq!(
            requires_txt(txt),
            vec![
                ("seccache".into(), 1),
                ("sqlalchemy".into(), 2),
                ("importlib-metadata".into(), 5)
            ]
        );
    }

    #[test]
    fn gem_yaml() {
        let y = "--- !ruby/object:Gem::Specification\nname: evil\nversion: !ruby/object:Gem::Version\n  version: 1.2.3\nextensions:\n- ext/evil/extconf.rb\nfiles: []\n";
        let g = gem_metadata(y);
        assert_eq!(g.name.as_deref(), Some("evil"));
        assert_eq!(g.version.as_deref(), Some("1.2.3"));
        assert_eq!(g.extensions, vec!["ext/evil/extconf.rb".to_string()]);
    }
}
