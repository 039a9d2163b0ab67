//! The DeBERTa-v2 cross-encoder on tiny random models that the test writes itself, checked
//! against a plain float64 forward pass written here the way the reference implementation
//! computes it (full c2p / p2c matrices, gathered by bucketed relative position, p2c
//! transposed), not the way the crate does (precomputed index tables, per-pair dots).

mod common;
use common::{write_tensors, Tensors};
use std::path::Path;

use embed::CrossEncoderJudge;
use model::{Judge, Judgement};

const HIDDEN: usize = 16;
const HEADS: usize = 2;
const INTER: usize = 32;
const MAX_POS: usize = 64;
const EPS: f64 = 1e-7;
const PIECES: &[&str] = &[
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "▁the",
    "▁a",
    "▁man",
    "▁woman",
    "▁dog",
    "▁is",
    "▁runs",
    "▁sleeps",
    "▁not",
    "▁park",
    "▁in",
    "s",
    "▁.",
    "▁,",
    "▁cat",
    "▁",
    "▁run",
];
/// Label order of the written head (unusual on purpose: the judge must follow id2label).
const LABELS: [&str; 3] = ["neutral", "contradiction", "entailment"];

const SHORT: (&str, &str) = ("the man runs", "a man is not in the park");
/// Over 30 tokens: with 8 buckets (exact within ±4) and 16 relative positions this exercises
/// the log buckets and the clamping at the ends of the table.
const LONG: (&str, &str) = (
    "the man runs in the park , the dog sleeps in the park , the cat runs",
    "a woman is not in the park . the cat runs , the dog sleeps in the park .",
);

/// A deterministic pseudo-random stream (xorshift), uniform in ±scale/2.
struct Rng(u64, f32);
impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * self.1
    }
}

/// The configuration choices a test model is written with.
#[derive(Clone, Debug)]
struct Opts {
    layers: usize,
    relative: bool,
    kinds: Vec<&'static str>,
    share_key: bool,
    position_biased_input: bool,
    type_vocab: usize,
    norm_rel: bool,
    buckets: i64,
    max_rel: i64,
}

impl Default for Opts {
    /// As nli-deberta-v3-xsmall, scaled down.
    fn default() -> Self {
        Opts {
            layers: 2,
            relative: true,
            kinds: vec!["p2c", "c2p"],
            share_key: true,
            position_biased_input: false,
            type_vocab: 0,
            norm_rel: true,
            buckets: 8,
            max_rel: 16,
        }
    }
}

impl Opts {
    fn span(&self) -> usize {
        if self.buckets > 0 {
            self.buckets as usize
        } else if self.max_rel > 0 {
            self.max_rel as usize
        } else {
            MAX_POS
        }
    }
    fn max_relative(&self) -> usize {
        if self.max_rel > 0 {
            self.max_rel as usize
        } else {
            MAX_POS
        }
    }
    fn uses_rel(&self) -> bool {
        self.relative && !self.kinds.is_empty()
    }
}

fn tokenizer_json() -> serde_json::Value {
    let vocab: Vec<serde_json::Value> = PIECES
        .iter()
        .enumerate()
        .map(|(i, p)| serde_json::json!([p, if i < 5 { 0.0 } else { -1.0 - i as f64 / 10.0 }]))
        .collect();
    let special = |id: usize| {
        serde_json::json!({"id": id, "content": PIECES[id], "single_word": false, "lstrip": false,
                           "rstrip": false, "normalized": false, "special": true})
    };
    serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [special(0), special(1), special(2), special(3), special(4)],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always",
                          "split": true},
        // As DeBERTa-v3's tokenizer: the second segment has type 1 (ignored with 0 types).
        "post_processor": common::cls_sep_template(),
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always",
                    "split": true},
        "model": {"type": "Unigram", "unk_id": 1, "vocab": vocab, "byte_fallback": false}
    })
}

