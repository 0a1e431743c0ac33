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
             no_show = 0.015\nplacement = \"vacancy_weighted\"\n\
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

/// `retention.csv` read back: per pathway, its rows in year order as (year, replications,
/// at_risk, events, censored, [km_pooled, retention_mean, ci_low, ci_high] or None if empty).
type LifeRows = Vec<(String, Vec<(usize, usize, u64, u64, u64, Option<[f64; 4]>)>)>;

fn retention_rows(replications: &str) -> LifeRows {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("zhagen")
        .unwrap()
        .args(["run", baseline_path().to_str().unwrap(), "--quiet"])
        .args(["--replications", replications, "--set", "region.counties=2"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("retention.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "pathway",
            "year",
            "replications",
            "at_risk_pooled",
            "events_pooled",
            "censored_pooled",
            "km_pooled",
            "retention_mean",
            "retention_mean_ci_low",
            "retention_mean_ci_high"
        ]
    );
    let mut by_pathway: LifeRows = Vec::new();
    for row in r.records() {
        let row = row.unwrap();
        let n = |i: usize| -> u64 { row[i].parse().unwrap() };
        let cells: Vec<&str> = (6..10).map(|i| &row[i]).collect();
        let values = if cells.iter().all(|c| c.is_empty()) {
            None
        } else {
            let v: Vec<f64> = cells.iter().map(|c| c.parse().unwrap()).collect();
            Some([v[0], v[1], v[2], v[3]])
        };
        let entry = (n(1) as usize, n(2) as usize, n(3), n(4), n(5), values);
        match by_pathway.last_mut() {
            Some((p, rows)) if *p == row[0] => rows.push(entry),
            _ => by_pathway.push((row[0].to_string(), vec![entry])),
        }
    }
    by_pathway
}

/// The life-table columns of `retention.csv` are a life table: `at_risk_pooled` is who is
/// followed at the start of the interval (year − 1, year], so the interval's exits and
/// censorings never exceed it and it falls by them to the next row; the pooled Kaplan–Meier
/// curve starts at 1, never rises and stays in [0, 1]; with one replication it is the mean
/// curve; and past the end of follow-up the retention cells are empty rather than the last
/// value repeated.
#[test]
fn retention_csv_is_a_life_table_with_empty_cells_past_follow_up() {
    for reps in ["1", "3"] {
        let table = retention_rows(reps);
        assert!(table.len() > 1, "several pathways");
        let mut empty = 0;
        for (pathway, rows) in &table {
            let (year0, rep0, entrants, ev0, ce0, v0) = rows[0];
            assert_eq!((year0, rep0.to_string(), ev0, ce0), (0, reps.into(), 0, 0));
            assert!(entrants > 0, "{pathway} has entrants");
            assert_eq!(v0.unwrap()[..2], [1.0, 1.0], "{pathway}: year 0");
            let mut last_km = 1.0;
            let mut ended = false;
            for (i, &(year, _, at_risk, events, censored, values)) in rows.iter().enumerate() {
                assert_eq!(year, i, "{pathway}: one row per year");
                assert!(
                    events + censored <= at_risk,
                    "{pathway} year {year}: {events} exits + {censored} censorings > {at_risk} at risk"
                );
                let left = at_risk - events - censored;
                match rows.get(i + 1) {
                    Some(next) => assert_eq!(next.2, left, "{pathway} year {}", year + 1),
                    None => assert_eq!(left, 0, "{pathway}: nobody is followed past the end"),
                }
                match values {
                    Some([km, mean, lo, hi]) => {
                        assert!(
                            !ended,
                            "{pathway} year {year}: a value after the curve ended"
                        );
                        assert!(
                            at_risk > 0,
                            "{pathway} year {year}: a value with nobody at risk"
                        );
                        assert!((0.0..=1.0).contains(&km), "{pathway} year {year}: {km}");
                        assert!(km <= last_km, "{pathway} year {year}: km_pooled rises");
                        last_km = km;
                        assert!(lo <= mean && mean <= hi, "{pathway} year {year}");
                        if reps == "1" {
                            assert_eq!(km, mean, "{pathway} year {year}: one replication");
                        }
                    }
                    None => {
                        ended = true;
                        empty += 1;
                        assert_eq!(events, 0, "{pathway} year {year}: exits but no value");
                    }
                }
                if at_risk == 0 {
                    assert!(values.is_none(), "{pathway} year {year}: nobody at risk");
                }
            }
        }
        assert!(
            empty > 0,
            "some pathway's follow-up ends before the run does ({reps} replications)"
        );
    }
}

#[test]
fn the_xlsx_workbook_holds_every_table_with_numbers_as_numbers() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "run",
            baseline_path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--replications",
            "3",
            "--set",
            "region.counties=2",
            "--set",
            "name=乡镇加薪20%",
            "--xlsx",
            "-q",
        ])
        .assert()
        .success();
    let mut wb: Xlsx<_> = open_workbook(out.join("tables.xlsx")).expect("an xlsx file");
    let names = wb.sheet_names();
    for sheet in [
        "headline",
        "retention",
        "staffing",
        "villages",
        "titles",
        "exits",
        "costs",
    ] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    // Every cell equals the CSV's, numbers as numbers.
    let costs = wb.worksheet_range("costs").unwrap();
    let mut csv = csv::Reader::from_path(out.join("costs.csv")).unwrap();
    let head = csv.headers().unwrap().clone();
    for (c, h) in head.iter().enumerate() {
        assert_eq!(costs.get((0, c)), Some(&Data::String(h.to_string())));
    }
    for (r, rec) in csv.records().enumerate() {
        for (c, cell) in rec.unwrap().iter().enumerate() {
            match costs.get((r + 1, c)) {
                Some(Data::Float(x)) => assert_eq!(*x, cell.parse::<f64>().unwrap()),
                None | Some(Data::Empty) => assert!(cell.is_empty()),
                other => panic!("row {r} col {c}: {other:?} for {cell:?}"),
            }
        }
    }
    // Text cells are text: the labels, in words.
    let headline = wb.worksheet_range("headline").unwrap();
    assert!(headline.rows().any(|row| {
        row.iter()
            .any(|d| matches!(d, Data::String(s) if s.contains("yuan of 2024 prices")))
    }));
}

