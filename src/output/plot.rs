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
//! Besides that chart, the module draws small multiples of it in one image
//! ([`PanelPlot`]), a metric against a swept parameter with confidence bands
//! ([`LinePlot`]) and a metric over a grid of two parameters ([`Heatmap`]),
//! all with the same font, palette and PNG-writing rules.
//!
//! Known limitation: DejaVu Sans has no CJK glyphs, so Chinese labels such as
//! "定向" come out as placeholder boxes in the PNG (the SVG keeps the real
//! characters and the viewer's fonts render them). Nothing panics on them.

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

/// Width of one column of panels: two columns make a 1200-pixel image, in
/// which each panel is about as wide as a stand-alone chart is high.
const PANEL_COLUMN_WIDTH: u32 = 600;

/// Height of one row of panels.
const PANEL_ROW_HEIGHT: u32 = 450;

/// Height of the strip holding the title of a panel image or heatmap.
const TITLE_HEIGHT: u32 = 50;

/// Tallest image this module draws: a 1200 x 16384 bitmap is about 60 MB,
/// and more panels than that fit are better split into several images.
const MAX_IMAGE_HEIGHT: u32 = 16_384;

/// Heatmap canvas width; its height grows with the number of rows.
const HEATMAP_WIDTH: u32 = 1000;

/// Width of the strip right of a heatmap holding its colour bar, the bar's
/// value labels and its (vertical) title.
const COLOUR_BAR_WIDTH: u32 = 170;

/// Legend text size and its distance from the plot corner; shared by the
/// legend drawing and by the estimate of its size.
const LEGEND_FONT: u32 = 16;
const LEGEND_MARGIN: u32 = 12;

/// Legend entry of the benchmark markers.
const BENCHMARK_LEGEND: &str = "Published benchmark";

/// Fill of heatmap cells without a result, under grey hatching: a colour
/// outside the colour scale, so a missing result never reads as a value.
const NO_DATA_FILL: RGBColor = RGBColor(228, 228, 228);
const NO_DATA_HATCH: RGBColor = RGBColor(150, 150, 150);

/// Stops of the viridis colour scale (low to high), interpolated linearly:
/// perceptually even, readable in grey and by colour-blind readers.
const VIRIDIS: [RGBColor; 9] = [
    RGBColor(68, 1, 84),
    RGBColor(71, 44, 122),
    RGBColor(59, 81, 139),
    RGBColor(44, 113, 142),
    RGBColor(33, 144, 141),
    RGBColor(39, 173, 129),
    RGBColor(92, 200, 99),
    RGBColor(170, 220, 50),
    RGBColor(253, 231, 37),
];

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

/// Several retention charts in one image, one panel each (e.g. one per
/// pathway, one curve per scenario), so they can be compared side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelPlot {
    /// Caption over the whole image.
    pub title: String,
    /// The panels, laid out row by row, two per row when there is more than
    /// one. Each is drawn like a stand-alone chart with its own `title` as a
    /// smaller caption; its `band_method` is ignored in favour of the one
    /// note of the whole image.
    pub panels: Vec<RetentionPlot>,
    /// How the bands were computed; one note under the whole image.
    pub band_method: String,
}

/// A metric against a numeric parameter (the results of a sweep), with
/// confidence bands. Unlike a retention chart the y axis follows the data.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Caption at the top of the chart.
    pub title: String,
    /// X axis title, e.g. "Annual quota (students)".
    pub x_label: String,
    /// Y axis title, e.g. "Retention at year 7".
    pub y_label: String,
    /// How the bands were computed; drawn as a note under the chart.
    pub band_method: String,
    /// Curves as (x, y, band low, band high), sorted by x; as in
    /// [`CurveSeries`], a non-finite value breaks the line or band. Every
    /// point is also marked, since a sweep has few points.
    pub series: Vec<CurveSeries>,
    /// Whether the values are shares (0..1) to label as percentages;
    /// otherwise y ticks are plain numbers ("12,000", "1.5M").
    pub percent: bool,
}

/// A metric over a grid of two parameters, one coloured cell per
/// combination.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// Caption at the top of the image.
    pub title: String,
    /// X axis title.
    pub x_label: String,
    /// Y axis title.
    pub y_label: String,
    /// Distinct x values, sorted ascending; one column each, labelled with
    /// the value (columns are equally wide whatever the spacing).
    pub x_values: Vec<f64>,
    /// Distinct y values, sorted ascending; one row each, lowest at the
    /// bottom.
    pub y_values: Vec<f64>,
    /// Row-major values: `cells[yi * x_values.len() + xi]`. A non-finite
    /// value means no result and is drawn as a hatched grey cell.
    pub cells: Vec<f64>,
    /// Title of the colour scale, e.g. "RTME retention at year 7".
    pub value_label: String,
    /// Whether cell labels and the scale are percentages (values are shares).
    pub percent: bool,
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

/// A chart, produced as the bytes of an image file; writing the file is the caller's
/// (`output::write_atomic`), so plotters never touches the file system.
pub trait Chart {
    /// The chart as an SVG document.
    fn svg(&self) -> Result<String, PlotError>;
    /// The chart as a PNG image.
    fn png(&self) -> Result<Vec<u8>, PlotError>;
}

impl Chart for RetentionPlot {
    fn svg(&self) -> Result<String, PlotError> {
        render_svg_with(SIZE, |root| draw_chart(root, self))
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(SIZE, |root| draw_chart(root, self))
    }
}

/// Several retention charts in one image, two per row.
impl Chart for PanelPlot {
    fn svg(&self) -> Result<String, PlotError> {
        render_svg_with(panels_size(self)?, |root| draw_panels(root, self))
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(panels_size(self)?, |root| draw_panels(root, self))
    }
}

impl Chart for LinePlot {
    fn svg(&self) -> Result<String, PlotError> {
        render_svg_with(SIZE, |root| draw_line_chart(root, self))
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(SIZE, |root| draw_line_chart(root, self))
    }
}

