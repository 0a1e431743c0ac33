//! Units that the model's numbers carry: shares, annual rates, money, years.
//!
//! Each constructor rejects what the unit cannot be (NaN, infinities, negatives, a share above 1)
//! so that a value that reached the engine is known to be meaningful. The error only says what is
//! allowed; the scenario loader adds the file, line and key.

use std::fmt;

/// Why a number was refused: the allowed range, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError {
    pub allowed: &'static str,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "allowed: {}", self.allowed)
    }
}

fn finite(x: f64, allowed: &'static str) -> Result<f64, RangeError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(RangeError { allowed })
    }
}

/// A share of a whole, in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Share(f64);

impl Share {
    pub const ALLOWED: &'static str = "a share between 0 and 1 (e.g. 0.25 for 25%)";
    pub fn new(x: f64) -> Result<Self, RangeError> {
        let x = finite(x, Self::ALLOWED)?;
        if (0.0..=1.0).contains(&x) {
            Ok(Share(x))
        } else {
            Err(RangeError {
                allowed: Self::ALLOWED,
            })
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// An annual hazard rate (events per person-year), ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Rate(f64);

impl Rate {
    pub const ALLOWED: &'static str = "an annual rate ≥ 0 (events per person-year)";
    pub fn new(x: f64) -> Result<Self, RangeError> {
        let x = finite(x, Self::ALLOWED)?;
        if x >= 0.0 {
            Ok(Rate(x))
        } else {
            Err(RangeError {
                allowed: Self::ALLOWED,
            })
        }
    }
    /// The annual rate equivalent to an annual probability `p` of the event (p < 1):
    /// h = −ln(1 − p), so that 1 − exp(−h) = p whatever the step the engine uses.
    ///
    /// ```
    /// use zhagen::units::{Rate, Share};
    /// // 3% of students a year drop out of study (the baseline's assumption).
    /// let p = Share::new(0.03).unwrap();
    /// let h = Rate::from_annual_probability(p).unwrap();
    /// assert!((h.get() - 0.030459).abs() < 1e-6);
    /// assert!(Rate::from_annual_probability(Share::new(1.0).unwrap()).is_err());
    /// ```
    pub fn from_annual_probability(p: Share) -> Result<Self, RangeError> {
        if p.get() >= 1.0 {
            return Err(RangeError {
                allowed: "an annual probability below 1",
            });
        }
        Ok(Rate(-(1.0 - p.get()).ln()))
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Money in yuan (nominal), ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Yuan(f64);

impl Yuan {
    pub const ALLOWED: &'static str = "an amount of yuan ≥ 0";
    pub fn new(x: f64) -> Result<Self, RangeError> {
        let x = finite(x, Self::ALLOWED)?;
        if x >= 0.0 {
            Ok(Yuan(x))
        } else {
            Err(RangeError {
                allowed: Self::ALLOWED,
            })
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A hazard ratio (multiplier on an exit rate), > 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct HazardRatio(f64);

impl HazardRatio {
    pub const ALLOWED: &'static str = "a hazard ratio > 0 (1 = no effect)";
    pub fn new(x: f64) -> Result<Self, RangeError> {
        let x = finite(x, Self::ALLOWED)?;
        if x > 0.0 {
            Ok(HazardRatio(x))
        } else {
            Err(RangeError {
                allowed: Self::ALLOWED,
            })
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for HazardRatio {
    fn default() -> Self {
        HazardRatio(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_outside_unit_interval_or_nan_are_refused() {
        assert!(Share::new(0.0).is_ok());
        assert!(Share::new(1.0).is_ok());
        assert!(Share::new(1.0001).is_err());
        assert!(Share::new(-0.1).is_err());
        assert!(Share::new(f64::NAN).is_err());
    }

    #[test]
    fn money_and_rates_must_be_finite_and_non_negative() {
        assert!(Yuan::new(-1.0).is_err());
        assert!(Yuan::new(f64::INFINITY).is_err());
        assert!(Rate::new(-0.01).is_err());
        assert!(HazardRatio::new(0.0).is_err());
    }

    #[test]
    fn annual_probability_converts_to_a_rate_that_gives_it_back() {
        let h = Rate::from_annual_probability(Share::new(0.081).unwrap()).unwrap();
        assert!((1.0 - (-h.get()).exp() - 0.081).abs() < 1e-12);
        assert!(Rate::from_annual_probability(Share::new(1.0).unwrap()).is_err());
    }
}
