//! Obfuscation (`rules/obfuscation/`): code written to be unreadable (packers, encoded
//! blobs that are run), and code that could not be analysed fully, which hides from a
//! scanner just as well.

pub(super) mod hidden_api_call;
pub(super) mod obfuscated_code;
pub(super) mod unanalysed_code;

use crate::rules::rule;

rule!(HIDDEN_API_CALL = "hidden-api-call" in "obfuscation" as Obfuscation);
rule!(OBFUSCATED_CODE = "obfuscated-code" in "obfuscation" as Obfuscation);
rule!(UNANALYSED_CODE = "unanalysed-code" in "obfuscation" as Obfuscation);