/// Mismatched shapes are an error.
impl Chart for Heatmap {
    fn svg(&self) -> Result<String, PlotError> {
        check_heatmap(self)?;
        render_svg_with(heatmap_size(self), |root| draw_heatmap(root, self))
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        check_heatmap(self)?;
        render_png_with(heatmap_size(self), |root| draw_heatmap(root, self))
    }
}

/// Renders the chart as an SVG document ([`Chart::svg`]).
pub fn render_svg(plot: &RetentionPlot) -> Result<String, PlotError> {
    plot.svg()
}

/// Renders several retention charts in one SVG document, two per row.
pub fn render_panels_svg(plot: &PanelPlot) -> Result<String, PlotError> {
    plot.svg()
}

/// Renders a metric-against-parameter chart as an SVG document.
pub fn render_line_svg(plot: &LinePlot) -> Result<String, PlotError> {
    plot.svg()
}

/// Renders a heatmap as an SVG document. Mismatched shapes are an error.
pub fn render_heatmap_svg(map: &Heatmap) -> Result<String, PlotError> {
    map.svg()
}

/// Runs `draw` on an SVG canvas of `size` pixels and returns the document.
fn render_svg_with(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    ensure_fonts()?;
    let mut svg = String::new();
    {
        // The backend borrows `svg` until it is dropped at the end of this block.
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| draw_err("SVG document", e))?;
    }
    Ok(svg)
}

/// Runs `draw` on an RGB bitmap of `size` pixels and encodes it as PNG, with the encoder and
/// settings plotters' own file target uses (`image`'s PNG encoder at its defaults), so the
/// bytes are those plotters would have written.
fn render_png_with(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), PlotError>,
) -> Result<Vec<u8>, PlotError> {
    use image::ImageEncoder;
    ensure_fonts()?;
    let (w, h) = size;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        // The backend borrows `rgb` until it is dropped at the end of this block.
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| draw_err("PNG image", e))?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&rgb, w, h, image::ColorType::Rgb8)
        .map_err(|e| draw_err("PNG file", e))?;
    Ok(png)
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

/// A stand-alone retention chart: the chart itself with the band-method
/// note under it.
fn draw_chart<DB>(root: &DrawingArea<DB, Shift>, plot: &RetentionPlot) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (chart_area, note_area) = split_off_note(root);
    draw_retention(&chart_area, plot, STANDALONE)?;
    draw_note(&note_area, &plot.band_method)
}

/// Splits the band-method note strip off the bottom of `area`.
fn split_off_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let height = area.dim_in_pixel().1;
    area.split_vertically(height.saturating_sub(NOTE_HEIGHT))
}

/// What differs between a stand-alone retention chart and one panel of
/// several.
#[derive(Debug, Clone, Copy)]
struct ChartStyle {
    /// Size of the chart's caption: a panel's title must stay smaller than
    /// the title of the whole image.
    caption_size: f64,
    /// Whether the legend goes to the corner with the least data in it; the
    /// stand-alone chart keeps its upper-right legend so its look does not
    /// change.
    auto_legend: bool,
}

const STANDALONE: ChartStyle = ChartStyle {
    caption_size: 26.0,
    auto_legend: false,
};

const PANEL: ChartStyle = ChartStyle {
    caption_size: 20.0,
    auto_legend: true,
};

/// Draws one retention chart (caption, axes, bands, curves, benchmarks,
/// legend) filling `area`; the note is left to the caller, because panels
/// share one note.
fn draw_retention<DB>(
    area: &DrawingArea<DB, Shift>,
    plot: &RetentionPlot,
    style: ChartStyle,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let (x_lo, x_hi) = x_range(plot);
    let mut chart = ChartBuilder::on(area)
        // `FontDesc::style` keeps the already-loaded regular face, so the bold
        // face must be asked for when the font is created.
        .caption(
            &plot.title,
            FontDesc::new(FAMILY.into(), style.caption_size, FontStyle::Bold),
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

    draw_curves(&mut chart, &plot.curves, clamp_share, Markers::LonePoints)?;
    let marked = draw_benchmarks(area, &mut chart, plot, (x_lo, x_hi))?;

    let position = if style.auto_legend {
        let mut labels: Vec<&str> = plot.curves.iter().map(|c| c.label.as_str()).collect();
        if !marked.is_empty() {
            labels.push(BENCHMARK_LEGEND);
        }
        let legend = legend_size(&labels)?;
        emptiest_corner(
            chart.plotting_area().dim_in_pixel(),
            legend,
            ((x_lo, x_hi), (0.0, 1.0)),
            &curve_polylines(&plot.curves, clamp_share),
            &marked,
        )
    } else {
        SeriesLabelPosition::UpperRight
    };
    draw_legend(&mut chart, position)
}

/// The legend box, the same on every chart of this module.
fn draw_legend<'a, DB>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    position: SeriesLabelPosition,
) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .margin(LEGEND_MARGIN)
        .label_font((FAMILY, LEGEND_FONT))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()
        .map_err(|e| draw_err("legend", e))
}

/// The "Shaded bands: ..." note, left-aligned in `note_area`; nothing when
/// the method is blank.
fn draw_note<DB>(note_area: &DrawingArea<DB, Shift>, band_method: &str) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    if band_method.trim().is_empty() {
        return Ok(());
    }
    let note = format!("Shaded bands: {}", band_method.trim());
    let style = (FAMILY, 16)
        .into_font()
        .color(&RGBColor(60, 60, 60))
        .pos(Pos::new(HPos::Left, VPos::Center));
    note_area
        .draw_text(&note, &style, (20, (NOTE_HEIGHT / 2) as i32))
        .map_err(|e| draw_err("band-method note", e))
}

/// Which points of a curve get a marker on top of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markers {
    /// Only points with no neighbour to draw a line to, which would
    /// otherwise be invisible (dense retention curves).
    LonePoints,
    /// Every point, because a sweep has few points and each is a result.
    EveryPoint,
}

