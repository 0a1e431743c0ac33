//! The benchmark forest plot: one row per published figure, grouped by role, the published
//! value with its 95% interval in grey and the simulated mean with its Monte Carlo 95%
//! interval in colour, both as differences from the published figure, with the figures
//! themselves and the verdict written at the row's end.
//!
//! Why differences, in percentage points, rather than the shares on a 0–100% axis: the
//! benchmarks run from a 0.9% title share to a 98% reporting rate, and a headcount ratio can
//! pass 100%. On one 0–100% axis a ±0.27-point target interval is a pixel wide and a 3-point
//! miss a few pixels, so the question every row asks — does the simulation land within the
//! published figure's uncertainty? — cannot be read off. Drawn as "simulated minus published"
//! with a line at zero, every row is read the same way, as in a forest plot of mean
//! differences a health-economics reader knows from meta-analyses: the grey bar is how far the
//! truth may lie from the published figure, the coloured bar how far the simulated mean may
//! lie from its own estimate. The levels themselves are printed in the columns on the right,
//! so nothing is lost by not drawing them.

use super::*;
use crate::benchmark::Bound;
use crate::stats::Verdict;

mod draw;
pub(super) use draw::draw_forest;

/// One published figure against the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    /// Drawn at the row's start: the benchmark's name.
    pub label: String,
    /// The published value, a share (0.385 is 38.5%; a ratio may pass 1).
    pub value: f64,
    /// Whether the published value is a point, a floor or a ceiling ("≥" or "≤" is written
    /// before it).
    pub bound: Bound,
    /// The published value's 95% interval.
    pub target_low: f64,
    pub target_high: f64,
    /// Simulated mean and its Monte Carlo 95% interval; NaN where the run did not measure it.
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// The verdict. A row that cannot be judged draws its target only, and says so.
    pub verdict: Verdict,
}

/// Rows under one heading (a role: fitted, input, hold-out).
#[derive(Debug, Clone, PartialEq)]
pub struct ForestGroup {
    /// The heading, e.g. "Hold-outs: used by nothing that was fitted".
    pub label: String,
    pub rows: Vec<ForestRow>,
}

/// Everything needed to draw one forest plot of benchmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    /// Caption at the top of the image.
    pub title: String,
    /// The groups, drawn top to bottom; a group without rows is left out.
    pub groups: Vec<ForestGroup>,
    /// Paragraphs under the chart (what each interval is, what is not drawn), each wrapped to
    /// the image's width.
    pub notes: Vec<String>,
}

impl Chart for Forest {
    fn svg(&self) -> Result<String, PlotError> {
        let layout = forest_layout(self)?;
        render_svg_with(layout.size, |root| draw_forest(root, self, &layout))
    }
    fn png(&self) -> Result<Vec<u8>, PlotError> {
        let layout = forest_layout(self)?;
        render_png_with(layout.size, |root| draw_forest(root, self, &layout))
    }
}

/// Title of the x axis.
pub(super) const FOREST_X_LABEL: &str =
    "Difference from the published figure (simulated minus published), percentage points";

const MARGIN: i32 = 20;
const HEADER_HEIGHT: i32 = 34;
const GROUP_HEIGHT: i32 = 30;
const ROW_HEIGHT: i32 = 28;
const AXIS_HEIGHT: i32 = 56;
const NOTE_LINE: i32 = 19;
/// Space between two notes, and above and below them all.
const NOTE_GAP: i32 = 7;
const NOTE_PAD: i32 = 8;
const PLOT_WIDTH: i32 = 500;
/// Inner room at each end of the plot column, so markers at the ends stay clear of the text.
const PLOT_PAD: i32 = 12;
const COLUMN_GAP: i32 = 22;
/// A row label wider than this is cut, with "…".
const MAX_LABEL_WIDTH: u32 = 560;
const MIN_WIDTH: i32 = 1000;
const MAX_X_TICKS: usize = 9;
/// The axis spans at least ±1 point, so that a close match does not look like a wide miss.
const MIN_HALF_RANGE: f64 = 1.0;

