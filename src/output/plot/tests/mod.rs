//! Tests of the charts: what each draws, determinism, and odd input; the retention chart and
//! its panels here, the line chart and the heatmap in their own files.

mod forest;
mod heatmap;
mod line;

use super::*;
use std::path::{Path, PathBuf};

/// The chart's PNG bytes written to `path`, for the checks below that read the file back.
fn write_png(chart: &dyn Chart, path: &Path) -> Result<(), PlotError> {
    std::fs::write(path, chart.png()?).expect("write the test PNG");
    Ok(())
}

fn example() -> RetentionPlot {
    let curve = |label: &str, rate: f64| CurveSeries {
        label: label.to_string(),
        points: (0..=20)
            .map(|i| {
                let x = f64::from(i) * 0.5;
                let y = (-rate * x).exp();
                let half = 0.02 + 0.01 * x;
                (x, y, y - half, y + half)
            })
            .collect(),
    };
    RetentionPlot {
        title: "Retention of rural health workers".to_string(),
        x_label: "Years since entering service".to_string(),
        y_label: "Still in service (share)".to_string(),
        band_method: "95% CI: t-interval across 100 replications".to_string(),
        curves: vec![
            curve("order_oriented", 0.12),
            curve("open_recruitment", 0.25),
        ],
        benchmarks: vec![
            BenchmarkPoint {
                label: "Tang 2024: 38.5%".to_string(),
                series: Some("order_oriented".to_string()),
                x: 6.0,
                y: 0.385,
            },
            BenchmarkPoint {
                label: "Survey 2019: 70%".to_string(),
                series: None,
                x: 2.0,
                y: 0.7,
            },
        ],
    }
}

fn empty() -> RetentionPlot {
    RetentionPlot {
        title: String::new(),
        x_label: String::new(),
        y_label: String::new(),
        band_method: String::new(),
        curves: Vec::new(),
        benchmarks: Vec::new(),
    }
}

/// A path under the system temp dir unique to this process and test.
fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("zhagen-plot-{}-{name}", std::process::id()))
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).expect("PNG written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 10_000,
        "suspiciously small PNG: {} bytes",
        bytes.len()
    );
}

#[test]
fn svg_contains_labels_and_band_method() {
    let svg = render_svg(&example()).expect("render");
    assert!(svg.starts_with("<svg"));
    for needle in [
        "order_oriented",
        "open_recruitment",
        "Tang 2024: 38.5%",
        "95% CI: t-interval across 100 replications",
        "Years since entering service",
    ] {
        assert!(svg.contains(needle), "SVG lacks {needle:?}");
    }
}

#[test]
fn svg_is_deterministic() {
    let plot = example();
    assert_eq!(
        render_svg(&plot).expect("first"),
        render_svg(&plot).expect("second")
    );
}

#[test]
fn png_is_written_even_to_a_temp_name() {
    let direct = temp_path("direct.png");
    write_png(&example(), &direct).expect("write png");
    assert_png(&direct);

    // Callers write to a temporary name and rename it into place.
    let tmp = temp_path("renamed.png.tmp");
    write_png(&example(), &tmp).expect("write png to temp name");
    assert_png(&tmp);
    assert_eq!(
        std::fs::read(&direct).ok(),
        std::fs::read(&tmp).ok(),
        "PNG not deterministic"
    );
    let _ = std::fs::remove_file(direct);
    let _ = std::fs::remove_file(tmp);
}

#[test]
fn empty_plot_renders() {
    render_svg(&empty()).expect("empty SVG");
    let path = temp_path("empty.png");
    write_png(&empty(), &path).expect("empty PNG");
    let _ = std::fs::remove_file(path);
}

#[test]
fn chinese_titles_draw_their_own_glyphs_in_the_png() {
    // With a font lacking CJK glyphs every hanzi is the same empty box, so two titles of four
    // different characters give the same image; with the embedded subset they differ. A
    // character outside it (a rare CJK Extension B hanzi) still draws as the box.
    let png = |title: &str| {
        RetentionPlot {
            title: title.to_string(),
            ..empty()
        }
        .png()
        .expect("PNG")
    };
    let (a, b) = (png("乡镇加薪"), png("县医共体"));
    assert_ne!(a, b, "hanzi rendered as identical boxes");
    assert_eq!(
        png("𠀀𠀁𠀂𠀃"),
        png("𠀄𠀅𠀆𠀇"),
        "outside the subset: boxes"
    );
    assert_ne!(png("乡镇加薪"), png("𠀀𠀁𠀂𠀃"));
}

