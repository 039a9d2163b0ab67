//! A DeBERTa-v2 (and v3) encoder over packed sequences, as [`crate::bert`] does for BERT.
//!
//! Disentangled attention scores each (query i, key j) pair as
//! `(q_i·k_j + q_i·Kr[c2p(i,j)] + k_j·Qr[p2c(i,j)]) / sqrt(d · scale_factor)`, where `Kr` / `Qr`
//! are the (LayerNorm-ed) relative-position embeddings projected by the key / query projections
//! (or by separate `pos_key_proj` / `pos_query_proj` when keys are not shared), and the
//! relative position `i - j` is log-bucketed. The projected relative embeddings depend on no
//! input, so they are computed once at load time.

use std::path::Path;

use crate::bert::{
    add_bias, gather_kv, load_norm, per_sequence, softmax_mix, Block, Linear, Norm, Seq, Weights,
};
use crate::error::EmbedError;
use crate::math;
use model::dot;

/// Longest sequence the encoder accepts (tokens), whatever the config says.
pub(crate) const MAX_SEQ: usize = 512;

/// Largest accepted size of any config dimension: keeps allocations bounded.
const MAX_DIM: u64 = 1 << 24;

/// The activation after the pooler's dense layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PoolerAct {
    /// The exact (erf) GELU.
    Gelu,
    /// tanh, as BERT's pooler.
    Tanh,
}

/// The architecture numbers of a DeBERTa-v2 model, from its `config.json`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DebertaConfig {
    pub(crate) vocab: usize,
    pub(crate) hidden: usize,
    pub(crate) heads: usize,
    pub(crate) layers: usize,
    pub(crate) intermediate: usize,
    pub(crate) max_pos: usize,
    /// 0: no token-type embeddings (DeBERTa-v3).
    pub(crate) type_vocab: usize,
    pub(crate) eps: f32,
    /// Absolute position embeddings added to the input.
    pub(crate) position_biased_input: bool,
    /// Disentangled relative attention; without it the c2p / p2c terms are absent.
    pub(crate) relative_attention: bool,
    pub(crate) c2p: bool,
    pub(crate) p2c: bool,
    /// Relative embeddings projected by the content key/query projections.
    pub(crate) share_att_key: bool,
    /// Log-bucket count (0: no bucketing).
    pub(crate) position_buckets: usize,
    /// `max_relative_positions`, or `max_position_embeddings` when below 1.
    pub(crate) max_relative: usize,
    /// LayerNorm (`deberta.encoder.LayerNorm`) on the relative embeddings.
    pub(crate) norm_rel: bool,
    pub(crate) pooler_act: PoolerAct,
}

/// Reads a configuration field `key` as an integer, `default` when absent.
fn int(
    file: &Path,
    v: &serde_json::Value,
    key: &str,
    default: Option<i64>,
) -> Result<i64, EmbedError> {
    match v.get(key) {
        None | Some(serde_json::Value::Null) => {
            default.ok_or_else(|| EmbedError::corrupt(file, format!("no integer `{key}`")))
        }
        Some(x) => x
            .as_i64()
            .ok_or_else(|| EmbedError::corrupt(file, format!("`{key}` is not an integer: {x}"))),
    }
}

/// A size field: an integer in `min..=MAX_DIM`.
fn size(
    file: &Path,
    v: &serde_json::Value,
    key: &str,
    default: Option<i64>,
    min: i64,
) -> Result<usize, EmbedError> {
    let n = int(file, v, key, default)?;
    if n < min || n as u64 > MAX_DIM {
        return Err(EmbedError::corrupt(
            file,
            format!("{key} = {n} is out of range"),
        ));
    }
    Ok(n as usize)
}

/// A boolean field, `default` when absent.
fn flag(file: &Path, v: &serde_json::Value, key: &str, default: bool) -> Result<bool, EmbedError> {
    match v.get(key) {
        None | Some(serde_json::Value::Null) => Ok(default),
        Some(x) => x
            .as_bool()
            .ok_or_else(|| EmbedError::corrupt(file, format!("`{key}` is not a boolean: {x}"))),
    }
}

/// A string field, `default` when absent.
fn text<'a>(
    file: &Path,
    v: &'a serde_json::Value,
    key: &str,
    default: &'a str,
) -> Result<&'a str, EmbedError> {
    match v.get(key) {
        None | Some(serde_json::Value::Null) => Ok(default),
        Some(x) => x
            .as_str()
            .ok_or_else(|| EmbedError::corrupt(file, format!("`{key}` is not a string: {x}"))),
    }
}