fn config_json(o: &Opts) -> serde_json::Value {
    let id2label: serde_json::Map<String, serde_json::Value> = LABELS
        .iter()
        .enumerate()
        .map(|(i, l)| (i.to_string(), serde_json::json!(l)))
        .collect();
    serde_json::json!({
        "model_type": "deberta-v2", "vocab_size": PIECES.len(), "hidden_size": HIDDEN,
        "num_attention_heads": HEADS, "num_hidden_layers": o.layers, "intermediate_size": INTER,
        "max_position_embeddings": MAX_POS, "type_vocab_size": o.type_vocab,
        "layer_norm_eps": EPS, "hidden_act": "gelu", "relative_attention": o.relative,
        "pos_att_type": o.kinds, "position_buckets": o.buckets,
        "max_relative_positions": o.max_rel,
        "norm_rel_ebd": if o.norm_rel { "layer_norm" } else { "none" },
        "share_att_key": o.share_key, "position_biased_input": o.position_biased_input,
        "pooler_hidden_size": HIDDEN, "pooler_hidden_act": "gelu", "pooler_dropout": 0,
        "id2label": id2label
    })
}

/// The tensors of a random DeBERTa-v2 classifier with the Hugging Face names.
fn random_tensors(o: &Opts, seed: u64) -> Tensors {
    let mut rng = Rng(seed, 1.0);
    let mut t = Tensors::new();
    let h = HIDDEN;
    let mut put = |name: &str, shape: Vec<usize>, ones: bool| {
        let n = shape.iter().product();
        let data = (0..n)
            .map(|_| {
                if ones {
                    1.0 + rng.next() / 2.0
                } else {
                    rng.next()
                }
            })
            .collect();
        t.insert(name.to_string(), (shape, data));
    };
    put(
        "deberta.embeddings.word_embeddings.weight",
        vec![PIECES.len(), h],
        false,
    );
    if o.position_biased_input {
        put(
            "deberta.embeddings.position_embeddings.weight",
            vec![MAX_POS, h],
            false,
        );
    }
    if o.type_vocab > 0 {
        put(
            "deberta.embeddings.token_type_embeddings.weight",
            vec![o.type_vocab, h],
            false,
        );
    }
    put("deberta.embeddings.LayerNorm.weight", vec![h], true);
    put("deberta.embeddings.LayerNorm.bias", vec![h], false);
    if o.uses_rel() {
        put(
            "deberta.encoder.rel_embeddings.weight",
            vec![2 * o.span(), h],
            false,
        );
        if o.norm_rel {
            put("deberta.encoder.LayerNorm.weight", vec![h], true);
            put("deberta.encoder.LayerNorm.bias", vec![h], false);
        }
    }
    for l in 0..o.layers {
        let p = format!("deberta.encoder.layer.{l}");
        let mut dense = vec![
            ("attention.self.query_proj", h, h),
            ("attention.self.key_proj", h, h),
            ("attention.self.value_proj", h, h),
            ("attention.output.dense", h, h),
            ("intermediate.dense", INTER, h),
            ("output.dense", h, INTER),
        ];
        if o.uses_rel() && !o.share_key {
            if o.kinds.contains(&"c2p") {
                dense.push(("attention.self.pos_key_proj", h, h));
            }
            if o.kinds.contains(&"p2c") {
                dense.push(("attention.self.pos_query_proj", h, h));
            }
        }
        for (name, out, inp) in dense {
            put(&format!("{p}.{name}.weight"), vec![out, inp], false);
            put(&format!("{p}.{name}.bias"), vec![out], false);
        }
        for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
            put(&format!("{p}.{name}.weight"), vec![h], true);
            put(&format!("{p}.{name}.bias"), vec![h], false);
        }
    }
    put("pooler.dense.weight", vec![h, h], false);
    put("pooler.dense.bias", vec![h], false);
    put("classifier.weight", vec![3, h], false);
    put("classifier.bias", vec![3], false);
    // Scale the head up so the probabilities are far from uniform and errors show.
    if let Some((_, w)) = t.get_mut("classifier.weight") {
        w.iter_mut().for_each(|x| *x *= 2.0);
    }
    t
}

/// Writes a complete model folder and returns its tensors.
fn write_model(dir: &Path, o: &Opts) -> Tensors {
    let t = random_tensors(o, 0x2545_f491_4f6c_dd1d);
    write_tensors(dir, &t);
    std::fs::write(dir.join("config.json"), config_json(o).to_string()).expect("write config");
    std::fs::write(dir.join("tokenizer.json"), tokenizer_json().to_string()).expect("write tok");
    t
}

