//! Numbers written to JSON (summary.json, sweep point files, calibrate's files) read back as
//! the same `f64`, bit for bit: a sweep's results.csv must not depend on whether a point was
//! kept in memory or read back from its file, nor a merge on which shard wrote a point.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

#[test]
fn every_f64_written_to_json_reads_back_exactly() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20221231);
    let mut wrong = Vec::new();
    for i in 0..200_000 {
        // Values like those in the outputs: yuan totals in the billions, shares, tiny rates.
        let x: f64 = match i % 3 {
            0 => rng.random::<f64>() * 1e10,
            1 => rng.random::<f64>(),
            _ => f64::from_bits(rng.random::<u64>() >> 2),
        };
        let text = serde_json::to_string(&x).unwrap();
        let back: f64 = serde_json::from_str(&text).unwrap();
        if back.to_bits() != x.to_bits() {
            wrong.push((x, text, back));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of 200,000 floats changed through JSON, e.g. {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(3)]
    );
}
