//! Numbers and short phrases in the words the report uses: grouped digits with a true minus
//! sign, percentages, yuan in yuan, millions or billions, and intervals. Plain text, never
//! HTML, except [`ci_span`], the interval under a table value.

use crate::headline::Unit;
use crate::stats::interval::MeanCi;
use maud::{Markup, html};

pub(crate) fn cap(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) const MINUS: char = '\u{2212}';

/// `x` with `decimals` decimals, commas between thousands and a true minus sign; "–" when not
/// a number.
pub(super) fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    // A value that rounds to zero is written without a sign.
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("{MINUS}{out}")
    } else {
        out
    }
}

/// Like [`grouped`], with a "+" on positive values.
pub(super) fn signed(x: f64, decimals: usize) -> String {
    let text = grouped(x, decimals);
    if x > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}

/// A number as short as it can be written without losing digits a scenario would use.
pub(super) fn short_number(x: f64) -> String {
    let mut text = grouped(x, 4);
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    text
}

pub(super) fn pct(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{}%", grouped(x * 100.0, decimals))
    } else {
        "–".into()
    }
}

/// Yuan amounts of this size are written in yuan, millions or billions.
pub(super) fn yuan_scale(magnitude: f64) -> (f64, usize, &'static str) {
    if magnitude >= 1e9 {
        (1e9, 2, " billion yuan")
    } else if magnitude >= 1e7 {
        (1e6, 1, " million yuan")
    } else {
        (1.0, 0, " yuan")
    }
}

pub(super) fn yuan(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let (scale, dec, words) = yuan_scale(x.abs());
    format!("{}{words}", grouped(x / scale, dec))
}

/// A t-interval of a share can reach past 0 or 100% when there are few replications, but a
/// share cannot: the interval is written cut at the bounds, as the retention bands are drawn.
pub(super) fn share_bounds(c: &MeanCi) -> (f64, f64) {
    (c.low.clamp(0.0, 1.0), c.high.clamp(0.0, 1.0))
}

/// "(95% CI 32.1% to 34.5%)", or nothing when there is no interval.
pub(super) fn ci_words(unit: Unit, c: &MeanCi) -> String {
    if !(c.low.is_finite() && c.high.is_finite()) {
        return String::new();
    }
    match unit {
        Unit::Share => {
            let (low, high) = share_bounds(c);
            format!("(95% CI {} to {})", pct(low, 1), pct(high, 1))
        }
        Unit::Yuan => {
            let (scale, dec, words) = yuan_scale(c.low.abs().max(c.high.abs()));
            format!(
                "(95% CI {} to {}{words})",
                grouped(c.low / scale, dec),
                grouped(c.high / scale, dec)
            )
        }
        Unit::Years => format!("(95% CI {} to {})", grouped(c.low, 0), grouped(c.high, 0)),
    }
}

/// The interval under a value in a table cell.
pub(super) fn ci_span(unit: Unit, c: &MeanCi) -> Markup {
    if !(c.low.is_finite() && c.high.is_finite()) {
        return html! {};
    }
    let (low, high) = match unit {
        Unit::Share => {
            let (low, high) = share_bounds(c);
            (pct(low, 1), pct(high, 1))
        }
        Unit::Yuan => (yuan(c.low), yuan(c.high)),
        Unit::Years => (grouped(c.low, 0), grouped(c.high, 0)),
    };
    html! { span class="ci" { (low) " to " (high) } }
}

/// "1 year", "7 years".
pub(super) fn years_after(n: impl std::fmt::Display) -> String {
    let n = n.to_string();
    if n == "1" { n + " year" } else { n + " years" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_way_people_write_them() {
        assert_eq!(grouped(1234567.4, 0), "1,234,567");
        assert_eq!(grouped(-2500.0, 0), "\u{2212}2,500");
        assert_eq!(grouped(-0.01, 1), "0.0");
        assert_eq!(signed(2.54, 1), "+2.5");
        assert_eq!(signed(0.0, 1), "0.0");
        assert_eq!(short_number(12000.0), "12,000");
        assert_eq!(short_number(0.609), "0.609");
        assert_eq!(pct(0.3854, 1), "38.5%");
        assert_eq!(yuan(70255.2), "70,255 yuan");
        assert_eq!(yuan(16_442_070_156.0), "16.44 billion yuan");
        assert_eq!(yuan(f64::NAN), "–");
    }
}
