//! JSON dependency files: the top object, parsed by serde_json, and the line of each object
//! key. serde_json keeps no positions; a scanner run on text serde_json has already accepted
//! walks the same text and notes where every key starts, so a name read from a key keeps its
//! line.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// The top object of a JSON file; an error for text that is not JSON or not an object.
pub(super) fn json_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("not a JSON object".to_string()),
        Err(e) => Err(format!("not valid JSON: {e}")),
    }
}

/// An open object (with the key whose value is being read) or array.
enum Open {
    Object(Option<String>),
    Array,
}

/// Each key's line, by its path of keys from the top object (an array on the way counts as the
/// key `[]`). A path seen twice keeps its first line.
pub(super) fn key_lines(text: &str) -> HashMap<Vec<String>, usize> {
    let bytes = text.as_bytes();
    let mut lines = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut expect_key = false;
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'{' => {
                stack.push(Open::Object(None));
                expect_key = true;
            }
            b'[' => {
                stack.push(Open::Array);
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => expect_key = matches!(stack.last(), Some(Open::Object(_))),
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    let key: String = serde_json::from_str(&text[start..=i.min(text.len() - 1)])
                        .unwrap_or_default();
                    let mut path: Vec<String> = stack
                        .iter()
                        .map(|open| match open {
                            Open::Object(key) => key.clone().unwrap_or_default(),
                            Open::Array => "[]".to_string(),
                        })
                        .collect();
                    path.pop();
                    path.push(key.clone());
                    lines.entry(path).or_insert(line);
                    if let Some(Open::Object(current)) = stack.last_mut() {
                        *current = Some(key);
                    }
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    lines
}

/// The line of the key at `path`, or 1 when the scanner did not see it.
pub(super) fn line(lines: &HashMap<Vec<String>, usize>, path: &[&str]) -> usize {
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    lines.get(&path).copied().unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_keys_and_arrays() {
        let text =
            "{\n  \"a\": {\n    \"b\": 1,\n    \"c\\\"d\": [ {\"e\": 2} ]\n  },\n  \"f\": \"}\"\n}";
        let lines = key_lines(text);
        assert_eq!(line(&lines, &["a"]), 1 + 1);
        assert_eq!(line(&lines, &["a", "b"]), 3);
        assert_eq!(line(&lines, &["a", "c\"d"]), 4);
        assert_eq!(line(&lines, &["a", "c\"d", "[]", "e"]), 4);
        assert_eq!(line(&lines, &["f"]), 6);
    }
}
