//! Tests of the charts: what each draws, determinism, and odd input.

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

fn line_example() -> LinePlot {
    let series = |label: &str, base: f64, slope: f64| CurveSeries {
        label: label.to_string(),
        points: [0.0, 1500.0, 3000.0, 4500.0, 6000.0]
            .iter()
            .map(|&x| {
                let y = base + slope * x;
                (x, y, y - 0.015, y + 0.015)
            })
            .collect(),
    };
    LinePlot {
        title: "Retention at year 7 by annual subsidy".to_string(),
        x_label: "Annual subsidy (yuan)".to_string(),
        y_label: "Still in service at year 7".to_string(),
        band_method: "95% CI: t-interval across 50 replications".to_string(),
        series: vec![
            series("order_oriented", 0.38, 0.000_02),
            series("open_recruitment", 0.30, 0.000_03),
        ],
        percent: true,
    }
}

fn heatmap_example() -> Heatmap {
    let x_values = vec![0.0, 3000.0, 6000.0, 9000.0];
    let y_values = vec![3.0, 5.0, 6.0];
    let mut cells: Vec<f64> = y_values
        .iter()
        .flat_map(|&y| x_values.iter().map(move |&x| 0.2 + 0.03 * y + x / 30_000.0))
        .collect();
    cells[5] = 0.385;
    cells[6] = f64::NAN;
    Heatmap {
        title: "RTME retention by subsidy and service obligation".to_string(),
        x_label: "Annual subsidy (yuan)".to_string(),
        y_label: "Service obligation (years)".to_string(),
        x_values,
        y_values,
        cells,
        value_label: "RTME retention at year 7".to_string(),
        percent: true,
    }
}

/// Whether the SVG has a text element whose whole text is `text`
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

#[test]
fn line_svg_has_labels_plain_x_ticks_and_percent_y_ticks() {
    let svg = render_line_svg(&line_example()).expect("render");
    for needle in [
        "Retention at year 7 by annual subsidy",
        "Annual subsidy (yuan)",
        "Still in service at year 7",
        "order_oriented",
        "open_recruitment",
        "Shaded bands: 95% CI: t-interval across 50 replications",
    ] {
        assert!(svg.contains(needle), "SVG lacks {needle:?}");
    }
    assert!(has_text(&svg, "3000"), "x ticks are plain numbers");
    assert!(!has_text(&svg, "3,000"), "x ticks are plain numbers");
    assert!(has_text(&svg, "40%"), "y ticks are percentages");
    assert!(
        !has_text(&svg, "100%"),
        "the y axis follows the data, not 0..1"
    );
    assert!(svg.contains("<circle"), "every point is marked");
}

#[test]
fn line_y_range_follows_the_data_with_padding() {
    let plot = line_example();
    // Data (bands included) span 0.285 .. 0.515.
    let (lo, hi) = line_y_range(&plot);
    assert!(lo < 0.285 && lo > 0.25, "lo = {lo}");
    assert!(hi > 0.515 && hi < 0.55, "hi = {hi}");

    // Plain numbers: padded, but never across zero.
    assert_eq!(
        padded_range(Some((0.0, 100.0)), 0.05, true, false),
        (0.0, 105.0)
    );
    assert_eq!(padded_range(Some((0.2, 1.0)), 0.05, true, true).1, 1.0);
    assert_eq!(
        padded_range(Some((10.0, 20.0)), 0.05, true, false),
        (9.5, 20.5)
    );
}

#[test]
fn padded_range_is_never_degenerate() {
    let cases = [
        (None, false),
        (Some((0.5, 0.5)), true),
        (Some((0.0, 0.0)), false),
        (Some((0.0, 0.0)), true),
        (Some((1.0, 1.0)), true),
        (Some((-7.0, -7.0)), false),
        (Some((1e15, 1e15 + 1e-3)), false),
        (Some((-1e308, 1e308)), false),
        (Some((f64::MIN_POSITIVE, f64::MIN_POSITIVE)), false),
    ];
    for (bounds, percent) in cases {
        let (lo, hi) = padded_range(bounds, 0.05, true, percent);
        assert!(
            lo.is_finite() && hi.is_finite() && lo < hi,
            "{bounds:?} -> {lo}..{hi}"
        );
        // plotters' tick search terminates on the range.
        let format = TickFormat::for_axis((lo, hi), LINE_Y_TICKS, NumberStyle::Grouped);
        assert!(!format.format(lo).is_empty());
    }
    assert_eq!(padded_range(None, 0.05, true, true), (0.0, 1.0));
    let (lo, hi) = padded_range(Some((0.5, 0.5)), 0.05, true, true);
    assert!(lo < 0.5 && hi > 0.5);
}