const TARGET_BAR: RGBColor = RGBColor(185, 185, 185);
const TARGET_MARK: RGBColor = RGBColor(80, 80, 80);
const ZEBRA: RGBColor = RGBColor(246, 246, 246);
const GROUP_FILL: RGBColor = RGBColor(232, 236, 241);
const GRID: RGBColor = RGBColor(225, 225, 225);
const ZERO_LINE: RGBColor = RGBColor(110, 110, 110);
const MUTED: RGBColor = RGBColor(105, 105, 105);

/// Blue for a met figure, vermilion for a missed one (the Okabe–Ito pair that colour-blind
/// readers tell apart), purple for one shown for reference; grey words where nothing is drawn.
pub(super) fn verdict_colour(v: &Verdict) -> RGBColor {
    match v {
        Verdict::Met => RGBColor(0, 114, 178),
        Verdict::Off => RGBColor(213, 94, 0),
        Verdict::ForReference => RGBColor(117, 84, 160),
        Verdict::CannotJudge(_) => MUTED,
    }
}

/// The verdict as the row's end says it.
pub(super) fn verdict_words(v: &Verdict) -> &'static str {
    match v {
        Verdict::Met => "met",
        Verdict::Off => "missed",
        Verdict::CannotJudge(_) => "cannot be judged",
        Verdict::ForReference => "for reference",
    }
}

/// Whether a row draws its simulated marker: a measured mean on a row that can be judged.
pub(super) fn draws_simulated(row: &ForestRow) -> bool {
    row.mean.is_finite() && !matches!(row.verdict, Verdict::CannotJudge(_))
}

/// Decimals of a percentage: two for figures under 2%, where one would hide the interval.
fn decimals(values: &[f64]) -> usize {
    let largest = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    if largest < 0.02 { 2 } else { 1 }
}

fn percent(v: f64, d: usize) -> String {
    drop_negative_zero(format!("{:.*}", d, v * 100.0))
}

/// "≥ 98.0% (97.5–98.5%)".
pub(super) fn published_text(row: &ForestRow) -> String {
    if !row.value.is_finite() {
        return "–".to_string();
    }
    let d = decimals(&[row.value, row.target_low, row.target_high]);
    let sign = match row.bound {
        Bound::Equal => "",
        Bound::AtLeast => "≥ ",
        Bound::AtMost => "≤ ",
    };
    let mut text = format!("{sign}{}%", percent(row.value, d));
    if row.target_low.is_finite() && row.target_high.is_finite() {
        text += &format!(
            " ({}–{}%)",
            percent(row.target_low, d),
            percent(row.target_high, d)
        );
    }
    text
}

/// "42.0% (41.5–42.5%)", "42.0%" without an interval, "not measured" without a mean.
pub(super) fn simulated_text(row: &ForestRow) -> String {
    if !row.mean.is_finite() {
        return "not measured".to_string();
    }
    let d = decimals(&[row.value, row.mean, row.low, row.high]);
    let mut text = format!("{}%", percent(row.mean, d));
    if row.low.is_finite() && row.high.is_finite() {
        text += &format!(" ({}–{}%)", percent(row.low, d), percent(row.high, d));
    }
    text
}

/// Differences from the published value, in percentage points, that the row draws:
/// (its target interval and, if drawn, its simulated mean; the simulated interval).
fn row_differences(row: &ForestRow) -> (Vec<f64>, Vec<f64>) {
    let pp = |values: &[f64]| -> Vec<f64> {
        values
            .iter()
            .map(|v| (v - row.value) * 100.0)
            .filter(|v| v.is_finite())
            .collect()
    };
    if draws_simulated(row) {
        (
            pp(&[row.target_low, row.target_high, row.mean]),
            pp(&[row.low, row.high]),
        )
    } else {
        (pp(&[row.target_low, row.target_high]), Vec::new())
    }
}