/// Draws all bands, then all lines (so every line is on top of every band),
/// each curve in its palette colour and listed once in the legend. `clamp`
/// keeps values on the visible y axis.
fn draw_curves<'a, DB>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    curves: &[CurveSeries],
    clamp: impl Fn(f64) -> f64 + Copy,
    markers: Markers,
) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
{
    for (i, curve) in curves.iter().enumerate() {
        let band_style = curve_colour(i).mix(BAND_ALPHA).filled();
        let bands = runs(&curve.points, |&(x, _, lo, hi)| {
            (x.is_finite() && lo.is_finite() && hi.is_finite()).then(|| (x, clamp(lo), clamp(hi)))
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

    for (i, curve) in curves.iter().enumerate() {
        let colour = curve_colour(i);
        let line_style = colour.stroke_width(3);
        let lines = runs(&curve.points, |&(x, y, _, _)| {
            (x.is_finite() && y.is_finite()).then(|| (x, clamp(y)))
        });
        if markers == Markers::LonePoints {
            // A lone point draws no line, so mark it with a dot to keep it visible.
            let dots: Vec<(f64, f64)> = lines
                .iter()
                .filter(|run| run.len() == 1)
                .map(|run| run[0])
                .collect();
            chart
                .draw_series(dots.into_iter().map(|p| Circle::new(p, 4, colour.filled())))
                .map_err(|e| draw_err("curve", e))?;
        }
        let every_point: Vec<(f64, f64)> = match markers {
            Markers::EveryPoint => lines.iter().flatten().copied().collect(),
            Markers::LonePoints => Vec::new(),
        };
        // One draw_series call per curve, even with no points, so the legend
        // always lists every curve exactly once.
        let anno = chart
            .draw_series(
                lines
                    .into_iter()
                    .map(move |run| PathElement::new(run, line_style)),
            )
            .map_err(|e| draw_err("curve", e))?
            .label(curve.label.as_str());
        match markers {
            Markers::LonePoints => anno.legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -7), (24, 7)], colour.mix(BAND_ALPHA).filled())
                    + PathElement::new(vec![(0, 0), (24, 0)], colour.stroke_width(3))
            }),
            Markers::EveryPoint => anno.legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -7), (24, 7)], colour.mix(BAND_ALPHA).filled())
                    + PathElement::new(vec![(0, 0), (24, 0)], colour.stroke_width(3))
                    + Circle::new((12, 0), 4, colour.filled())
            }),
        };
        if !every_point.is_empty() {
            // Markers go over the line; a white rim keeps them apart from
            // crossing lines of other curves.
            chart
                .draw_series(every_point.into_iter().map(|p| {
                    EmptyElement::at(p)
                        + Circle::new((0, 0), 5, colour.filled())
                        + Circle::new((0, 0), 5, WHITE.stroke_width(1))
                }))
                .map_err(|e| draw_err("curve", e))?;
        }
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

/// Draws the benchmark markers with their labels and returns where the
/// markers are (in chart coordinates), so the legend can keep clear of them.
fn draw_benchmarks<'a, DB>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    plot: &RetentionPlot,
    (x_lo, x_hi): (f64, f64),
) -> Result<Vec<(f64, f64)>, PlotError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
{
    const R: i32 = 8; // diamond half-diagonal in pixels
    let diamond = [(0, -R), (R, 0), (0, R), (-R, 0)];
    let outline = || BLACK.stroke_width(2);

    let mut markers = Vec::new();
    let mut marked = Vec::new();
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
        marked.push((b.x, clamp_share(b.y)));
        markers.push(
            EmptyElement::at((b.x, clamp_share(b.y)))
                + backdrop
                + Polygon::new(diamond.to_vec(), fill.filled())
                + PathElement::new(closed, outline())
                + Text::new(b.label.clone(), (dx, 0), font),
        );
    }
    if markers.is_empty() {
        return Ok(marked);
    }
    chart
        .draw_series(markers)
        .map_err(|e| draw_err("benchmarks", e))?
        .label(BENCHMARK_LEGEND)
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
    Ok(marked)
}

/// Size of the legend box for `labels`, in pixels, computed the way plotters
/// lays it out (text block, 30-pixel swatch column, margin all round).
fn legend_size(labels: &[&str]) -> Result<(i32, i32), PlotError> {
    let font = TextStyle::from((FAMILY, LEGEND_FONT).into_font());
    let mut block = MultiLineText::<_, &str>::new((0, 0), &font);
    for label in labels {
        block.push_line(*label);
    }
    let (w, h) = block
        .estimate_dimension()
        .map_err(|e| draw_err("legend", e))?;
    let margin = LEGEND_MARGIN as i32;
    Ok((w + 30 + 2 * margin, h + 2 * margin))
}

/// The polylines a legend should not cover: each curve's line and the edges
/// of its band, split where values are missing, as drawn.
fn curve_polylines(
    curves: &[CurveSeries],
    clamp: impl Fn(f64) -> f64 + Copy,
) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for curve in curves {
        let pick = |value: fn(&(f64, f64, f64, f64)) -> f64| {
            runs(&curve.points, move |p| {
                let v = value(p);
                (p.0.is_finite() && v.is_finite()).then(|| (p.0, clamp(v)))
            })
        };
        out.extend(pick(|p| p.1));
        out.extend(pick(|p| p.2));
        out.extend(pick(|p| p.3));
    }
    out
}

