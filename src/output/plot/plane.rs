//! The cost-effectiveness plane: each option's Δeffect (x) against its Δcost (y) from the
//! reference at the origin, with the 95% intervals of both as cross bars, labelled beside each
//! point, and dashed lines through zero splitting the four quadrants.

use super::*;

/// One option on the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanePoint {
    pub label: String,
    /// Δeffect with its interval (low, mean, high).
    pub effect: (f64, f64, f64),
    /// Δcost with its interval (low, mean, high).
    pub cost: (f64, f64, f64),
}

/// The cost-effectiveness plane of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<PlanePoint>,
    /// The reference's name, drawn at the origin.
    pub reference: String,
    /// What the bars are, in words.
    pub note: String,
}

impl Chart for Plane {
    fn svg(&self) -> Result<String, PlotError> {
        render_svg_with(SIZE, |root| draw_plane(root, self))
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(SIZE, |root| draw_plane(root, self))
    }
}

fn draw_plane<DB>(root: &DrawingArea<DB, Shift>, plot: &Plane) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (chart_area, note_area) = split_off_note(root);
    // Both axes always include zero (the reference), so the quadrants are visible.
    let xs = plot
        .points
        .iter()
        .flat_map(|p| [p.effect.0, p.effect.1, p.effect.2])
        .chain([0.0]);
    let ys = plot
        .points
        .iter()
        .flat_map(|p| [p.cost.0, p.cost.1, p.cost.2])
        .chain([0.0]);
    let (x_lo, x_hi) = padded_range(finite_bounds(xs), 0.12, false, false);
    let (y_lo, y_hi) = padded_range(finite_bounds(ys), 0.08, false, false);
    let x_format = TickFormat::for_axis((x_lo, x_hi), 10, NumberStyle::Grouped);
    let y_format = TickFormat::for_axis((y_lo, y_hi), 10, NumberStyle::Grouped);
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(
            &plot.title,
            FontDesc::new(FAMILY.into(), 24.0, FontStyle::Bold),
        )
        .margin_top(10)
        .margin_left(15)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(110)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .map_err(|e| draw_err("chart frame", e))?;
    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .axis_desc_style((FAMILY, 17))
        .label_style((FAMILY, 15))
        .x_labels(10)
        .y_labels(10)
        .x_label_formatter(&|v| x_format.format(*v))
        .y_label_formatter(&|v| y_format.format(*v))
        .max_light_lines(1)
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(|e| draw_err("axes", e))?;
    let axis = RGBColor(90, 90, 90);
    for line in [
        vec![(0.0, y_lo), (0.0, y_hi)],
        vec![(x_lo, 0.0), (x_hi, 0.0)],
    ] {
        chart
            .draw_series(DashedLineSeries::new(line, 6, 4, axis.stroke_width(1)))
            .map_err(|e| draw_err("zero lines", e))?;
    }
    // The reference, at the origin.
    chart
        .draw_series([Cross::new((0.0, 0.0), 7, BLACK.stroke_width(2))])
        .map_err(|e| draw_err("reference", e))?;
    let reference = (FAMILY, 16)
        .into_font()
        .color(&RGBColor(30, 30, 30))
        .pos(Pos::new(HPos::Left, VPos::Top));
    chart
        .draw_series([Text::new(plot.reference.clone(), (0.0, 0.0), reference)])
        .map_err(|e| draw_err("labels", e))?;
    let clip_x = |v: f64| v.clamp(x_lo, x_hi);
    let clip_y = |v: f64| v.clamp(y_lo, y_hi);
    for (i, p) in plot.points.iter().enumerate() {
        let colour = curve_colour(i + 1);
        let (e, c) = (p.effect, p.cost);
        if !(e.1.is_finite() && c.1.is_finite()) {
            continue;
        }
        let style = colour.stroke_width(2);
        let mut bars = Vec::new();
        if e.0.is_finite() && e.2.is_finite() {
            bars.push(vec![(clip_x(e.0), c.1), (clip_x(e.2), c.1)]);
        }
        if c.0.is_finite() && c.2.is_finite() {
            bars.push(vec![(e.1, clip_y(c.0)), (e.1, clip_y(c.2))]);
        }
        for b in bars {
            chart
                .draw_series(LineSeries::new(b, style))
                .map_err(|e| draw_err("interval bars", e))?;
        }
        chart
            .draw_series([Circle::new((e.1, c.1), 6, colour.filled())])
            .map_err(|e| draw_err("points", e))?;
        // Labels of points in the right third read leftwards, so none runs off the chart.
        let h = if e.1 > x_lo + (x_hi - x_lo) * 0.66 {
            HPos::Right
        } else {
            HPos::Left
        };
        let label = (FAMILY, 16)
            .into_font()
            .color(&RGBColor(30, 30, 30))
            .pos(Pos::new(h, VPos::Bottom));
        chart
            .draw_series([Text::new(p.label.clone(), (e.1, c.1), label)])
            .map_err(|e| draw_err("labels", e))?;
    }
    let note = (FAMILY, 15)
        .into_font()
        .color(&RGBColor(60, 60, 60))
        .pos(Pos::new(HPos::Left, VPos::Center));
    note_area
        .draw_text(&plot.note, &note, (20, (NOTE_HEIGHT / 2) as i32))
        .map_err(|e| draw_err("note", e))
}