/// The x range in percentage points, padded by 5%: every target interval, simulated mean and
/// zero, at least ±[`MIN_HALF_RANGE`], and the simulated intervals as far as they reach, but
/// no further than that core's own width beyond it on either side: a few replications give
/// t-intervals hundreds of points wide, which would squash every other row to a dot. An
/// interval cut at the edge ends in an arrow.
pub(super) fn forest_range(forest: &Forest) -> (f64, f64) {
    let rows = || forest.groups.iter().flat_map(|g| g.rows.iter());
    let core = finite_bounds(
        rows()
            .flat_map(|r| row_differences(r).0)
            .chain([-MIN_HALF_RANGE, MIN_HALF_RANGE]),
    );
    let Some((lo, hi)) = core else {
        return padded_range(None, 0.05, false, false);
    };
    // Halved first, so that the width stays finite for extreme values.
    let reach = (hi / 2.0 - lo / 2.0) * 2.0;
    let (lo, hi) = rows()
        .flat_map(|r| row_differences(r).1)
        .fold((lo, hi), |(a, b), v| {
            (a.min(v.max(lo - reach)), b.max(v.min(hi + reach)))
        });
    padded_range(Some((lo, hi)), 0.05, false, false)
}

/// Whether some simulated interval runs past the axis and is drawn cut, with an arrow.
fn any_cut(forest: &Forest, (lo, hi): (f64, f64)) -> bool {
    forest
        .groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .flat_map(|r| row_differences(r).1)
        .any(|v| v < lo || v > hi)
}

/// The note the chart adds when it cuts an interval.
pub(super) const CUT_NOTE: &str = "An arrow: the Monte Carlo interval runs past the edge of the \
     axis (its ends are in the Simulated column); with few replications the t-interval is wide.";

/// Pixel sizes of a forest plot, measured from its text before drawing.
pub(super) struct ForestLayout {
    pub(super) size: (u32, u32),
    label_width: i32,
    published_width: i32,
    simulated_width: i32,
    /// Row labels as drawn (cut where too wide).
    labels: Vec<Vec<String>>,
    /// Notes wrapped into lines, each with its distance from the top of the notes.
    pub(super) note_lines: Vec<(i32, String)>,
    notes_height: i32,
    range: (f64, f64),
}

const HEAD_LABEL: &str = "Benchmark";
const HEAD_PLOT: &str = "Simulated minus published";
const HEAD_PUBLISHED: &str = "Published (95% interval)";
const HEAD_SIMULATED: &str = "Simulated (Monte Carlo 95%)";
const HEAD_VERDICT: &str = "Verdict";

fn label_font() -> FontDesc<'static> {
    (FAMILY, 14).into_font()
}
fn bold_font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FAMILY.into(), size, FontStyle::Bold)
}
fn note_font() -> FontDesc<'static> {
    (FAMILY, 13).into_font()
}

fn text_width(font: &FontDesc<'_>, text: &str) -> Result<u32, PlotError> {
    if text.is_empty() {
        return Ok(0);
    }
    font.box_size(text)
        .map(|(w, _)| w)
        .map_err(|e| draw_err("forest plot text", e))
}