// ---------------------------------------------------------------- the float64 reference

fn erf(x: f64) -> f64 {
    // Maclaurin series; beyond 4.5 erf is ±1 within 2e-10.
    if x.abs() > 4.5 {
        return x.signum();
    }
    let (mut term, mut sum) = (x, x);
    for n in 1..200 {
        term *= -x * x / n as f64;
        sum += term / (2 * n + 1) as f64;
        if term.abs() < 1e-17 {
            break;
        }
    }
    sum * 2.0 / std::f64::consts::PI.sqrt()
}

fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

fn layer_norm(x: &mut [f64], g: &[f32], b: &[f32]) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    for ((v, g), b) in x.iter_mut().zip(g).zip(b) {
        *v = (*v - mean) / (var + EPS).sqrt() * *g as f64 + *b as f64;
    }
}

/// `rows · W^T + b` for the dense layer `name`.
fn linear(t: &Tensors, name: &str, rows: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let (ws, w) = &t[&format!("{name}.weight")];
    let (_, b) = &t[&format!("{name}.bias")];
    let (out, inp) = (ws[0], ws[1]);
    rows.iter()
        .map(|x| {
            (0..out)
                .map(|o| b[o] as f64 + (0..inp).map(|i| w[o * inp + i] as f64 * x[i]).sum::<f64>())
                .collect()
        })
        .collect()
}

/// `make_log_bucket_position` as the reference writes it.
fn bucket(rel: i64, bucket_size: i64, max_position: i64) -> i64 {
    let mid = bucket_size / 2;
    let abs = if rel < mid && rel > -mid {
        mid - 1
    } else {
        rel.abs()
    };
    let log_pos = ((abs as f64 / mid as f64).ln() / ((max_position - 1) as f64 / mid as f64).ln()
        * (mid - 1) as f64)
        .ceil()
        + mid as f64;
    if abs <= mid {
        rel
    } else {
        (log_pos * rel.signum() as f64) as i64
    }
}

/// What to leave out of the reference, to show the comparison would notice.
#[derive(Clone, Copy, PartialEq)]
enum Ablate {
    Nothing,
    P2c,
    Buckets,
}