impl DebertaConfig {
    /// Parses and checks a DeBERTa-v2 `config.json` (`file` is named in errors). Defaults are
    /// those of Hugging Face's `DebertaV2Config` for absent fields.
    pub(crate) fn from_json(file: &Path, v: &serde_json::Value) -> Result<Self, EmbedError> {
        let unsupported =
            |what: String| EmbedError::corrupt(file, format!("{what} is not supported"));
        let hidden = size(file, v, "hidden_size", None, 1)?;
        let heads = size(file, v, "num_attention_heads", None, 1)?;
        if hidden % heads != 0 {
            return Err(EmbedError::corrupt(
                file,
                format!("hidden_size {hidden} is not a multiple of num_attention_heads {heads}"),
            ));
        }
        if let Some(d) = v.get("attention_head_size").filter(|x| !x.is_null()) {
            if d.as_u64() != Some((hidden / heads) as u64) {
                return Err(unsupported(format!(
                    "attention_head_size {d} (other than hidden_size / num_attention_heads)"
                )));
            }
        }
        let embedding_size = size(file, v, "embedding_size", Some(hidden as i64), 1)?;
        if embedding_size != hidden {
            return Err(unsupported(format!(
                "embedding_size {embedding_size} != hidden_size {hidden} (embed_proj)"
            )));
        }
        let conv = int(file, v, "conv_kernel_size", Some(0))?;
        if conv > 0 {
            return Err(unsupported(format!(
                "conv_kernel_size = {conv} (the conv layer)"
            )));
        }
        let act = text(file, v, "hidden_act", "gelu")?;
        if act != "gelu" {
            return Err(unsupported(format!(
                "hidden_act `{act}` (only the exact `gelu`)"
            )));
        }
        let pooler_act = match text(file, v, "pooler_hidden_act", "gelu")? {
            "gelu" => PoolerAct::Gelu,
            "tanh" => PoolerAct::Tanh,
            other => {
                return Err(unsupported(format!(
                    "pooler_hidden_act `{other}` (only `gelu` and `tanh`)"
                )))
            }
        };
        let pooler_hidden = size(file, v, "pooler_hidden_size", Some(hidden as i64), 1)?;
        if pooler_hidden != hidden {
            return Err(unsupported(format!(
                "pooler_hidden_size {pooler_hidden} != hidden_size {hidden}"
            )));
        }
        // `pos_att_type` is a list, or (older configs) a string like "p2c|c2p".
        let kinds: Vec<String> = match v.get("pos_att_type") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::String(s)) => s
                .to_ascii_lowercase()
                .split('|')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .map(|k| {
                    k.as_str()
                        .map(|s| s.trim().to_ascii_lowercase())
                        .ok_or_else(|| {
                            EmbedError::corrupt(
                                file,
                                format!("pos_att_type entry {k} is not a string"),
                            )
                        })
                })
                .collect::<Result<_, _>>()?,
            Some(x) => {
                return Err(EmbedError::corrupt(
                    file,
                    format!("pos_att_type is neither a list nor a string: {x}"),
                ))
            }
        };
        if let Some(k) = kinds.iter().find(|k| *k != "c2p" && *k != "p2c") {
            return Err(unsupported(format!(
                "pos_att_type `{k}` (only `c2p` and `p2c`)"
            )));
        }
        let norm_rel = {
            let spec = text(file, v, "norm_rel_ebd", "none")?.to_ascii_lowercase();
            let parts: Vec<&str> = spec.split('|').map(str::trim).collect();
            if let Some(p) = parts.iter().find(|p| **p != "none" && **p != "layer_norm") {
                return Err(unsupported(format!(
                    "norm_rel_ebd `{p}` (only `layer_norm` and `none`)"
                )));
            }
            parts.contains(&"layer_norm")
        };
        let max_pos = size(file, v, "max_position_embeddings", Some(512), 1)?;
        let max_rel = int(file, v, "max_relative_positions", Some(-1))?;
        let max_relative = if max_rel < 1 {
            max_pos
        } else if max_rel as u64 > MAX_DIM {
            return Err(EmbedError::corrupt(
                file,
                format!("max_relative_positions = {max_rel} is out of range"),
            ));
        } else {
            max_rel as usize
        };
        let buckets = int(file, v, "position_buckets", Some(-1))?;
        let position_buckets = if buckets <= 0 {
            0
        } else if buckets < 2 || buckets as u64 > MAX_DIM {
            return Err(EmbedError::corrupt(
                file,
                format!("position_buckets = {buckets} is out of range"),
            ));
        } else {
            buckets as usize
        };
        // The log buckets divide by ln((max_relative - 1) / mid): it must be positive.
        if position_buckets > 0 && max_relative.saturating_sub(1) <= position_buckets / 2 {
            return Err(EmbedError::corrupt(
                file,
                format!(
                    "position_buckets = {position_buckets} needs max_relative_positions (or \
                     max_position_embeddings) above {}, not {max_relative}",
                    position_buckets / 2 + 1
                ),
            ));
        }
        let cfg = DebertaConfig {
            vocab: size(file, v, "vocab_size", None, 1)?,
            hidden,
            heads,
            layers: size(file, v, "num_hidden_layers", None, 1)?,
            intermediate: size(file, v, "intermediate_size", None, 1)?,
            max_pos,
            type_vocab: size(file, v, "type_vocab_size", Some(0), 0)?,
            eps: match v.get("layer_norm_eps") {
                None | Some(serde_json::Value::Null) => 1e-7,
                Some(x) => match x.as_f64() {
                    Some(e) if e > 0.0 && e < 1.0 => e as f32,
                    _ => {
                        return Err(EmbedError::corrupt(
                            file,
                            format!("layer_norm_eps = {x} is out of range"),
                        ))
                    }
                },
            },
            position_biased_input: flag(file, v, "position_biased_input", true)?,
            relative_attention: flag(file, v, "relative_attention", false)?,
            c2p: kinds.iter().any(|k| k == "c2p"),
            p2c: kinds.iter().any(|k| k == "p2c"),
            share_att_key: flag(file, v, "share_att_key", false)?,
            position_buckets,
            max_relative,
            norm_rel,
            pooler_act,
        };
        Ok(cfg)
    }

    /// Half the number of relative-embedding rows (`att_span`).
    pub(crate) fn span(&self) -> usize {
        if self.position_buckets > 0 {
            self.position_buckets
        } else {
            self.max_relative
        }
    }

    /// The longest sequence the model is run on.
    pub(crate) fn max_len(&self) -> usize {
        self.max_pos.min(MAX_SEQ)
    }

    /// Whether the relative-position terms take part.
    fn uses_rel(&self) -> bool {
        self.relative_attention && (self.c2p || self.p2c)
    }
}

