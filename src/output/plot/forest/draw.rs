//! Drawing the forest plot from its layout: the column heads, the group bands, each row's
//! target and simulated marks, the axis and the notes.

use super::*;

pub(in crate::output::plot) fn draw_forest<DB>(
    root: &DrawingArea<DB, Shift>,
    forest: &Forest,
    layout: &ForestLayout,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let err = |e| draw_err("forest plot", e);
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (title_area, _) = root.split_vertically(TITLE_HEIGHT);
    draw_title(&title_area, &forest.title)?;

    let left = |text: &str, font: FontDesc<'_>, colour: &RGBColor, at: (i32, i32)| {
        let style = font.color(colour).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(text, &style, at).map_err(err)
    };
    let top = TITLE_HEIGHT as i32;
    let rows_total: usize = forest.groups.iter().map(|g| g.rows.len()).sum();
    let note_top = if rows_total == 0 {
        left(
            "No benchmarks in percent to show.",
            label_font(),
            &MUTED,
            (MARGIN, top + ROW_HEIGHT),
        )?;
        top + 2 * ROW_HEIGHT
    } else {
        draw_forest_body(root, forest, layout, top)?
    };

    for (dy, line) in &layout.note_lines {
        let y = note_top + NOTE_PAD + dy + NOTE_LINE / 2;
        left(line, note_font(), &RGBColor(60, 60, 60), (MARGIN, y))?;
    }
    debug_assert!(note_top + NOTE_PAD + layout.notes_height <= layout.size.1 as i32);
    Ok(())
}

/// Header, rows and axis, from `top`; returns where the notes begin.
fn draw_forest_body<DB>(
    root: &DrawingArea<DB, Shift>,
    forest: &Forest,
    layout: &ForestLayout,
    top: i32,
) -> Result<i32, PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let err = |e| draw_err("forest plot", e);
    let width = layout.size.0 as i32;
    let text = |text: &str, font: FontDesc<'_>, colour: &RGBColor, h: HPos, at: (i32, i32)| {
        let style = font.color(colour).pos(Pos::new(h, VPos::Center));
        root.draw_text(text, &style, at).map_err(err)
    };

    // Columns.
    let plot_left = MARGIN + layout.label_width;
    let plot_right = plot_left + PLOT_WIDTH;
    let published_left = plot_right + COLUMN_GAP;
    let simulated_left = published_left + layout.published_width;
    let verdict_left = simulated_left + layout.simulated_width;
    let (lo, hi) = layout.range;
    let x_of = |v: f64| {
        let t = scale_position(v, (lo, hi));
        plot_left + PLOT_PAD + (t * f64::from(PLOT_WIDTH - 2 * PLOT_PAD)).round() as i32
    };

    // Header.
    let head_y = top + HEADER_HEIGHT / 2;
    let head = bold_font(14.0);
    text(
        HEAD_LABEL,
        head.clone(),
        &BLACK,
        HPos::Left,
        (MARGIN, head_y),
    )?;
    text(
        HEAD_PLOT,
        head.clone(),
        &BLACK,
        HPos::Center,
        ((plot_left + plot_right) / 2, head_y),
    )?;
    text(
        HEAD_PUBLISHED,
        head.clone(),
        &BLACK,
        HPos::Left,
        (published_left, head_y),
    )?;
    text(
        HEAD_SIMULATED,
        head.clone(),
        &BLACK,
        HPos::Left,
        (simulated_left, head_y),
    )?;
    text(
        HEAD_VERDICT,
        head,
        &BLACK,
        HPos::Left,
        (verdict_left, head_y),
    )?;
    let rows_top = top + HEADER_HEIGHT;
    root.draw(&PathElement::new(
        vec![(MARGIN, rows_top - 1), (width - MARGIN, rows_top - 1)],
        RGBColor(150, 150, 150),
    ))
    .map_err(err)?;

    let placed = place_rows(forest, rows_top);
    let ticks = RangedCoordf64::from(lo..hi).key_points(MAX_X_TICKS);

    // Backgrounds, then the grid and the zero line over each group's rows.
    let mut stripe = 0;
    for (gi, heading, rows) in &placed {
        root.draw(&Rectangle::new(
            [
                (MARGIN, *heading + 2),
                (width - MARGIN, *heading + GROUP_HEIGHT - 2),
            ],
            GROUP_FILL.filled(),
        ))
        .map_err(err)?;
        text(
            &forest.groups[*gi].label,
            bold_font(15.0),
            &BLACK,
            HPos::Left,
            (MARGIN + 6, *heading + GROUP_HEIGHT / 2),
        )?;
        for &(_, cy) in rows {
            if stripe % 2 == 1 {
                root.draw(&Rectangle::new(
                    [
                        (MARGIN, cy - ROW_HEIGHT / 2),
                        (width - MARGIN, cy + ROW_HEIGHT / 2),
                    ],
                    ZEBRA.filled(),
                ))
                .map_err(err)?;
            }
            stripe += 1;
        }
        let (first, last) = (
            *heading + GROUP_HEIGHT,
            *heading + GROUP_HEIGHT + ROW_HEIGHT * rows.len() as i32,
        );
        for &t in &ticks {
            let x = x_of(t);
            root.draw(&PathElement::new(vec![(x, first), (x, last)], GRID))
                .map_err(err)?;
        }
        let x0 = x_of(0.0);
        root.draw(&PathElement::new(
            vec![(x0, first), (x0, last)],
            ZERO_LINE.stroke_width(1),
        ))
        .map_err(err)?;
    }

    // The rows.
    for (gi, _, rows) in &placed {
        for &(ri, cy) in rows {
            let row = &forest.groups[*gi].rows[ri];
            let label = &layout.labels[*gi][ri];
            text(label, label_font(), &BLACK, HPos::Left, (MARGIN + 6, cy))?;
            draw_row_marks(root, row, cy, (&x_of, layout.range))?;
            text(
                &published_text(row),
                label_font(),
                &RGBColor(70, 70, 70),
                HPos::Left,
                (published_left, cy),
            )?;
            text(
                &simulated_text(row),
                label_font(),
                &BLACK,
                HPos::Left,
                (simulated_left, cy),
            )?;
            text(
                verdict_words(&row.verdict),
                bold_font(14.0),
                &verdict_colour(&row.verdict),
                HPos::Left,
                (verdict_left, cy),
            )?;
        }
    }

    // The axis under the last row.
    let axis_y = placed.last().map_or(rows_top, |(_, h, rows)| {
        *h + GROUP_HEIGHT + ROW_HEIGHT * rows.len() as i32
    });
    let axis = RGBColor(90, 90, 90);
    root.draw(&PathElement::new(
        vec![(plot_left, axis_y), (plot_right, axis_y)],
        axis,
    ))
    .map_err(err)?;
    let format = TickFormat::for_axis((lo, hi), MAX_X_TICKS, NumberStyle::Grouped);
    for &t in &ticks {
        let x = x_of(t);
        root.draw(&PathElement::new(vec![(x, axis_y), (x, axis_y + 5)], axis))
            .map_err(err)?;
        let mut label = format.format(t);
        if t > 0.0 {
            label.insert(0, '+');
        }
        let style = (FAMILY, 13)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        root.draw_text(&label, &style, (x, axis_y + 8))
            .map_err(err)?;
    }
    let style = (FAMILY, 14)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(
        FOREST_X_LABEL,
        &style,
        ((plot_left + plot_right) / 2, axis_y + 30),
    )
    .map_err(err)?;
    Ok(axis_y + AXIS_HEIGHT)
}

