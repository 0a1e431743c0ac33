//! Random streams that belong to things, not threads.
//!
//! Every random draw is derived from the scenario seed and the identity of what it concerns:
//! (replication, county, kind of entity, its id) for an entity's stream, then (purpose, year)
//! for one draw of that entity. So a policy that changes one worker's fate does not shift
//! anyone else's draws (common random numbers), and results do not depend on which thread ran
//! what.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// SplitMix64's finaliser: a bijective mixer with full avalanche.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A key from a sequence of identifiers; every word of the result depends on all of them.
#[inline]
pub fn key(parts: &[u64]) -> u64 {
    extend_key(0x6a09_e667_f3bc_c909, parts)
}

/// `key(&[a…, b…])` given `key(&[a…])`: a key extended by further identifiers, so that a
/// prefix shared by many keys (seed, replication, county) is hashed once.
#[inline]
pub fn extend_key(prefix: u64, parts: &[u64]) -> u64 {
    let mut h = prefix;
    for &p in parts {
        h = mix(h ^ mix(p.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    }
    h
}

/// Kinds of entity that own streams (domain separation between them).
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Entity {
    Region = 1,
    Incumbent = 2,
    Student = 3,
    Recruit = 4,
    Applicants = 5,
    Enrolment = 6,
    InitialFill = 7,
    VillageFill = 8,
    VillageDoctor = 9,
    VillageRefill = 10,
}

/// What a single keyed draw of a worker is for.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Draw {
    Exam = 1,
    Destination = 2,
    NoShow = 3,
    Placement = 4,
    Training = 5,
    Rehire = 6,
    HomeVillage = 7,
    TrackExam = 8,
}

/// A uniform in [0, 1) for draw `what` of the entity `k` in year `year`.
#[inline]
pub fn unit(k: u64, what: Draw, year: u32) -> f64 {
    unit_salted(k, salt(what, year))
}

/// The part of `unit`'s hash that depends only on the draw and the year: computed once for a
/// pass over many entities.
#[inline]
pub fn salt(what: Draw, year: u32) -> u64 {
    mix(((what as u64) << 32) | year as u64)
}

/// `unit(k, what, year)` given `salt(what, year)`: the same number.
#[inline]
pub fn unit_salted(k: u64, salt: u64) -> f64 {
    let z = mix(k ^ salt);
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A full generator for an entity's several draws at creation.
pub fn stream(k: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_uniforms_are_uniform_and_independent_of_neighbours() {
        // Mean and lag-1 correlation of draws over consecutive keys.
        let n = 200_000u64;
        let xs: Vec<f64> = (0..n).map(|i| unit(key(&[1, i]), Draw::Exam, 3)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((var - 1.0 / 12.0).abs() < 0.002, "var {var}");
        let cov = xs
            .windows(2)
            .map(|w| (w[0] - mean) * (w[1] - mean))
            .sum::<f64>()
            / n as f64;
        assert!((cov / var).abs() < 0.01, "lag-1 correlation {}", cov / var);
    }

    #[test]
    fn an_extended_key_is_the_key_of_the_joined_parts() {
        assert_eq!(extend_key(key(&[7, 8]), &[9, 10]), key(&[7, 8, 9, 10]));
        assert_eq!(extend_key(key(&[7]), &[]), key(&[7]));
    }

    #[test]
    fn keys_differ_when_any_part_differs() {
        assert_ne!(key(&[1, 2, 3]), key(&[1, 2, 4]));
        assert_ne!(key(&[1, 2, 3]), key(&[2, 2, 3]));
        assert_ne!(key(&[1, 2]), key(&[2, 1]));
    }
}