/// The relative position `rel` (= query − key) after DeBERTa's log bucketing: exact within
/// `±bucket_size/2`, logarithmic beyond. Computed in f32, as the reference implementation does.
pub(crate) fn log_bucket(rel: i64, bucket_size: usize, max_position: usize) -> i64 {
    let mid = (bucket_size / 2) as i64;
    let abs = if rel < mid && rel > -mid {
        mid - 1
    } else {
        rel.abs()
    };
    if abs <= mid {
        return rel;
    }
    let (midf, absf) = (mid as f32, abs as f32);
    let log_pos = ((absf / midf).ln() / ((max_position as f32 - 1.0) / midf).ln() * (midf - 1.0))
        .ceil()
        + midf;
    // Saturating float-to-int conversion; the result is clamped to the table later.
    (log_pos as i64) * rel.signum()
}

/// One DeBERTa layer: fused content Q/K/V, the projected relative embeddings, and the rest.
struct Layer {
    qkv: Linear,
    /// `Kr`: `[2·span, hidden]`, for content→position (empty without c2p).
    pos_key: Vec<f32>,
    /// `Qr`: `[2·span, hidden]`, for position→content (empty without p2c).
    pos_query: Vec<f32>,
    rest: Block,
}

/// A DeBERTa-v2 encoder (embeddings and transformer layers, no head).
pub(crate) struct Deberta {
    pub(crate) cfg: DebertaConfig,
    word: Vec<f32>,
    /// Absolute positions, when `position_biased_input`.
    pos: Option<Vec<f32>>,
    /// Token types, when `type_vocab_size > 0`.
    typ: Option<Vec<f32>>,
    emb_ln: Norm,
    layers: Vec<Layer>,
    /// Row of `Kr` for query i and key j, at `i - j + max_len - 1`.
    c2p_index: Vec<u32>,
    /// Row of `Qr` for query i and key j, at `i - j + max_len - 1`.
    p2c_index: Vec<u32>,
}

