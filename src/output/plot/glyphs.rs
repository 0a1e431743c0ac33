//! Text in the PNGs, set glyph by glyph with each glyph's own side bearing.
//!
//! plotters 0.3.7 rasterises text with ab_glyph but places every glyph at the integer part
//! of its pen position and drops the glyph's left side bearing (`px_bounds().min.x`), so
//! letters with different bearings drift apart or collide: "the mean" came out as "them ean"
//! and "allowance" as "allowan ce" in the PNGs (the SVGs, whose text the viewer sets, were
//! right). [`Glyphs`] wraps the bitmap backend and draws text itself: the pen advances in
//! fractional pixels with kerning, each glyph is rasterised at its fractional position and
//! drawn at its own pixel bounds. Everything else — lines, areas, and the text *size*
//! plotters uses to lay charts out — goes to the bitmap backend unchanged, and the vertical
//! placement is plotters' own, so labels sit where they did.
//!
//! The SVGs' text is set by the viewer, in whatever face it has for `sans-serif`, at a
//! `font-size` plotters writes 17% larger than the em it measured with (it divides the
//! ab_glyph pixel scale by 1.24; this font's ascent-to-descent height is 1.448 em): a
//! browser's legend text ran past its box. [`fit_svg_text`] writes the em plotters laid the
//! text out at, names the embedded face first, and gives each text its laid-out width
//! (`textLength`), so in any face the text fills exactly the space its box reserved.

use ab_glyph::{Font, FontRef, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle as BackendFontStyle, text_anchor::HPos, text_anchor::VPos,
};
use std::sync::OnceLock;

/// A bitmap backend whose text is set by [`set_text`].
pub(super) struct Glyphs<'a> {
    inner: BitMapBackend<'a>,
}

impl<'a> Glyphs<'a> {
    pub(super) fn new(inner: BitMapBackend<'a>) -> Self {
        Glyphs { inner }
    }
}

/// The embedded faces, parsed once: regular for every style but bold (the charts use no
/// other family or style).
fn face(style: BackendFontStyle) -> Option<&'static FontRef<'static>> {
    static FACES: OnceLock<Option<[FontRef<'static>; 2]>> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        Some([
            FontRef::try_from_slice(super::style::REGULAR).ok()?,
            FontRef::try_from_slice(super::style::BOLD).ok()?,
        ])
    });
    let faces = faces.as_ref()?;
    Some(match style {
        BackendFontStyle::Bold => &faces[1],
        _ => &faces[0],
    })
}

/// One glyph's coverage: (x, y, coverage in 0..=1) relative to the text's anchor box, in
/// the unrotated frame, for `text` at `size` pixels. The box is plotters' own layout box,
/// ((0, 0), (width, size / 1.24)), and the baseline sits `size / 2` below its top as in
/// plotters, so a label replaced here occupies the space plotters reserved for it.
pub(super) fn set_text(
    font: &FontRef<'_>,
    size: f32,
    text: &str,
    mut pixel: impl FnMut(i32, i32, f32),
) {
    let scaled = font.as_scaled(size);
    let baseline = size / 2.0;
    let mut pen = 0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            pen += scaled.kern(p, id);
        }
        previous = Some(id);
        let glyph = id.with_scale_and_position(size, point(pen, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
            outline.draw(|x, y, coverage| pixel(x0 + x as i32, y0 + y as i32, coverage));
        }
        pen += scaled.h_advance(id);
    }
}

/// The width plotters lays `text` out at, at pixel scale `size`: the glyphs' advances and
/// kerning, as in plotters' `estimate_layout`.
fn laid_out_width(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(size);
    let mut width = 0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        previous = Some(id);
        width += scaled.h_advance(id);
    }
    width
}

/// The font stack the SVGs name: the embedded face's family first, then faces of similar
/// width that viewers commonly have, then the viewer's default.
pub(super) const SVG_FAMILIES: &str = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', \
                            'Noto Sans', 'Microsoft YaHei', 'PingFang SC', Arial, sans-serif";

/// The value of attribute `name` in an SVG start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// XML's five escapes, undone (plotters writes exactly these).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every `<text>` of a plotters SVG rewritten so that a viewer sets it in the space plotters
/// laid out for it (see the module's documentation): `font-size` the em plotters measured
/// at, `font-family` the embedded face first, `textLength` the laid-out width. Text
/// plotters did not write (no `font-size`) is left as it is.
pub(super) fn fit_svg_text(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + svg.len() / 8);
    let mut rest = svg;
    while let Some(at) = rest.find("<text ") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (Some(tag_end), Some(close)) = (rest.find('>'), rest.find("</text>")) else {
            break;
        };
        let (tag, content) = (&rest[..tag_end], &rest[tag_end + 1..close]);
        let bold = attribute(tag, "font-weight") == Some("bold");
        let style = if bold {
            BackendFontStyle::Bold
        } else {
            BackendFontStyle::Normal
        };
        let written = attribute(tag, "font-size").and_then(|v| v.parse::<f64>().ok());
        match (written, face(style)) {
            (Some(written), Some(font)) => {
                // plotters wrote `size / 1.24` for a text laid out at pixel scale `size`.
                let size = written * 1.24;
                // ab_glyph's pixel scale is the ascent-to-descent height, not the em.
                let em = size * f64::from(font.units_per_em().unwrap_or(1000.0))
                    / f64::from(font.height_unscaled());
                let width = laid_out_width(font, size as f32, &unescape(content.trim()));
                let tag = tag
                    .replacen(
                        &format!(
                            " font-size=\"{}\"",
                            attribute(tag, "font-size").unwrap_or("")
                        ),
                        &format!(" font-size=\"{em:.2}\""),
                        1,
                    )
                    .replacen(
                        " font-family=\"sans-serif\"",
                        &format!(" font-family=\"{SVG_FAMILIES}\""),
                        1,
                    );
                out.push_str(&tag);
                if width > 0.0 {
                    out.push_str(&format!(
                        " textLength=\"{width:.1}\" lengthAdjust=\"spacingAndGlyphs\""
                    ));
                }
                out.push('>');
            }
            _ => out.push_str(&rest[..=tag_end]),
        }
        out.push_str(content);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

