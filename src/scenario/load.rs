//! Reading scenario files: TOML parsing with positions, `base =` inheritance (chains allowed,
//! cycles refused), `--set` overrides, and typo suggestions for unknown keys.

use super::error::{Location, ScenarioError};
use super::layer::{Layer, SourceId};
use super::raw::RawScenario;
use std::path::{Path, PathBuf};

/// One source of scenario values: a file or a command-line override.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// All sources read for a scenario, in the order they were read.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub list: Vec<Source>,
}

impl Sources {
    /// Location (file, line, column) of a byte offset in a source.
    pub fn locate(&self, source: SourceId, offset: usize) -> Location {
        let s = &self.list[source];
        // Never slice inside a character: a span that does not fit this text (a bug elsewhere)
        // must still give a location, not a panic.
        let mut end = offset.min(s.text.len());
        while !s.text.is_char_boundary(end) {
            end -= 1;
        }
        let upto = &s.text[..end];
        let line = (upto.matches('\n').count() + 1) as u32;
        let column = upto
            .rsplit('\n')
            .next()
            .map(|l| (l.chars().count() + 1) as u32);
        Location {
            file: s.path.clone(),
            line: Some(line),
            column,
        }
    }
    fn push(&mut self, path: PathBuf, text: String) -> SourceId {
        self.list.push(Source { path, text });
        self.list.len() - 1
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(2))
        .map(|(_, c)| c.to_string())
}

/// serde reports unknown keys as "unknown field `x`, expected one of `a`, `b`"; pull out the
/// key and the allowed names so that the message can offer the closest one.
fn unknown_field_suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let candidates: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    suggest(field, candidates)
}

/// Parse one source into a layer tagged with its id, with positions on every error.
fn parse_layer(sources: &Sources, id: SourceId) -> Result<RawScenario, ScenarioError> {
    parse_source(sources, id)
}

/// Read one TOML file of any zhagen kind (e.g. a sweep file) into its raw layer, with the same
/// located errors and typo suggestions as scenario files.
pub fn parse_file<T: serde::de::DeserializeOwned + Layer>(
    path: &Path,
) -> Result<(T, Sources), ScenarioError> {
    let mut sources = Sources::default();
    let text = read(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let id = sources.push(path.to_path_buf(), text);
    let raw = parse_source(&sources, id)?;
    Ok((raw, sources))
}

fn parse_source<T: serde::de::DeserializeOwned + Layer>(
    sources: &Sources,
    id: SourceId,
) -> Result<T, ScenarioError> {
    let text = &sources.list[id].text;
    match toml::from_str::<T>(text) {
        Ok(mut raw) => {
            raw.tag(id);
            Ok(raw)
        }
        Err(e) => {
            // serde's type names mean nothing to an analyst.
            let message = e
                .message()
                .trim()
                .replace("expected i64", "expected a whole number")
                .replace("expected f64", "expected a number")
                .replace("expected a boolean", "expected true or false")
                .replace(" as i128", "");
            // Name the key the error is about when serde's message does not.
            let message = match e.span().and_then(|sp| key_at(text, sp.start)) {
                Some(k) if !message.contains(&k) && !message.starts_with("unknown field") => {
                    format!("key `{k}`: {message}")
                }
                _ => message,
            };
            let at = match e.span() {
                Some(span) => sources.locate(id, span.start),
                None => Location {
                    file: sources.list[id].path.clone(),
                    line: None,
                    column: None,
                },
            };
            let suggestion = unknown_field_suggestion(&message);
            Err(ScenarioError::Syntax {
                at,
                message,
                suggestion,
            })
        }
    }
}

/// The dotted key written on the line holding byte `offset`: the `[table]` header above it
/// and the key left of `=` (None when the line assigns nothing).
fn key_at(text: &str, offset: usize) -> Option<String> {
    // `get` rather than indexing: an offset inside a multi-byte character gives None, not a panic.
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let line = text.get(line_start..line_end)?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('#') || key.starts_with('[') {
        return None;
    }
    let header = text
        .get(..line_start)?
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    Some(match header {
        Some(h) if !h.is_empty() => format!("{h}.{key}"),
        _ => key.to_string(),
    })
}

fn read(path: &Path) -> Result<String, std::io::Error> {
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the file is not UTF-8 text (a scenario file must be TOML text)",
        )
    })
}

/// Read `path` and every file it inherits from; return the merged layers and the sources.
/// `overrides` are `dotted.key=value` strings applied last, each as its own layer.
pub fn load_layers(
    path: &Path,
    overrides: &[String],
) -> Result<(RawScenario, Sources), ScenarioError> {
    let mut sources = Sources::default();
    let text = read(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut chain: Vec<PathBuf> = vec![canonical(path)];
    let id = sources.push(path.to_path_buf(), text);
    let mut layers = vec![parse_layer(&sources, id)?];

    // Walk `base =` links from the leaf to the root.
    loop {
        let current = layers.last().expect("at least the leaf layer");
        let Some(base) = current.base.clone() else {
            break;
        };
        let from = sources.list[base.source].path.clone();
        let at = sources.locate(base.source, base.span.start);
        let base_path = from
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&base.value);
        let canon = canonical(&base_path);
        if let Some(pos) = chain.iter().position(|p| *p == canon) {
            let names: Vec<String> = chain[pos..]
                .iter()
                .chain(std::iter::once(&canon))
                .map(|p| p.display().to_string())
                .collect();
            return Err(ScenarioError::BaseCycle {
                at,
                chain: names.join(" → "),
            });
        }
        let text = read(&base_path).map_err(|source| ScenarioError::BaseMissing {
            at,
            base: base_path.clone(),
            source,
        })?;
        chain.push(canon);
        let id = sources.push(base_path, text);
        layers.push(parse_layer(&sources, id)?);
    }

    // Overlay from the root down so that nearer files win.
    let mut merged = layers.pop().expect("root layer");
    while let Some(layer) = layers.pop() {
        merged.overlay(layer);
    }
    for o in overrides {
        let id = sources.push(PathBuf::from(format!("--set {o}")), override_text(o));
        let layer = parse_layer(&sources, id)?;
        if layer.base.is_some() {
            return Err(ScenarioError::Invalid {
                at: sources.locate(id, 0),
                key: "base".into(),
                value: o.clone(),
                allowed: "`base` cannot be overridden with --set".into(),
            });
        }
        merged.overlay(layer);
    }
    merged.base = None;
    Ok((merged, sources))
}

/// `a.b.c=value` → the TOML line `a.b.c = value`; a bare word is taken as a string.
fn override_text(o: &str) -> String {
    let (key, value) = o.split_once('=').unwrap_or((o, ""));
    let (key, value) = (key.trim(), value.trim());
    let candidate = format!("{key} = {value}\n");
    if toml::from_str::<toml::Table>(&candidate).is_ok() {
        candidate
    } else {
        format!("{key} = {}\n", toml::Value::String(value.to_string()))
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_near_misses_only() {
        assert_eq!(
            suggest("obligaton_years", ["obligation_years", "residency_counts"]),
            Some("obligation_years".into())
        );
        assert_eq!(suggest("zzz", ["obligation_years"]), None);
    }

    #[test]
    fn unknown_field_message_yields_the_closest_key() {
        let m = "unknown field `replicatons`, expected one of `seed`, `start_year`, `replications`";
        assert_eq!(unknown_field_suggestion(m), Some("replications".into()));
    }

    #[test]
    fn overrides_accept_numbers_and_bare_words() {
        assert_eq!(override_text("a.b=3"), "a.b = 3\n");
        assert_eq!(override_text("a.b=county"), "a.b = \"county\"\n");
    }
}