impl Deberta {
    /// Loads the encoder from tensors named `deberta.…`, checking every shape against `cfg`.
    pub(crate) fn load(w: &Weights, cfg: DebertaConfig) -> Result<Self, EmbedError> {
        let h = cfg.hidden;
        let span = cfg.span();
        let rel_rows = 2 * span;
        // The relative embeddings, normalised once: they do not depend on the input.
        let rel = if cfg.uses_rel() {
            let mut rel = w.vec("deberta.encoder.rel_embeddings.weight", &[rel_rows, h])?;
            if cfg.norm_rel {
                let (g, b) = load_norm(w, "deberta.encoder.LayerNorm", h)?;
                for row in rel.chunks_exact_mut(h) {
                    math::layer_norm_row(row, &g, &b, cfg.eps);
                }
            }
            rel
        } else {
            Vec::new()
        };
        let mut layers = Vec::with_capacity(cfg.layers);
        for i in 0..cfg.layers {
            let l = format!("deberta.encoder.layer.{i}");
            let a = format!("{l}.attention.self");
            let q = w.linear(&format!("{a}.query_proj"), h, h)?;
            let k = w.linear(&format!("{a}.key_proj"), h, h)?;
            let v = w.linear(&format!("{a}.value_proj"), h, h)?;
            let (mut pos_key, mut pos_query) = (Vec::new(), Vec::new());
            if cfg.uses_rel() {
                if cfg.c2p {
                    pos_key = if cfg.share_att_key {
                        k.forward(&rel, rel_rows)?
                    } else {
                        w.linear(&format!("{a}.pos_key_proj"), h, h)?
                            .forward(&rel, rel_rows)?
                    };
                }
                if cfg.p2c {
                    pos_query = if cfg.share_att_key {
                        q.forward(&rel, rel_rows)?
                    } else {
                        w.linear(&format!("{a}.pos_query_proj"), h, h)?
                            .forward(&rel, rel_rows)?
                    };
                }
            }
            layers.push(Layer {
                qkv: Linear::concat(&[q, k, v])?,
                pos_key,
                pos_query,
                rest: Block::load(w, &l, h, cfg.intermediate, cfg.eps)?,
            });
        }
        // Relative-position rows for every distance a sequence of max_len tokens has.
        let max_len = cfg.max_len() as i64;
        let bucket = |d: i64| {
            if cfg.position_buckets > 0 {
                log_bucket(d, cfg.position_buckets, cfg.max_relative)
            } else {
                d
            }
        };
        let clamp = |r: i64| (r + span as i64).clamp(0, rel_rows as i64 - 1) as u32;
        let dists = -(max_len - 1)..max_len;
        // c2p: Kr at δ(i, j); p2c: Qr at −δ(j, i) (the reference gathers by key and transposes).
        let c2p_index = dists.clone().map(|d| clamp(bucket(d))).collect();
        let p2c_index = dists.map(|d| clamp(-bucket(-d))).collect();
        let typ = if cfg.type_vocab > 0 {
            Some(w.vec(
                "deberta.embeddings.token_type_embeddings.weight",
                &[cfg.type_vocab, h],
            )?)
        } else {
            None
        };
        let pos = if cfg.position_biased_input {
            Some(w.vec(
                "deberta.embeddings.position_embeddings.weight",
                &[cfg.max_pos, h],
            )?)
        } else {
            None
        };
        Ok(Deberta {
            word: w.vec("deberta.embeddings.word_embeddings.weight", &[cfg.vocab, h])?,
            pos,
            typ,
            emb_ln: load_norm(w, "deberta.embeddings.LayerNorm", h)?,
            layers,
            c2p_index,
            p2c_index,
            cfg,
        })
    }

