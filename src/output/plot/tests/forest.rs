//! The benchmark forest plot: one label per row, nothing NaN, no simulated marker where the
//! run cannot judge, the embedded font only, and an axis that shows a small miss.

use super::super::forest::*;
use super::*;
use crate::benchmark::Bound;
use crate::stats::Verdict;

fn row(label: &str, value: f64, half: f64, mean: f64, mc: f64, verdict: Verdict) -> ForestRow {
    ForestRow {
        label: label.to_string(),
        value,
        bound: Bound::Equal,
        target_low: value - half,
        target_high: value + half,
        mean,
        low: mean - mc,
        high: mean + mc,
        verdict,
    }
}

fn cannot(why: &str) -> Verdict {
    Verdict::CannotJudge(why.to_string())
}

fn forest_example() -> Forest {
    Forest {
        title: "Published figures against the simulation — scenario `baseline`".to_string(),
        groups: vec![
            ForestGroup {
                label: "Fitted: calibration targets".to_string(),
                rows: vec![
                    row(
                        "rtme_post_contract_retention",
                        0.3854,
                        0.043,
                        0.401,
                        0.01,
                        Verdict::Met,
                    ),
                    row(
                        "thc_senior_title_share_2017",
                        0.009,
                        0.0027,
                        0.0085,
                        0.0004,
                        Verdict::Met,
                    ),
                ],
            },
            ForestGroup {
                label: "Inputs: figures the scenario states".to_string(),
                rows: vec![ForestRow {
                    bound: Bound::AtLeast,
                    ..row(
                        "rtme_reporting_for_service",
                        0.98,
                        0.005,
                        0.985,
                        0.002,
                        Verdict::Met,
                    )
                }],
            },
            ForestGroup {
                label: "Empty group, never drawn".to_string(),
                rows: Vec::new(),
            },
            ForestGroup {
                label: "Hold-outs: used by nothing that was fitted".to_string(),
                rows: vec![
                    row(
                        "village_doctors_2020_vs_2010",
                        0.729,
                        0.02,
                        0.69,
                        0.004,
                        Verdict::Off,
                    ),
                    row(
                        "village_doctors_ratio_above_one",
                        1.12,
                        0.02,
                        1.13,
                        0.004,
                        Verdict::Met,
                    ),
                    row(
                        "henan_joined_of_finished",
                        0.917,
                        0.026,
                        f64::NAN,
                        f64::NAN,
                        cannot("no replication measured it"),
                    ),
                ],
            },
        ],
        notes: vec![
            "Grey: published figure with its 95% interval (study size, tolerance or the source's \
             interval); colour: simulated mean with its Monte Carlo 95% interval over 40 \
             replications (simulation noise only, not parameter uncertainty)."
                .to_string(),
            "Both are drawn as differences from the published figure, in percentage points. \
             Verdict: met when |simulated − target| ≤ √(target half-width² + Monte Carlo \
             half-width²), the two 95% half-widths on the side the simulation falls (a floor or \
             ceiling: only a shortfall or excess counts)."
                .to_string(),
            "Figures in years (ages, lengths of stay) are not drawn: village_doctor_mean_age; see \
             validation.csv."
                .to_string(),
        ],
    }
}

fn circles(svg: &str) -> usize {
    svg.matches("<circle").count()
}

