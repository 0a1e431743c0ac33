//! What every chart of [`super`] shares: canvas sizes, the embedded font, the palette, the
//! legend, the band note, the title strip, and the ranges and numbers of the axes.

use super::*;

/// Canvas size in pixels, for both PNG and SVG.
pub(super) const SIZE: (u32, u32) = (1000, 650);

/// The only font family this module draws with. It is plotters' default
/// family too, so any text plotters lays out on its own finds the font.
pub(super) const FAMILY: &str = "sans-serif";

/// Height reserved under the chart for the band-method note.
pub(super) const NOTE_HEIGHT: u32 = 34;

/// Width of one column of panels: two columns make a 1200-pixel image, in
/// which each panel is about as wide as a stand-alone chart is high.
pub(super) const PANEL_COLUMN_WIDTH: u32 = 600;

/// Height of one row of panels.
pub(super) const PANEL_ROW_HEIGHT: u32 = 450;

/// Height of the strip holding the title of a panel image or heatmap.
pub(super) const TITLE_HEIGHT: u32 = 50;

/// Tallest image this module draws: a 1200 x 16384 bitmap is about 60 MB,
/// and more panels than that fit are better split into several images.
pub(super) const MAX_IMAGE_HEIGHT: u32 = 16_384;

/// Heatmap canvas width; its height grows with the number of rows.
pub(super) const HEATMAP_WIDTH: u32 = 1000;

/// Width of the strip right of a heatmap holding its colour bar, the bar's
/// value labels and its (vertical) title.
pub(super) const COLOUR_BAR_WIDTH: u32 = 170;

/// Legend text size and its distance from the plot corner; shared by the
/// legend drawing and by the estimate of its size.
pub(super) const LEGEND_FONT: u32 = 16;
pub(super) const LEGEND_MARGIN: u32 = 12;

/// Legend entry of the benchmark markers.
pub(super) const BENCHMARK_LEGEND: &str = "Published benchmark";

/// Fill of heatmap cells without a result, under grey hatching: a colour
/// outside the colour scale, so a missing result never reads as a value.
pub(super) const NO_DATA_FILL: RGBColor = RGBColor(228, 228, 228);
pub(super) const NO_DATA_HATCH: RGBColor = RGBColor(150, 150, 150);