/// Every CSV file under `dir`, at any depth, in path order.
fn csv_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "csv") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// What pandas' and R's readers need to type a column: every cell a number or empty (a
/// numeric column), or none a number (a text column). A `total` row under `year`, or a
/// number written as "12%", makes the whole column text for both.
fn numeric(cell: &str) -> bool {
    cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Lower-case words joined by `_`, and `.` in dotted metric keys.
fn snake(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

/// Columns whose cells are codes a script filters on, not prose or a user's name.
const CODE_COLUMNS: [&str; 14] = [
    "pathway",
    "phase",
    "reason",
    "remoteness",
    "statistic",
    "role",
    "bound",
    "unit",
    "verdict",
    "quadrant",
    "frontier",
    "outcome",
    "outcome_better",
    "icer_interval",
];

/// The pathway kinds' codes, which belong in `pathway` columns and metric keys, not labels.
const PATHWAY_CODES: [&str; 5] = [
    "order_oriented",
    "open_recruit",
    "incumbent",
    "village_doctor",
    "local_apprentice",
];

#[test]
fn every_table_of_run_validate_compare_and_sweep_types_cleanly_in_pandas_and_r() {
    let dir = tempfile::tempdir().unwrap();
    let small = [
        "--set",
        "region.counties=3",
        "--replications",
        "3",
        "--quiet",
        "--out",
    ];
    let scenario = |name: &str| format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let runs: [(&str, Vec<String>); 3] = [
        ("validate", vec![scenario("baseline.toml")]),
        (
            "compare",
            vec![
                scenario("baseline.toml"),
                scenario("salary-uplift.toml"),
                scenario("remote-allowance.toml"),
            ],
        ),
        ("sweep", vec![scenario("sweep-levers-hypercube.toml")]),
    ];
    let mut files = 0;
    for (command, args) in runs {
        let out = dir.path().join(command);
        Command::cargo_bin("zhagen")
            .unwrap()
            .arg(command)
            .args(&args)
            .args(small)
            .arg(&out)
            .assert()
            .success();
        for path in csv_files(&out) {
            files += 1;
            let mut r = csv::Reader::from_path(&path).unwrap();
            let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
            let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
            assert!(!rows.is_empty(), "{}: no rows", path.display());
            for (j, name) in header.iter().enumerate() {
                assert!(
                    snake(name),
                    "{}: column {name:?} is not snake_case",
                    path.display()
                );
                let cells: Vec<&str> = rows
                    .iter()
                    .map(|r| &r[j])
                    .filter(|c| !c.is_empty())
                    .collect();
                let numbers = cells.iter().filter(|c| numeric(c)).count();
                assert!(
                    numbers == 0 || numbers == cells.len(),
                    "{}: column {name} mixes numbers and text: {:?}",
                    path.display(),
                    cells
                        .iter()
                        .filter(|c| !numeric(c))
                        .take(3)
                        .collect::<Vec<_>>()
                );
                if name == "label" {
                    // Labels are for readers: plain pathway names, as the charts have them.
                    for cell in &cells {
                        for code in PATHWAY_CODES {
                            assert!(
                                !cell.contains(code),
                                "{}: label {cell:?} names a pathway by its code",
                                path.display()
                            );
                        }
                    }
                }
                if CODE_COLUMNS.contains(&name.as_str()) && numbers == 0 {
                    for cell in &cells {
                        assert!(
                            snake(cell),
                            "{}: {name} = {cell:?} is not a snake_case code",
                            path.display()
                        );
                    }
                }
            }
        }
    }
    // validate: the run's tables and validation.csv; compare: comparison, decision and one
    // folder of tables per scenario; sweep: results.csv.
    assert!(files >= 30, "{files} CSV files checked");
}