/// The class probabilities (in id2label order) of one encoded pair.
fn reference(o: &Opts, t: &Tensors, ids: &[u32], types: &[u32], ablate: Ablate) -> Vec<f64> {
    let h = HIDDEN;
    let d = h / HEADS;
    let len = ids.len();
    let row = |name: &str, i: usize| -> Vec<f64> {
        t[name].1[i * h..(i + 1) * h]
            .iter()
            .map(|&v| v as f64)
            .collect()
    };
    let ln = |name: &str| {
        (
            &t[&format!("{name}.weight")].1,
            &t[&format!("{name}.bias")].1,
        )
    };
    let mut x: Vec<Vec<f64>> = (0..len)
        .map(|p| {
            let mut e = row("deberta.embeddings.word_embeddings.weight", ids[p] as usize);
            if o.position_biased_input {
                let pe = row("deberta.embeddings.position_embeddings.weight", p);
                e.iter_mut().zip(pe).for_each(|(a, b)| *a += b);
            }
            if o.type_vocab > 0 {
                let te = row(
                    "deberta.embeddings.token_type_embeddings.weight",
                    types[p] as usize,
                );
                e.iter_mut().zip(te).for_each(|(a, b)| *a += b);
            }
            let (g, b) = ln("deberta.embeddings.LayerNorm");
            layer_norm(&mut e, g, b);
            e
        })
        .collect();
    let span = o.span() as i64;
    let rel: Vec<Vec<f64>> = if o.uses_rel() {
        (0..2 * o.span())
            .map(|r| {
                let mut e = row("deberta.encoder.rel_embeddings.weight", r);
                if o.norm_rel {
                    let (g, b) = ln("deberta.encoder.LayerNorm");
                    layer_norm(&mut e, g, b);
                }
                e
            })
            .collect()
    } else {
        Vec::new()
    };
    // relative_pos[i][j] = bucket(i - j)
    let rel_pos: Vec<Vec<i64>> = (0..len as i64)
        .map(|i| {
            (0..len as i64)
                .map(|j| {
                    if o.buckets > 0 && ablate != Ablate::Buckets {
                        bucket(i - j, o.buckets, o.max_relative() as i64)
                    } else {
                        i - j
                    }
                })
                .collect()
        })
        .collect();
    let c2p_on = o.uses_rel() && o.kinds.contains(&"c2p");
    let p2c_on = o.uses_rel() && o.kinds.contains(&"p2c") && ablate != Ablate::P2c;
    let factor = 1 + o.kinds.len();
    let scale = ((d * factor) as f64).sqrt();
    for l in 0..o.layers {
        let a = format!("deberta.encoder.layer.{l}.attention.self");
        let q = linear(t, &format!("{a}.query_proj"), &x);
        let k = linear(t, &format!("{a}.key_proj"), &x);
        let v = linear(t, &format!("{a}.value_proj"), &x);
        let (pk_name, pq_name) = if o.share_key {
            (format!("{a}.key_proj"), format!("{a}.query_proj"))
        } else {
            (format!("{a}.pos_key_proj"), format!("{a}.pos_query_proj"))
        };
        let pos_k = if c2p_on {
            linear(t, &pk_name, &rel)
        } else {
            Vec::new()
        };
        let pos_q = if p2c_on {
            linear(t, &pq_name, &rel)
        } else {
            Vec::new()
        };
        let mut ctx = vec![vec![0f64; h]; len];
        for head in 0..HEADS {
            let hs = head * d..(head + 1) * d;
            let dotp = |a: &[f64], b: &[f64]| -> f64 {
                a[hs.clone()]
                    .iter()
                    .zip(&b[hs.clone()])
                    .map(|(x, y)| x * y)
                    .sum()
            };
            let mut scores = vec![vec![0f64; len]; len];
            for i in 0..len {
                for j in 0..len {
                    scores[i][j] = dotp(&q[i], &k[j]) / scale;
                }
            }
            let clamp = |r: i64| (r + span).clamp(0, 2 * span - 1) as usize;
            if c2p_on {
                // c2p_att = Q · Kr^T, [len, 2span], then gathered at relative_pos + span.
                let att: Vec<Vec<f64>> = q
                    .iter()
                    .map(|qi| pos_k.iter().map(|kr| dotp(qi, kr)).collect())
                    .collect();
                for i in 0..len {
                    for j in 0..len {
                        scores[i][j] += att[i][clamp(rel_pos[i][j])] / scale;
                    }
                }
            }
            if p2c_on {
                // p2c_att = K · Qr^T, gathered at -relative_pos + span, then transposed.
                let att: Vec<Vec<f64>> = k
                    .iter()
                    .map(|kj| pos_q.iter().map(|qr| dotp(kj, qr)).collect())
                    .collect();
                let gathered: Vec<Vec<f64>> = (0..len)
                    .map(|a| (0..len).map(|b| att[a][clamp(-rel_pos[a][b])]).collect())
                    .collect();
                for i in 0..len {
                    for j in 0..len {
                        scores[i][j] += gathered[j][i] / scale;
                    }
                }
            }
            for i in 0..len {
                let max = scores[i].iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = scores[i].iter().map(|s| (s - max).exp()).collect();
                let z: f64 = e.iter().sum();
                for (j, ej) in e.iter().enumerate() {
                    for c in hs.clone() {
                        ctx[i][c] += ej / z * v[j][c];
                    }
                }
            }
        }
        let p = format!("deberta.encoder.layer.{l}");
        let attn = linear(t, &format!("{p}.attention.output.dense"), &ctx);
        for (xi, ai) in x.iter_mut().zip(&attn) {
            xi.iter_mut().zip(ai).for_each(|(a, b)| *a += b);
            let (g, b) = ln(&format!("{p}.attention.output.LayerNorm"));
            layer_norm(xi, g, b);
        }
        let mut up = linear(t, &format!("{p}.intermediate.dense"), &x);
        up.iter_mut()
            .for_each(|r| r.iter_mut().for_each(|v| *v = gelu(*v)));
        let down = linear(t, &format!("{p}.output.dense"), &up);
        for (xi, di) in x.iter_mut().zip(&down) {
            xi.iter_mut().zip(di).for_each(|(a, b)| *a += b);
            let (g, b) = ln(&format!("{p}.output.LayerNorm"));
            layer_norm(xi, g, b);
        }
    }
    let mut pooled = linear(t, "pooler.dense", &x[..1]);
    pooled[0].iter_mut().for_each(|v| *v = gelu(*v));
    let logits = &linear(t, "classifier", &pooled)[0];
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logits.iter().map(|s| (s - max).exp()).collect();
    let z: f64 = e.iter().sum();
    e.iter().map(|v| v / z).collect()
}

