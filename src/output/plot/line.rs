//! A metric against a numeric parameter, with its band: the charts of a one-axis sweep and
//! of the report's yearly series.

use super::*;

/// Most tick labels on the x and y axes of a line chart.
pub(super) const LINE_X_TICKS: usize = 12;
pub(super) const LINE_Y_TICKS: usize = 10;

/// Y range of a line chart: every finite y, band low and band high of the
/// points that have a finite x, padded by 5%.
pub(super) fn line_y_range(plot: &LinePlot) -> (f64, f64) {
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
pub(super) fn line_x_range(plot: &LinePlot) -> (f64, f64) {
    let values = plot
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0));
    padded_range(finite_bounds(values), 0.03, false, false)
}

/// How a line chart is drawn: alone (with its note strip) or as a panel, and whether its
/// values are differences (the axis then always shows zero, drawn darker, and shares are
/// written in percentage points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LineStyle {
    pub caption_size: f64,
    /// Draw the band-method note under the chart (a panel leaves it to the grid).
    pub note: bool,
    pub differences: bool,
}

pub(super) const LINE_ALONE: LineStyle = LineStyle {
    caption_size: 26.0,
    note: true,
    differences: false,
};

pub(super) const DIFFERENCE_PANEL: LineStyle = LineStyle {
    caption_size: 20.0,
    note: false,
    differences: true,
};

pub(super) fn draw_line_chart<DB>(
    root: &DrawingArea<DB, Shift>,
    plot: &LinePlot,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    draw_line_in(root, plot, LINE_ALONE)
}

pub(super) fn draw_line_in<DB>(
    root: &DrawingArea<DB, Shift>,
    plot: &LinePlot,
    style: LineStyle,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (chart_area, note_area) = if style.note {
        let (a, n) = split_off_note(root);
        (a, Some(n))
    } else {
        (root.clone(), None)
    };

    let (x_lo, x_hi) = line_x_range(plot);
    let (mut y_lo, mut y_hi) = line_y_range(plot);
    if style.differences {
        let none = plot
            .series
            .iter()
            .flat_map(|s| &s.points)
            .flat_map(|p| [p.1, p.2, p.3])
            .all(|v| !v.is_finite() || v.abs() < 1e-12);
        if none {
            // Nothing differs: a small axis around zero, not 0–100%.
            let half = if plot.percent { 0.01 } else { 1.0 };
            (y_lo, y_hi) = (-half, half);
        } else {
            // No difference is the line a reader measures against: always on the axis.
            let pad = 0.05 * (y_hi - y_lo);
            y_lo = y_lo.min(-pad);
            y_hi = y_hi.max(pad);
        }
    }
    // Money on the x axis (a willingness to pay) reads with digit groups.
    let x_style = if x_lo.abs().max(x_hi.abs()) >= 10_000.0 {
        NumberStyle::Grouped
    } else {
        NumberStyle::Plain
    };
    let x_format = TickFormat::for_axis((x_lo, x_hi), LINE_X_TICKS, x_style);
    let y_style = match (plot.percent, style.differences) {
        (true, true) => NumberStyle::Points,
        (true, false) => NumberStyle::Percent,
        (false, _) => NumberStyle::Grouped,
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
            FontDesc::new(FAMILY.into(), style.caption_size, FontStyle::Bold),
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
    if style.differences {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x_lo, 0.0), (x_hi, 0.0)],
                RGBColor(90, 90, 90).stroke_width(2),
            )))
            .map_err(|e| draw_err("zero line", e))?;
    }
    // A sweep's few points are each a result and are marked; a dense curve is a line.
    let dense = plot.series.iter().any(|s| s.points.len() > 40);
    let markers = if dense {
        Markers::LonePoints
    } else {
        Markers::EveryPoint
    };
    draw_curves(&mut chart, &visible, clamp, markers)?;

    let labels: Vec<&str> = plot.series.iter().map(|c| c.label.as_str()).collect();
    let legend = legend_size(&labels)?;
    let mut avoid = curve_polylines(&visible, clamp);
    if style.differences {
        avoid.push(vec![(x_lo, 0.0), (x_hi, 0.0)]);
    }
    let position = emptiest_place(
        chart.plotting_area().dim_in_pixel(),
        legend,
        ((x_lo, x_hi), (y_lo, y_hi)),
        &avoid,
        &[],
    );
    draw_legend(&mut chart, position)?;
    match note_area {
        Some(n) => draw_note(&n, &plot.band_method),
        None => Ok(()),
    }
}