#[test]
fn odd_input_does_not_panic() {
    let nan = f64::NAN;
    let plot = RetentionPlot {
        title: "定向 & <odd> \"title\"".to_string(),
        curves: vec![
            CurveSeries {
                label: "定向".to_string(),
                points: vec![(0.0, 1.0, 0.9, 1.1)],
            },
            CurveSeries {
                label: "gaps".to_string(),
                points: vec![
                    (0.0, 1.0, nan, 1.0),
                    (nan, 0.5, 0.4, 0.6),
                    (1.0, nan, 0.7, 0.9),
                    (2.0, 0.6, -0.1, 0.7),
                    (f64::INFINITY, 0.5, 0.4, 0.6),
                ],
            },
            CurveSeries {
                label: "no points".to_string(),
                points: Vec::new(),
            },
            CurveSeries {
                label: "zero width".to_string(),
                points: vec![(0.0, 0.5, 0.4, 0.6), (0.0, 0.4, 0.3, 0.5)],
            },
        ],
        benchmarks: vec![
            BenchmarkPoint {
                label: "nan".to_string(),
                series: Some("missing".to_string()),
                x: nan,
                y: 0.5,
            },
            BenchmarkPoint {
                label: "out of range 38.5".to_string(),
                series: Some("定向".to_string()),
                x: 1e6,
                y: 38.5,
            },
            BenchmarkPoint {
                label: String::new(),
                series: None,
                x: -3.0,
                y: -0.2,
            },
        ],
        ..empty()
    };
    let svg = render_svg(&plot).expect("odd SVG");
    assert!(svg.contains("定向"));
    let path = temp_path("odd.png");
    write_png(&plot, &path).expect("odd PNG");
    let _ = std::fs::remove_file(path);

    let single_point = RetentionPlot {
        curves: vec![CurveSeries {
            label: "one".to_string(),
            points: vec![(0.0, 1.0, 1.0, 1.0)],
        }],
        ..empty()
    };
    render_svg(&single_point).expect("single point SVG");

    // An x range whose width overflows f64 once made plotters hang.
    let overflowing = RetentionPlot {
        benchmarks: vec![
            BenchmarkPoint {
                label: "far left".to_string(),
                series: None,
                x: -1e308,
                y: 0.5,
            },
            BenchmarkPoint {
                label: "far right".to_string(),
                series: None,
                x: 1e308,
                y: 0.5,
            },
        ],
        ..empty()
    };
    render_svg(&overflowing).expect("overflowing range SVG");
}

fn panels_example() -> PanelPlot {
    let panel = |title: &str, benchmarks: bool| RetentionPlot {
        title: title.to_string(),
        band_method: "per-panel method, never drawn".to_string(),
        benchmarks: if benchmarks {
            example().benchmarks
        } else {
            Vec::new()
        },
        ..example()
    };
    PanelPlot {
        title: "Retention by recruitment pathway".to_string(),
        panels: vec![
            panel("Order-oriented graduates", true),
            panel("Open recruitment", false),
            panel("Local hires", true),
        ],
        band_method: "95% CI: t-interval across 50 replications".to_string(),
    }
}

/// (plotters writes the text on a line of its own).
fn has_text(svg: &str, text: &str) -> bool {
    svg.contains(&format!(">\n{text}\n</text>"))
}

/// Width and height from a PNG's IHDR chunk.
fn png_dimensions(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("PNG written");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (word(16), word(20))
}

#[test]
fn panels_svg_has_every_title_and_one_shared_note() {
    let plot = panels_example();
    let svg = render_panels_svg(&plot).expect("render");
    assert!(svg.starts_with("<svg"));
    for needle in [
        "Retention by recruitment pathway",
        "Order-oriented graduates",
        "Open recruitment",
        "Local hires",
        "order_oriented",
        "Tang 2024: 38.5%",
    ] {
        assert!(svg.contains(needle), "SVG lacks {needle:?}");
    }
    assert_eq!(
        svg.matches("Shaded bands: 95% CI: t-interval across 50 replications")
            .count(),
        1,
        "the note is drawn once for the whole image"
    );
    assert!(!svg.contains("per-panel method"), "panel notes are ignored");
    assert_eq!(
        svg,
        render_panels_svg(&plot).expect("again"),
        "not deterministic"
    );
}

#[test]
fn panels_png_has_two_columns_and_grows_by_rows() {
    let mut plot = panels_example();
    let three = temp_path("panels-3.png");
    write_png(&plot, &three).expect("three panels");
    assert_png(&three);

    plot.panels.truncate(2);
    let two = temp_path("panels-2.png.tmp");
    write_png(&plot, &two).expect("two panels, temporary name");
    assert_png(&two);

    plot.panels.truncate(1);
    let one = temp_path("panels-1.png");
    write_png(&plot, &one).expect("one panel");
    assert_png(&one);

    let ((w3, h3), (w2, h2), (w1, h1)) = (
        png_dimensions(&three),
        png_dimensions(&two),
        png_dimensions(&one),
    );
    assert_eq!(w3, w2, "two columns either way");
    assert_eq!(h2, h1, "two panels share one row");
    assert!(h3 >= h2 + 400, "a third panel adds a row: {h3} vs {h2}");
    assert!(w1 >= 1000 && w1 < w2, "one panel spans the width: {w1}");
    for path in [three, two, one] {
        let _ = std::fs::remove_file(path);
    }
}

#[test]
fn panels_degenerate_input_gives_a_chart_or_a_clean_error() {
    let none = PanelPlot {
        title: String::new(),
        panels: Vec::new(),
        band_method: String::new(),
    };
    let svg = render_panels_svg(&none).expect("no panels");
    assert!(svg.contains("No panels to show"));
    let empty_panels = PanelPlot {
        panels: vec![empty(), empty(), empty()],
        ..none.clone()
    };
    render_panels_svg(&empty_panels).expect("empty panels");
    let path = temp_path("panels-empty.png");
    write_png(&none, &path).expect("no panels PNG");
    let _ = std::fs::remove_file(path);

    let too_many = PanelPlot {
        panels: vec![empty(); 200],
        ..none
    };
    match render_panels_svg(&too_many) {
        Err(PlotError::Draw { what, detail }) => {
            assert_eq!(what, "panel grid");
            assert!(detail.contains("200 panels"), "{detail}");
        }
        other => panic!("expected a clean error, got {other:?}"),
    }
    let path = temp_path("panels-too-many.png");
    assert!(write_png(&too_many, &path).is_err());
    assert!(!path.exists(), "no file for an image that cannot be drawn");
}
