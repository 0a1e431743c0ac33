//! Horizontal bars with interval whiskers, one row per item, most important at the top: the
//! sensitivity chart (Morris μ* with σ, or Sobol S1 and ST, per uncertain parameter) — a
//! tornado diagram of what a conclusion depends on.

use super::*;

/// One series of bars: a value with its 95% interval per row (NaN bounds draw no whisker).
#[derive(Debug, Clone, PartialEq)]
pub struct BarSeries {
    pub name: String,
    /// Per row: (value, low, high).
    pub values: Vec<(f64, f64, f64)>,
}

/// A bar chart of rows, drawn top to bottom in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    pub x_label: String,
    pub rows: Vec<String>,
    /// One or two series; each row draws one bar per series.
    pub series: Vec<BarSeries>,
    /// What the bars and whiskers are, in words.
    pub note: String,
}

const ROW: u32 = 46;
const LABEL_AREA: u32 = 500;
/// A row label longer than this many characters is cut, with "…".
const MAX_LABEL_CHARS: usize = 64;

fn size(plot: &Bars) -> (u32, u32) {
    (
        1150,
        (150 + NOTE_HEIGHT + ROW * plot.rows.len().max(1) as u32).min(MAX_IMAGE_HEIGHT),
    )
}

impl Chart for Bars {
    fn svg(&self) -> Result<String, PlotError> {
        render_svg_with(size(self), |root| draw_bars(root, self))
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        render_png_with(size(self), |root| draw_bars(root, self))
    }
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_string()
    } else {
        let cut: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

fn draw_bars<DB>(root: &DrawingArea<DB, Shift>, plot: &Bars) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| draw_err("background", e))?;
    let (chart_area, note_area) = split_off_note(root);
    let n = plot.rows.len().max(1);
    let xs = plot
        .series
        .iter()
        .flat_map(|s| s.values.iter().flat_map(|v| [v.0, v.1, v.2]))
        .chain([0.0]);
    let (x_lo, x_hi) = padded_range(finite_bounds(xs), 0.06, false, false);
    let x_format = TickFormat::for_axis((x_lo, x_hi), 8, NumberStyle::Grouped);
    // Row r occupies y in (n − r − 1, n − r]: the first row at the top.
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(
            &plot.title,
            FontDesc::new(FAMILY.into(), 22.0, FontStyle::Bold),
        )
        .margin_top(10)
        .margin_left(10)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(LABEL_AREA)
        .build_cartesian_2d(x_lo..x_hi, 0.0..n as f64)
        .map_err(|e| draw_err("chart frame", e))?;
    let labels: Vec<String> = plot.rows.iter().map(|l| short(l)).collect();
    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .axis_desc_style((FAMILY, 17))
        .label_style((FAMILY, 15))
        .x_labels(8)
        .y_labels(n * 2 + 1)
        .x_label_formatter(&|v| x_format.format(*v))
        .y_label_formatter(&|v| {
            // Labels sit at row centres (n − r − 0.5); other tick positions stay blank.
            let r = n as f64 - *v - 0.5;
            if (r - r.round()).abs() < 1e-6 && r >= -1e-6 {
                labels.get(r.round() as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .disable_y_mesh()
        .max_light_lines(1)
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(|e| draw_err("axes", e))?;
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, 0.0), (0.0, n as f64)],
            RGBColor(90, 90, 90).stroke_width(1),
        ))
        .map_err(|e| draw_err("zero line", e))?;
    let k = plot.series.len().max(1) as f64;
    let height = 0.7 / k;
    for (s, series) in plot.series.iter().enumerate() {
        let colour = curve_colour(s);
        for (r, &(v, lo, hi)) in series.values.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let top = n as f64 - r as f64 - 0.15 - s as f64 * height;
            let bottom = top - height;
            let mid = (top + bottom) / 2.0;
            chart
                .draw_series([Rectangle::new(
                    [(0.0, bottom), (v.clamp(x_lo, x_hi), top)],
                    colour.mix(0.75).filled(),
                )])
                .map_err(|e| draw_err("bars", e))?;
            if lo.is_finite() && hi.is_finite() {
                let whisker = BLACK.stroke_width(2);
                let (lo, hi) = (lo.clamp(x_lo, x_hi), hi.clamp(x_lo, x_hi));
                let cap = height * 0.3;
                for line in [
                    vec![(lo, mid), (hi, mid)],
                    vec![(lo, mid - cap), (lo, mid + cap)],
                    vec![(hi, mid - cap), (hi, mid + cap)],
                ] {
                    chart
                        .draw_series(LineSeries::new(line, whisker))
                        .map_err(|e| draw_err("whiskers", e))?;
                }
            }
        }
        if plot.series.len() > 1 {
            chart
                .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
                .map_err(|e| draw_err("legend", e))?
                .label(series.name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 18, y + 6)], colour.mix(0.75).filled())
                });
        }
    }
    if plot.series.len() > 1 {
        // Bars grow rightwards from zero at the left: the lower right holds the shortest bars.
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    }
    draw_note(&note_area, &plot.note)
}
