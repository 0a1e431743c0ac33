//! Scatter panels: a metric against each axis of a Latin-hypercube sweep, one panel per axis,
//! every point with its 95% interval — where a line through points that vary in every axis at
//! once would draw a pattern that is not there.

use super::*;

/// One panel: the metric (y) at each point against one axis (x).
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPanel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// (x, y, interval low, interval high) per point.
    pub points: Vec<(f64, f64, f64, f64)>,
    /// The metric is a share (y ticks in percent).
    pub percent: bool,
}

/// Scatter panels under one title and one band note.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPanels {
    pub title: String,
    pub panels: Vec<ScatterPanel>,
    pub band_method: String,
}

impl Chart for ScatterPanels {
    fn svg(&self) -> Result<String, PlotError> {
        render_svg_with(panels_size(self.panels.len())?, |root| {
            draw_scatter(root, self)
        })
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(panels_size(self.panels.len())?, |root| {
            draw_scatter(root, self)
        })
    }
}

fn draw_scatter<DB>(root: &DrawingArea<DB, Shift>, plot: &ScatterPanels) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let grid = panel_frame(root, &plot.title, plot.panels.is_empty())?;
    let (rows, cols) = panel_grid(plot.panels.len());
    for (area, panel) in grid.split_evenly((rows, cols)).iter().zip(&plot.panels) {
        draw_panel(area, panel)?;
    }
    draw_note(&split_off_note(root).1, &plot.band_method)
}

fn draw_panel<DB>(area: &DrawingArea<DB, Shift>, p: &ScatterPanel) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let finite: Vec<&(f64, f64, f64, f64)> = p
        .points
        .iter()
        .filter(|q| q.0.is_finite() && q.1.is_finite())
        .collect();
    let (x_lo, x_hi) = padded_range(
        finite_bounds(finite.iter().map(|q| q.0)),
        0.04,
        false,
        false,
    );
    let (y_lo, y_hi) = padded_range(
        finite_bounds(finite.iter().flat_map(|q| [q.1, q.2, q.3])),
        0.05,
        true,
        p.percent,
    );
    let x_format = TickFormat::for_axis((x_lo, x_hi), 8, NumberStyle::Grouped);
    let y_style = if p.percent {
        NumberStyle::Percent
    } else {
        NumberStyle::Grouped
    };
    let y_format = TickFormat::for_axis((y_lo, y_hi), 8, y_style);
    let mut chart = ChartBuilder::on(area)
        .caption(
            &p.title,
            FontDesc::new(FAMILY.into(), 18.0, FontStyle::Bold),
        )
        .margin(10)
        .margin_right(25)
        .x_label_area_size(50)
        .y_label_area_size(90)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .map_err(|e| draw_err("scatter frame", e))?;
    chart
        .configure_mesh()
        .x_desc(p.x_label.as_str())
        .y_desc(p.y_label.as_str())
        .axis_desc_style((FAMILY, 15))
        .label_style((FAMILY, 13))
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&|v| x_format.format(*v))
        .y_label_formatter(&|v| y_format.format(*v))
        .max_light_lines(1)
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(|e| draw_err("scatter axes", e))?;
    let colour = curve_colour(0);
    let clamp = |v: f64| v.clamp(y_lo, y_hi);
    chart
        .draw_series(
            finite
                .iter()
                .filter(|q| q.2.is_finite() && q.3.is_finite())
                .map(|q| {
                    PathElement::new(
                        vec![(q.0, clamp(q.2)), (q.0, clamp(q.3))],
                        colour.mix(0.45).stroke_width(2),
                    )
                }),
        )
        .map_err(|e| draw_err("scatter intervals", e))?;
    chart
        .draw_series(
            finite
                .iter()
                .map(|q| Circle::new((q.0, clamp(q.1)), 4, colour.filled())),
        )
        .map_err(|e| draw_err("scatter points", e))?;
    Ok(())
}