/// Picks the plot corner where a legend of `legend` pixels covers the least
/// data: curves are sampled along their length, and each marked point (a
/// benchmark with its label) weighs as much as a stretch of curve. Ties go to
/// the upper right, then upper left, lower right, lower left.
fn emptiest_corner(
    plot_px: (u32, u32),
    legend: (i32, i32),
    ((x_lo, x_hi), (y_lo, y_hi)): ((f64, f64), (f64, f64)),
    polylines: &[Vec<(f64, f64)>],
    points: &[(f64, f64)],
) -> SeriesLabelPosition {
    const SAMPLES_PER_SEGMENT: usize = 16;
    const POINT_WEIGHT: usize = 40;
    let (w, h) = (f64::from(plot_px.0), f64::from(plot_px.1));
    // Pixel position within the plot, y downwards; halving first keeps the
    // widths finite for extreme (but finite) ranges.
    let to_px = |(x, y): (f64, f64)| {
        let fx = (x / 2.0 - x_lo / 2.0) / (x_hi / 2.0 - x_lo / 2.0);
        let fy = (y_hi / 2.0 - y / 2.0) / (y_hi / 2.0 - y_lo / 2.0);
        (fx * w, fy * h)
    };
    // The legend sits 5 pixels from the corner; keep a little air around it.
    let (lw, lh) = (f64::from(legend.0) + 12.0, f64::from(legend.1) + 12.0);
    let corners = [
        (SeriesLabelPosition::UpperRight, (w - lw, 0.0)),
        (SeriesLabelPosition::UpperLeft, (0.0, 0.0)),
        (SeriesLabelPosition::LowerRight, (w - lw, h - lh)),
        (SeriesLabelPosition::LowerLeft, (0.0, h - lh)),
    ];
    let inside = |(px, py): (f64, f64), (bx, by): (f64, f64)| {
        px >= bx && px <= bx + lw && py >= by && py <= by + lh
    };

    let mut samples: Vec<((f64, f64), usize)> = Vec::new();
    for line in polylines {
        if let [only] = line.as_slice() {
            samples.push((to_px(*only), 1));
        }
        for pair in line.windows(2) {
            let (a, b) = (to_px(pair[0]), to_px(pair[1]));
            for k in 0..=SAMPLES_PER_SEGMENT {
                let t = k as f64 / SAMPLES_PER_SEGMENT as f64;
                samples.push(((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t), 1));
            }
        }
    }
    samples.extend(points.iter().map(|&p| (to_px(p), POINT_WEIGHT)));

    let mut best = 0;
    let mut best_score = usize::MAX;
    for (i, (_, corner)) in corners.iter().enumerate() {
        let score: usize = samples
            .iter()
            .filter(|(p, _)| inside(*p, *corner))
            .map(|(_, weight)| weight)
            .sum();
        if score < best_score {
            best = i;
            best_score = score;
        }
    }
    // `SeriesLabelPosition` is neither Copy nor Clone.
    match best {
        0 => SeriesLabelPosition::UpperRight,
        1 => SeriesLabelPosition::UpperLeft,
        2 => SeriesLabelPosition::LowerRight,
        _ => SeriesLabelPosition::LowerLeft,
    }
}

/// Draws `text` centred in `area` in bold: the title strip of a panel image
/// or heatmap.
fn draw_title<DB>(area: &DrawingArea<DB, Shift>, text: &str) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    let style = FontDesc::new(FAMILY.into(), 26.0, FontStyle::Bold)
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(text, &style, ((w / 2) as i32, (h / 2) as i32))
        .map_err(|e| draw_err("title", e))
}

/// Rows and columns of the panel grid: two columns as soon as there are two
/// panels, and at least one row so an empty plot still has a body.
fn panel_grid(n: usize) -> (usize, usize) {
    let cols = if n > 1 { 2 } else { 1 };
    (n.div_ceil(cols).max(1), cols)
}

/// Canvas size of a panel image: the height grows with the rows, and a grid
/// too tall for one image is an error rather than a huge allocation.
fn panels_size(plot: &PanelPlot) -> Result<(u32, u32), PlotError> {
    let (rows, cols) = panel_grid(plot.panels.len());
    let height = u32::try_from(rows)
        .ok()
        .and_then(|r| r.checked_mul(PANEL_ROW_HEIGHT))
        .and_then(|h| h.checked_add(TITLE_HEIGHT + NOTE_HEIGHT))
        .filter(|&h| h <= MAX_IMAGE_HEIGHT)
        .ok_or_else(|| PlotError::Draw {
            what: "panel grid",
            detail: format!(
                "{} panels need {rows} rows, more than fit in one {MAX_IMAGE_HEIGHT}-pixel-high image",
                plot.panels.len()
            ),
        })?;
    // `cols` is 1 or 2, so this cannot overflow.
    let width = (PANEL_COLUMN_WIDTH * cols as u32).max(SIZE.0);
    Ok((width, height))
}

fn draw_panels<DB>(root: &DrawingArea<DB, Shift>, plot: &PanelPlot) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (title_area, rest) = root.split_vertically(TITLE_HEIGHT);
    let (grid, note_area) = split_off_note(&rest);
    draw_title(&title_area, &plot.title)?;

    if plot.panels.is_empty() {
        let (w, h) = grid.dim_in_pixel();
        let style = (FAMILY, 18)
            .into_font()
            .color(&RGBColor(110, 110, 110))
            .pos(Pos::new(HPos::Center, VPos::Center));
        grid.draw_text(
            "No panels to show",
            &style,
            ((w / 2) as i32, (h / 2) as i32),
        )
        .map_err(|e| draw_err("empty panel grid", e))?;
    }
    let (rows, cols) = panel_grid(plot.panels.len());
    for (area, panel) in grid.split_evenly((rows, cols)).iter().zip(&plot.panels) {
        draw_retention(area, panel, PANEL)?;
    }
    draw_note(&note_area, &plot.band_method)
}

/// Most tick labels on the x and y axes of a line chart.
const LINE_X_TICKS: usize = 12;
const LINE_Y_TICKS: usize = 10;