/// A judgement as probabilities in id2label order.
fn in_label_order(j: &Judgement) -> Vec<f64> {
    LABELS
        .iter()
        .map(|l| match *l {
            "entailment" => j.entails as f64,
            "neutral" => j.neutral as f64,
            _ => j.contradicts as f64,
        })
        .collect()
}

fn encode(dir: &Path, pair: (&str, &str)) -> (Vec<u32>, Vec<u32>) {
    let tok = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).expect("tokenizer");
    let e = tok.encode(pair, true).expect("encodes");
    (e.get_ids().to_vec(), e.get_type_ids().to_vec())
}

fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// Loads a model written with `o` and compares it with the reference on both pairs.
fn check_against_reference(o: &Opts) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = write_model(tmp.path(), o);
    let judge = CrossEncoderJudge::load(tmp.path()).expect("loads");
    let got = judge.judge(&[SHORT, LONG]).expect("judges");
    for (pair, j) in [SHORT, LONG].into_iter().zip(&got) {
        let (ids, types) = encode(tmp.path(), pair);
        assert!(!ids.contains(&1), "test text has unknown pieces: {ids:?}");
        let want = reference(o, &t, &ids, &types, Ablate::Nothing);
        let have = in_label_order(j);
        let diff = max_diff(&want, &have);
        assert!(
            diff < 1e-5,
            "{o:?} {pair:?}: {have:?} vs reference {want:?}"
        );
        eprintln!("{} tokens: max difference {diff:.1e}", ids.len());
        // The comparison has teeth: leaving out a position term moves the answer far more.
        if o.uses_rel() && o.kinds.contains(&"p2c") {
            let off = reference(o, &t, &ids, &types, Ablate::P2c);
            assert!(
                max_diff(&off, &have) > 1e-4,
                "p2c makes no visible difference: {}",
                max_diff(&off, &have)
            );
        }
        if o.uses_rel() && o.buckets > 0 && ids.len() > o.buckets as usize / 2 + 1 {
            let off = reference(o, &t, &ids, &types, Ablate::Buckets);
            assert!(
                max_diff(&off, &have) > 1e-4,
                "buckets make no visible difference: {}",
                max_diff(&off, &have)
            );
        }
    }
}

#[test]
fn matches_the_reference_forward_pass() {
    // As nli-deberta-v3-xsmall: shared keys, p2c + c2p, log buckets, no types or absolute
    // positions.
    check_against_reference(&Opts::default());
    // Separate position projections, c2p only, absolute positions, token types, no bucketing,
    // no LayerNorm on the relative embeddings.
    check_against_reference(&Opts {
        kinds: vec!["c2p"],
        share_key: false,
        position_biased_input: true,
        type_vocab: 2,
        norm_rel: false,
        buckets: -1,
        max_rel: 6,
        ..Opts::default()
    });
    check_against_reference(&Opts {
        kinds: vec!["p2c"],
        share_key: false,
        layers: 1,
        ..Opts::default()
    });
    // No relative attention: plain attention over absolute positions (scale still counts the
    // listed position terms, as the reference does).
    check_against_reference(&Opts {
        relative: false,
        position_biased_input: true,
        ..Opts::default()
    });
}

