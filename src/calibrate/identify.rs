//! After the fit: each free parameter's local effect on every target by central differences
//! (under common random numbers), flagged as not identified or confounded, with approximate
//! standard errors from (GᵀG)⁻¹. The inverse is kept ([`Information`]) for the Gaussian
//! approximation of the posterior (`posterior.rs`).

use super::*;

/// Local effects of each parameter on every target, by central differences at the fit.
pub(super) fn identify(
    ev: &mut Evaluator,
    params: &[FreeParameter],
    best: &Evaluation,
    sigma: &[f64],
) -> Result<(Vec<Identification>, Information), CalibrationError> {
    let nb = best.results.len();
    let np = params.len();
    // g[b][p]: effect of parameter p on target b per unit of p, in target standard errors.
    let mut g = vec![vec![0.0; np]; nb];
    for (k, p) in params.iter().enumerate() {
        let h = 0.05 * (p.max - p.min);
        let mut up = best.theta.clone();
        let mut down = best.theta.clone();
        up[k] = (up[k] + h).min(p.max);
        down[k] = (down[k] - h).max(p.min);
        let (eu, ed) = (ev.evaluate(&up)?, ev.evaluate(&down)?);
        let dx = up[k] - down[k];
        for b in 0..nb {
            let d = eu.results[b].simulated.mean - ed.results[b].simulated.mean;
            g[b][k] = if d.is_finite() && dx > 0.0 {
                d / dx / sigma[b]
            } else {
                0.0
            };
        }
    }
    // Information matrix GᵀG and its inverse.
    let mut info = vec![vec![0.0; np]; np];
    for row in &g {
        for i in 0..np {
            for j in 0..np {
                info[i][j] += row[i] * row[j];
            }
        }
    }
    // Parameters that barely move the fit are reported on their own; the rest are checked
    // for confounding on the information matrix restricted to them.
    let range_effect: Vec<f64> = params
        .iter()
        .enumerate()
        .map(|(k, p)| info[k][k].sqrt() * (p.max - p.min))
        .collect();
    let active: Vec<usize> = (0..np).filter(|&k| range_effect[k] >= 1.0).collect();
    let sub: Vec<Vec<f64>> = active
        .iter()
        .map(|&i| active.iter().map(|&j| info[i][j]).collect())
        .collect();
    let inv = if active.is_empty() {
        None
    } else {
        invert(&sub)
    };
    let mut out = Vec::new();
    for (k, p) in params.iter().enumerate() {
        let mut notes = Vec::new();
        let mut identified = range_effect[k] >= 1.0;
        let mut std_error = None;
        if !identified {
            notes.push(format!(
                "not identified by these targets: across its whole range ({} to {}) it moves the fit by {:.2} target standard errors",
                p.min, p.max, range_effect[k]
            ));
        } else if let Some(inv) = &inv {
            let a = active.iter().position(|&x| x == k).expect("active");
            std_error = Some(inv[a][a].sqrt()).filter(|x| x.is_finite());
            for (b, &j) in active.iter().enumerate() {
                if j != k {
                    let c = inv[a][b] / (inv[a][a] * inv[b][b]).sqrt();
                    if c.abs() > 0.95 {
                        identified = false;
                        notes.push(format!(
                            "confounded with {} (estimate correlation {c:+.2}): the targets pin down a combination of the two, not each",
                            params[j].name()
                        ));
                    }
                }
            }
        } else {
            identified = false;
            notes.push("the targets cannot separate it from the other parameters (singular information matrix)".into());
        }
        if identified {
            notes.push("identified".into());
        }
        out.push(Identification {
            name: p.name().to_string(),
            value: best.theta[k],
            range_effect: range_effect[k],
            std_error,
            identified,
            note: notes.join("; "),
        });
    }
    let information = Information {
        covariance: inv,
        active,
    };
    Ok((out, information))
}

/// Inverse of a small symmetric matrix by Gauss–Jordan elimination; None if (nearly) singular.
pub(super) fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let scale = (0..n).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    if scale == 0.0 {
        return None;
    }
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() < 1e-10 * scale {
            return None;
        }
        m.swap(c, p);
        let d = m[c][c];
        for x in m[c].iter_mut() {
            *x /= d;
        }
        for r in 0..n {
            if r != c {
                let f = m[r][c];
                if f != 0.0 {
                    let pivot = m[c].clone();
                    for (x, y) in m[r].iter_mut().zip(pivot) {
                        *x -= f * y;
                    }
                }
            }
        }
    }
    Some(m.into_iter().map(|r| r[n..].to_vec()).collect())
}
