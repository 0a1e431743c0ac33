//! Retention-curve plots (PNG and SVG) without system fonts.
//!
//! This module turns simulated retention curves ("share of a cohort still in
//! service, by years since entering service") into a chart: one coloured line
//! per scenario with its confidence band as a translucent area, published
//! benchmark estimates as black-outlined diamonds with their labels, a legend,
//! and a note saying how the bands were computed.
//!
//! Why an embedded font: plotters' default text support goes through
//! fontconfig, which is not installed on CI or on the machines the simulator
//! runs on, so we build plotters with its `ab_glyph` rasteriser instead and
//! register DejaVu Sans (shipped as bytes by the `dejavu` crate) under the one
//! family name this module draws with. The same bytes are used for SVG too,
//! because plotters measures text with them to place labels; as a result the
//! output depends on nothing installed on the machine and is byte-identical
//! from run to run.
//!
//! Known limitation: DejaVu Sans has no CJK glyphs, so Chinese labels such as
//! "定向" come out as placeholder boxes in the PNG (the SVG keeps the real
//! characters and the viewer's fonts render them). Nothing panics on them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Canvas size in pixels, for both PNG and SVG.
const SIZE: (u32, u32) = (1000, 650);

/// The only font family this module draws with. It is plotters' default
/// family too, so any text plotters lays out on its own finds the font.
const FAMILY: &str = "sans-serif";

/// Height reserved under the chart for the band-method note.
const NOTE_HEIGHT: u32 = 34;

/// Opacity of the confidence bands: light enough that overlapping bands and
/// the lines on top stay readable.
const BAND_ALPHA: f64 = 0.2;

/// Tableau 10 palette. Colours are picked by curve order, never by hashing
/// or by label, so the same input always gets the same colours.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// One simulated retention curve with its confidence band.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSeries {
    /// Legend text, e.g. "order_oriented"; benchmarks refer to it by this.
    pub label: String,
    /// (years since entering service, retention share 0..1, band low, band
    /// high), sorted by x. Points whose x or y is not finite break the line;
    /// points whose x, low or high is not finite break the band.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// A published estimate to compare the curves against.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkPoint {
    /// Short label drawn next to the point, e.g. "Tang 2024: 38.5%".
    pub label: String,
    /// Which curve's colour fills the marker, if any (matches
    /// [`CurveSeries::label`]); otherwise the marker is white.
    pub series: Option<String>,
    /// Years since entering service.
    pub x: f64,
    /// Retention share, 0..1. Values outside 0..1 are drawn at the nearest
    /// edge of the chart (the label still carries the real value).
    pub y: f64,
}

/// Everything needed to draw one retention chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionPlot {
    /// Caption at the top of the chart.
    pub title: String,
    /// X axis title, e.g. "Years since entering service".
    pub x_label: String,
    /// Y axis title, e.g. "Still in service (share)".
    pub y_label: String,
    /// How the bands were computed, e.g. "95% CI: t-interval across 100
    /// replications"; drawn as a note under the chart.
    pub band_method: String,
    /// Curves, drawn in order; the order also picks each curve's colour.
    pub curves: Vec<CurveSeries>,
    /// Published estimates drawn as markers on top of the curves.
    pub benchmarks: Vec<BenchmarkPoint>,
}

