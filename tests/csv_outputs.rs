//! Every CSV a run writes is well-formed for a spreadsheet or a CSV reader, whatever the
//! scenario's names hold: a pathway named `rtme,extra` is one field, not two (it used to give
//! 9-field rows under an 8-column header).

mod common;

use assert_cmd::Command;
use common::*;

#[test]
fn a_pathway_name_with_a_comma_or_quote_stays_one_field_in_every_csv() {
    let dir = tempfile::tempdir().unwrap();
    let base = baseline_path();
    let scenario = write(
        dir.path(),
        "comma.toml",
        &format!(
            "base = {base:?}\nname = \"comma\"\n[simulation]\nreplications = 2\n[region]\ncounties = 2\n\
             [pathways.'rtme,\"extra\"']\nkind = \"order_oriented\"\nbase_exit_rate = 0.06\n\
             female_share = 0.55\nhometown_share = 0.6\nrural_origin_share = 0.8\nbachelor_share = 1.0\n\
             age_at_entry = {{ dist = \"normal\", mean = 23, sd = 1, min = 21, max = 27 }}\n\
             intake_per_county = 1.0\nstudy_years = 5\nstudy_dropout = 0.03\nresidency_years = 3\n\
             no_show = 0.015\n\
             destinations = {{ county_hospital = 0.6, postgraduate = 0.1, unemployed = 0.2, other = 0.1 }}\n",
            base = base.display().to_string()
        ),
    );
    let out = dir.path().join("out");
    Command::cargo_bin("zhagen")
        .unwrap()
        .args(["run", scenario.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut named = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "csv") {
            continue;
        }
        let mut r = csv::Reader::from_path(&path).unwrap();
        let width = r.headers().unwrap().len();
        for (i, row) in r.records().enumerate() {
            let row = row.unwrap_or_else(|e| panic!("{}: row {}: {e}", path.display(), i + 2));
            assert_eq!(
                row.len(),
                width,
                "{}: row {}: {row:?}",
                path.display(),
                i + 2
            );
            if row.iter().any(|f| f == "rtme,\"extra\"") {
                named += 1;
            }
        }
    }
    assert!(named > 0, "the pathway's rows carry its name intact");
}
