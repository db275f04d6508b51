//! Install hooks (`rules/install-hook/`): code a package arranges to run when it is
//! installed or imported — setup.py command classes, npm lifecycle scripts, programs
//! started at install time or on import — and the chain of several risky behaviours in
//! such code (`unasked-chain`, reported by `crate::chains`).

pub(super) mod cmdclass_override;
pub(super) mod gem_install_hook;
pub(super) mod import_spawn;
pub(super) mod install_spawn;
pub(super) mod npm_install_script;

use crate::rules::rule;

rule!(CMDCLASS_OVERRIDE = "cmdclass-override" in "install-hook" as InstallHook);
rule!(GEM_INSTALL_HOOK = "gem-install-hook" in "install-hook" as InstallHook);
rule!(IMPORT_SPAWN = "import-spawn" in "install-hook" as InstallHook);
rule!(INSTALL_SPAWN = "install-spawn" in "install-hook" as InstallHook);
rule!(NPM_INSTALL_SCRIPT = "npm-install-script" in "install-hook" as InstallHook);
rule!(UNASKED_CHAIN = "unasked-chain" in "install-hook" as InstallHook);