/// Why a chart could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The embedded font bytes were rejected by the rasteriser.
    #[error("cannot register the embedded DejaVu Sans font under family {family:?}")]
    Font {
        /// The family name that failed.
        family: &'static str,
    },
    /// plotters failed while drawing or encoding (message kept as text
    /// because plotters' error types are generic over the backend).
    #[error("cannot draw {what}: {detail}")]
    Draw {
        /// Which part of the chart was being drawn.
        what: &'static str,
        /// plotters' error message.
        detail: String,
    },
    /// The PNG was encoded but could not be moved to the requested path.
    #[error("cannot move rendered PNG from {} to {}: {source}", from.display(), to.display())]
    Move {
        /// Where the PNG was encoded.
        from: PathBuf,
        /// Where the caller asked for it.
        to: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

fn draw_err(what: &'static str, err: impl std::fmt::Display) -> PlotError {
    PlotError::Draw {
        what,
        detail: err.to_string(),
    }
}

/// Registers the embedded font exactly once per process. plotters keeps its
/// font table in a global behind a lock, so concurrent tests and threads may
/// all call this; `OnceLock` makes the others wait for the first.
fn ensure_fonts() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<Result<(), &'static str>> = OnceLock::new();
    let outcome = REGISTERED.get_or_init(|| {
        let fonts = [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
        ];
        for (style, bytes) in fonts {
            // InvalidFont carries no detail, so the family name is all we keep.
            plotters::style::register_font(FAMILY, style, bytes).map_err(|_| FAMILY)?;
        }
        Ok(())
    });
    outcome.map_err(|family| PlotError::Font { family })
}

/// Renders the chart as an SVG document.
pub fn render_svg(plot: &RetentionPlot) -> Result<String, PlotError> {
    ensure_fonts()?;
    let mut svg = String::new();
    {
        // The backend borrows `svg` until it is dropped at the end of this block.
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw_chart(&root, plot)?;
        root.present().map_err(|e| draw_err("SVG document", e))?;
    }
    Ok(svg)
}

/// Renders the chart and writes it as a PNG file at `path`.
///
/// The encoder picks the image format from the file extension, so when
/// `path` does not end in `.png` (a temporary name such as `x.png.tmp` or
/// `.tmpA1b2`) the image is encoded next to it as `<path>.png` and then
/// renamed onto `path`.
pub fn write_png(plot: &RetentionPlot, path: &Path) -> Result<(), PlotError> {
    ensure_fonts()?;
    let has_png_ext = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    let encode_path = if has_png_ext {
        path.to_path_buf()
    } else {
        let mut name = path.as_os_str().to_owned();
        name.push(".png");
        PathBuf::from(name)
    };

    let drawn = draw_png(plot, &encode_path);
    if let Err(err) = drawn {
        // The bitmap backend saves whatever it had when dropped, even after an
        // error; remove that half-drawn file (best effort: it may not exist).
        let _ = std::fs::remove_file(&encode_path);
        return Err(err);
    }
    if !has_png_ext {
        std::fs::rename(&encode_path, path).map_err(|source| {
            let _ = std::fs::remove_file(&encode_path);
            PlotError::Move {
                from: encode_path.clone(),
                to: path.to_path_buf(),
                source,
            }
        })?;
    }
    Ok(())
}

/// Draws into a bitmap backend and encodes it; the backend is dropped on
/// return, so the caller can clean up after a failure.
fn draw_png(plot: &RetentionPlot, encode_path: &Path) -> Result<(), PlotError> {
    let root = BitMapBackend::new(encode_path, SIZE).into_drawing_area();
    draw_chart(&root, plot)?;
    root.present().map_err(|e| draw_err("PNG file", e))
}