#[test]
fn forest_svg_has_one_label_per_row_and_no_nan() {
    let forest = forest_example();
    let svg = forest.svg().expect("render");
    assert!(svg.starts_with("<svg"));
    for r in forest.groups.iter().flat_map(|g| g.rows.iter()) {
        assert_eq!(
            svg.matches(&format!(">\n{}\n</text>", r.label)).count(),
            1,
            "one label for {:?}",
            r.label
        );
    }
    assert!(!svg.contains("NaN"), "nothing NaN is drawn");
    assert!(
        !svg.contains("Empty group"),
        "a group without rows is left out"
    );
    for needle in [
        "Fitted: calibration targets",
        "Hold-outs: used by nothing that was fitted",
        "38.5% (34.2–42.8%)",
        "≥ 98.0% (97.5–98.5%)",
        "0.90% (0.63–1.17%)",
        "112.0% (110.0–114.0%)",
        "not measured",
        "cannot be judged",
        "missed",
        "percentage points",
        "Grey: published figure with its 95% interval",
    ] {
        assert!(svg.contains(needle), "SVG lacks {needle:?}");
    }
    // The long note is wrapped onto several lines.
    let layout = forest_layout(&forest).expect("layout");
    assert!(
        layout.note_lines.len() > forest.notes.len(),
        "{:?}",
        layout.note_lines
    );
    assert!(svg.contains("village_doctor_mean_age; see validation.csv."));
    // One simulated marker per row that draws one: five of six.
    assert_eq!(circles(&svg), 5);
    assert_eq!(svg, forest.svg().expect("again"), "not deterministic");
}

#[test]
fn a_benchmark_that_cannot_be_judged_draws_no_simulated_marker() {
    let judged = Forest {
        title: String::new(),
        groups: vec![ForestGroup {
            label: "Hold-outs".to_string(),
            rows: vec![row("one", 0.5, 0.05, 0.52, 0.01, Verdict::Met)],
        }],
        notes: Vec::new(),
    };
    let svg = judged.svg().expect("judged");
    assert_eq!(circles(&svg), 1, "a judged row draws its simulated mean");
    let lines = svg.matches("<polyline").count();

    // Not measured at all: only the target.
    let mut unmeasured = judged.clone();
    unmeasured.groups[0].rows[0] = row("one", 0.5, 0.05, f64::NAN, f64::NAN, cannot("none"));
    let svg = unmeasured.svg().expect("unmeasured");
    assert_eq!(circles(&svg), 0, "no simulated marker");
    assert!(
        svg.matches("<polyline").count() < lines,
        "no simulated interval either"
    );
    assert!(svg.contains("cannot be judged") && svg.contains("not measured"));
    assert!(!svg.contains("NaN"));

    // One replication: a mean but no interval, and the verdict says it cannot be judged; the
    // mean is written in its column, never drawn as if it could be judged.
    let mut one_rep = judged.clone();
    one_rep.groups[0].rows[0] = ForestRow {
        low: f64::NAN,
        high: f64::NAN,
        ..row("one", 0.5, 0.05, 0.52, 0.0, cannot("1 replication"))
    };
    let svg = one_rep.svg().expect("one replication");
    assert_eq!(circles(&svg), 0, "no simulated marker");
    assert!(svg.contains("52.0%") && svg.contains("cannot be judged"));
    assert!(!svg.contains("NaN"));

    // For reference: drawn, and said.
    let mut reference = judged;
    reference.groups[0].rows[0].verdict = Verdict::ForReference;
    let svg = reference.svg().expect("for reference");
    assert_eq!(circles(&svg), 1);
    assert!(svg.contains("for reference"));
}

#[test]
fn forest_png_and_svg_need_no_system_font() {
    let forest = forest_example();
    let svg = forest.svg().expect("svg");
    // Every piece of text names the one stack: the embedded face's family first, the
    // viewer's default last.
    let families: std::collections::BTreeSet<&str> = svg
        .split("font-family=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(
        families.into_iter().collect::<Vec<_>>(),
        vec![crate::output::plot::glyphs::SVG_FAMILIES],
        "one font stack"
    );

    let path = temp_path("forest.png");
    write_png(&forest, &path).expect("png");
    assert_png(&path);
    let (w, h) = png_dimensions(&path);
    let layout = forest_layout(&forest).expect("layout");
    assert_eq!((w, h), layout.size);
    // The title was rasterised from the embedded font: dark pixels in the title strip.
    let img = image::load_from_memory(&std::fs::read(&path).expect("read"))
        .expect("decode")
        .to_rgb8();
    let dark = (0..TITLE_HEIGHT)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 100))
        .count();
    assert!(dark > 200, "title text drawn: {dark} dark pixels");
    let _ = std::fs::remove_file(path);
}