/// The grey target bar with its marker at zero (the published figure), and below it the
/// coloured simulated interval with its mean, where the row draws it.
fn draw_row_marks<DB>(
    root: &DrawingArea<DB, Shift>,
    row: &ForestRow,
    cy: i32,
    (x_of, range): (&dyn Fn(f64) -> i32, (f64, f64)),
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let err = |e| draw_err("forest plot", e);
    if !row.value.is_finite() {
        return Ok(());
    }
    let pp = |v: f64| (v - row.value) * 100.0;
    let finite = |v: f64| v.is_finite();
    let target_y = cy - 5;
    if finite(pp(row.target_low)) && finite(pp(row.target_high)) {
        let (a, b) = (x_of(pp(row.target_low)), x_of(pp(row.target_high)));
        let (a, b) = (a.min(b), a.max(b).max(a.min(b) + 2));
        root.draw(&Rectangle::new(
            [(a, target_y - 3), (b, target_y + 3)],
            TARGET_BAR.filled(),
        ))
        .map_err(err)?;
    }
    let x0 = x_of(0.0);
    const R: i32 = 5;
    root.draw(&Polygon::new(
        vec![
            (x0, target_y - R),
            (x0 + R, target_y),
            (x0, target_y + R),
            (x0 - R, target_y),
        ],
        TARGET_MARK.filled(),
    ))
    .map_err(err)?;

    if !draws_simulated(row) {
        return Ok(());
    }
    let colour = verdict_colour(&row.verdict);
    let sim_y = cy + 6;
    if finite(pp(row.low)) && finite(pp(row.high)) {
        let (a, b) = (x_of(pp(row.low)), x_of(pp(row.high)));
        let line = colour.stroke_width(2);
        root.draw(&PathElement::new(vec![(a, sim_y), (b, sim_y)], line))
            .map_err(err)?;
        // An end past the axis gets an arrowhead at the edge instead of its cap.
        let (lo, hi) = range;
        let mut caps = Vec::new();
        for (x, v) in [(a, pp(row.low)), (b, pp(row.high))] {
            if v < lo || v > hi {
                let d = if v < lo { -1 } else { 1 };
                root.draw(&Polygon::new(
                    vec![(x + 7 * d, sim_y), (x, sim_y - 4), (x, sim_y + 4)],
                    colour.filled(),
                ))
                .map_err(err)?;
            } else {
                caps.push(x);
            }
        }
        for x in caps {
            root.draw(&PathElement::new(
                vec![(x, sim_y - 3), (x, sim_y + 3)],
                line,
            ))
            .map_err(err)?;
        }
    }
    if finite(pp(row.mean)) {
        root.draw(&Circle::new(
            (x_of(pp(row.mean)), sim_y),
            4,
            colour.filled(),
        ))
        .map_err(err)?;
    }
    Ok(())
}