/// Axis ranges: x from 0 (or the smallest x, if negative) to the largest
/// finite x among curves and benchmarks, never narrower than one year.
fn x_range(plot: &RetentionPlot) -> (f64, f64) {
    let xs = plot
        .curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .chain(plot.benchmarks.iter().map(|b| b.x))
        .filter(|x| x.is_finite());
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for x in xs {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    // A width that overflows to infinity makes plotters' tick search spin
    // forever; years of service are never negative, so give up that side.
    if !(hi - lo).is_finite() {
        lo = 0.0;
    }
    if hi - lo < 1.0 {
        hi = lo + 1.0;
    }
    (lo, hi)
}

/// Shares are clamped to the visible 0..1 axis: a t-interval band can poke
/// past 0 or 1, and drawing it clamped is what a share can mean.
fn clamp_share(v: f64) -> f64 {
    v.clamp(0.0, 1.0)
}

/// Splits `points` into runs of consecutive points for which `pick` yields a
/// value, so a missing value leaves a gap instead of a misleading bridge.
fn runs<T>(
    points: &[(f64, f64, f64, f64)],
    pick: impl Fn(&(f64, f64, f64, f64)) -> Option<T>,
) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut current = Vec::new();
    for p in points {
        match pick(p) {
            Some(v) => current.push(v),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn curve_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

fn draw_chart<DB>(root: &DrawingArea<DB, Shift>, plot: &RetentionPlot) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (chart_area, note_area) = root.split_vertically(SIZE.1 - NOTE_HEIGHT);

    let (x_lo, x_hi) = x_range(plot);
    let mut chart = ChartBuilder::on(&chart_area)
        // `FontDesc::style` keeps the already-loaded regular face, so the bold
        // face must be asked for when the font is created.
        .caption(
            &plot.title,
            FontDesc::new(FAMILY.into(), 26.0, FontStyle::Bold),
        )
        .margin_top(10)
        .margin_left(15)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d(x_lo..x_hi, 0.0_f64..1.0_f64)
        .map_err(|e| draw_err("chart frame", e))?;

    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .axis_desc_style((FAMILY, 18))
        .label_style((FAMILY, 15))
        .y_labels(11)
        .x_labels(12)
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .x_label_formatter(&|v| format_years(*v))
        // One light line between labelled ticks: a finer grid looks like noise.
        .max_light_lines(1)
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(|e| draw_err("axes", e))?;

    // Bands first, so every line is drawn on top of every band.
    for (i, curve) in plot.curves.iter().enumerate() {
        let band_style = curve_colour(i).mix(BAND_ALPHA).filled();
        let bands = runs(&curve.points, |&(x, _, lo, hi)| {
            (x.is_finite() && lo.is_finite() && hi.is_finite())
                .then(|| (x, clamp_share(lo), clamp_share(hi)))
        });
        for band in bands {
            if band.len() == 1 {
                // A single x has no width to fill: show the interval as a bar.
                let (x, lo, hi) = band[0];
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, lo), (x, hi)],
                        curve_colour(i).mix(0.5).stroke_width(6),
                    )))
                    .map_err(|e| draw_err("confidence band", e))?;
                continue;
            }
            // Upper edge left to right, then lower edge right to left.
            let outline: Vec<(f64, f64)> = band
                .iter()
                .map(|&(x, _, hi)| (x, hi))
                .chain(band.iter().rev().map(|&(x, lo, _)| (x, lo)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(outline, band_style)))
                .map_err(|e| draw_err("confidence band", e))?;
        }
    }

    for (i, curve) in plot.curves.iter().enumerate() {
        let colour = curve_colour(i);
        let line_style = colour.stroke_width(3);
        let lines = runs(&curve.points, |&(x, y, _, _)| {
            (x.is_finite() && y.is_finite()).then(|| (x, clamp_share(y)))
        });
        // A lone point draws no line, so mark it with a dot to keep it visible.
        let dots: Vec<(f64, f64)> = lines
            .iter()
            .filter(|run| run.len() == 1)
            .map(|run| run[0])
            .collect();
        chart
            .draw_series(dots.into_iter().map(|p| Circle::new(p, 4, colour.filled())))
            .map_err(|e| draw_err("curve", e))?;
        // One draw_series call per curve, even with no points, so the legend
        // always lists every curve exactly once.
        chart
            .draw_series(
                lines
                    .into_iter()
                    .map(move |run| PathElement::new(run, line_style)),
            )
            .map_err(|e| draw_err("curve", e))?
            .label(curve.label.as_str())
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -7), (24, 7)], colour.mix(BAND_ALPHA).filled())
                    + PathElement::new(vec![(0, 0), (24, 0)], colour.stroke_width(3))
            });
    }

    draw_benchmarks(root, &mut chart, plot, (x_lo, x_hi))?;

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .margin(12)
        .label_font((FAMILY, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()
        .map_err(|e| draw_err("legend", e))?;

    if !plot.band_method.trim().is_empty() {
        let note = format!("Shaded bands: {}", plot.band_method.trim());
        let style = (FAMILY, 16)
            .into_font()
            .color(&RGBColor(60, 60, 60))
            .pos(Pos::new(HPos::Left, VPos::Center));
        note_area
            .draw_text(&note, &style, (20, (NOTE_HEIGHT / 2) as i32))
            .map_err(|e| draw_err("band-method note", e))?;
    }
    Ok(())
}

/// Year ticks without a trailing ".0" when they are whole years.
fn format_years(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0}", v)
    } else {
        format!("{:.1}", v)
    }
}