/// Stops of the viridis colour scale (low to high), interpolated linearly:
/// perceptually even, readable in grey and by colour-blind readers.
pub(super) const VIRIDIS: [RGBColor; 9] = [
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
pub(super) const BAND_ALPHA: f64 = 0.2;

/// Tableau 10 palette. Colours are picked by curve order, never by hashing
/// or by label, so the same input always gets the same colours.
pub(super) const PALETTE: [RGBColor; 10] = [
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

/// Noto Sans CJK SC, subset to Latin, punctuation and every GB 2312 character
/// (assets/fonts/README.md): Chinese names render in the PNGs too.
pub(super) const REGULAR: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansCJKsc-Regular-GB2312.otf");
pub(super) const BOLD: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansCJKsc-Bold-GB2312.otf");

/// Registers the embedded font exactly once per process. plotters keeps its
/// font table in a global behind a lock, so concurrent tests and threads may
/// all call this; `OnceLock` makes the others wait for the first.
pub(super) fn ensure_fonts() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<Result<(), &'static str>> = OnceLock::new();
    let outcome = REGISTERED.get_or_init(|| {
        // plotters measures text with these bytes; `glyphs` sets it with the same.
        let fonts: [(FontStyle, &'static [u8]); 2] =
            [(FontStyle::Normal, REGULAR), (FontStyle::Bold, BOLD)];
        for (style, bytes) in fonts {
            // InvalidFont carries no detail, so the family name is all we keep.
            plotters::style::register_font(FAMILY, style, bytes).map_err(|_| FAMILY)?;
        }
        Ok(())
    });
    outcome.map_err(|family| PlotError::Font { family })
}

pub(super) fn curve_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Splits the band-method note strip off the bottom of `area`.
pub(super) fn split_off_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let height = area.dim_in_pixel().1;
    area.split_vertically(height.saturating_sub(NOTE_HEIGHT))
}

/// The legend box, the same on every chart of this module.
pub(super) fn draw_legend<'a, DB>(
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
pub(super) fn draw_note<DB>(
    note_area: &DrawingArea<DB, Shift>,
    band_method: &str,
) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    if band_method.trim().is_empty() {
        return Ok(());
    }
    // A chart without bands says so itself ("No band: …", "Bars: …").
    let note = if ["No band", "Bars:"]
        .iter()
        .any(|p| band_method.trim().starts_with(p))
    {
        band_method.trim().to_string()
    } else {
        format!("Shaded bands: {}", band_method.trim())
    };
    let style = (FAMILY, 16)
        .into_font()
        .color(&RGBColor(60, 60, 60))
        .pos(Pos::new(HPos::Left, VPos::Center));
    note_area
        .draw_text(&note, &style, (20, (NOTE_HEIGHT / 2) as i32))
        .map_err(|e| draw_err("band-method note", e))
}

/// Size of the legend box for `labels`, in pixels, computed the way plotters
/// lays it out (text block, 30-pixel swatch column, margin all round).
pub(super) fn legend_size(labels: &[&str]) -> Result<(i32, i32), PlotError> {
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

/// Draws `text` centred in `area` in bold: the title strip of a panel image
/// or heatmap.
pub(super) fn draw_title<DB>(area: &DrawingArea<DB, Shift>, text: &str) -> Result<(), PlotError>
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

/// Lowest and highest finite value, or `None` when there is none.
pub(super) fn finite_bounds(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
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
pub(super) fn padded_range(
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

/// How the numbers on one axis are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberStyle {
    /// Digits only ("2020", "3000"): parameter values such as years or
    /// quotas read wrong with separators.
    Plain,
    /// Thousands separators, and a unit suffix (k is never used, only M, B
    /// and T) for large values: "12,000", "1.5M".
    Grouped,
    /// Shares written as percentages: 0.385 is "38.5%".
    Percent,
    /// Differences of shares in percentage points, signed: 0.021 is "+2.1 pp".
    Points,
}

/// Tick label format of one axis, chosen once so every tick shares the same
/// unit and number of decimals (just enough to tell the ticks apart).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TickFormat {
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
    pub(super) fn for_axis((lo, hi): (f64, f64), max_ticks: usize, style: NumberStyle) -> Self {
        let ticks = RangedCoordf64::from(lo..hi).key_points(max_ticks);
        let step = ticks
            .windows(2)
            .map(|w| w[1] - w[0])
            .find(|s| *s > 0.0)
            .unwrap_or(hi - lo);
        let magnitude = lo.abs().max(hi.abs());
        let (divisor, suffix) = match style {
            NumberStyle::Percent => (0.01, "%"),
            NumberStyle::Points => (0.01, " pp"),
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

    pub(super) fn format(&self, v: f64) -> String {
        let scaled = v / self.divisor;
        if self.scientific {
            return format!("{scaled:.2e}{}", self.suffix);
        }
        let digits = match self.style {
            NumberStyle::Plain => drop_negative_zero(format!("{:.*}", self.decimals, scaled)),
            NumberStyle::Grouped | NumberStyle::Percent => group_thousands(scaled, self.decimals),
            NumberStyle::Points => {
                let d = drop_negative_zero(format!("{:.*}", self.decimals, scaled));
                if scaled > 0.0 && !d.chars().all(|c| c == '0' || c == '.') {
                    format!("+{d}")
                } else {
                    d
                }
            }
        };
        digits + self.suffix
    }
}

/// Fewest decimals (up to 6) that write every multiple of `step` exactly.
pub(super) fn decimals_for_step(step: f64) -> usize {
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
pub(super) fn drop_negative_zero(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| matches!(c, '0' | '.' | ',')) => rest.to_string(),
        _ => text,
    }
}

/// `v` with `decimals` decimals and a comma between groups of three digits.
pub(super) fn group_thousands(v: f64, decimals: usize) -> String {
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
pub(super) fn trim_zeros(text: String) -> String {
    if text.contains('.') && !text.contains('e') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A heatmap axis value as a category label: as short as it can be without
/// losing digits a sweep would use, and without separators ("2020", "0.15").
pub(super) fn format_category(v: f64) -> String {
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
pub(super) fn format_cell(v: f64, percent: bool) -> String {
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
