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
//! register an embedded font under the one family name this module draws
//! with: Noto Sans CJK SC, subset to Latin, punctuation and every GB 2312
//! character (`assets/fonts/`, SIL OFL 1.1), so that a Chinese scenario name
//! such as "乡镇加薪20%" renders in the PNG as in the SVG. plotters measures
//! text with the same bytes to place labels; the output depends on nothing
//! installed on the machine and is byte-identical from run to run.
//!
//! Besides that chart, the module draws small multiples of it in one image
//! ([`PanelPlot`]), a metric against a swept parameter with confidence bands
//! ([`LinePlot`]) and a metric over a grid of two parameters ([`Heatmap`]),
//! all with the same font, palette and PNG-writing rules.
//!
//! Characters outside the subset (rare hanzi beyond GB 2312) come out as the
//! font's empty box in the PNG; the SVG keeps the real characters. Nothing
//! panics on them.
//!
//! Layout: every chart kind implements [`Chart`] (here, with the data types); `retention`
//! draws the retention chart and its panels (lines with bands and benchmark points), `line`
//! the metric-against-parameter chart, `heatmap` the grid; `style` holds what they share:
//! sizes, font, palette, legend, note, title and the numbers on the axes; `glyphs` sets the
//! PNGs' text (plotters' own drops each glyph's side bearing).

mod bars;
mod forest;
mod glyphs;
mod heatmap;
mod line;
mod plane;
mod retention;
mod scatter;
mod style;
#[cfg(test)]
mod tests;

use self::heatmap::*;
use self::line::*;
use self::retention::*;
use self::style::*;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

pub use self::bars::{BarSeries, Bars};
pub use self::forest::{Forest, ForestGroup, ForestRow};
pub use self::plane::{Plane, PlanePoint};
pub use self::scatter::{ScatterPanel, ScatterPanels};

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
    #[error("cannot register the embedded Noto Sans CJK SC font under family {family:?}")]
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
        render_svg_with(panels_size(self.panels.len())?, |root| {
            draw_panels(root, self)
        })
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(panels_size(self.panels.len())?, |root| {
            draw_panels(root, self)
        })
    }
}

/// Line charts of differences in a grid of panels (two columns), under one title and one band
/// note: each scenario's paired difference from the reference, one panel per pathway. Every
/// panel's y-axis is scaled to its differences and always shows zero, drawn darker; shares are
/// written in percentage points.
#[derive(Debug, Clone, PartialEq)]
pub struct DifferencePanels {
    pub title: String,
    pub panels: Vec<LinePlot>,
    pub band_method: String,
}

impl Chart for DifferencePanels {
    fn svg(&self) -> Result<String, PlotError> {
        render_svg_with(panels_size(self.panels.len())?, |root| {
            draw_difference_panels(root, self)
        })
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(panels_size(self.panels.len())?, |root| {
            draw_difference_panels(root, self)
        })
    }
}

fn draw_difference_panels<DB>(
    root: &DrawingArea<DB, Shift>,
    plot: &DifferencePanels,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let grid = panel_frame(root, &plot.title, plot.panels.is_empty())?;
    let (rows, cols) = panel_grid(plot.panels.len());
    for (area, panel) in grid.split_evenly((rows, cols)).iter().zip(&plot.panels) {
        draw_line_in(area, panel, DIFFERENCE_PANEL)?;
    }
    draw_note(&split_off_note(root).1, &plot.band_method)
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
    Ok(glyphs::fit_svg_text(&svg))
}

/// Runs `draw` on an RGB bitmap of `size` pixels and encodes it as PNG, with the encoder and
/// settings plotters' own file target uses (`image`'s PNG encoder at its defaults), so the
/// bytes are those plotters would have written.
fn render_png_with(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<glyphs::Glyphs<'_>, Shift>) -> Result<(), PlotError>,
) -> Result<Vec<u8>, PlotError> {
    use image::ImageEncoder;
    ensure_fonts()?;
    let (w, h) = size;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        // The backend borrows `rgb` until it is dropped at the end of this block.
        let root =
            glyphs::Glyphs::new(BitMapBackend::with_buffer(&mut rgb, size)).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| draw_err("PNG image", e))?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&rgb, w, h, image::ColorType::Rgb8)
        .map_err(|e| draw_err("PNG file", e))?;
    Ok(png)
}
