//! Reading scenario files: TOML parsing with positions, `base =` inheritance (chains allowed,
//! cycles refused), `--set` overrides, and typo suggestions for unknown keys.

use super::error::{Location, ScenarioError, Via};
pub use super::key::{key_parts, key_text};
use super::layer::{Layer, SourceId};
use super::raw::RawScenario;
use std::path::{Path, PathBuf};

/// One source of scenario values: a file or a command-line override.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file, or how the override was written (`--set KEY=VALUE`, `--seed 7`).
    pub path: PathBuf,
    pub text: String,
    pub origin: Origin,
    /// For a base file, the `base =` lines that lead to it, nearest first (see
    /// [`Location::via`]); empty for the file the user gave and for overrides.
    pub via: Via,
}

/// What a [`Source`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A file read.
    File,
    /// `--set KEY=VALUE`.
    Set,
    /// A flag that sets one key ([`Override::flag`]): located by the flag alone, since the
    /// line and column of the text made from it are nothing the user wrote.
    Flag,
}

/// A value set over a scenario's files: `--set KEY=VALUE`, or a flag such as `--replications
/// 20` that sets one key. Errors name it as the user wrote it, so that `--replications 0` is
/// reported as `--replications 0`, not as a `--set` the user never typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// `KEY=VALUE`, as `--set` takes it.
    pub set: String,
    /// What the user wrote instead, when it was not `--set`.
    pub shown_as: Option<String>,
}

impl Override {
    /// `--set KEY=VALUE`.
    pub fn set(key_value: impl Into<String>) -> Override {
        Override {
            set: key_value.into(),
            shown_as: None,
        }
    }

    /// `key` set to `value` by a flag: shown as `--seed 7`. It is not a file, and not listed
    /// among the files a scenario was read from.
    pub fn flag(flag: &str, key: &str, value: impl std::fmt::Display) -> Override {
        Override::shown_as(format!("{flag} {value}"), key, value)
    }

    /// `key` set to `value` by what the user wrote as `shown` (a line of a sweep file, a
    /// setting that the command applies to every scenario); like a flag, not a file.
    pub fn shown_as(
        shown: impl Into<String>,
        key: &str,
        value: impl std::fmt::Display,
    ) -> Override {
        Override {
            set: format!("{key}={value}"),
            shown_as: Some(shown.into()),
        }
    }
}

impl From<&str> for Override {
    fn from(key_value: &str) -> Override {
        Override::set(key_value)
    }
}