fn draw_benchmarks<'a, DB>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    plot: &RetentionPlot,
    (x_lo, x_hi): (f64, f64),
) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
{
    const R: i32 = 8; // diamond half-diagonal in pixels
    let diamond = [(0, -R), (R, 0), (0, R), (-R, 0)];
    let outline = || BLACK.stroke_width(2);

    let mut markers = Vec::new();
    for b in &plot.benchmarks {
        if !(b.x.is_finite() && b.y.is_finite()) {
            continue;
        }
        let fill = b
            .series
            .as_deref()
            .and_then(|s| plot.curves.iter().position(|c| c.label == s))
            .map_or(WHITE, curve_colour);
        // Labels of points in the right part of the chart go to the left of
        // the marker so they are not cut off by the plot edge.
        let to_left = b.x > x_lo + 0.7 * (x_hi - x_lo);
        let (anchor, dx) = if to_left {
            (HPos::Right, -(R + 6))
        } else {
            (HPos::Left, R + 6)
        };
        let font = (FAMILY, 15)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(anchor, VPos::Center));
        let (w, h) = root
            .estimate_text_size(&b.label, &font)
            .map_err(|e| draw_err("benchmark label", e))?;
        let (w, h) = (w as i32, h as i32);
        let (left, right) = if to_left { (dx - w, dx) } else { (dx, dx + w) };
        // A pale box behind the label keeps it legible over lines and bands.
        let backdrop = Rectangle::new(
            [(left - 3, -h / 2 - 3), (right + 3, h / 2 + 3)],
            WHITE.mix(0.8).filled(),
        );
        let mut closed = diamond.to_vec();
        closed.push(diamond[0]);
        markers.push(
            EmptyElement::at((b.x, clamp_share(b.y)))
                + backdrop
                + Polygon::new(diamond.to_vec(), fill.filled())
                + PathElement::new(closed, outline())
                + Text::new(b.label.clone(), (dx, 0), font),
        );
    }
    if markers.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(markers)
        .map_err(|e| draw_err("benchmarks", e))?
        .label("Published benchmark")
        .legend(move |(x, y)| {
            let (cx, r) = (12, 6);
            EmptyElement::at((x, y))
                + Polygon::new(
                    vec![(cx, -r), (cx + r, 0), (cx, r), (cx - r, 0)],
                    WHITE.filled(),
                )
                + PathElement::new(
                    vec![(cx, -r), (cx + r, 0), (cx, r), (cx - r, 0), (cx, -r)],
                    BLACK.stroke_width(2),
                )
        });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn example() -> RetentionPlot {
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

        let mut sibling = tmp.clone().into_os_string();
        sibling.push(".png");
        assert!(
            !Path::new(&sibling).exists(),
            "intermediate file left behind"
        );
        let _ = std::fs::remove_file(direct);
        let _ = std::fs::remove_file(tmp);
    }

    #[test]
    fn png_into_missing_directory_is_an_error() {
        let path = temp_path("no-such-dir").join("x.png");
        assert!(write_png(&example(), &path).is_err());
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
}
#[cfg(test)]
mod tmp_baseline {
    #[test]
    fn dump_baseline() {
        let p = super::tests_example_for_baseline();
        std::fs::write(std::env::var("BASELINE_OUT").unwrap() + ".svg", super::render_svg(&p).unwrap()).unwrap();
        super::write_png(&p, std::path::Path::new(&(std::env::var("BASELINE_OUT").unwrap() + ".png"))).unwrap();
    }
}

#[cfg(test)]
fn tests_example_for_baseline() -> RetentionPlot { tests::example() }
