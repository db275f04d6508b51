//! Collection (`rules/collection/`): taking what the user sees and types (the screen, the
//! clipboard, keystrokes) and packing the whole environment for sending.

pub(super) mod env_serialization;
pub(super) mod user_activity;

use crate::rules::rule;

rule!(CLIPBOARD_ACCESS = "clipboard-access" in "collection" as Collection);
rule!(ENV_SERIALIZATION = "env-serialization" in "collection" as Collection);
rule!(KEYSTROKE_CAPTURE = "keystroke-capture" in "collection" as Collection);
rule!(SCREEN_CAPTURE = "screen-capture" in "collection" as Collection);
