//! The checks every value goes through: a required key, a number within its catalogue row's
//! bounds, a unit, one of a set of words, a distribution; each error located in its file.

use crate::population::{ByTitle, Dist};
use crate::scenario::catalogue::{self, Kind, Param};
use crate::scenario::error::{Location, ScenarioError};
use crate::scenario::layer::V;
use crate::scenario::load::{Sources, suggest};
use crate::scenario::raw::*;
use crate::units::{HazardRatio, RangeError, Rate, Share, Yuan};
use std::path::Path;

pub(super) type R<T> = Result<T, ScenarioError>;

pub(super) struct Check<'a> {
    pub(super) sources: &'a Sources,
    pub(super) leaf: &'a Path,
}

impl Check<'_> {
    pub(super) fn at<T>(&self, v: &V<T>) -> Location {
        self.sources.locate(v.source, v.span.start)
    }

    /// Where `needle` is first written in any source (for keys, which carry no span).
    pub(super) fn find(&self, needle: &str) -> Location {
        for (i, src) in self.sources.list.iter().enumerate() {
            if let Some(at) = src.text.find(needle) {
                return self.sources.locate(i, at);
            }
        }
        Location::file(self.leaf)
    }

    pub(super) fn invalid<T: std::fmt::Debug>(
        &self,
        v: &V<T>,
        key: &str,
        allowed: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            at: self.at(v),
            key: key.to_string(),
            value: self.written(v),
            allowed: allowed.into(),
        }
    }

    /// The value as the user wrote it (a table, a list, a number), not as parsed.
    pub(super) fn written<T: std::fmt::Debug>(&self, v: &V<T>) -> String {
        self.sources
            .list
            .get(v.source)
            .and_then(|s| s.text.get(v.span.clone()))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("{:?}", v.value))
            .trim_matches('"')
            .to_string()
    }

    /// Values each allowed but not together, located at `v`: each of `keys` with its value as
    /// written (a key not written is left out), what must hold and how to fix it.
    pub(super) fn constraint<T>(
        &self,
        v: &V<T>,
        keys: &[(String, Option<String>)],
        rule: impl Into<String>,
        fix: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::Constraint {
            at: self.at(v),
            keys: keys
                .iter()
                .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                .collect(),
            rule: rule.into(),
            fix: fix.into(),
        }
    }
    pub(super) fn req<'v, T>(&self, v: &'v Option<V<T>>, key: &str, allowed: &str) -> R<&'v V<T>> {
        v.as_ref().ok_or_else(|| ScenarioError::Missing {
            file: self.leaf.to_path_buf(),
            key: key.to_string(),
            allowed: allowed.to_string(),
        })
    }

    pub(super) fn unit<T>(
        &self,
        v: &Option<V<f64>>,
        key: &str,
        allowed: &str,
        f: impl Fn(f64) -> Result<T, RangeError>,
    ) -> R<T> {
        let v = self.req(v, key, allowed)?;
        f(v.value).map_err(|e| self.invalid(v, key, e.allowed))
    }

    pub(super) fn share(&self, v: &Option<V<f64>>, key: &str) -> R<Share> {
        // A benchmark's value is a share or years, by its metric: its row says years.
        let p = self.param(key);
        debug_assert!(
            p.kind == Kind::Share || p.pattern == "benchmark[*].value",
            "{key}"
        );
        self.unit(v, key, Share::ALLOWED, Share::new)
    }
    pub(super) fn yuan(&self, v: &Option<V<f64>>, key: &str) -> R<Yuan> {
        debug_assert_eq!(self.param(key).kind, Kind::Yuan, "{key}");
        self.unit(v, key, Yuan::ALLOWED, Yuan::new)
    }
    pub(super) fn rate(&self, v: &Option<V<f64>>, key: &str) -> R<Rate> {
        debug_assert_eq!(self.param(key).kind, Kind::Rate, "{key}");
        self.unit(v, key, Rate::ALLOWED, Rate::new)
    }
    pub(super) fn hr(&self, v: &Option<V<f64>>, key: &str) -> R<f64> {
        debug_assert_eq!(self.param(key).kind, Kind::HazardRatio, "{key}");
        self.unit(v, key, HazardRatio::ALLOWED, |x| {
            HazardRatio::new(x).map(|h| h.get())
        })
    }

    /// The catalogue row of a key that validation checks (a missing row is a bug, found by any
    /// test that loads the baseline).
    pub(super) fn param(&self, key: &str) -> &'static Param {
        catalogue::lookup(key).unwrap_or_else(|| panic!("`{key}` has no row in the catalogue"))
    }

    /// A real number within its catalogue row's bounds.
    pub(super) fn real(&self, v: &Option<V<f64>>, key: &str) -> R<f64> {
        let Kind::Real { min, max, .. } = self.param(key).kind else {
            panic!("`{key}` is not a real number in the catalogue")
        };
        let allowed = self.param(key).kind.allowed();
        let v = self.req(v, key, &allowed)?;
        if v.value.is_finite() && (min..=max).contains(&v.value) {
            Ok(v.value)
        } else {
            Err(self.invalid(v, key, allowed))
        }
    }

    /// A whole number within its catalogue row's bounds.
    pub(super) fn int(&self, v: &Option<V<i64>>, key: &str) -> R<i64> {
        let Kind::Int { min, max, .. } = self.param(key).kind else {
            panic!("`{key}` is not a whole number in the catalogue")
        };
        let allowed = self.param(key).kind.allowed();
        let v = self.req(v, key, &allowed)?;
        if (min..=max).contains(&v.value) {
            Ok(v.value)
        } else {
            Err(self.invalid(v, key, allowed))
        }
    }

    /// One of a fixed set of words, with a suggestion for a near miss.
    pub(super) fn word<'w>(&self, v: &V<String>, key: &str, allowed: &[&'w str]) -> R<&'w str> {
        match allowed.iter().find(|a| **a == v.value) {
            Some(a) => Ok(a),
            None => {
                let mut msg = format!("allowed: {}", allowed.join(", "));
                if let Some(s) = suggest(&v.value, allowed.iter().copied()) {
                    msg.push_str(&format!(" (did you mean `{s}`?)"));
                }
                Err(self.invalid(v, key, msg))
            }
        }
    }

    /// A distribution table: its `dist` names the family, and the keys that family takes are
    /// checked against the catalogue row's bounds.
    pub(super) fn dist(&self, v: &Option<V<RawDist>>, key: &str) -> R<Dist> {
        let Kind::Dist {
            min: lo,
            max: hi,
            what,
        } = self.param(key).kind
        else {
            panic!("`{key}` is not a distribution in the catalogue")
        };
        let allowed = format!(
            "{what}, as {{ dist = \"fixed\", value = … }}, {{ dist = \"uniform\", min = …, max = … }}, {{ dist = \"normal\", mean = …, sd = …, min = …, max = … }} or {{ dist = \"histogram\", edges = […], weights = […] }}, values between {lo} and {hi}"
        );
        let vv = self.req(v, key, &allowed)?;
        let family = match &vv.value.dist {
            Some(k) => self.word(
                k,
                &format!("{key}.dist"),
                &["fixed", "uniform", "normal", "histogram"],
            )?,
            None => return Err(self.invalid(vv, key, format!("missing `dist`; {allowed}"))),
        };
        let t = DistTable {
            c: self,
            v: vv,
            key,
            lo,
            hi,
            what,
            family,
        };
        if family != "histogram" {
            t.no_lists()?;
        }
        match family {
            "histogram" => t.histogram(),
            "fixed" => t.fixed(),
            "uniform" => t.uniform(),
            _ => t.normal(),
        }
    }

    pub(super) fn by_title(
        &self,
        t: &Option<RawByTitle>,
        key: &str,
        f: impl Fn(&Option<V<f64>>, &str) -> R<f64>,
    ) -> R<ByTitle<f64>> {
        let empty = RawByTitle::default();
        let t = t.as_ref().unwrap_or(&empty);
        Ok(ByTitle([
            f(&t.junior, &format!("{key}.junior"))?,
            f(&t.intermediate, &format!("{key}.intermediate"))?,
            f(&t.associate_senior, &format!("{key}.associate_senior"))?,
            f(&t.senior, &format!("{key}.senior"))?,
        ]))
    }
}