/// Lowest and highest finite value, or `None` when there is none.
fn finite_bounds(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// An axis range around `bounds`, widened by `pad` of its width on each side,
/// that plotters can always draw ticks for.
///
/// With `natural_edges`, padding stops at zero (data that are all
/// non-negative, or all non-positive, do not get an axis past zero) and, for
/// shares (`percent`), at 100%. Values that are all equal (to nine
/// significant digits, the most plotters' tick search copes with) get a
/// range of ±5% around them, or 0..1 (0..10% for shares) around zero; no
/// finite value at all gives 0..1. Values are first limited to ±1e300 so
/// that the width stays finite: an infinite width makes the tick search spin
/// forever.
fn padded_range(
    bounds: Option<(f64, f64)>,
    pad: f64,
    natural_edges: bool,
    percent: bool,
) -> (f64, f64) {
    const LIMIT: f64 = 1e300;
    let Some((lo, hi)) = bounds else {
        return (0.0, 1.0);
    };
    let (lo, hi) = (lo.clamp(-LIMIT, LIMIT), hi.clamp(-LIMIT, LIMIT));
    let width = hi - lo;
    let magnitude = lo.abs().max(hi.abs());
    let (mut a, mut b) = if width > magnitude * 1e-9 && width > 1e-150 {
        (lo - width * pad, hi + width * pad)
    } else {
        let mid = lo / 2.0 + hi / 2.0;
        if mid.abs() < 1e-100 {
            (0.0, if percent { 0.1 } else { 1.0 })
        } else {
            (mid - mid.abs() * 0.05, mid + mid.abs() * 0.05)
        }
    };
    if natural_edges {
        if lo >= 0.0 && a < 0.0 {
            a = 0.0;
        }
        if hi <= 0.0 && b > 0.0 {
            b = 0.0;
        }
        if percent && hi <= 1.0 && b > 1.0 {
            b = 1.0;
        }
    }
    if a < b { (a, b) } else { (0.0, 1.0) }
}

/// Y range of a line chart: every finite y, band low and band high of the
/// points that have a finite x, padded by 5%.
fn line_y_range(plot: &LinePlot) -> (f64, f64) {
    let values = plot
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|p| p.0.is_finite())
        .flat_map(|p| [p.1, p.2, p.3]);
    padded_range(finite_bounds(values), 0.05, true, plot.percent)
}

/// X range of a line chart: every finite x, padded by 3% so the point
/// markers at the ends stay clear of the axes.
fn line_x_range(plot: &LinePlot) -> (f64, f64) {
    let values = plot
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0));
    padded_range(finite_bounds(values), 0.03, false, false)
}

/// How the numbers on one axis are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberStyle {
    /// Digits only ("2020", "3000"): parameter values such as years or
    /// quotas read wrong with separators.
    Plain,
    /// Thousands separators, and a unit suffix (k is never used, only M, B
    /// and T) for large values: "12,000", "1.5M".
    Grouped,
    /// Shares written as percentages: 0.385 is "38.5%".
    Percent,
}

/// Tick label format of one axis, chosen once so every tick shares the same
/// unit and number of decimals (just enough to tell the ticks apart).
#[derive(Debug, Clone, Copy, PartialEq)]
struct TickFormat {
    style: NumberStyle,
    /// What a value is divided by before printing (0.01 for percentages,
    /// 1e6 for "M").
    divisor: f64,
    suffix: &'static str,
    decimals: usize,
    /// Numbers too large or too finely spaced for fixed notation.
    scientific: bool,
}

impl TickFormat {
    /// The format for ticks plotters will place on `range` when asked for
    /// at most `max_ticks` (the same key-point search the mesh uses).
    fn for_axis((lo, hi): (f64, f64), max_ticks: usize, style: NumberStyle) -> Self {
        let ticks = RangedCoordf64::from(lo..hi).key_points(max_ticks);
        let step = ticks
            .windows(2)
            .map(|w| w[1] - w[0])
            .find(|s| *s > 0.0)
            .unwrap_or(hi - lo);
        let magnitude = lo.abs().max(hi.abs());
        let (divisor, suffix) = match style {
            NumberStyle::Percent => (0.01, "%"),
            NumberStyle::Grouped if magnitude >= 1e12 => (1e12, "T"),
            NumberStyle::Grouped if magnitude >= 1e9 => (1e9, "B"),
            NumberStyle::Grouped if magnitude >= 1e6 => (1e6, "M"),
            _ => (1.0, ""),
        };
        let scaled_step = step / divisor;
        let scientific = magnitude / divisor >= 1e15 || scaled_step.is_nan() || scaled_step < 1e-6;
        TickFormat {
            style,
            divisor,
            suffix,
            decimals: decimals_for_step(scaled_step),
            scientific,
        }
    }

    fn format(&self, v: f64) -> String {
        let scaled = v / self.divisor;
        if self.scientific {
            return format!("{scaled:.2e}{}", self.suffix);
        }
        let digits = match self.style {
            NumberStyle::Plain => drop_negative_zero(format!("{:.*}", self.decimals, scaled)),
            NumberStyle::Grouped | NumberStyle::Percent => group_thousands(scaled, self.decimals),
        };
        digits + self.suffix
    }
}

/// Fewest decimals (up to 6) that write every multiple of `step` exactly.
fn decimals_for_step(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..=6)
        .find(|&d| {
            let scaled = step * 10_f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .map_or(6, |d| d as usize)
}

/// "-0" and "-0.0" (a tiny negative rounded away) read as a real negative.
fn drop_negative_zero(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| matches!(c, '0' | '.' | ',')) => rest.to_string(),
        _ => text,
    }
}

/// `v` with `decimals` decimals and a comma between groups of three digits.
fn group_thousands(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    if v < 0.0 {
        out.push('-');
    }
    let all_digits = int.chars().all(|c| c.is_ascii_digit());
    for (i, ch) in int.chars().enumerate() {
        if all_digits && i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    drop_negative_zero(out)
}

/// Removes trailing zeros after a decimal point, and the point if nothing
/// is left after it.
fn trim_zeros(text: String) -> String {
    if text.contains('.') && !text.contains('e') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A heatmap axis value as a category label: as short as it can be without
/// losing digits a sweep would use, and without separators ("2020", "0.15").
fn format_category(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        format!("{v}")
    } else if a >= 1e15 || (a != 0.0 && a < 1e-4) {
        format!("{v:e}")
    } else {
        drop_negative_zero(trim_zeros(format!("{v:.6}")))
    }
}

/// A heatmap value, short enough to fit a cell: shares to one decimal of a
/// percent, other numbers to three significant digits ("1.23M", "12.3k",
/// "1234", "0.123").
fn format_cell(v: f64, percent: bool) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    if percent {
        return drop_negative_zero(format!("{:.1}", v * 100.0)) + "%";
    }
    let a = v.abs();
    let significant = |x: f64| {
        let d = (2 - x.abs().log10().floor() as i32).clamp(0, 4) as usize;
        drop_negative_zero(trim_zeros(format!("{x:.d$}")))
    };
    // A unit applies from just below its threshold, so that 999,950 reads
    // "1M" rather than "1000k".
    let from = |unit: f64| a >= unit * 0.9995;
    if a == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e15).contains(&a) {
        format!("{v:.2e}")
    } else if from(1e12) {
        significant(v / 1e12) + "T"
    } else if from(1e9) {
        significant(v / 1e9) + "B"
    } else if from(1e6) {
        significant(v / 1e6) + "M"
    } else if a >= 1e4 {
        significant(v / 1e3) + "k"
    } else {
        significant(v)
    }
}

