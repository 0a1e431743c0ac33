//! The requests the page sends, parsed strictly. Every way a request can be wrong is a
//! [`RequestError`] with a message and, where it concerns one lever, that lever's key, so the
//! page can show it beside the field; nothing here panics on any input (property-tested).

use super::levers::Lever;
use serde::Deserialize;

/// The largest request body accepted, in bytes: a page's settings are a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// A run (or a save) of lever settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRequest {
    /// `(key, value)` in the levers' order, values written as `--set` takes them.
    pub settings: Vec<(String, String)>,
    pub replications: Option<u32>,
    /// For a saved file: its scenario name.
    pub name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    #[serde(default)]
    settings: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    replications: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
}

/// Why a request was refused: the HTTP status and the words.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestError {
    pub status: u16,
    pub message: String,
    /// The lever the message is about, if one.
    pub key: Option<String>,
}

impl RequestError {
    pub fn bad(message: impl Into<String>, key: Option<String>) -> RequestError {
        RequestError {
            status: 400,
            message: message.into(),
            key,
        }
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// Parse a request body against the explorer's levers.
pub fn parse(
    body: &[u8],
    levers: &[Lever],
    max_replications: u32,
) -> Result<RunRequest, RequestError> {
    if body.len() > MAX_BODY {
        return Err(RequestError {
            status: 413,
            message: format!(
                "request body of {} bytes; allowed: at most {MAX_BODY} bytes",
                body.len()
            ),
            key: None,
        });
    }
    let shape = |what: String| {
        RequestError::bad(
            format!(
                "not a valid request: {what} (allowed: a JSON object with `settings` (lever key → value), optional `replications` and `name`)"
            ),
            None,
        )
    };
    // An object, not serde's lenient reading of an array as a struct's fields in order.
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| shape(e.to_string()))?;
    if !value.is_object() {
        return Err(shape(format!("a JSON {}", kind_of(&value))));
    }
    let raw: RawRequest = serde_json::from_value(value).map_err(|e| {
        RequestError::bad(
            format!(
                "not a valid request: {e} (allowed: a JSON object with `settings` (lever key → value), optional `replications` and `name`)"
            ),
            None,
        )
    })?;
    let replications = match raw.replications {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=max_replications as u64).contains(&n) => Some(n as u32),
            _ => {
                return Err(RequestError::bad(
                    format!(
                        "replications = {v}; allowed: a whole number from 1 to {max_replications}"
                    ),
                    Some("replications".into()),
                ));
            }
        },
    };
    let mut settings = Vec::new();
    for (key, value) in raw.settings {
        let Some(lever) = levers.iter().find(|l| l.key == key) else {
            let near = crate::scenario::load::suggest(&key, levers.iter().map(|l| l.key.as_str()));
            return Err(RequestError::bad(
                format!(
                    "`{}` is not a lever of this page{}",
                    crate::scenario::load::escape_controls(&key),
                    near.map_or(String::new(), |n| format!(" (did you mean `{n}`?)"))
                ),
                None,
            ));
        };
        let text = match (&value, lever.control) {
            (serde_json::Value::Number(n), "number") => n.to_string(),
            (serde_json::Value::Bool(b), "flag") => b.to_string(),
            (serde_json::Value::String(w), "word") => toml::Value::String(w.clone()).to_string(),
            // A number typed as text: the loader judges it like any `--set`.
            (serde_json::Value::String(w), "number") => w.trim().to_string(),
            _ => {
                return Err(RequestError::bad(
                    format!("{key} = {value}; allowed: {}", lever.allowed),
                    Some(key.clone()),
                ));
            }
        };
        if text.is_empty() || text.contains(['\n', '\r']) {
            return Err(RequestError::bad(
                format!("{key} is empty; allowed: {}", lever.allowed),
                Some(key.clone()),
            ));
        }
        settings.push((key, text));
    }
    // In the page's lever order, however the JSON ordered them: one setting, one file.
    settings.sort_by_key(|(k, _)| levers.iter().position(|l| &l.key == k));
    Ok(RunRequest {
        settings,
        replications,
        name: raw.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn levers() -> Vec<Lever> {
        let s = crate::scenario::Scenario::load(
            std::path::Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/scenarios/baseline.toml"
            )),
            &[],
        )
        .unwrap();
        super::super::levers::levers(&s)
    }

    #[test]
    fn a_good_request_gives_its_settings_in_lever_order() {
        let l = levers();
        let r = parse(
            br#"{"settings": {"policy.salary.performance_uplift": 0.2, "policy.recruitment.unified_county_hiring": true}, "replications": 8}"#,
            &l,
            1000,
        )
        .unwrap();
        assert_eq!(
            r.settings,
            vec![
                ("policy.salary.performance_uplift".into(), "0.2".into()),
                (
                    "policy.recruitment.unified_county_hiring".into(),
                    "true".into()
                )
            ]
        );
        assert_eq!(r.replications, Some(8));
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let l = levers();
        let e = parse(b"{not json", &l, 1000).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.message.contains("not a valid request"), "{}", e.message);
        let e = parse(br#"{"setings": {}}"#, &l, 1000).unwrap_err();
        assert!(
            e.message.contains("unknown field `setings`"),
            "{}",
            e.message
        );
        let e = parse(
            br#"{"settings": {"policy.salary.performance_uplif": 0.2}}"#,
            &l,
            1000,
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("did you mean `policy.salary.performance_uplift`"),
            "{}",
            e.message
        );
        let e = parse(
            br#"{"settings": {"policy.salary.performance_uplift": true}}"#,
            &l,
            1000,
        )
        .unwrap_err();
        assert_eq!(e.key.as_deref(), Some("policy.salary.performance_uplift"));
        let e = parse(br#"{"replications": 0}"#, &l, 1000).unwrap_err();
        assert!(e.message.contains("from 1 to 1000"), "{}", e.message);
        let huge = vec![b' '; MAX_BODY + 1];
        assert_eq!(parse(&huge, &l, 1000).unwrap_err().status, 413);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn any_bytes_are_parsed_or_refused_with_a_4xx_and_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let l = levers();
            if let Err(e) = parse(&body, &l, 1000) {
                prop_assert!((400..500).contains(&e.status));
                prop_assert!(!e.message.is_empty());
            }
        }

        #[test]
        fn any_json_settings_are_parsed_or_refused_with_a_message(
            key in prop_oneof![Just("policy.salary.performance_uplift".to_string()), "[a-z._]{0,30}"],
            value in prop_oneof![any::<f64>().prop_map(|x| serde_json::json!(x)), any::<bool>().prop_map(|b| serde_json::json!(b)), ".{0,20}".prop_map(|s| serde_json::json!(s))],
            reps in proptest::option::of(any::<i64>()),
        ) {
            let l = levers();
            let body = serde_json::json!({"settings": {key: value}, "replications": reps}).to_string();
            if let Err(e) = parse(body.as_bytes(), &l, 1000) {
                prop_assert!((400..500).contains(&e.status));
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}