/// `text`, cut with "…" to at most `max` pixels.
fn fit(font: &FontDesc<'_>, text: &str, max: u32) -> Result<String, PlotError> {
    if text_width(font, text)? <= max {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 0 {
        keep -= 1;
        let cut: String = chars[..keep].iter().collect::<String>() + "…";
        if text_width(font, &cut)? <= max {
            return Ok(cut);
        }
    }
    Ok("…".to_string())
}

/// `text` broken at spaces into lines of at most `max` pixels (a word longer than that gets
/// a line of its own).
fn wrap(font: &FontDesc<'_>, text: &str, max: u32) -> Result<Vec<String>, PlotError> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(font, &candidate)? <= max {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

fn groups_shown(forest: &Forest) -> impl Iterator<Item = &ForestGroup> {
    forest.groups.iter().filter(|g| !g.rows.is_empty())
}

pub(super) fn forest_layout(forest: &Forest) -> Result<ForestLayout, PlotError> {
    ensure_fonts()?;
    let (label, bold) = (label_font(), bold_font(14.0));
    let widest = |head: &str, texts: &mut dyn Iterator<Item = String>| -> Result<i32, PlotError> {
        let mut w = text_width(&bold, head)?;
        for t in texts {
            w = w.max(text_width(&label, &t)?);
        }
        Ok(w as i32)
    };
    let mut labels = Vec::new();
    for g in &forest.groups {
        let mut of_group = Vec::new();
        for r in &g.rows {
            of_group.push(fit(&label, &r.label, MAX_LABEL_WIDTH)?);
        }
        labels.push(of_group);
    }
    let rows = || forest.groups.iter().flat_map(|g| g.rows.iter());
    let label_width = widest(HEAD_LABEL, &mut labels.iter().flatten().cloned())? + COLUMN_GAP;
    let published_width = widest(HEAD_PUBLISHED, &mut rows().map(published_text))? + COLUMN_GAP;
    let simulated_width = widest(HEAD_SIMULATED, &mut rows().map(simulated_text))? + COLUMN_GAP;
    // Verdicts are written in bold, like the headings.
    let mut verdict_width = text_width(&bold, HEAD_VERDICT)? as i32;
    for r in rows() {
        verdict_width = verdict_width.max(text_width(&bold, verdict_words(&r.verdict))? as i32);
    }
    // The rasteriser draws bold text a little wider than its estimate: room to spare.
    let verdict_width = verdict_width * 11 / 10 + 8;
    let mut groups_width = 0;
    for g in groups_shown(forest) {
        groups_width = groups_width.max(text_width(&bold_font(15.0), &g.label)? as i32);
    }
    let width = (MARGIN
        + label_width
        + PLOT_WIDTH
        + COLUMN_GAP
        + published_width
        + simulated_width
        + verdict_width
        + MARGIN)
        .max(groups_width + 2 * MARGIN)
        .max(MIN_WIDTH);

    let range = forest_range(forest);
    let cut = any_cut(forest, range).then_some(CUT_NOTE.to_string());
    let mut note_lines = Vec::new();
    let mut notes_height = 0;
    for note in forest.notes.iter().chain(&cut) {
        // A little short of the margin, since the rasteriser may draw wider than the estimate.
        let lines = wrap(&note_font(), note, ((width - 2 * MARGIN) * 19 / 20) as u32)?;
        if lines.is_empty() {
            continue;
        }
        if notes_height > 0 {
            notes_height += NOTE_GAP;
        }
        for line in lines {
            note_lines.push((notes_height, line));
            notes_height += NOTE_LINE;
        }
    }

    let (groups, rows) = (groups_shown(forest).count(), rows().count());
    let body = if rows == 0 {
        2 * ROW_HEIGHT
    } else {
        HEADER_HEIGHT + GROUP_HEIGHT * groups as i32 + ROW_HEIGHT * rows as i32 + AXIS_HEIGHT
    };
    let height = i64::from(TITLE_HEIGHT)
        + i64::from(body)
        + i64::from(notes_height)
        + 2 * i64::from(NOTE_PAD);
    if height > i64::from(MAX_IMAGE_HEIGHT) {
        return Err(PlotError::Draw {
            what: "forest plot",
            detail: format!(
                "{rows} rows need an image {height} pixels high, more than the {MAX_IMAGE_HEIGHT} \
                 this module draws; split the benchmarks into several charts"
            ),
        });
    }
    Ok(ForestLayout {
        size: (width as u32, height as u32),
        label_width,
        published_width,
        simulated_width,
        labels,
        note_lines,
        notes_height,
        range,
    })
}

/// Where each row goes: (group index, heading's top, rows' (index, centre y)).
type Placed = Vec<(usize, i32, Vec<(usize, i32)>)>;

fn place_rows(forest: &Forest, top: i32) -> Placed {
    let mut y = top;
    let mut out = Vec::new();
    for (gi, g) in forest.groups.iter().enumerate() {
        if g.rows.is_empty() {
            continue;
        }
        let heading = y;
        y += GROUP_HEIGHT;
        let mut rows = Vec::new();
        for ri in 0..g.rows.len() {
            rows.push((ri, y + ROW_HEIGHT / 2));
            y += ROW_HEIGHT;
        }
        out.push((gi, heading, rows));
    }
    out
}
