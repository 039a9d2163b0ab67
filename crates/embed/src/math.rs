//! Element-wise kernels written so that the compiler vectorises them (no branches, no libm
//! calls in the inner loops): they run on every activation, so scalar libm would dominate.

/// exp(x) for x in about [-87, 88]; relative error about 2e-7.
#[inline(always)]
pub(crate) fn fast_exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding 1.5 * 2^23 rounds to an integer and leaves it in the low mantissa bits.
    const MAGIC: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * LOG2E + MAGIC;
    let n = shifted - MAGIC;
    let n_int = shifted.to_bits().wrapping_sub(MAGIC.to_bits()) as i32;
    let r = x - n * LN2_HI - n * LN2_LO;
    // Taylor polynomial on |r| <= ln2/2.
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r / 5040.0))))));
    let scale = f32::from_bits((n_int.wrapping_add(127) as u32) << 23);
    p * scale
}

/// erf(x), Abramowitz & Stegun 7.1.26; absolute error below 1.5e-7.
#[inline(always)]
pub(crate) fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let y = 1.0 - poly * fast_exp(-a * a);
    y.copysign(x)
}

/// The exact (erf) GELU of BERT, applied in place after adding `bias` to each row.
pub(crate) fn bias_gelu_rows(rows: &mut [f32], bias: &[f32]) {
    for row in rows.chunks_exact_mut(bias.len()) {
        for (v, b) in row.iter_mut().zip(bias) {
            let x = *v + b;
            *v = 0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2));
        }
    }
}

/// `out = LayerNorm(y + bias + residual)` row by row; `out` holds the residual on entry.
pub(crate) fn bias_residual_layer_norm(
    out: &mut [f32],
    y: &[f32],
    bias: &[f32],
    gamma: &[f32],
    beta: &[f32],
    eps: f32,
) {
    let h = bias.len();
    for (o, yr) in out.chunks_exact_mut(h).zip(y.chunks_exact(h)) {
        for ((ov, yv), b) in o.iter_mut().zip(yr).zip(bias) {
            *ov += yv + b;
        }
        layer_norm_row(o, gamma, beta, eps);
    }
}

/// LayerNorm of one row in place (biased variance, as PyTorch).
#[inline]
pub(crate) fn layer_norm_row(row: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *v = (*v - mean) * inv * g + b;
    }
}

/// Scales a vector to unit length (leaves a zero vector as it is).
pub(crate) fn l2_normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v {
            *x /= norm;
        }
    }
}

/// Eigen-decomposition of a symmetric `n`×`n` matrix (row-major), by cyclic Jacobi rotations:
/// simple, deterministic and accurate, and fast enough for the few-hundred-dimensional
/// covariance of the static tier's PCA. Returns the eigenvalues in decreasing order and the
/// matching unit eigenvectors as the rows of an `n`×`n` matrix, each signed so that its
/// largest component is positive (so that the result does not depend on rounding).
pub(crate) fn symmetric_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    assert_eq!(a.len(), n * n, "symmetric_eigen needs an n x n matrix");
    let mut v = vec![0f64; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let total: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..60 {
        let off: f64 = (0..n)
            .flat_map(|p| (p + 1..n).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        if off <= 1e-26 * total || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                // The rotation angle that zeroes a[p][q]: t = tan(phi), the smaller root.
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (x, y) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * x - s * y;
                    a[k * n + q] = s * x + c * y;
                }
                for k in 0..n {
                    let (x, y) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * x - s * y;
                    a[q * n + k] = s * x + c * y;
                }
                for k in 0..n {
                    let (x, y) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * x - s * y;
                    v[k * n + q] = s * x + c * y;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]).then(i.cmp(&j)));
    let values = order.iter().map(|&i| a[i * n + i]).collect();
    let mut vectors = vec![0f64; n * n];
    for (row, &i) in order.iter().enumerate() {
        let out = &mut vectors[row * n..(row + 1) * n];
        for (k, o) in out.iter_mut().enumerate() {
            *o = v[k * n + i];
        }
        let big = out
            .iter()
            .copied()
            .fold(0f64, |m, x| if x.abs() > m.abs() { x } else { m });
        if big < 0.0 {
            out.iter_mut().for_each(|x| *x = -*x);
        }
    }
    (values, vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_erf_are_accurate() {
        let mut x = -20.0f32;
        while x < 20.0 {
            let e = fast_exp(x) as f64;
            let want = (x as f64).exp();
            assert!(((e - want) / want).abs() < 1e-6, "exp({x})");
            x += 0.037;
        }
        // erf reference values.
        for (x, want) in [
            (0.0f32, 0.0f64),
            (0.5, 0.520_499_877_8),
            (1.0, 0.842_700_792_9),
            (-2.0, -0.995_322_265),
        ] {
            assert!((erf(x) as f64 - want).abs() < 1e-6, "erf({x})");
        }
    }

    #[test]
    fn symmetric_eigen_decomposes() {
        // A deterministic symmetric matrix: A v = lambda v for every pair, in decreasing order.
        let n = 9;
        let mut a = vec![0f64; n * n];
        for i in 0..n {
            for j in 0..=i {
                let x = ((i * 7 + j * 13) % 11) as f64 - 5.0 + if i == j { 3.0 } else { 0.0 };
                a[i * n + j] = x;
                a[j * n + i] = x;
            }
        }
        let (values, vectors) = symmetric_eigen(a.clone(), n);
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        for (k, lambda) in values.iter().enumerate() {
            let v = &vectors[k * n..(k + 1) * n];
            let norm: f64 = v.iter().map(|x| x * x).sum();
            assert!((norm - 1.0).abs() < 1e-10);
            for i in 0..n {
                let av: f64 = (0..n).map(|j| a[i * n + j] * v[j]).sum();
                assert!((av - lambda * v[i]).abs() < 1e-9, "row {i} of pair {k}");
            }
        }
    }
}
