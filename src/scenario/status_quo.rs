//! Whether a scenario is the status quo that published figures describe, or a policy scenario
//! built on it: only the status quo is judged against the benchmarks (a salary uplift that
//! keeps more people *should* miss the status-quo retention figure).

use super::Scenario;
use super::key::{key_parts, key_text};
use std::collections::BTreeMap;

impl Scenario {
    /// The dotted keys of the policy (`policy`, `policy_from`) and pathway design (`pathways`:
    /// contracts, intake, local recruitment) that differ from the root of the `base =` chain,
    /// run settings, the region and behavioural values aside. Keys the scenario's
    /// `[[calibration.free]]` lists are estimates of the status quo, not choices, and do not
    /// count. Empty for the status quo itself, and where the root is not recorded.
    pub fn policy_changes_from_root(&self) -> Vec<String> {
        let Some(root) = &self.root else {
            return Vec::new();
        };
        let (Ok(before), Ok(after)) = (
            toml::from_str::<toml::Table>(&root.resolved_toml),
            toml::from_str::<toml::Table>(&self.resolved_toml),
        ) else {
            return Vec::new();
        };
        let (before, after) = (policy_leaves(&before), policy_leaves(&after));
        // Written as the user wrote them (`policy.titles.pass_probability.intermediate`),
        // compared in one spelling.
        let fitted: Vec<String> = self
            .calibration
            .iter()
            .flat_map(|c| &c.free)
            .flat_map(|f| &f.keys)
            .map(|k| key_parts(k).map_or_else(|_| k.clone(), |p| key_text(&p)))
            .collect();
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| before.get(*k) != after.get(*k))
            .filter(|k| !fitted.contains(k))
            .cloned()
            .collect()
    }
}

/// Every leaf under `policy`, `policy_from` and `pathways`, by dotted key (arrays are leaves).
fn policy_leaves(t: &toml::Table) -> BTreeMap<String, toml::Value> {
    fn walk(parts: &mut Vec<String>, v: &toml::Value, out: &mut BTreeMap<String, toml::Value>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    parts.push(k.clone());
                    walk(parts, v, out);
                    parts.pop();
                }
            }
            _ => {
                out.insert(key_text(parts), v.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    for top in ["policy", "policy_from", "pathways"] {
        if let Some(v) = t.get(top) {
            walk(&mut vec![top.to_string()], v, &mut out);
        }
    }
    out
}