fn draw_line_chart<DB>(root: &DrawingArea<DB, Shift>, plot: &LinePlot) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (chart_area, note_area) = split_off_note(root);

    let (x_lo, x_hi) = line_x_range(plot);
    let (y_lo, y_hi) = line_y_range(plot);
    let x_format = TickFormat::for_axis((x_lo, x_hi), LINE_X_TICKS, NumberStyle::Plain);
    let y_style = if plot.percent {
        NumberStyle::Percent
    } else {
        NumberStyle::Grouped
    };
    let y_format = TickFormat::for_axis((y_lo, y_hi), LINE_Y_TICKS, y_style);

    // Room for the widest y tick label plus the rotated axis title, so
    // labels such as "1,250,000" are not cut off.
    let label_font = TextStyle::from((FAMILY, 15).into_font());
    let mut widest = 0;
    for tick in RangedCoordf64::from(y_lo..y_hi).key_points(LINE_Y_TICKS) {
        let (w, _) = chart_area
            .estimate_text_size(&y_format.format(tick), &label_font)
            .map_err(|e| draw_err("axes", e))?;
        widest = widest.max(w);
    }
    let y_area = (widest + 50).clamp(80, 200);

    let mut chart = ChartBuilder::on(&chart_area)
        .caption(
            &plot.title,
            FontDesc::new(FAMILY.into(), 26.0, FontStyle::Bold),
        )
        .margin_top(10)
        .margin_left(15)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .map_err(|e| draw_err("chart frame", e))?;

    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .axis_desc_style((FAMILY, 18))
        .label_style((FAMILY, 15))
        .y_labels(LINE_Y_TICKS)
        .x_labels(LINE_X_TICKS)
        .y_label_formatter(&|v| y_format.format(*v))
        .x_label_formatter(&|v| x_format.format(*v))
        .max_light_lines(1)
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(|e| draw_err("axes", e))?;

    // Values beyond ±1e300 lie outside the axes (see `padded_range`), and
    // plotters overflows mapping them to pixels: treat their x as missing.
    let visible: Vec<CurveSeries> = plot
        .series
        .iter()
        .map(|s| CurveSeries {
            label: s.label.clone(),
            points: s
                .points
                .iter()
                .map(|&(x, y, lo, hi)| {
                    let x = if (x_lo..=x_hi).contains(&x) {
                        x
                    } else {
                        f64::NAN
                    };
                    (x, y, lo, hi)
                })
                .collect(),
        })
        .collect();
    let clamp = move |v: f64| v.clamp(y_lo, y_hi);
    draw_curves(&mut chart, &visible, clamp, Markers::EveryPoint)?;

    let labels: Vec<&str> = plot.series.iter().map(|c| c.label.as_str()).collect();
    let legend = legend_size(&labels)?;
    let position = emptiest_corner(
        chart.plotting_area().dim_in_pixel(),
        legend,
        ((x_lo, x_hi), (y_lo, y_hi)),
        &curve_polylines(&visible, clamp),
        &[],
    );
    draw_legend(&mut chart, position)?;
    draw_note(&note_area, &plot.band_method)
}

/// Rejects a heatmap whose cells do not fill its grid exactly.
fn check_heatmap(map: &Heatmap) -> Result<(), PlotError> {
    let (nx, ny) = (map.x_values.len(), map.y_values.len());
    if nx == 0 || ny == 0 {
        return Err(PlotError::Draw {
            what: "heatmap",
            detail: format!("it needs at least one x value and one y value, got {nx} and {ny}"),
        });
    }
    if nx.checked_mul(ny) != Some(map.cells.len()) {
        return Err(PlotError::Draw {
            what: "heatmap",
            detail: format!(
                "it has {} cells, but {nx} x values times {ny} y values need {}",
                map.cells.len(),
                nx.saturating_mul(ny)
            ),
        });
    }
    Ok(())
}

/// Heatmap canvas: rows get about 36 pixels each, within 560..1600 pixels of
/// height (beyond that, labels are thinned out instead).
fn heatmap_size(map: &Heatmap) -> (u32, u32) {
    let rows = u32::try_from(map.y_values.len()).unwrap_or(u32::MAX);
    let height = rows.saturating_mul(36).saturating_add(220).clamp(560, 1600);
    (HEATMAP_WIDTH, height)
}

/// Position of `v` on the colour scale from `lo` to `hi`, 0..1; the middle
/// when the scale has no width.
fn scale_position(v: f64, (lo, hi): (f64, f64)) -> f64 {
    // Halving first keeps the differences finite for extreme values.
    let t = (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0);
    if hi > lo && t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    }
}

