//! The derivative-free optimiser: Nelder–Mead on the unit cube (the free parameters' box,
//! scaled), projected back into the cube.

/// Nelder–Mead minimisation of `f` over the unit cube (points are clamped into it before `f`
/// sees them), from `x0` with an initial simplex of edge `step`, in at most `budget` calls.
/// Deterministic: no random restarts.
pub fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> f64,
    x0: &[f64],
    step: f64,
    budget: usize,
) -> Vec<f64> {
    let n = x0.len();
    let clamp = |x: Vec<f64>| -> Vec<f64> { x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect() };
    let mut calls = 0usize;
    let mut eval = |x: &[f64], calls: &mut usize| -> f64 {
        *calls += 1;
        f(x)
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let x0 = clamp(x0.to_vec());
    let f0 = eval(&x0, &mut calls);
    simplex.push((x0.clone(), f0));
    for i in 0..n {
        let mut x = x0.clone();
        x[i] = if x[i] + step <= 1.0 {
            x[i] + step
        } else {
            x[i] - step
        };
        let fx = eval(&x, &mut calls);
        simplex.push((x, fx));
    }
    while calls < budget {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        let size = simplex
            .iter()
            .skip(1)
            .map(|(x, _)| {
                x.iter()
                    .zip(&simplex[0].0)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if size < 1e-4 || (worst - best).abs() < 1e-6 * (1.0 + best.abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|(x, _)| x[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            clamp(
                centroid
                    .iter()
                    .zip(&simplex[n].0)
                    .map(|(c, w)| c + t * (c - w))
                    .collect(),
            )
        };
        let xr = along(1.0);
        let fr = eval(&xr, &mut calls);
        if fr < simplex[0].1 {
            let xe = along(2.0);
            let fe = eval(&xe, &mut calls);
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            let (xc, fc) = if fr < simplex[n].1 {
                let xc = along(0.5);
                let fc = eval(&xc, &mut calls);
                (xc, fc)
            } else {
                let xc = along(-0.5);
                let fc = eval(&xc, &mut calls);
                (xc, fc)
            };
            if fc < simplex[n].1.min(fr) {
                simplex[n] = (xc, fc);
            } else {
                // Shrink towards the best point.
                let b = simplex[0].0.clone();
                for v in simplex.iter_mut().skip(1) {
                    let x: Vec<f64> = v.0.iter().zip(&b).map(|(x, b)| b + 0.5 * (x - b)).collect();
                    let fx = eval(&x, &mut calls);
                    *v = (x, fx);
                    if calls >= budget {
                        break;
                    }
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}