impl From<String> for Override {
    fn from(key_value: String) -> Override {
        Override::set(key_value)
    }
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
        if s.origin == Origin::Flag {
            return self.whole(source);
        }
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
            via: s.via.clone(),
        }
    }
    /// The whole of a source, for an error with no position.
    pub fn whole(&self, source: SourceId) -> Location {
        let s = &self.list[source];
        Location {
            via: s.via.clone(),
            ..Location::file(s.path.clone())
        }
    }
    fn push(&mut self, path: PathBuf, text: String, via: Vec<Location>) -> SourceId {
        self.add(Source {
            path,
            text,
            origin: Origin::File,
            via: via.into(),
        })
    }
    fn add(&mut self, source: Source) -> SourceId {
        self.list.push(source);
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

/// Where a file was refused for an unknown key at its top level (not inside a table, where
/// the same word may mean something else), the key, and the file's top-level table: a file of
/// one kind given where the other is read shows itself so, and the table tells which kind.
pub(crate) fn unknown_top_level_key(
    e: &ScenarioError,
    sources: &Sources,
    id: SourceId,
) -> Option<(Location, String, toml::Table)> {
    let ScenarioError::Syntax { at, message, .. } = e else {
        return None;
    };
    let (key, _) = message.strip_prefix("unknown field `")?.split_once('`')?;
    let top = toml::from_str::<toml::Table>(&sources.list[id].text).ok()?;
    top.contains_key(key)
        .then(|| (at.clone(), key.to_string(), top))
}

/// The top-level keys of a sweep file that no scenario has.
const SWEEP_KEYS: [&str; 2] = ["axis", "design"];

/// A file read as a scenario that fails on a key only sweep files have is a sweep file: say
/// so, rather than "unknown field `axis`" and the list of scenario keys.
fn sweep_given(e: ScenarioError, sources: &Sources, id: SourceId) -> ScenarioError {
    let Some((at, _, top)) = unknown_top_level_key(&e, sources, id) else {
        return e;
    };
    match SWEEP_KEYS.iter().find(|k| top.contains_key(**k)) {
        Some(key) => {
            let source = &sources.list[id];
            ScenarioError::WrongKind {
                what: format!(
                    "this is a sweep file (it has `{}`), not a scenario",
                    if *key == "axis" { "[[axis]]" } else { key }
                ),
                // The file the user gave is run as a sweep; a base must be a scenario.
                fix: if source.via.is_empty() {
                    format!("use `zhagen sweep {}`", source.path.display())
                } else {
                    "a `base` names a scenario file".into()
                },
                at,
            }
        }
        None => e,
    }
}

/// Parse one source into a layer tagged with its id, with positions on every error.
pub(crate) fn parse_layer(sources: &Sources, id: SourceId) -> Result<RawScenario, ScenarioError> {
    parse_source(sources, id)
}

/// Read one TOML file of any zhagen kind (e.g. a sweep file) into its raw layer, with the same
/// located errors and typo suggestions as scenario files.
pub fn parse_file<T: serde::de::DeserializeOwned + Layer>(
    path: &Path,
) -> Result<(T, Sources), ScenarioError> {
    let sources = read_file(path)?;
    let raw = parse_source(&sources, 0)?;
    Ok((raw, sources))
}

/// Read one file as the only source (id 0), to be parsed with [`parse_source`].
pub(crate) fn read_file(path: &Path) -> Result<Sources, ScenarioError> {
    let mut sources = Sources::default();
    let text = read(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    sources.push(path.to_path_buf(), text, Vec::new());
    Ok(sources)
}

/// Parse one source into a raw layer of any kind, with positions on every error.
pub(crate) fn parse_source<T: serde::de::DeserializeOwned + Layer>(
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
                None => sources.whole(id),
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

/// The largest file the loaders read: 1 MiB, fifty times the commented baseline. A scenario
/// or sweep file is a page or two of TOML; anything bigger is a mistake (a data file named by
/// accident), and reading it whole would only eat memory before failing to parse.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// What the loaders accept, for the messages that refuse something else.
const ALLOWED_FILES: &str = "scenario and sweep files must be regular TOML files of at most 1 MiB";

/// Read a scenario or sweep file as UTF-8 text. Only regular files of at most
/// [`MAX_FILE_BYTES`] are read: a directory, a FIFO (whose read would block), a device such as
/// `/dev/zero` (whose read never ends) or a huge file is refused before any of it is read.
fn read(path: &Path) -> Result<String, std::io::Error> {
    use std::io::{Error, ErrorKind, Read};
    let refuse =
        |why: String| Error::new(ErrorKind::InvalidInput, format!("{why}; {ALLOWED_FILES}"));
    let check = |meta: &std::fs::Metadata| -> Result<(), Error> {
        if !meta.is_file() {
            return Err(refuse(format!(
                "it is {}, not a regular file",
                file_kind(&meta.file_type())
            )));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(refuse(format!("it is {} bytes long", meta.len())));
        }
        Ok(())
    };
    // Checked before opening (opening a FIFO blocks until someone writes to it) and again on
    // the file opened, in case the path was swapped in between.
    check(&std::fs::metadata(path)?)?;
    let file = std::fs::File::open(path)?;
    check(&file.metadata()?)?;
    // A file that grows while it is read (or reports a false size) still stops at the limit.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "it is more than {MAX_FILE_BYTES} bytes long"
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::new(
            ErrorKind::InvalidData,
            "the file is not UTF-8 text (a scenario file must be TOML text)",
        )
    })
}

/// A file type in words, for the message that refuses it.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Read `path` and every file it inherits from; return the merged layers and the sources.
/// `overrides` are applied last, each as its own layer. `name` is the leaf file's (or an
/// override's), never a base file's. `via` is where `path` was named, when another file names
/// it (a sweep's `base =`); errors in the chain then show that line too.
pub fn load_layers(
    path: &Path,
    overrides: &[Override],
    via: Vec<Location>,
) -> Result<(RawScenario, Sources), ScenarioError> {
    let mut sources = Sources::default();
    let text = read(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut chain: Vec<PathBuf> = vec![canonical(path)];
    let id = sources.push(path.to_path_buf(), text, via);
    let mut layers = vec![parse_layer(&sources, id).map_err(|e| sweep_given(e, &sources, id))?];

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
        let text = match read(&base_path) {
            Ok(text) => text,
            Err(source) => {
                return Err(ScenarioError::BaseMissing {
                    at,
                    base: base_path,
                    source,
                });
            }
        };
        chain.push(canon);
        // The base is reached through this `base =` line and whatever led to its file.
        let mut via = vec![Location {
            via: Via::default(),
            ..at.clone()
        }];
        via.extend_from_slice(&at.via);
        let id = sources.push(base_path, text, via);
        layers.push(parse_layer(&sources, id).map_err(|e| sweep_given(e, &sources, id))?);
    }

    // The name is not inherited: a policy file over the baseline is its own scenario. It is
    // the leaf file's, or what `--set name=…` makes it.
    let leaf_name = layers[0].name.clone();
    // Overlay from the root down so that nearer files win.
    let mut merged = layers.pop().expect("root layer");
    while let Some(layer) = layers.pop() {
        merged.overlay(layer);
    }
    merged.name = leaf_name;
    for Override { set: o, shown_as } in overrides {
        // A value may hold a newline (a sweep over a text value): the source's name is shown
        // on one line.
        let (name, origin) = match shown_as {
            Some(shown) => (escape_controls(shown), Origin::Flag),
            None => (format!("--set {}", escape_controls(o)), Origin::Set),
        };
        let (text, problem) = match override_text(o) {
            Ok(text) => (text, None),
            Err(problem) => (o.clone(), Some(problem)),
        };
        let id = sources.add(Source {
            path: PathBuf::from(name),
            text,
            origin,
            via: Via::default(),
        });
        if let Some(OverrideProblem {
            key,
            value,
            allowed,
        }) = problem
        {
            return Err(ScenarioError::Invalid {
                at: sources.locate(id, 0),
                key,
                value,
                allowed,
            });
        }
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

/// `text` with its control characters but tab (newlines, carriage returns) escaped, for a
/// name shown on one line.
pub fn escape_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Why a `--set` override cannot be read.
#[derive(Debug, Clone, PartialEq)]
struct OverrideProblem {
    key: String,
    value: String,
    allowed: String,
}

/// What a `--set` key may be.
const ALLOWED_KEY: &str = "a dotted scenario key, e.g. policy.contract.obligation_years; \
    a part holding anything but letters, digits, `_` and `-` is quoted, \
    e.g. pathways.\"my.pathway\".base_exit_rate";

/// `a.b.c=value` → the TOML line `a.b.c = value`. The key is read as a TOML dotted key (quoted
/// parts may hold `.`, `=` or quotes) and written back in its plain form; the value is taken as
/// written when it is one TOML value, and as a string otherwise (`county`, `my scenario`), so
/// that an override sets exactly one key, never a second one smuggled in after a newline.
fn override_text(o: &str) -> Result<String, OverrideProblem> {
    let (key, value) = split_override(o).map_err(|why| OverrideProblem {
        key: escape_controls(o.trim()),
        value: "(none)".into(),
        allowed: format!(
            "{why}; an override is written KEY=VALUE, e.g. --set policy.contract.obligation_years=8"
        ),
    })?;
    let parts = key_parts(key).map_err(|why| OverrideProblem {
        key: escape_controls(key.trim()),
        value: escape_controls(value.trim()),
        allowed: format!("{why}; {ALLOWED_KEY}"),
    })?;
    let key = key_text(&parts);
    let value = value.trim();
    let one_value =
        toml::from_str::<toml::Table>(&format!("v = {value}\n")).is_ok_and(|t| t.len() == 1);
    Ok(if one_value {
        format!("{key} = {value}\n")
    } else {
        format!("{key} = {}\n", toml::Value::String(value.to_string()))
    })
}

/// Split `KEY=VALUE` at the first `=` that is not inside a quoted part of the key.
fn split_override(o: &str) -> Result<(&str, &str), &'static str> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in o.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '=' => return Ok((&o[..i], &o[i + 1..])),
            None => {}
        }
    }
    Err(if quote.is_some() {
        "a quote in the key is not closed"
    } else {
        "there is no `=`"
    })
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
        assert_eq!(override_text("a.b=3").unwrap(), "a.b = 3\n");
        assert_eq!(override_text("a.b=county").unwrap(), "a.b = \"county\"\n");
    }

    #[test]
    fn an_override_sets_one_key_whatever_its_value_holds() {
        // A value that would add a second line of TOML is one string, not two keys.
        let t = override_text("name=x\nsimulation.seed = 5").unwrap();
        let table: toml::Table = toml::from_str(&t).unwrap();
        assert_eq!(table.len(), 1, "{t}");
        assert_eq!(table["name"].as_str(), Some("x\nsimulation.seed = 5"));
        // `=` inside a quoted part of the key is not where the value starts.
        assert_eq!(
            override_text("pathways.\"a=b\".base_exit_rate=0.1").unwrap(),
            "pathways.\"a=b\".base_exit_rate = 0.1\n"
        );
        assert!(override_text("name").is_err(), "no `=`");
    }

    #[test]
    fn keys_are_read_as_toml_dotted_keys() {
        let p = |k: &str| key_parts(k);
        assert_eq!(p("a.b.c").unwrap(), ["a", "b", "c"]);
        assert_eq!(p(" a . \"b.c\" . 'd=e' ").unwrap(), ["a", "b.c", "d=e"]);
        assert_eq!(p("a.\"q\\\"x\"").unwrap(), ["a", "q\"x"]);
        assert_eq!(p("a.\"new\\nline\"").unwrap(), ["a", "new\nline"]);
        for bad in [
            "",
            "a..b",
            "a.",
            ".a",
            "a b",
            "a = 1\nb",
            "a.\"open",
            "a.\"raw\nnewline\"",
            "a # comment",
            "a.\"\"\"x\"\"\"",
            "[a]",
        ] {
            assert!(p(bad).is_err(), "{bad:?} is not a key: {:?}", p(bad));
        }
    }

    #[test]
    fn a_key_written_back_reads_as_the_same_parts() {
        for parts in [
            vec!["policy", "salary", "base"],
            vec!["pathways", "my.path", "kind"],
            vec![
                "x",
                "a=b",
                "\"q\"",
                "back\\slash",
                "new\nline\ttab",
                "",
                "中文",
            ],
        ] {
            let parts: Vec<String> = parts.into_iter().map(String::from).collect();
            let text = key_text(&parts);
            assert_eq!(key_parts(&text).unwrap(), parts, "{text}");
            // And TOML itself reads it so.
            let table: toml::Table = toml::from_str(&format!("{text} = 1")).unwrap();
            let mut v = &toml::Value::Table(table);
            for p in &parts {
                v = &v.as_table().unwrap()[p];
            }
            assert_eq!(v.as_integer(), Some(1));
        }
    }

    #[test]
    fn an_override_for_any_value_reads_back_as_that_value() {
        for v in [
            toml::Value::String("plain".into()),
            toml::Value::String("quote \" and ' and = and # and \\".into()),
            toml::Value::String("two\nlines\r\nand \"\"\" inside".into()),
            toml::Value::String("".into()),
            toml::Value::Integer(-3),
            toml::Value::Float(0.1),
            toml::Value::Boolean(true),
        ] {
            // As a sweep writes a point's override: the key as TOML, the value as TOML.
            let o = format!("{}={v}", key_text(&key_parts("a.\"b.c\".d").unwrap()));
            let text = override_text(&o).unwrap();
            let table: toml::Table = toml::from_str(&text).unwrap();
            assert_eq!(table["a"]["b.c"]["d"], v, "{o:?} → {text:?}");
        }
    }
}