/// The viridis colour at `t` (0..1; anything else is clamped, NaN is the
/// middle).
fn scale_colour(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black on light fills, white on dark ones.
fn text_colour_on(fill: RGBColor) -> RGBColor {
    let luminance =
        (0.2126 * f64::from(fill.0) + 0.7152 * f64::from(fill.1) + 0.0722 * f64::from(fill.2))
            / 255.0;
    if luminance > 0.5 { BLACK } else { WHITE }
}

/// "/" hatch lines `spacing` pixels apart, clipped to the pixel rectangle
/// with corners `a` and `b`.
fn hatch_lines(a: (i32, i32), b: (i32, i32), spacing: i32) -> Vec<Vec<(i32, i32)>> {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    let spacing = spacing.max(1);
    let mut out = Vec::new();
    // Each line is x + y = c; y grows downwards, so it rises to the right.
    let mut c = x0 + y0 + spacing;
    while c < x1 + y1 {
        let (xa, xb) = (x0.max(c - y1), x1.min(c - y0));
        if xa < xb {
            out.push(vec![(xa, c - xa), (xb, c - xb)]);
        }
        c += spacing;
    }
    out
}

/// Every `step`-th index of `n`, where `step` makes labels of `label_px`
/// pixels (plus a gap) fit in cells of `cell_px` pixels.
fn label_step(n: usize, label_px: f64, cell_px: f64) -> usize {
    let needed = (label_px + 10.0) / cell_px.max(1e-9);
    (needed.ceil() as usize).clamp(1, n.max(1))
}

fn draw_heatmap<DB>(root: &DrawingArea<DB, Shift>, map: &Heatmap) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    check_heatmap(map)?;
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let width = root.dim_in_pixel().0;
    let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
    draw_title(&title_area, &map.title)?;
    let (plot_side, bar_side) = body.split_horizontally(width.saturating_sub(COLOUR_BAR_WIDTH));

    let (nx, ny) = (map.x_values.len(), map.y_values.len());
    let label_font = TextStyle::from((FAMILY, 15).into_font());
    let measure = |text: &str| {
        plot_side
            .estimate_text_size(text, &label_font)
            .map_err(|e| draw_err("heatmap axis labels", e))
    };
    let x_texts: Vec<String> = map.x_values.iter().map(|&v| format_category(v)).collect();
    let y_texts: Vec<String> = map.y_values.iter().map(|&v| format_category(v)).collect();
    let (mut widest_x, mut widest_y, mut tallest) = (0, 0, 0);
    for text in &x_texts {
        let (w, h) = measure(text)?;
        widest_x = widest_x.max(w);
        tallest = tallest.max(h);
    }
    for text in &y_texts {
        let (w, h) = measure(text)?;
        widest_y = widest_y.max(w);
        tallest = tallest.max(h);
    }

    let mut chart = ChartBuilder::on(&plot_side)
        .margin_top(10)
        .margin_bottom(8)
        .margin_left(15)
        .margin_right(20)
        .x_label_area_size(60)
        .y_label_area_size((widest_y + 50).clamp(70, 260))
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
        .map_err(|e| draw_err("chart frame", e))?;
    // Only the axis lines and titles: the category labels are drawn below,
    // centred on the cells rather than on plotters' numeric ticks.
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(map.x_label.as_str())
        .y_desc(map.y_label.as_str())
        .axis_desc_style((FAMILY, 18))
        .draw()
        .map_err(|e| draw_err("axes", e))?;

    let bounds = finite_bounds(map.cells.iter().copied());
    let fill_of = |v: f64| match bounds {
        Some(range) if v.is_finite() => scale_colour(scale_position(v, range)),
        _ => NO_DATA_FILL,
    };
    let cell_at = |i: usize| ((i % nx) as f64, (i / nx) as f64);
    chart
        .draw_series(map.cells.iter().enumerate().map(|(i, &v)| {
            let (x, y) = cell_at(i);
            Rectangle::new([(x, y), (x + 1.0, y + 1.0)], fill_of(v).filled())
        }))
        .map_err(|e| draw_err("heatmap cells", e))?;

    let base = plot_side.get_base_pixel();
    let coords = chart.plotting_area().as_coord_spec().clone();
    let to_area = |p: (f64, f64)| {
        let (px, py) = coords.translate(&p);
        (px - base.0, py - base.1)
    };
    for (i, _) in map.cells.iter().enumerate().filter(|(_, v)| !v.is_finite()) {
        let (x, y) = cell_at(i);
        for line in hatch_lines(to_area((x, y)), to_area((x + 1.0, y + 1.0)), 8) {
            plot_side
                .draw(&PathElement::new(line, NO_DATA_HATCH.stroke_width(1)))
                .map_err(|e| draw_err("heatmap cells", e))?;
        }
    }

    let (plot_w, plot_h) = chart.plotting_area().dim_in_pixel();
    let (cell_w, cell_h) = (f64::from(plot_w) / nx as f64, f64::from(plot_h) / ny as f64);
    // White gaps between cells, while cells are big enough to spare them.
    if cell_w >= 12.0 && cell_h >= 12.0 {
        let gap = WHITE.stroke_width(2);
        let verticals = (0..=nx).map(|i| vec![(i as f64, 0.0), (i as f64, ny as f64)]);
        let horizontals = (0..=ny).map(|j| vec![(0.0, j as f64), (nx as f64, j as f64)]);
        chart
            .draw_series(
                verticals
                    .chain(horizontals)
                    .map(|l| PathElement::new(l, gap)),
            )
            .map_err(|e| draw_err("heatmap cells", e))?;
    }

    draw_cell_values(&plot_side, &mut chart, map, (cell_w, cell_h), &fill_of)?;

    // Category labels, thinned out where they would overlap.
    let tick = RGBColor(90, 90, 90);
    let x_step = label_step(nx, f64::from(widest_x), cell_w);
    let x_style = label_font
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, text) in x_texts.iter().enumerate().step_by(x_step) {
        let (px, py) = to_area((i as f64 + 0.5, 0.0));
        plot_side
            .draw(&PathElement::new(vec![(px, py), (px, py + 5)], tick))
            .map_err(|e| draw_err("heatmap axis labels", e))?;
        plot_side
            .draw_text(text, &x_style, (px, py + 8))
            .map_err(|e| draw_err("heatmap axis labels", e))?;
    }
    let y_step = label_step(ny, f64::from(tallest), cell_h);
    let y_style = label_font
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (j, text) in y_texts.iter().enumerate().step_by(y_step) {
        let (px, py) = to_area((0.0, j as f64 + 0.5));
        plot_side
            .draw(&PathElement::new(vec![(px - 5, py), (px, py)], tick))
            .map_err(|e| draw_err("heatmap axis labels", e))?;
        plot_side
            .draw_text(text, &y_style, (px - 8, py))
            .map_err(|e| draw_err("heatmap axis labels", e))?;
    }

    // The colour bar spans the height of the plot.
    let bar_base = bar_side.get_base_pixel();
    let (_, y_pixels) = chart.plotting_area().get_pixel_range();
    let (top, bottom) = (y_pixels.start - bar_base.1, y_pixels.end - bar_base.1);
    let has_missing = map.cells.iter().any(|v| !v.is_finite());
    draw_colour_bar(&bar_side, map, bounds, (top, bottom), has_missing)
}

