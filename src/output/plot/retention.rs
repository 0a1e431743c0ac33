//! The retention chart: one line per series with its band, benchmark diamonds with their
//! labels, a legend in the emptiest corner and the band note; and small multiples of it
//! ([`super::PanelPlot`]).

use super::*;

/// Axis ranges: x from 0 (or the smallest x, if negative) to the largest
/// finite x among curves and benchmarks, never narrower than one year.
pub(super) fn x_range(plot: &RetentionPlot) -> (f64, f64) {
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
pub(super) fn clamp_share(v: f64) -> f64 {
    v.clamp(0.0, 1.0)
}

/// Splits `points` into runs of consecutive points for which `pick` yields a
/// value, so a missing value leaves a gap instead of a misleading bridge.
pub(super) fn runs<T>(
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

/// A stand-alone retention chart: the chart itself with the band-method
/// note under it.
pub(super) fn draw_chart<DB>(
    root: &DrawingArea<DB, Shift>,
    plot: &RetentionPlot,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (chart_area, note_area) = split_off_note(root);
    draw_retention(&chart_area, plot, STANDALONE)?;
    draw_note(&note_area, &plot.band_method)
}

/// What differs between a stand-alone retention chart and one panel of
/// several.
#[derive(Debug, Clone, Copy)]
pub(super) struct ChartStyle {
    /// Size of the chart's caption: a panel's title must stay smaller than
    /// the title of the whole image.
    caption_size: f64,
}

pub(super) const STANDALONE: ChartStyle = ChartStyle { caption_size: 26.0 };

pub(super) const PANEL: ChartStyle = ChartStyle { caption_size: 20.0 };

/// Draws one retention chart (caption, axes, bands, curves, benchmarks,
/// legend) filling `area`; the note is left to the caller, because panels
/// share one note.
pub(super) fn draw_retention<DB>(
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

    let position = {
        let mut labels: Vec<&str> = plot.curves.iter().map(|c| c.label.as_str()).collect();
        if !marked.is_empty() {
            labels.push(BENCHMARK_LEGEND);
        }
        let legend = legend_size(&labels)?;
        emptiest_place(
            chart.plotting_area().dim_in_pixel(),
            legend,
            ((x_lo, x_hi), (0.0, 1.0)),
            &curve_polylines(&plot.curves, clamp_share),
            &marked,
        )
    };
    draw_legend(&mut chart, position)
}

/// Which points of a curve get a marker on top of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Markers {
    /// Only points with no neighbour to draw a line to, which would
    /// otherwise be invisible (dense retention curves).
    LonePoints,
    /// Every point, because a sweep has few points and each is a result.
    EveryPoint,
}

/// Draws all bands, then all lines (so every line is on top of every band),
/// each curve in its palette colour and listed once in the legend. `clamp`
/// keeps values on the visible y axis.
pub(super) fn draw_curves<'a, DB>(
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

    // Earlier curves are drawn wider, so a later curve that coincides with them (a policy
    // that changes nothing for a pathway) leaves them showing as a rim on each side instead
    // of hiding them: the reference, first, stays visible under any scenario equal to it.
    let rim = |i: usize| (2 * (curves.len() - 1 - i)).min(6) as u32;
    for (i, curve) in curves.iter().enumerate() {
        let colour = curve_colour(i);
        let width = 3 + rim(i);
        let radius = 5 + rim(i) as i32 / 2;
        let line_style = colour.stroke_width(width);
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
                .draw_series(
                    dots.into_iter()
                        .map(move |p| Circle::new(p, radius - 1, colour.filled())),
                )
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
                    + PathElement::new(vec![(0, 0), (24, 0)], colour.stroke_width(width))
            }),
            Markers::EveryPoint => anno.legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -7), (24, 7)], colour.mix(BAND_ALPHA).filled())
                    + PathElement::new(vec![(0, 0), (24, 0)], colour.stroke_width(width))
                    + Circle::new((12, 0), radius - 1, colour.filled())
            }),
        };
        if !every_point.is_empty() {
            // Markers go over the line; a white rim keeps them apart from
            // crossing lines of other curves.
            chart
                .draw_series(every_point.into_iter().map(|p| {
                    EmptyElement::at(p)
                        + Circle::new((0, 0), radius, colour.filled())
                        + Circle::new((0, 0), radius, WHITE.stroke_width(1))
                }))
                .map_err(|e| draw_err("curve", e))?;
        }
    }
    Ok(())
}

/// Year ticks without a trailing ".0" when they are whole years.
pub(super) fn format_years(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0}", v)
    } else {
        format!("{:.1}", v)
    }
}

/// Draws the benchmark markers with their labels and returns where the
/// markers are (in chart coordinates), so the legend can keep clear of them.
pub(super) fn draw_benchmarks<'a, DB>(
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
        // The label's extent too, so that a legend keeps clear of its text.
        let px_to_x = (x_hi - x_lo) / f64::from(chart.plotting_area().dim_in_pixel().0.max(1));
        for px in [left, (left + right) / 2, right] {
            marked.push((b.x + f64::from(px) * px_to_x, clamp_share(b.y)));
        }
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