#[test]
fn tick_and_cell_numbers_read_naturally() {
    assert_eq!(group_thousands(1_234_567.0, 0), "1,234,567");
    assert_eq!(group_thousands(-1234.5, 1), "-1,234.5");
    assert_eq!(group_thousands(-0.01, 0), "0");
    assert_eq!(group_thousands(999.0, 0), "999");

    let percent = TickFormat::for_axis((0.38, 0.42), 10, NumberStyle::Percent);
    assert_eq!(percent.format(0.385), "38.5%");
    let whole = TickFormat::for_axis((0.0, 1.0), 11, NumberStyle::Percent);
    assert_eq!(whole.format(0.3), "30%");
    let thousands = TickFormat::for_axis((0.0, 50_000.0), 10, NumberStyle::Grouped);
    assert_eq!(thousands.format(20_000.0), "20,000");
    let millions = TickFormat::for_axis((0.0, 3e6), 10, NumberStyle::Grouped);
    assert_eq!(millions.format(1.5e6), "1.5M");
    let plain = TickFormat::for_axis((0.0, 6000.0), 12, NumberStyle::Plain);
    assert_eq!(plain.format(3000.0), "3000");
    let fine = TickFormat::for_axis((0.0, 0.6), 12, NumberStyle::Plain);
    assert_eq!(fine.format(0.1 + 0.2), "0.3");

    assert_eq!(format_cell(0.385, true), "38.5%");
    assert_eq!(format_cell(12_345.0, false), "12.3k");
    assert_eq!(format_cell(1234.0, false), "1234");
    assert_eq!(format_cell(999_950.0, false), "1M");
    assert_eq!(format_cell(1.234e6, false), "1.23M");
    assert_eq!(format_cell(0.1234, false), "0.123");
    assert_eq!(format_cell(2.5, false), "2.5");
    assert_eq!(format_cell(-0.0001, true), "0.0%");
    assert_eq!(format_category(3000.0), "3000");
    assert_eq!(format_category(2020.0), "2020");
    assert_eq!(format_category(0.1 + 0.2), "0.3");
    assert_eq!(format_category(-0.0), "0");
}

#[test]
fn line_degenerate_input_renders() {
    let nan = f64::NAN;
    let base = LinePlot {
        series: Vec::new(),
        percent: false,
        ..line_example()
    };
    let one = |points: Vec<(f64, f64, f64, f64)>| CurveSeries {
        label: "s".to_string(),
        points,
    };
    let cases = [
        Vec::new(),
        vec![one(Vec::new())],
        vec![one(vec![(nan, nan, nan, nan), (1.0, nan, nan, nan)])],
        vec![one(vec![(5.0, 0.4, 0.3, 0.5)])],
        vec![one(vec![(0.0, 2.0, 2.0, 2.0), (1.0, 2.0, 2.0, 2.0)])],
        vec![one(vec![(0.0, -1e308, nan, nan), (1e308, 1e308, nan, nan)])],
        vec![one(vec![
            (0.0, 0.5, nan, 0.6),
            (nan, 0.5, 0.4, 0.6),
            (2.0, 0.6, f64::INFINITY, 0.7),
            (3.0, 0.7, 0.6, 0.8),
        ])],
    ];
    for series in cases {
        for percent in [false, true] {
            let plot = LinePlot {
                series: series.clone(),
                percent,
                ..base.clone()
            };
            render_line_svg(&plot).unwrap_or_else(|e| panic!("{:?}: {e}", plot.series));
        }
    }
}

