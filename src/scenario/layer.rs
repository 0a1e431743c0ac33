//! Layers of a scenario: each file (and each `--set` override) is parsed into a *partial*
//! scenario in which every key is optional, then the layers are overlaid, nearest file last.
//!
//! Every leaf value remembers where it was written (file and byte span), so that a value that
//! fails validation after inheritance is still reported at the line that set it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::ops::Range;

/// Index of a source (file or override) in the loader's source list.
pub type SourceId = usize;

/// A leaf value with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct V<T> {
    pub value: T,
    pub span: Range<usize>,
    pub source: SourceId,
}

impl<T> V<T> {
    pub fn get(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for V<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = toml::Spanned::<T>::deserialize(d)?;
        let span = s.span();
        Ok(V {
            value: s.into_inner(),
            span,
            source: 0,
        })
    }
}

impl<T: Serialize> Serialize for V<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// Something that can be tagged with its source and overlaid by a nearer layer.
pub trait Layer {
    /// Record that every value in `self` came from `source`.
    fn tag(&mut self, source: SourceId);
    /// Overlay `over` (the nearer file) on `self` (the base): what `over` sets wins.
    fn overlay(&mut self, over: Self);
}

/// What a [`V`] may hold: a plain value, or an inline table whose own values carry positions
/// too (a distribution, `{ dist = "uniform", min = 8, max = 16 }`) and so must learn their
/// source with it.
pub trait Leaf {
    fn tag_inner(&mut self, _source: SourceId) {}
}

impl Leaf for f64 {}
impl Leaf for i64 {}
impl Leaf for bool {}
impl Leaf for String {}
impl Leaf for toml::Value {}
impl<T: Leaf> Leaf for Vec<T> {}

impl<T: Leaf> Layer for V<T> {
    fn tag(&mut self, source: SourceId) {
        self.source = source;
        self.value.tag_inner(source);
    }
    fn overlay(&mut self, over: Self) {
        *self = over;
    }
}

impl<T: Layer> Layer for Option<T> {
    fn tag(&mut self, source: SourceId) {
        if let Some(v) = self {
            v.tag(source);
        }
    }
    fn overlay(&mut self, over: Self) {
        match (self.as_mut(), over) {
            (Some(base), Some(over)) => base.overlay(over),
            (None, Some(over)) => *self = Some(over),
            (_, None) => {}
        }
    }
}

/// Tables keyed by name (pathways) merge key by key.
impl<T: Layer> Layer for BTreeMap<String, T> {
    fn tag(&mut self, source: SourceId) {
        for v in self.values_mut() {
            v.tag(source);
        }
    }
    fn overlay(&mut self, over: Self) {
        for (k, v) in over {
            match self.get_mut(&k) {
                Some(base) => base.overlay(v),
                None => {
                    self.insert(k, v);
                }
            }
        }
    }
}

/// Arrays of tables (benchmarks) are replaced whole: a file that lists benchmarks states its
/// own set, one that lists none inherits its base's.
impl<T: Layer> Layer for Vec<T> {
    fn tag(&mut self, source: SourceId) {
        for v in self.iter_mut() {
            v.tag(source);
        }
    }
    fn overlay(&mut self, over: Self) {
        *self = over;
    }
}

/// Declares a partial table: every field optional, unknown keys refused, and `Layer` derived
/// field by field. `FIELDS` lists the keys for typo suggestions.
macro_rules! partial_table {
    ($(#[$meta:meta])* pub struct $name:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $( $(#[$fmeta])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>, )*
        }
        impl $crate::scenario::layer::Layer for $name {
            fn tag(&mut self, source: $crate::scenario::layer::SourceId) {
                $( self.$field.tag(source); )*
            }
            fn overlay(&mut self, over: Self) {
                $( self.$field.overlay(over.$field); )*
            }
        }
    };
}
pub(crate) use partial_table;
