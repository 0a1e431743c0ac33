//! Money and time as a health economist counts them: spending in yuan of one stated year's
//! prices, and spending and service discounted to that year.
//!
//! The engine counts nominal yuan, which grow with pay (8% a year in the baseline), so a sum over
//! 25 years weighs 2034 seven times as much as 2010 and a policy's cost depends on when it
//! starts. Costs are therefore deflated with a consumer-price index to the prices of `base_year`
//! and, with the worker-years they buy, discounted to `base_year` at `discount_rate`: the
//! incremental cost per extra worker-year is then a present-value ratio, as economic evaluations
//! report it. Both are applied by calendar year: year Y's spending is divided by
//! `(1 + inflation)^(Y − base_year)` (to real yuan) and, like year Y's worker-years, by
//! `(1 + discount_rate)^(Y − base_year)`; years before `base_year` are inflated and compounded
//! the same way. Costs and effects are discounted at the same rate.

/// How spending and service are valued over time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Economics {
    /// The year whose prices costs are stated in, and to which costs and effects are discounted.
    pub base_year: i32,
    /// Annual consumer-price inflation used to deflate nominal spending.
    pub inflation: f64,
    /// Annual discount rate applied to costs and effects alike (0: undiscounted).
    pub discount_rate: f64,
}

impl Economics {
    /// The factor that turns nominal yuan spent in calendar year `year` into discounted yuan of
    /// `base_year` prices.
    pub fn cost_weight(&self, year: i32) -> f64 {
        let t = (year - self.base_year) as f64;
        ((1.0 + self.inflation) * (1.0 + self.discount_rate)).powf(-t)
    }

    /// The factor that discounts a worker-year served in calendar year `year` to `base_year`.
    pub fn effect_weight(&self, year: i32) -> f64 {
        (1.0 + self.discount_rate).powf(-((year - self.base_year) as f64))
    }

    /// The unit costs are stated in, in words: "yuan of 2010 prices, discounted at 3% a year to
    /// 2010".
    pub fn cost_unit_words(&self) -> String {
        format!(
            "yuan of {} prices, {}",
            self.base_year,
            self.discount_words()
        )
    }

    /// How effects and costs are discounted, in words.
    pub fn discount_words(&self) -> String {
        if self.discount_rate == 0.0 {
            "undiscounted".into()
        } else {
            format!(
                "discounted at {} a year to {}",
                percent(self.discount_rate),
                self.base_year
            )
        }
    }

    /// The deflator in words.
    pub fn deflator_words(&self) -> String {
        format!(
            "nominal yuan deflated to {} prices by consumer prices rising {} a year",
            self.base_year,
            percent(self.inflation)
        )
    }
}

/// A rate as a percentage with no more digits than it needs: 0.03 → "3%", 0.035 → "3.5%".
fn percent(x: f64) -> String {
    let p = x * 100.0;
    let s = format!("{p:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: Economics = Economics {
        base_year: 2010,
        inflation: 0.02,
        discount_rate: 0.03,
    };

    #[test]
    fn spending_is_deflated_and_discounted_to_the_base_year() {
        // 1,000 nominal yuan in 2020: 1000 / 1.02^10 = 820.35 yuan of 2010 prices, then
        // / 1.03^10 = 610.42 in present value.
        let v = 1000.0 * E.cost_weight(2020);
        assert!((v - 1000.0 / 1.02f64.powi(10) / 1.03f64.powi(10)).abs() < 1e-9);
        assert!((v - 610.42).abs() < 0.01, "{v}");
        assert_eq!(E.cost_weight(2010), 1.0);
        // Before the base year money is worth more, not less.
        assert!(E.cost_weight(2005) > 1.0);
    }

    #[test]
    fn effects_are_discounted_at_the_same_rate_without_the_deflator() {
        assert!((E.effect_weight(2020) - 1.03f64.powi(-10)).abs() < 1e-12);
        let none = Economics {
            discount_rate: 0.0,
            ..E
        };
        assert_eq!(none.effect_weight(2034), 1.0);
        assert_eq!(none.discount_words(), "undiscounted");
    }

    #[test]
    fn the_settings_read_as_words() {
        assert_eq!(
            E.cost_unit_words(),
            "yuan of 2010 prices, discounted at 3% a year to 2010"
        );
        let e = Economics {
            discount_rate: 0.035,
            ..E
        };
        assert_eq!(e.discount_words(), "discounted at 3.5% a year to 2010");
        assert_eq!(
            E.deflator_words(),
            "nominal yuan deflated to 2010 prices by consumer prices rising 2% a year"
        );
    }
}