/// A distribution table being checked: its key, its catalogue row's bounds, and the family its
/// `dist` names, which decides the keys it takes.
struct DistTable<'a> {
    c: &'a Check<'a>,
    v: &'a V<RawDist>,
    key: &'a str,
    lo: f64,
    hi: f64,
    /// What the values count, for messages ("townships per county").
    what: &'static str,
    family: &'static str,
}

impl DistTable<'_> {
    /// A number the family needs, within the catalogue row's bounds.
    fn num(&self, x: &Option<V<f64>>, sub: &str) -> R<f64> {
        let (c, key, lo, hi, what) = (self.c, self.key, self.lo, self.hi, self.what);
        let k = format!("{key}.{sub}");
        match x {
            Some(x) if x.value.is_finite() && (lo..=hi).contains(&x.value) => Ok(x.value),
            Some(x) => Err(c.invalid(x, &k, format!("a number between {lo} and {hi} ({what})"))),
            None => Err(c.invalid(
                self.v,
                key,
                format!("`{sub}` is required for dist = \"{}\"", self.family),
            )),
        }
    }

    /// Numbers the family does not use are refused, not silently ignored.
    fn unused(&self, names: &[(&Option<V<f64>>, &str)]) -> R<()> {
        for (x, n) in names {
            if let Some(x) = x {
                return Err(self.c.invalid(
                    x,
                    &format!("{}.{n}", self.key),
                    format!("`{n}` is not used by dist = \"{}\"", self.family),
                ));
            }
        }
        Ok(())
    }

    /// `edges` and `weights` belong to a histogram only.
    fn no_lists(&self) -> R<()> {
        let d = &self.v.value;
        for (x, n) in [(&d.edges, "edges"), (&d.weights, "weights")] {
            if let Some(x) = x {
                return Err(self.c.invalid(
                    x,
                    &format!("{}.{n}", self.key),
                    format!("`{n}` is only used by dist = \"histogram\""),
                ));
            }
        }
        Ok(())
    }

    /// Bins given by their edges, each edge within bounds, and a weight per bin.
    fn histogram(&self) -> R<Dist> {
        let (c, key, lo, hi, what) = (self.c, self.key, self.lo, self.hi, self.what);
        let d = &self.v.value;
        self.unused(&[
            (&d.value, "value"),
            (&d.min, "min"),
            (&d.max, "max"),
            (&d.mean, "mean"),
            (&d.sd, "sd"),
        ])?;
        let need = |x: &Option<V<Vec<f64>>>, n: &str| -> R<Vec<f64>> {
            match x {
                Some(x) => Ok(x.value.clone()),
                None => Err(c.invalid(
                    self.v,
                    key,
                    format!("`{n}` is required for dist = \"histogram\""),
                )),
            }
        };
        let edges = need(&d.edges, "edges")?;
        let weights = need(&d.weights, "weights")?;
        let ev = d.edges.as_ref().expect("checked");
        if edges
            .iter()
            .any(|e| !e.is_finite() || !(lo..=hi).contains(e))
        {
            return Err(c.invalid(
                ev,
                &format!("{key}.edges"),
                format!("bin edges between {lo} and {hi} ({what})"),
            ));
        }
        let wv = d.weights.as_ref().expect("checked");
        match Dist::histogram(&edges, &weights) {
            Some(h) => Ok(h),
            None => Err(c.invalid(
                wv,
                &format!("{key}.weights"),
                format!(
                    "1 to {} non-negative weights, not all zero, one per bin: edges must be increasing and number one more than the weights",
                    crate::population::MAX_BINS
                ),
            )),
        }
    }

    /// One value, always.
    fn fixed(&self) -> R<Dist> {
        let d = &self.v.value;
        self.unused(&[
            (&d.min, "min"),
            (&d.max, "max"),
            (&d.mean, "mean"),
            (&d.sd, "sd"),
        ])?;
        Ok(Dist::Fixed(self.num(&d.value, "value")?))
    }

    /// Any value from `min` to `max`, which must not be the wrong way round.
    fn uniform(&self) -> R<Dist> {
        let (c, key) = (self.c, self.key);
        let d = &self.v.value;
        self.unused(&[(&d.value, "value"), (&d.mean, "mean"), (&d.sd, "sd")])?;
        let (min, max) = (self.num(&d.min, "min")?, self.num(&d.max, "max")?);
        if min > max {
            return Err(c.constraint(
                self.v,
                &[
                    (format!("{key}.min"), d.min.as_ref().map(|v| c.written(v))),
                    (format!("{key}.max"), d.max.as_ref().map(|v| c.written(v))),
                ],
                "min must not exceed max",
                "swap them, or use dist = \"fixed\" for one value",
            ));
        }
        Ok(Dist::Uniform { min, max })
    }

    /// A normal truncated to `min`..`max`: a positive spread, and the mean inside the range.
    fn normal(&self) -> R<Dist> {
        let (c, key) = (self.c, self.key);
        let d = &self.v.value;
        self.unused(&[(&d.value, "value")])?;
        let mean = self.num(&d.mean, "mean")?;
        let (min, max) = (self.num(&d.min, "min")?, self.num(&d.max, "max")?);
        let sd = match &d.sd {
            Some(s) if s.value.is_finite() && s.value > 0.0 => s.value,
            Some(s) => {
                return Err(c.invalid(s, &format!("{key}.sd"), "a standard deviation > 0"));
            }
            None => {
                return Err(c.invalid(self.v, key, "`sd` is required for dist = \"normal\""));
            }
        };
        if min >= max || !(min..=max).contains(&mean) {
            return Err(c.invalid(self.v, key, "need min < max and min ≤ mean ≤ max"));
        }
        Ok(Dist::Normal { mean, sd, min, max })
    }
}
