//! The line chart: labels, ranges, tick numbers, odd input.

use super::*;

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

/// Curves across the top and the bottom of the plot, as in the title mix (one share near 73%,
/// three near 0–27%): every corner holds a line, the band between them none, and the legend
/// goes there.
#[test]
fn a_legend_leaves_the_corners_for_an_empty_band_when_every_corner_holds_a_line() {
    let line = |y: f64| vec![(0.0, y), (10.0, y)];
    let polylines = vec![line(0.95), line(0.03), line(0.0)];
    let place = super::super::retention::emptiest_place(
        (800, 500),
        (150, 90),
        ((0.0, 10.0), (0.0, 1.0)),
        &polylines,
        &[],
    );
    let SeriesLabelPosition::Coordinate(x, y) = place else {
        panic!("a corner was chosen: {place:?}");
    };
    // The box (with its air) keeps clear of both lines: y = 0.95 at 25 px, 0.03 at 485 px.
    assert!(y > 25 && y + 102 < 485, "legend at ({x}, {y})");
}

/// With a free corner, the corner wins (the upper right first).
#[test]
fn a_free_corner_is_preferred_to_the_middle() {
    let polylines = vec![vec![(0.0, 0.0), (10.0, 0.5)]];
    let place = super::super::retention::emptiest_place(
        (800, 500),
        (150, 90),
        ((0.0, 10.0), (0.0, 1.0)),
        &polylines,
        &[],
    );
    assert!(
        matches!(place, SeriesLabelPosition::UpperRight),
        "{place:?}"
    );
}
