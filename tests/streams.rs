//! Value pins of the keyed random streams. Every result of zhagen is a function of these
//! draws; a change in how keys are hashed, how a stream is seeded, or which generator or
//! distribution code is used (a rand or rand_distr upgrade) changes every output, and must be
//! a deliberate act. These tests fail on any such change, naming which layer moved.
//!
//! The numbers were printed by the code they pin (rand 0.10 Xoshiro256++, rand_distr 0.6).

use rand::RngExt;
use rand_distr::{Exp1, Poisson};
use zhagen::engine::rng::{self, Draw, Entity};

/// A worker's key as the engine builds it: (seed, replication, county) then
/// (entity kind, centre, index).
fn incumbent_key() -> u64 {
    let prefix = rng::key(&[20221231, 0, 0]);
    rng::extend_key(prefix, &[Entity::Incumbent as u64, 3, 7])
}

#[test]
fn key_hashing_is_pinned() {
    assert_eq!(rng::mix(0), PIN_MIX0);
    assert_eq!(rng::mix(1), PIN_MIX1);
    assert_eq!(rng::key(&[20221231, 0, 0]), PIN_PREFIX);
    assert_eq!(incumbent_key(), PIN_INCUMBENT);
    // Extending a prefix is the key of the joined parts.
    assert_eq!(
        incumbent_key(),
        rng::key(&[20221231, 0, 0, Entity::Incumbent as u64, 3, 7])
    );
}

#[test]
fn keyed_single_draws_are_pinned() {
    let k = incumbent_key();
    let got = [
        rng::unit(k, Draw::Exam, 5),
        rng::unit(k, Draw::Destination, 0),
        rng::unit(k, Draw::Training, 12),
        rng::unit_salted(k, rng::salt(Draw::Rehire, 24)),
    ];
    assert_eq!(got, PIN_UNITS);
}

#[test]
fn an_entitys_stream_is_pinned() {
    let mut r = rng::stream(incumbent_key());
    let words: [u64; 3] = [r.random(), r.random(), r.random()];
    assert_eq!(words, PIN_WORDS);
    // The distributions the engine samples at creation and in recruitment.
    let exp: f64 = r.sample(Exp1);
    let normal = zhagen::population::standard_normal(&mut r);
    let applicants: f64 = r.sample(Poisson::new(2.5).unwrap());
    let uniform: f64 = r.random();
    assert_eq!([exp, normal, applicants, uniform], PIN_DRAWS);
}

const PIN_MIX0: u64 = 0;
const PIN_MIX1: u64 = 6238072747940578789;
const PIN_PREFIX: u64 = 12785546941302207011;
const PIN_INCUMBENT: u64 = 1962382720101176629;
const PIN_UNITS: [f64; 4] = [
    0.871105094533963,
    0.9272987467029464,
    0.7664696562720132,
    0.8152627110671422,
];
const PIN_WORDS: [u64; 3] = [
    2960143661829850327,
    6475017619329149481,
    15277003149491817174,
];
const PIN_DRAWS: [f64; 4] = [
    1.2219506609487072,
    -0.4238869041358757,
    4.0,
    0.5338478026454623,
];