#[test]
fn line_png_is_written_even_to_a_temp_name() {
    let path = temp_path("line.png.tmp");
    write_png(&line_example(), &path).expect("write line PNG");
    assert_png(&path);
    assert_eq!(png_dimensions(&path), SIZE);
    let _ = std::fs::remove_file(path);
}

#[test]
fn heatmap_svg_has_axis_values_cell_values_and_scale() {
    let map = heatmap_example();
    let svg = render_heatmap_svg(&map).expect("render");
    for needle in [
        "RTME retention by subsidy and service obligation",
        "Annual subsidy (yuan)",
        "Service obligation (years)",
        "RTME retention at year 7",
        "no result",
    ] {
        assert!(svg.contains(needle), "SVG lacks {needle:?}");
    }
    for label in ["0", "3000", "9000", "3", "5", "6", "38.5%"] {
        assert!(has_text(&svg, label), "no text element {label:?}");
    }
    assert_eq!(
        svg,
        render_heatmap_svg(&map).expect("again"),
        "not deterministic"
    );
}

#[test]
fn heatmap_shape_errors_are_clean() {
    let short = Heatmap {
        cells: vec![0.5; 11],
        ..heatmap_example()
    };
    match render_heatmap_svg(&short) {
        Err(PlotError::Draw { what, detail }) => {
            assert_eq!(what, "heatmap");
            assert!(detail.contains("11 cells"), "{detail}");
            assert!(detail.contains("need 12"), "{detail}");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
    let path = temp_path("heatmap-bad.png");
    assert!(write_png(&short, &path).is_err());
    assert!(!path.exists(), "no file for a heatmap that cannot be drawn");

    let no_rows = Heatmap {
        y_values: Vec::new(),
        cells: Vec::new(),
        ..heatmap_example()
    };
    let err = render_heatmap_svg(&no_rows).expect_err("no rows");
    assert!(err.to_string().contains("at least one"), "{err}");
}

#[test]
fn heatmap_missing_and_constant_values_render() {
    let all_missing = Heatmap {
        cells: vec![f64::NAN; 12],
        ..heatmap_example()
    };
    let svg = render_heatmap_svg(&all_missing).expect("all missing");
    assert!(svg.contains("no results"));

    let constant = Heatmap {
        cells: vec![0.4; 12],
        ..heatmap_example()
    };
    assert!(has_text(
        &render_heatmap_svg(&constant).expect("constant"),
        "40.0%"
    ));

    let single = Heatmap {
        x_values: vec![1.0],
        y_values: vec![2.0],
        cells: vec![f64::INFINITY],
        value_label: String::new(),
        ..heatmap_example()
    };
    render_heatmap_svg(&single).expect("single infinite cell");

    // Many small cells: labels thinned, values left out, still a chart.
    let (nx, ny) = (60, 45);
    let big = Heatmap {
        x_values: (0..nx).map(f64::from).collect(),
        y_values: (0..ny).map(|j| f64::from(j) * 1e6).collect(),
        cells: (0..nx * ny).map(|i| f64::from(i) * 1234.5).collect(),
        percent: false,
        ..heatmap_example()
    };
    render_heatmap_svg(&big).expect("big grid");
}

#[test]
fn heatmap_png_is_written_even_to_a_temp_name() {
    let path = temp_path("heatmap.png.tmp");
    write_png(&heatmap_example(), &path).expect("write heatmap PNG");
    assert_png(&path);
    let _ = std::fs::remove_file(path);
}

#[test]
fn colour_scale_runs_dark_to_light_with_contrasting_text() {
    assert_eq!(scale_colour(0.0), VIRIDIS[0]);
    assert_eq!(scale_colour(1.0), VIRIDIS[VIRIDIS.len() - 1]);
    assert_eq!(scale_colour(f64::NAN), scale_colour(0.5));
    assert_eq!(text_colour_on(scale_colour(0.0)), WHITE);
    assert_eq!(text_colour_on(scale_colour(1.0)), BLACK);
    assert_eq!(scale_position(5.0, (0.0, 10.0)), 0.5);
    assert_eq!(scale_position(5.0, (5.0, 5.0)), 0.5);
    assert_eq!(scale_position(1e308, (-1e308, 1e308)), 1.0);
}