#[test]
fn identical_tokens_reduce_to_a_hand_computation() {
    // A computation by hand, independent of any attention code: when every token has the same
    // embedding (and no absolute positions or types), all value rows are equal, so attention
    // returns that row whatever the content and relative-position scores are, and every row
    // stays equal through every layer. Each layer is then
    // x = LN(x + Wo(Wv x + bv) + bo); x = LN(x + W2 gelu(W1 x + b1) + b2).
    let o = Opts::default();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut t = write_model(tmp.path(), &o);
    let h = HIDDEN;
    let word = &mut t
        .get_mut("deberta.embeddings.word_embeddings.weight")
        .expect("word")
        .1;
    let first = word[2 * h..3 * h].to_vec();
    for row in word.chunks_exact_mut(h) {
        row.copy_from_slice(&first);
    }
    write_tensors(tmp.path(), &t);
    let judge = CrossEncoderJudge::load(tmp.path()).expect("loads");
    let got = judge.judge(&[SHORT, LONG]).expect("judges");

    let vec = |name: &str| -> Vec<f64> { t[name].1.iter().map(|&v| v as f64).collect() };
    let norm = |x: &mut Vec<f64>, p: &str| {
        let n = h as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let (g, b) = (vec(&format!("{p}.weight")), vec(&format!("{p}.bias")));
        for c in 0..h {
            x[c] = (x[c] - mean) / (var + EPS).sqrt() * g[c] + b[c];
        }
    };
    let dense = |p: &str, x: &[f64]| -> Vec<f64> {
        let (w, b) = (vec(&format!("{p}.weight")), vec(&format!("{p}.bias")));
        let inp = x.len();
        (0..b.len())
            .map(|o| b[o] + (0..inp).map(|i| w[o * inp + i] * x[i]).sum::<f64>())
            .collect()
    };
    let mut x: Vec<f64> = first.iter().map(|&v| v as f64).collect();
    norm(&mut x, "deberta.embeddings.LayerNorm");
    for l in 0..o.layers {
        let p = format!("deberta.encoder.layer.{l}");
        let val = dense(&format!("{p}.attention.self.value_proj"), &x);
        let att = dense(&format!("{p}.attention.output.dense"), &val);
        x.iter_mut().zip(&att).for_each(|(a, b)| *a += b);
        norm(&mut x, &format!("{p}.attention.output.LayerNorm"));
        let up: Vec<f64> = dense(&format!("{p}.intermediate.dense"), &x)
            .into_iter()
            .map(gelu)
            .collect();
        let down = dense(&format!("{p}.output.dense"), &up);
        x.iter_mut().zip(&down).for_each(|(a, b)| *a += b);
        norm(&mut x, &format!("{p}.output.LayerNorm"));
    }
    let pooled: Vec<f64> = dense("pooler.dense", &x).into_iter().map(gelu).collect();
    let logits = dense("classifier", &pooled);
    let z: f64 = logits.iter().map(|l| l.exp()).sum();
    let want: Vec<f64> = logits.iter().map(|l| l.exp() / z).collect();
    for j in &got {
        let have = in_label_order(j);
        assert!(
            max_diff(&have, &want) < 2e-5,
            "{have:?} vs by hand {want:?}"
        );
    }
    // Not a degenerate case: the answer is far from uniform.
    assert!(
        want.iter().any(|p| (p - 1.0 / 3.0).abs() > 0.05),
        "{want:?}"
    );
}

#[test]
fn judgements_are_probabilities_deterministic_and_batch_invariant() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_model(tmp.path(), &Opts::default());
    let judge = CrossEncoderJudge::load(tmp.path()).expect("loads");
    let pairs = [
        SHORT,
        LONG,
        ("", ""),
        ("the dog", "the dog"),
        ("a cat sleeps in the park", "the cat runs"),
        ("zebra ünïcode ✓", "the man"),
    ];
    let all = judge.judge(&pairs).expect("judges");
    let again = judge.judge(&pairs).expect("judges");
    assert_eq!(all.len(), pairs.len());
    for (i, (a, b)) in all.iter().zip(&again).enumerate() {
        let sum = a.entails + a.neutral + a.contradicts;
        assert!((sum - 1.0).abs() < 1e-5, "{a:?}");
        assert!([a.entails, a.neutral, a.contradicts]
            .iter()
            .all(|p| p.is_finite() && *p >= 0.0));
        assert_eq!(a, b, "not deterministic");
        let one = judge.judge(&[pairs[i]]).expect("judges");
        let diff = max_diff(&in_label_order(&one[0]), &in_label_order(a));
        assert!(
            diff < 1e-5,
            "batch and one-by-one differ for {:?}: {diff}",
            pairs[i]
        );
    }
    // Different pairs get different answers (the model is not ignoring its input).
    assert!(
        max_diff(&in_label_order(&all[0]), &in_label_order(&all[1])) > 1e-3,
        "{all:?}"
    );
    // A pair longer than the model's positions is truncated, not refused.
    let long_a = "the man runs ".repeat(40);
    let out = judge.judge(&[(&long_a, "the dog")]).expect("judges");
    assert!((out[0].entails + out[0].neutral + out[0].contradicts - 1.0).abs() < 1e-5);
}