    /// The last hidden states of all sequences, stacked: `[sum of lengths, hidden]`.
    pub(crate) fn forward(&self, seqs: &[Seq<'_>]) -> Result<Vec<f32>, EmbedError> {
        let h = self.cfg.hidden;
        let max_len = self.cfg.max_len();
        let n: usize = seqs.iter().map(|s| s.ids.len()).sum();
        let mut x = vec![0f32; n * h];
        let mut offsets = Vec::with_capacity(seqs.len() + 1);
        let mut row = 0;
        for s in seqs {
            offsets.push(row);
            if s.ids.len() > max_len || s.types.len() != s.ids.len() {
                return Err(EmbedError::Inference(format!(
                    "a sequence of {} tokens exceeds the model's limit of {max_len}",
                    s.ids.len()
                )));
            }
            for (p, (&id, &ty)) in s.ids.iter().zip(s.types).enumerate() {
                let id = id as usize;
                if id >= self.cfg.vocab {
                    return Err(EmbedError::Inference(format!(
                        "token id {id} outside the model's vocabulary of {} \
                         (tokenizer.json and model do not match)",
                        self.cfg.vocab
                    )));
                }
                let dst = &mut x[(row + p) * h..(row + p + 1) * h];
                dst.copy_from_slice(&self.word[id * h..(id + 1) * h]);
                if let Some(pos) = &self.pos {
                    add(dst, &pos[p * h..(p + 1) * h]);
                }
                // Without token-type embeddings the tokenizer's segment ids are ignored.
                if let Some(typ) = &self.typ {
                    let ty = ty as usize;
                    if ty >= self.cfg.type_vocab {
                        return Err(EmbedError::Inference(format!(
                            "token type {ty} outside the model's {} types",
                            self.cfg.type_vocab
                        )));
                    }
                    add(dst, &typ[ty * h..(ty + 1) * h]);
                }
                math::layer_norm_row(dst, &self.emb_ln.0, &self.emb_ln.1, self.cfg.eps);
            }
            row += s.ids.len();
        }
        offsets.push(row);
        for layer in &self.layers {
            let ctx = layer
                .qkv
                .matmul_then(&x, n, |y| self.attention(layer, y, n, &offsets))?;
            layer.rest.finish(&mut x, n, ctx)?;
        }
        Ok(x)
    }

    /// Disentangled self-attention of each sequence over itself; `qkv` rows are [Q | K | V]
    /// before the bias is added.
    fn attention(&self, l: &Layer, qkv: &[f32], n: usize, offsets: &[usize]) -> Vec<f32> {
        per_sequence(n, self.cfg.hidden, offsets, |start, len, out| {
            self.attend_one(l, qkv, start, len, out)
        })
    }

    fn attend_one(&self, l: &Layer, qkv: &[f32], start: usize, len: usize, out: &mut [f32]) {
        let h = self.cfg.hidden;
        let d = h / self.cfg.heads;
        let rel = self.cfg.uses_rel();
        let (c2p, p2c) = (rel && self.cfg.c2p, rel && self.cfg.p2c);
        // HF counts the listed position terms in the scale even when relative attention is off.
        let factor = 1 + usize::from(self.cfg.c2p) + usize::from(self.cfg.p2c);
        let scale = 1.0 / ((d * factor) as f32).sqrt();
        let bias = &l.qkv.bias;
        let stride = 3 * h;
        // Distance i - j sits at i - j + base in the index tables.
        let base = self.cfg.max_len() - 1;
        let mut q = vec![0f32; d];
        let mut k = vec![0f32; len * d];
        let mut v = vec![0f32; len * d];
        let mut scores = vec![0f32; len];
        for head in 0..self.cfg.heads {
            let qo = head * d;
            let hd = head * d..(head + 1) * d;
            gather_kv(qkv, bias, start, h, head * d, d, &mut k, &mut v);
            for i in 0..len {
                let r = (start + i) * stride;
                add_bias(&mut q, &qkv[r + qo..r + qo + d], &bias[qo..qo + d]);
                let mut max = f32::NEG_INFINITY;
                for (j, (s, kr)) in scores.iter_mut().zip(k.chunks_exact(d)).enumerate() {
                    let mut a = dot(&q, kr);
                    let at = i + base - j;
                    if c2p {
                        let p = self.c2p_index[at] as usize * h;
                        a += dot(&q, &l.pos_key[p + hd.start..p + hd.end]);
                    }
                    if p2c {
                        let p = self.p2c_index[at] as usize * h;
                        a += dot(kr, &l.pos_query[p + hd.start..p + hd.end]);
                    }
                    *s = a * scale;
                    max = max.max(*s);
                }
                softmax_mix(
                    &mut scores,
                    max,
                    &v,
                    &mut out[i * h + hd.start..i * h + hd.end],
                );
            }
        }
    }
}

/// `dst += src`, element-wise.
fn add(dst: &mut [f32], src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_buckets_match_hand_values() {
        // bucket_size 256, max_position 512 (DeBERTa-v3): exact up to ±128, then
        // ceil(ln(|r|/128) / ln(511/128) · 127) + 128, worked out by hand.
        for (rel, want) in [
            (0, 0),
            (5, 5),
            (-128, -128),
            (128, 128),
            (129, 129),
            (200, 169),
            (-300, -207),
            (511, 255),
            (-511, -255),
        ] {
            assert_eq!(log_bucket(rel, 256, 512), want, "rel {rel}");
        }
    }
}