/// Prints each finite value in its cell, in black or white against the
/// fill, at the largest size (up to 16 px) at which the widest value fits;
/// when even 9 px does not fit, the cells stay unlabelled.
fn draw_cell_values<'a, DB>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    map: &Heatmap,
    (cell_w, cell_h): (f64, f64),
    fill_of: &dyn Fn(f64) -> RGBColor,
) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
{
    const MAX_SIZE: f64 = 16.0;
    const MIN_SIZE: f64 = 9.0;
    if cell_w < 20.0 || cell_h < 2.0 * MIN_SIZE {
        return Ok(());
    }
    let texts: Vec<Option<String>> = map
        .cells
        .iter()
        .map(|&v| v.is_finite().then(|| format_cell(v, map.percent)))
        .collect();
    let probe = TextStyle::from((FAMILY, MAX_SIZE).into_font());
    let mut widest = 0_u32;
    for text in texts.iter().flatten() {
        let (w, _) = area
            .estimate_text_size(text, &probe)
            .map_err(|e| draw_err("heatmap values", e))?;
        widest = widest.max(w);
    }
    // Text width grows in proportion to its size.
    let fit_width = MAX_SIZE * (cell_w - 14.0) / f64::from(widest.max(1));
    let size = MAX_SIZE.min(fit_width).min(cell_h * 0.5).floor();
    if size < MIN_SIZE {
        return Ok(());
    }
    let nx = map.x_values.len();
    let font = (FAMILY, size).into_font();
    chart
        .draw_series(texts.into_iter().enumerate().filter_map(|(i, text)| {
            let text = text?;
            let colour = text_colour_on(fill_of(map.cells[i]));
            let style = font
                .clone()
                .color(&colour)
                .pos(Pos::new(HPos::Center, VPos::Center));
            let centre = ((i % nx) as f64 + 0.5, (i / nx) as f64 + 0.5);
            Some(Text::new(text, centre, style))
        }))
        .map_err(|e| draw_err("heatmap values", e))?;
    Ok(())
}

/// The colour bar right of a heatmap, from `top` to `bottom` (pixels within
/// `area`): the gradient with the lowest, middle and highest value, the
/// scale's title running up beside it, and a hatched "no result" swatch
/// when some cells have none.
fn draw_colour_bar<DB>(
    area: &DrawingArea<DB, Shift>,
    map: &Heatmap,
    bounds: Option<(f64, f64)>,
    (top, bottom): (i32, i32),
    has_missing: bool,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    const SLICES: i32 = 64;
    const BAR_LEFT: i32 = 16;
    const BAR_RIGHT: i32 = 40;
    let err = |e| draw_err("colour bar", e);
    let border = RGBColor(120, 120, 120);
    let height = (bottom - top).max(1);
    let label_style = (FAMILY, 15)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));

    match bounds {
        Some((lo, hi)) => {
            for k in 0..SLICES {
                let y_low = bottom - height * k / SLICES;
                let y_high = bottom - height * (k + 1) / SLICES;
                let t = (f64::from(k) + 0.5) / f64::from(SLICES);
                area.draw(&Rectangle::new(
                    [(BAR_LEFT, y_high), (BAR_RIGHT, y_low)],
                    scale_colour(t).filled(),
                ))
                .map_err(err)?;
            }
            let ticks: Vec<(f64, i32)> = if hi > lo {
                vec![
                    (hi, top),
                    (lo / 2.0 + hi / 2.0, top + height / 2),
                    (lo, bottom),
                ]
            } else {
                vec![(lo, top + height / 2)]
            };
            for (value, y) in ticks {
                area.draw(&PathElement::new(
                    vec![(BAR_RIGHT, y), (BAR_RIGHT + 5, y)],
                    border,
                ))
                .map_err(err)?;
                area.draw_text(
                    &format_cell(value, map.percent),
                    &label_style,
                    (BAR_RIGHT + 8, y),
                )
                .map_err(err)?;
            }
        }
        None => {
            area.draw(&Rectangle::new(
                [(BAR_LEFT, top), (BAR_RIGHT, bottom)],
                NO_DATA_FILL.filled(),
            ))
            .map_err(err)?;
            area.draw_text(
                "no results",
                &label_style,
                (BAR_RIGHT + 8, top + height / 2),
            )
            .map_err(err)?;
        }
    }
    area.draw(&Rectangle::new(
        [(BAR_LEFT, top), (BAR_RIGHT, bottom)],
        border,
    ))
    .map_err(err)?;

    if !map.value_label.trim().is_empty() {
        let title_style = FontDesc::new(FAMILY.into(), 16.0, FontStyle::Normal)
            .transform(FontTransform::Rotate270)
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let x = COLOUR_BAR_WIDTH as i32 - 22;
        area.draw_text(map.value_label.trim(), &title_style, (x, top + height / 2))
            .map_err(err)?;
    }

    if has_missing {
        let (y0, y1) = (bottom + 16, bottom + 32);
        area.draw(&Rectangle::new(
            [(BAR_LEFT, y0), (BAR_RIGHT, y1)],
            NO_DATA_FILL.filled(),
        ))
        .map_err(err)?;
        for line in hatch_lines((BAR_LEFT, y0), (BAR_RIGHT, y1), 8) {
            area.draw(&PathElement::new(line, NO_DATA_HATCH.stroke_width(1)))
                .map_err(err)?;
        }
        area.draw(&Rectangle::new([(BAR_LEFT, y0), (BAR_RIGHT, y1)], border))
            .map_err(err)?;
        area.draw_text("no result", &label_style, (BAR_RIGHT + 8, (y0 + y1) / 2))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
}
