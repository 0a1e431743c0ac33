//! The heatmap: values, scale, shapes, missing values.

use super::*;

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