#[test]
fn id2label_order_is_honoured() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = Opts::default();
    let mut t = write_model(tmp.path(), &o);
    let judge = CrossEncoderJudge::load(tmp.path()).expect("loads");
    let before = judge.judge(&[SHORT, LONG]).expect("judges");
    // Permute the classifier rows and id2label alike: the judgements must not change.
    let perm = [2usize, 0, 1];
    let (_, w) = t["classifier.weight"].clone();
    let (_, b) = t["classifier.bias"].clone();
    let h = HIDDEN;
    let pw = &mut t.get_mut("classifier.weight").expect("w").1;
    for (new, &old) in perm.iter().enumerate() {
        pw[new * h..(new + 1) * h].copy_from_slice(&w[old * h..(old + 1) * h]);
    }
    let pbias = &mut t.get_mut("classifier.bias").expect("b").1;
    for (new, &old) in perm.iter().enumerate() {
        pbias[new] = b[old];
    }
    write_tensors(tmp.path(), &t);
    let mut cfg = config_json(&o);
    cfg["id2label"] = serde_json::json!({
        "0": LABELS[perm[0]].to_uppercase(), "1": LABELS[perm[1]], "2": LABELS[perm[2]]
    });
    std::fs::write(tmp.path().join("config.json"), cfg.to_string()).expect("w");
    let judge = CrossEncoderJudge::load(tmp.path()).expect("loads");
    let after = judge.judge(&[SHORT, LONG]).expect("judges");
    for (a, b) in before.iter().zip(&after) {
        assert!(
            max_diff(&in_label_order(a), &in_label_order(b)) < 1e-6,
            "{a:?} vs {b:?}"
        );
    }
    // With a zero classifier weight the probabilities are the softmax of the bias, in
    // id2label order.
    t.get_mut("classifier.weight").expect("w").1.fill(0.0);
    t.get_mut("classifier.bias").expect("b").1 = vec![1.5, -0.5, 0.25];
    write_tensors(tmp.path(), &t);
    let j = CrossEncoderJudge::load(tmp.path())
        .expect("loads")
        .judge(&[SHORT])
        .expect("judges");
    let z: f32 = [1.5f32, -0.5, 0.25].iter().map(|x| x.exp()).sum();
    // id2label now: 0 ENTAILMENT, 1 neutral, 2 contradiction.
    assert!((j[0].entails - 1.5f32.exp() / z).abs() < 1e-5, "{:?}", j[0]);
    assert!(
        (j[0].neutral - (-0.5f32).exp() / z).abs() < 1e-5,
        "{:?}",
        j[0]
    );
    assert!(
        (j[0].contradicts - 0.25f32.exp() / z).abs() < 1e-5,
        "{:?}",
        j[0]
    );
}

/// Loads after `edit` changed the config, expecting a refusal naming `file` and `what`.
fn refused(o: &Opts, edit: impl Fn(&mut serde_json::Value), file: &str, what: &str) {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_model(tmp.path(), o);
    let mut cfg = config_json(o);
    edit(&mut cfg);
    std::fs::write(tmp.path().join("config.json"), cfg.to_string()).expect("w");
    let err = CrossEncoderJudge::load(tmp.path())
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains(file) && err.contains(what), "{what}: {err}");
}