#[test]
fn forest_axis_shows_a_three_point_miss_and_always_zero() {
    let forest = Forest {
        title: String::new(),
        groups: vec![ForestGroup {
            label: String::new(),
            rows: vec![
                row("small miss", 0.40, 0.01, 0.43, 0.002, Verdict::Off),
                row("large share", 0.95, 0.005, 0.951, 0.001, Verdict::Met),
            ],
        }],
        notes: Vec::new(),
    };
    let (lo, hi) = forest_range(&forest);
    assert!(lo < -1.0 + 1e-9 && lo > -2.0, "lo = {lo}");
    assert!(hi > 3.2 && hi < 4.0, "hi = {hi}");
    // Only what is drawn sets the range: an unmeasured row's NaN does not, nor does a mean
    // that cannot be judged.
    let mut odd = forest.clone();
    odd.groups[0].rows.push(ForestRow {
        low: f64::NAN,
        high: f64::NAN,
        ..row("one rep", 0.5, 0.01, 0.9, 0.0, cannot("1 replication"))
    });
    odd.groups[0]
        .rows
        .push(row("nan", f64::NAN, 0.01, 0.5, 0.01, Verdict::Met));
    assert_eq!(forest_range(&odd), (lo, hi));
    let svg = odd.svg().expect("odd rows");
    assert!(!svg.contains("NaN"));
    assert!(!svg.contains("An arrow"), "nothing is cut");

    // Two replications: a t-interval of ±300 points would squash every row to a dot. It
    // widens the axis by no more than the targets' and means' own span, and is cut with an
    // arrow, which the note explains.
    let mut wide = forest.clone();
    wide.groups[0]
        .rows
        .push(row("two reps", 0.5, 0.02, 0.52, 3.0, Verdict::Met));
    let (wide_lo, wide_hi) = forest_range(&wide);
    assert!(wide_lo > -12.0 && wide_hi < 12.0, "{wide_lo}..{wide_hi}");
    assert!(
        wide_lo < lo && wide_hi > hi,
        "the interval still widens the axis"
    );
    let svg = wide.svg().expect("wide interval");
    assert!(svg.contains("An arrow: the Monte Carlo interval runs past"));
    assert_eq!(
        svg.matches("<polygon").count(),
        forest.svg().expect("narrow").matches("<polygon").count() + 1 + 2,
        "a diamond for the new row and an arrow at each end"
    );
}

#[test]
fn forest_degenerate_input_gives_a_chart_or_a_clean_error() {
    let empty = Forest {
        title: String::new(),
        groups: Vec::new(),
        notes: Vec::new(),
    };
    let svg = empty.svg().expect("empty");
    assert!(svg.contains("No benchmarks in percent to show"));
    empty.png().expect("empty PNG");

    let odd = Forest {
        title: "定向 & <odd>".to_string(),
        groups: vec![ForestGroup {
            label: "定向".to_string(),
            rows: vec![
                row(
                    &"very long name ".repeat(80),
                    0.5,
                    0.1,
                    0.5,
                    0.1,
                    Verdict::Met,
                ),
                row("huge", 1e300, 1e300, -1e300, 1e300, Verdict::Off),
                row("infinite", f64::INFINITY, 0.1, 0.5, 0.1, Verdict::Met),
            ],
        }],
        notes: vec![String::new(), "x".repeat(2000)],
    };
    let svg = odd.svg().expect("odd SVG");
    assert!(svg.contains("very long name …") || svg.contains("…"));
    assert!(!svg.contains("NaN"));
    odd.png().expect("odd PNG");

    let too_many = Forest {
        groups: vec![ForestGroup {
            label: String::new(),
            rows: vec![row("r", 0.5, 0.1, 0.5, 0.1, Verdict::Met); 1000],
        }],
        ..empty
    };
    match too_many.svg() {
        Err(PlotError::Draw { what, detail }) => {
            assert_eq!(what, "forest plot");
            assert!(detail.contains("1000 rows"), "{detail}");
        }
        other => panic!("expected a clean error, got {other:?}"),
    }
}