impl DrawingBackend for Glyphs<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, (iw, ih), src)
    }

    /// plotters-backend's default `draw_text` (anchor, rotation, clipping to the canvas),
    /// with the glyphs set by [`set_text`] instead of plotters' font code.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let Some(font) = face(style.style()) else {
            // The faces failed to parse, which `ensure_fonts` reports before any drawing.
            return Ok(());
        };
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (w, h) = self.get_size();
        let mut result = Ok(());
        set_text(font, style.size() as f32, text, |x, y, coverage| {
            let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if result.is_ok() && x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                result = self.inner.draw_pixel((x, y), color.mix(coverage as f64));
            }
        });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns holding ink, left to right, for `text` set at `size` pixels.
    fn inked_columns(text: &str, size: f32) -> Vec<bool> {
        let font = face(BackendFontStyle::Normal).expect("the embedded font parses");
        let mut columns = vec![false; 2000];
        set_text(font, size, text, |x, _, coverage| {
            if coverage > 0.25 {
                columns[x.max(0) as usize] = true;
            }
        });
        columns
    }

    /// The widths of the blank runs between inked runs (the gaps between letters).
    fn gaps(columns: &[bool]) -> Vec<usize> {
        let first = columns.iter().position(|&c| c).unwrap();
        let last = columns.iter().rposition(|&c| c).unwrap();
        let mut out = Vec::new();
        let mut run = 0;
        for &c in &columns[first..=last] {
            if c {
                if run > 0 {
                    out.push(run);
                }
                run = 0;
            } else {
                run += 1;
            }
        }
        out
    }

    #[test]
    fn a_word_space_is_wider_than_any_gap_between_its_letters() {
        // "them ean" was the symptom: the gap inside "mean" as wide as the word space. At
        // 32 px every letter of "the mean" stands apart, and the word space (about a quarter
        // em of blank plus both bearings) is wider than every gap between letters.
        let g = gaps(&inked_columns("the mean", 32.0));
        assert_eq!(g.len(), 6, "t h e | m e a n: six gaps, {g:?}");
        let space = g[2];
        for (i, &gap) in g.iter().enumerate().filter(|&(i, _)| i != 2) {
            assert!(
                gap < space,
                "gap {i} ({gap} px) against the space ({space} px): {g:?}"
            );
        }
    }

    #[test]
    fn svg_text_gets_the_em_and_the_width_plotters_laid_it_out_at() {
        let font = face(BackendFontStyle::Normal).unwrap();
        let size = 20.0f64;
        let svg = format!(
            "<svg><text x=\"1\" y=\"2\" font-family=\"sans-serif\" font-size=\"{}\" fill=\"#000000\">\nA &amp; B\n</text><line/></svg>",
            size / 1.24
        );
        let fitted = fit_svg_text(&svg);
        let text = &fitted[fitted.find("<text").unwrap()..];
        let tag = &text[..text.find('>').unwrap()];
        let em: f64 = attribute(tag, "font-size").unwrap().parse().unwrap();
        // Noto Sans CJK: 1000 units per em, ascent 1160 + descent 288.
        assert!((em - size / 1.448).abs() < 0.05, "em {em} in {tag}");
        let width: f32 = attribute(tag, "textLength").unwrap().parse().unwrap();
        let expected = laid_out_width(font, size as f32, "A & B");
        assert!((width - expected).abs() < 0.1, "{width} against {expected}");
        assert!(
            attribute(tag, "font-family")
                .unwrap()
                .starts_with("'Noto Sans CJK SC'")
        );
        assert!(
            fitted.contains(">\nA &amp; B\n</text><line/></svg>"),
            "{fitted}"
        );
    }

    #[test]
    fn a_glyph_keeps_its_side_bearing() {
        // "l" has a left bearing of about 1 px at 16 px: set after "l", a second "l" starts
        // one advance later, not one advance minus the bearing.
        let font = face(BackendFontStyle::Normal).unwrap();
        let scaled = font.as_scaled(16.0);
        let advance = scaled.h_advance(scaled.glyph_id('l'));
        let start = |text: &str| {
            let mut min = i32::MAX;
            set_text(font, 16.0, text, |x, _, c| {
                if c > 0.5 {
                    min = min.min(x)
                }
            });
            min
        };
        let one = start("l");
        assert!(one >= 1, "the bearing is kept: first ink at x = {one}");
        let mut second = i32::MAX;
        let mut seen_gap = false;
        let columns = inked_columns("ll", 16.0);
        for (x, &c) in columns.iter().enumerate() {
            if !c && x as i32 > one {
                seen_gap = true;
            }
            if c && seen_gap {
                second = x as i32;
                break;
            }
        }
        assert!(
            (second - one - advance.round() as i32).abs() <= 1,
            "second l at {second}, first at {one}, advance {advance}"
        );
    }
}