#[test]
fn unsupported_settings_and_wrong_shapes_are_refused() {
    let o = Opts::default();
    let cfg = "config.json";
    let model = "model.safetensors";
    refused(
        &o,
        |c| c["conv_kernel_size"] = 3.into(),
        cfg,
        "conv_kernel_size",
    );
    refused(
        &o,
        |c| c["pos_att_type"] = serde_json::json!(["c2p", "p2p"]),
        cfg,
        "pos_att_type",
    );
    refused(
        &o,
        |c| c["pos_att_type"] = serde_json::json!(7),
        cfg,
        "pos_att_type",
    );
    refused(
        &o,
        |c| c["norm_rel_ebd"] = "batch_norm".into(),
        cfg,
        "norm_rel_ebd",
    );
    refused(&o, |c| c["hidden_act"] = "relu".into(), cfg, "hidden_act");
    refused(
        &o,
        |c| c["pooler_hidden_act"] = "relu".into(),
        cfg,
        "pooler_hidden_act",
    );
    refused(
        &o,
        |c| c["embedding_size"] = 8.into(),
        cfg,
        "embedding_size",
    );
    refused(
        &o,
        |c| c["pooler_hidden_size"] = 8.into(),
        cfg,
        "pooler_hidden_size",
    );
    refused(
        &o,
        |c| c["attention_head_size"] = 4.into(),
        cfg,
        "attention_head_size",
    );
    refused(
        &o,
        |c| c["num_attention_heads"] = 3.into(),
        cfg,
        "num_attention_heads",
    );
    refused(
        &o,
        |c| c["hidden_size"] = serde_json::json!(-16),
        cfg,
        "hidden_size",
    );
    refused(
        &o,
        |c| c["share_att_key"] = "yes".into(),
        cfg,
        "share_att_key",
    );
    refused(
        &o,
        |c| c["position_buckets"] = 64.into(),
        cfg,
        "position_buckets",
    );
    refused(
        &o,
        |c| c["layer_norm_eps"] = serde_json::json!(-1.0),
        cfg,
        "layer_norm_eps",
    );
    refused(
        &o,
        |c| c["model_type"] = "deberta".into(),
        cfg,
        "model_type",
    );
    refused(
        &o,
        |c| c["id2label"] = serde_json::json!({"0": "yes", "1": "no"}),
        cfg,
        "id2label",
    );
    // Config and tensors disagree: the error names the weights file and the tensor.
    refused(
        &o,
        |c| c["position_buckets"] = 6.into(),
        model,
        "rel_embeddings",
    );
    refused(
        &o,
        |c| c["intermediate_size"] = 48.into(),
        model,
        "intermediate.dense.weight",
    );
    refused(
        &o,
        |c| c["vocab_size"] = 30.into(),
        model,
        "word_embeddings",
    );
    refused(&o, |c| c["num_hidden_layers"] = 3.into(), model, "layer.2");
    refused(
        &o,
        |c| c["type_vocab_size"] = 2.into(),
        model,
        "token_type_embeddings",
    );
    refused(
        &o,
        |c| c["position_biased_input"] = true.into(),
        model,
        "position_embeddings",
    );
    refused(
        &o,
        |c| c["share_att_key"] = false.into(),
        model,
        "pos_key_proj",
    );
    refused(
        &o,
        |c| {
            c["id2label"] = serde_json::json!({"0": "entailment", "1": "neutral",
        "2": "contradiction", "3": "other"})
        },
        model,
        "classifier.weight",
    );
    // Token ids beyond the model's vocabulary: the tokenizer does not match the model.
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut t = write_model(tmp.path(), &o);
    t.insert(
        "deberta.embeddings.word_embeddings.weight".into(),
        (vec![10, HIDDEN], vec![0.0; 10 * HIDDEN]),
    );
    write_tensors(tmp.path(), &t);
    let mut c = config_json(&o);
    c["vocab_size"] = 10.into();
    std::fs::write(tmp.path().join("config.json"), c.to_string()).expect("w");
    let judge = CrossEncoderJudge::load(tmp.path()).expect("loads");
    let err = judge.judge(&[SHORT]).expect_err("refused").message;
    assert!(err.contains("tokenizer.json"), "{err}");
}
