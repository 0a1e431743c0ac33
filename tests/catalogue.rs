//! The parameter catalogue against what analysts read: the README's lever table lists exactly
//! the keys the catalogue marks as policy levers.

use zhagen::scenario::catalogue::{CATALOGUE, Param};

/// The keys named in the README's "Policy levers" table, in full: a bare word continues the
/// table of the key before it (`policy.titles.min_years`, `college_extra_years`), a value
/// (`= "county"`) is dropped, and `[policy_from.YEAR]` (a table, not a key) is skipped.
fn readme_lever_keys() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let table = readme
        .split("| lever | keys | scenario |")
        .nth(1)
        .expect("the README has a lever table");
    let mut keys = Vec::new();
    for line in table.lines().skip(2) {
        let Some(row) = line.strip_prefix('|') else {
            break;
        };
        let cell = row.split('|').nth(1).expect("a keys column");
        let mut table_of_previous = String::new();
        for quoted in cell.split('`').skip(1).step_by(2) {
            let key = quoted.split('=').next().unwrap_or_default().trim();
            if key.starts_with('[') {
                continue;
            }
            let full = if key.contains('.') {
                key.to_string()
            } else {
                format!("{table_of_previous}.{key}")
            };
            table_of_previous = full.rsplit_once('.').map(|(t, _)| t.to_string()).unwrap();
            keys.push(full);
        }
    }
    assert!(keys.len() > 20, "the lever table was read: {keys:?}");
    keys
}

/// Does a README key (`*` or a trailing `_*` standing for the rest of a part) cover a catalogue
/// pattern (`*` for a pathway's name or a title)? A README key may also name a table of keys
/// by title (`policy.titles.quota` covers `policy.titles.quota.*`).
fn covers(readme: &str, row: &Param) -> bool {
    let (r, p): (Vec<&str>, Vec<&str>) = (
        readme.split('.').collect(),
        row.pattern.split('.').collect(),
    );
    let by_title = p.len() > r.len() && p[r.len()..].iter().all(|x| *x == "*");
    (r.len() == p.len() || by_title)
        && r.iter().zip(&p).all(|(r, p)| match r.strip_suffix('*') {
            Some(prefix) => p.starts_with(prefix),
            None => *p == "*" || r == p,
        })
}

#[test]
fn the_readme_lever_table_lists_exactly_the_catalogues_policy_levers() {
    let keys = readme_lever_keys();
    for k in &keys {
        let rows: Vec<&Param> = CATALOGUE.iter().filter(|p| covers(k, p)).collect();
        assert!(
            !rows.is_empty(),
            "README lever `{k}` is not a catalogue key"
        );
        for p in rows {
            assert!(
                p.lever,
                "README lists `{k}` as a lever but the catalogue row `{}` is not one",
                p.pattern
            );
        }
    }
    for p in CATALOGUE.iter().filter(|p| p.lever) {
        assert!(
            keys.iter().any(|k| covers(k, p)),
            "catalogue lever `{}` is missing from the README's lever table",
            p.pattern
        );
    }
}

#[test]
fn every_catalogue_row_describes_its_key() {
    let words = |p: &str| p.replace('_', " ");
    for p in CATALOGUE {
        let key = p.pattern.replace("[*]", "[0]").replace('*', "junior");
        let d =
            zhagen::scenario::catalogue::describe(&key, &words).unwrap_or_else(|| panic!("{key}"));
        assert!(!d.label.contains('{'), "{key}: {}", d.label);
        assert_eq!(d.lever, p.lever);
    }
}
