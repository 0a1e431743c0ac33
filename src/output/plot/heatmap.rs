//! A metric over a grid of two parameters: one cell per combination on the viridis scale,
//! hatched grey where there is no result, with the value written in each cell and a colour bar.

use super::*;

/// Rejects a heatmap whose cells do not fill its grid exactly.
pub(super) fn check_heatmap(map: &Heatmap) -> Result<(), PlotError> {
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
pub(super) fn heatmap_size(map: &Heatmap) -> (u32, u32) {
    let rows = u32::try_from(map.y_values.len()).unwrap_or(u32::MAX);
    let height = rows.saturating_mul(36).saturating_add(220).clamp(560, 1600);
    (HEATMAP_WIDTH, height)
}

/// Position of `v` on the colour scale from `lo` to `hi`, 0..1; the middle
/// when the scale has no width.
pub(super) fn scale_position(v: f64, (lo, hi): (f64, f64)) -> f64 {
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
pub(super) fn scale_colour(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black on light fills, white on dark ones.
pub(super) fn text_colour_on(fill: RGBColor) -> RGBColor {
    let luminance =
        (0.2126 * f64::from(fill.0) + 0.7152 * f64::from(fill.1) + 0.0722 * f64::from(fill.2))
            / 255.0;
    if luminance > 0.5 { BLACK } else { WHITE }
}

/// "/" hatch lines `spacing` pixels apart, clipped to the pixel rectangle
/// with corners `a` and `b`.
pub(super) fn hatch_lines(a: (i32, i32), b: (i32, i32), spacing: i32) -> Vec<Vec<(i32, i32)>> {
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
pub(super) fn label_step(n: usize, label_px: f64, cell_px: f64) -> usize {
    let needed = (label_px + 10.0) / cell_px.max(1e-9);
    (needed.ceil() as usize).clamp(1, n.max(1))
}

pub(super) fn draw_heatmap<DB>(
    root: &DrawingArea<DB, Shift>,
    map: &Heatmap,
) -> Result<(), PlotError>
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

    draw_category_labels(
        &plot_side,
        &to_area,
        &label_font,
        (&x_texts, &y_texts),
        (widest_x, tallest),
        (cell_w, cell_h),
    )?;

    // The colour bar spans the height of the plot.
    let bar_base = bar_side.get_base_pixel();
    let (_, y_pixels) = chart.plotting_area().get_pixel_range();
    let (top, bottom) = (y_pixels.start - bar_base.1, y_pixels.end - bar_base.1);
    let has_missing = map.cells.iter().any(|v| !v.is_finite());
    draw_colour_bar(&bar_side, map, bounds, (top, bottom), has_missing)
}

/// The category labels under and left of the cells, each on a short tick at the middle of
/// its cell, thinned out where they would overlap. `to_area` turns chart coordinates into
/// pixels of `plot_side`.
fn draw_category_labels<DB>(
    plot_side: &DrawingArea<DB, Shift>,
    to_area: &dyn Fn((f64, f64)) -> (i32, i32),
    label_font: &TextStyle<'_>,
    (x_texts, y_texts): (&[String], &[String]),
    (widest_x, tallest): (u32, u32),
    (cell_w, cell_h): (f64, f64),
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let (nx, ny) = (x_texts.len(), y_texts.len());
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

    Ok(())
}

/// Prints each finite value in its cell, in black or white against the
/// fill, at the largest size (up to 16 px) at which the widest value fits;
/// when even 9 px does not fit, the cells stay unlabelled.
pub(super) fn draw_cell_values<'a, DB>(
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
pub(super) fn draw_colour_bar<DB>(
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
