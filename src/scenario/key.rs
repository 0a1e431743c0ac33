//! Scenario keys as TOML dotted keys: `pathways."my.path".base_exit_rate` has three parts, not
//! four. One parser for `--set`, sweep axes, calibration free parameters and `calibrate --update`,
//! so that a quoted part holding a `.` means the same key everywhere.

use super::load::escape_controls;

/// The parts of a dotted key as TOML reads it: `policy.salary.base` → `policy`, `salary`,
/// `base`; `pathways."my.path".kind` → `pathways`, `my.path`, `kind`. Each part is a bare word
/// (letters, digits, `_`, `-`) or a quoted string; spaces are allowed around the dots only.
pub fn key_parts(key: &str) -> Result<Vec<String>, String> {
    let bare = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let blank = |c: char| c == ' ' || c == '\t';
    let mut parts = Vec::new();
    let mut rest = key.trim_matches(blank);
    if rest.is_empty() {
        return Err("the key is empty".into());
    }
    loop {
        let part_len = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut escaped = false;
                let end = rest.char_indices().skip(1).find(|&(_, c)| {
                    let closes = c == q && !escaped;
                    escaped = q == '"' && c == '\\' && !escaped;
                    closes
                });
                match end {
                    Some((i, _)) => i + 1,
                    None => {
                        return Err(format!(
                            "the quote opened at `{}` is not closed",
                            escape_controls(rest)
                        ));
                    }
                }
            }
            _ => rest.find(|c: char| !bare(c)).unwrap_or(rest.len()),
        };
        if part_len == 0 {
            return Err(match rest.chars().next() {
                Some('.') | None => "a part of the key is empty".into(),
                Some(c) => format!(
                    "`{}` cannot be written unquoted in a key",
                    c.escape_default()
                ),
            });
        }
        let (part, after) = rest.split_at(part_len);
        parts.push(if part.starts_with(['"', '\'']) {
            // The quoted part, unescaped by the TOML reader itself.
            toml::from_str::<toml::Table>(&format!("k = {part}"))
                .ok()
                .and_then(|t| t.get("k").and_then(|v| v.as_str().map(String::from)))
                .ok_or_else(|| {
                    format!(
                        "the quoted part {} is not a TOML string (a key holds no newline or control character unescaped)",
                        escape_controls(part)
                    )
                })?
        } else {
            part.to_string()
        });
        let after = after.trim_start_matches(blank);
        match after.strip_prefix('.') {
            Some(next) => rest = next.trim_start_matches(blank),
            None if after.is_empty() => return Ok(parts),
            None => {
                let c = after.chars().next().expect("not empty");
                return Err(format!(
                    "`{}` after `{}` is neither a `.` nor the end of the key",
                    c.escape_default(),
                    escape_controls(part)
                ));
            }
        }
    }
}

/// A dotted key written as TOML from its parts: bare where a part allows, quoted and escaped
/// where it does not. [`key_parts`] reads it back to the same parts.
pub fn key_text(parts: &[String]) -> String {
    let bare = |p: &String| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let quoted = |p: &String| {
        let mut q = String::from("\"");
        for c in p.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                c if c.is_control() => q.push_str(&format!("\\u{:04X}", c as u32)),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    };
    parts
        .iter()
        .map(|p| if bare(p) { p.clone() } else { quoted(p) })
        .collect::<Vec<_>>()
        .join(".")
}