/// The polylines a legend should not cover: each curve's line and the edges
/// of its band, split where values are missing, as drawn.
pub(super) fn curve_polylines(
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

/// Picks the place in the plot where a legend of `legend` pixels covers the least data: curves
/// are sampled along their length, and each marked point (a benchmark with its label) weighs as
/// much as a stretch of curve. The corners are tried first (ties go to the upper right, then
/// upper left, lower right, lower left), then the middles of the edges, then a grid inside: a
/// chart whose curves fill every corner (the title mix: one share near the top, three near the
/// bottom) gets its legend in the empty band between them rather than over a line.
pub(super) fn emptiest_place(
    plot_px: (u32, u32),
    legend: (i32, i32),
    ((x_lo, x_hi), (y_lo, y_hi)): ((f64, f64), (f64, f64)),
    polylines: &[Vec<(f64, f64)>],
    points: &[(f64, f64)],
) -> SeriesLabelPosition {
    const SAMPLES_PER_SEGMENT: usize = 16;
    const POINT_WEIGHT: usize = 40;
    /// Steps of the inside grid, across and down.
    const GRID: usize = 8;
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
    let (right, bottom) = ((w - lw).max(0.0), (h - lh).max(0.0));
    let mut places = vec![
        (right, 0.0),
        (0.0, 0.0),
        (right, bottom),
        (0.0, bottom),
        (0.0, bottom / 2.0),
        (right, bottom / 2.0),
        (right / 2.0, 0.0),
        (right / 2.0, bottom),
    ];
    for i in 1..GRID {
        for j in 1..GRID {
            let (fx, fy) = (i as f64 / GRID as f64, j as f64 / GRID as f64);
            places.push((right * fx, bottom * fy));
        }
    }
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
    for (i, &(x, y)) in places.iter().enumerate() {
        let score: usize = samples
            .iter()
            .filter(|(p, _)| inside(*p, (x, y)))
            .map(|(_, weight)| weight)
            .sum();
        if score < best_score {
            best = i;
            best_score = score;
        }
    }
    // `SeriesLabelPosition` is neither Copy nor Clone. Off the corners, the box's upper-left
    // pixel inside the plot, where plotters puts a corner legend 5 pixels from the edges.
    match best {
        0 => SeriesLabelPosition::UpperRight,
        1 => SeriesLabelPosition::UpperLeft,
        2 => SeriesLabelPosition::LowerRight,
        3 => SeriesLabelPosition::LowerLeft,
        i => {
            let (x, y) = places[i];
            SeriesLabelPosition::Coordinate(x as i32 + 5, y as i32 + 5)
        }
    }
}

/// Rows and columns of the panel grid: two columns as soon as there are two
/// panels, and at least one row so an empty plot still has a body.
pub(super) fn panel_grid(n: usize) -> (usize, usize) {
    let cols = if n > 1 { 2 } else { 1 };
    (n.div_ceil(cols).max(1), cols)
}

/// Canvas size of a panel image: the height grows with the rows, and a grid
/// too tall for one image is an error rather than a huge allocation.
pub(super) fn panels_size(n: usize) -> Result<(u32, u32), PlotError> {
    let (rows, cols) = panel_grid(n);
    let height = u32::try_from(rows)
        .ok()
        .and_then(|r| r.checked_mul(PANEL_ROW_HEIGHT))
        .and_then(|h| h.checked_add(TITLE_HEIGHT + NOTE_HEIGHT))
        .filter(|&h| h <= MAX_IMAGE_HEIGHT)
        .ok_or_else(|| PlotError::Draw {
            what: "panel grid",
            detail: format!(
                "{n} panels need {rows} rows, more than fit in one {MAX_IMAGE_HEIGHT}-pixel-high image"
            ),
        })?;
    // `cols` is 1 or 2, so this cannot overflow.
    let width = (PANEL_COLUMN_WIDTH * cols as u32).max(SIZE.0);
    Ok((width, height))
}

pub(super) fn draw_panels<DB>(
    root: &DrawingArea<DB, Shift>,
    plot: &PanelPlot,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let grid = panel_frame(root, &plot.title, plot.panels.is_empty())?;
    let (rows, cols) = panel_grid(plot.panels.len());
    for (area, panel) in grid.split_evenly((rows, cols)).iter().zip(&plot.panels) {
        draw_retention(area, panel, PANEL)?;
    }
    draw_note(&split_off_note(root).1, &plot.band_method)
}

/// The frame of a panel image: the title strip on top, the note strip below (drawn by the
/// caller), and between them the grid area returned, with a word when there is no panel.
pub(super) fn panel_frame<DB>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    empty: bool,
) -> Result<DrawingArea<DB, Shift>, PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (title_area, rest) = root.split_vertically(TITLE_HEIGHT);
    let (grid, _) = split_off_note(&rest);
    draw_title(&title_area, title)?;

    if empty {
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
    Ok(grid)
}
