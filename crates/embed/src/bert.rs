//! A BERT encoder over *packed* sequences: the tokens of all sentences of a batch are stacked
//! into one matrix, so the dense layers (nearly all the work) run as single large matrix
//! multiplies with no padding, and attention runs per sentence, which needs no mask.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Storage, Tensor};
use rayon::prelude::*;

use crate::error::EmbedError;
use crate::math;

/// The architecture numbers of a BERT model, from its `config.json`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BertConfig {
    pub(crate) vocab: usize,
    pub(crate) hidden: usize,
    pub(crate) heads: usize,
    pub(crate) layers: usize,
    pub(crate) intermediate: usize,
    pub(crate) max_pos: usize,
    pub(crate) type_vocab: usize,
    pub(crate) eps: f32,
}

/// Reads a `config.json` as JSON, with a typed error naming the file.
pub(crate) fn read_json(file: &Path) -> Result<serde_json::Value, EmbedError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            EmbedError::FileMissing {
                file: file.to_path_buf(),
            }
        } else {
            EmbedError::io(file, e)
        }
    })?;
    serde_json::from_str(&text).map_err(|e| EmbedError::corrupt(file, format!("not JSON: {e}")))
}

impl BertConfig {
    /// Parses and checks the BERT fields of a `config.json`.
    pub(crate) fn from_json(file: &Path, v: &serde_json::Value) -> Result<Self, EmbedError> {
        let num = |key: &str, default: Option<u64>| -> Result<usize, EmbedError> {
            match v.get(key).and_then(|x| x.as_u64()).or(default) {
                Some(n) if n > 0 && n <= 1 << 24 => Ok(n as usize),
                Some(n) => Err(EmbedError::corrupt(
                    file,
                    format!("{key} = {n} is out of range"),
                )),
                None => Err(EmbedError::corrupt(
                    file,
                    format!("no positive integer `{key}`"),
                )),
            }
        };
        let act = v
            .get("hidden_act")
            .and_then(|x| x.as_str())
            .unwrap_or("gelu");
        if act != "gelu" {
            return Err(EmbedError::corrupt(
                file,
                format!("hidden_act `{act}` is not supported (only the exact `gelu`)"),
            ));
        }
        if let Some(kind) = v.get("position_embedding_type").and_then(|x| x.as_str()) {
            if kind != "absolute" {
                return Err(EmbedError::corrupt(
                    file,
                    format!("position_embedding_type `{kind}` is not supported"),
                ));
            }
        }
        let cfg = BertConfig {
            vocab: num("vocab_size", None)?,
            hidden: num("hidden_size", None)?,
            heads: num("num_attention_heads", None)?,
            layers: num("num_hidden_layers", None)?,
            intermediate: num("intermediate_size", None)?,
            max_pos: num("max_position_embeddings", Some(512))?,
            type_vocab: num("type_vocab_size", Some(2))?,
            eps: v
                .get("layer_norm_eps")
                .and_then(|x| x.as_f64())
                .unwrap_or(1e-12) as f32,
        };
        if cfg.hidden / cfg.heads * cfg.heads != cfg.hidden {
            return Err(EmbedError::corrupt(
                file,
                format!(
                    "hidden_size {} is not a multiple of num_attention_heads {}",
                    cfg.hidden, cfg.heads
                ),
            ));
        }
        Ok(cfg)
    }
}

/// The tensors of a safetensors file, looked up with shape checks.
pub(crate) struct Weights {
    file: PathBuf,
    tensors: HashMap<String, Tensor>,
}

impl Weights {
    /// Reads a safetensors file into memory (no memory map: that would need `unsafe`).
    pub(crate) fn load(file: &Path) -> Result<Self, EmbedError> {
        if !file.is_file() {
            return Err(EmbedError::FileMissing {
                file: file.to_path_buf(),
            });
        }
        let bytes = std::fs::read(file).map_err(|e| EmbedError::io(file, e))?;
        Self::from_bytes(file, &bytes)
    }

    /// Parses safetensors bytes read from `file` (named in errors).
    pub(crate) fn from_bytes(file: &Path, bytes: &[u8]) -> Result<Self, EmbedError> {
        let tensors = candle_core::safetensors::load_buffer(bytes, &Device::Cpu).map_err(|e| {
            EmbedError::corrupt(file, format!("not a readable safetensors file: {e}"))
        })?;
        Ok(Weights {
            file: file.to_path_buf(),
            tensors,
        })
    }

    /// Whether a tensor of that name exists.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }

    /// The tensor `name` as f32, checked to have the shape `dims`.
    pub(crate) fn tensor(&self, name: &str, dims: &[usize]) -> Result<Tensor, EmbedError> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| EmbedError::corrupt(&self.file, format!("no tensor `{name}`")))?;
        if t.dims() != dims {
            return Err(EmbedError::corrupt(
                &self.file,
                format!(
                    "tensor `{name}` has shape {:?}, expected {dims:?}",
                    t.dims()
                ),
            ));
        }
        let t = t
            .to_dtype(DType::F32)
            .map_err(|e| EmbedError::corrupt(&self.file, format!("tensor `{name}`: {e}")))?;
        if !t.is_contiguous() {
            return Ok(t.contiguous()?);
        }
        Ok(t)
    }

    /// The tensor `name` as a flat f32 vector, checked to have the shape `dims`.
    pub(crate) fn vec(&self, name: &str, dims: &[usize]) -> Result<Vec<f32>, EmbedError> {
        let t = self.tensor(name, dims)?;
        Ok(t.flatten_all()?.to_vec1::<f32>()?)
    }

    /// A dense layer `name.weight` (`[out, in]`, PyTorch order) and `name.bias`.
    pub(crate) fn linear(&self, name: &str, out: usize, inp: usize) -> Result<Linear, EmbedError> {
        let w = self.tensor(&format!("{name}.weight"), &[out, inp])?;
        let b = self.vec(&format!("{name}.bias"), &[out])?;
        Linear::new(&w, b)
    }
}

/// A dense layer, weight kept transposed (`[in, out]`, contiguous) for the matrix multiply.
pub(crate) struct Linear {
    wt: Tensor,
    pub(crate) bias: Vec<f32>,
    inp: usize,
    out: usize,
}

impl Linear {
    /// From a PyTorch-order weight `[out, in]` and a bias of length `out`.
    pub(crate) fn new(w: &Tensor, bias: Vec<f32>) -> Result<Self, EmbedError> {
        let (out, inp) = w.dims2()?;
        Ok(Linear {
            wt: w.t()?.contiguous()?,
            bias,
            inp,
            out,
        })
    }

    /// Concatenates layers with the same input along the output (for fused Q/K/V).
    pub(crate) fn concat(parts: &[Linear]) -> Result<Self, EmbedError> {
        let wts: Vec<&Tensor> = parts.iter().map(|p| &p.wt).collect();
        let wt = Tensor::cat(&wts, 1)?.contiguous()?;
        let bias = parts.iter().flat_map(|p| p.bias.iter().copied()).collect();
        let out = parts.iter().map(|p| p.out).sum();
        Ok(Linear {
            wt,
            bias,
            inp: parts.first().map_or(0, |p| p.inp),
            out,
        })
    }

    /// Multiplies the `n` rows of `x` by the weight (no bias) and hands the result rows to
    /// `then`, borrowing candle's output buffer rather than copying it.
    pub(crate) fn matmul_then<R>(
        &self,
        x: &[f32],
        n: usize,
        then: impl FnOnce(&[f32]) -> R,
    ) -> Result<R, EmbedError> {
        self.matmul_tensor_then(Tensor::from_slice(x, (n, self.inp), &Device::Cpu)?, then)
    }

    /// As [`Linear::matmul_then`], taking the input by value (no copy into the tensor).
    pub(crate) fn matmul_owned_then<R>(
        &self,
        x: Vec<f32>,
        n: usize,
        then: impl FnOnce(&[f32]) -> R,
    ) -> Result<R, EmbedError> {
        self.matmul_tensor_then(Tensor::from_vec(x, (n, self.inp), &Device::Cpu)?, then)
    }

    fn matmul_tensor_then<R>(
        &self,
        xt: Tensor,
        then: impl FnOnce(&[f32]) -> R,
    ) -> Result<R, EmbedError> {
        let y = xt.matmul(&self.wt)?;
        let (storage, layout) = y.storage_and_layout();
        let Storage::Cpu(cpu) = &*storage else {
            return Err(EmbedError::Inference("matmul result not on the CPU".into()));
        };
        let all = cpu.as_slice::<f32>()?;
        let (a, b) = layout
            .contiguous_offsets()
            .ok_or_else(|| EmbedError::Inference("matmul result not contiguous".into()))?;
        Ok(then(&all[a..b]))
    }

    /// `x W^T + b` as a new vector.
    pub(crate) fn forward(&self, x: &[f32], n: usize) -> Result<Vec<f32>, EmbedError> {
        self.matmul_then(x, n, |y| {
            let mut out = y.to_vec();
            for row in out.chunks_exact_mut(self.out) {
                for (v, b) in row.iter_mut().zip(&self.bias) {
                    *v += b;
                }
            }
            out
        })
    }
}

/// A LayerNorm's (gamma, beta).
pub(crate) type Norm = (Vec<f32>, Vec<f32>);

/// Reads the LayerNorm `name.weight` / `name.bias`, both of width `h`.
pub(crate) fn load_norm(w: &Weights, name: &str, h: usize) -> Result<Norm, EmbedError> {
    Ok((
        w.vec(&format!("{name}.weight"), &[h])?,
        w.vec(&format!("{name}.bias"), &[h])?,
    ))
}

/// The part of a post-LayerNorm transformer layer after self-attention: output projection,
/// residual + LayerNorm, GELU feed-forward, residual + LayerNorm. BERT and DeBERTa share it
/// (and its tensor names).
pub(crate) struct Block {
    attn_out: Linear,
    ln1: Norm,
    up: Linear,
    down: Linear,
    ln2: Norm,
    eps: f32,
}

impl Block {
    /// Loads the block of the layer whose tensor names start with `layer` (e.g.
    /// `bert.encoder.layer.3`).
    pub(crate) fn load(
        w: &Weights,
        layer: &str,
        h: usize,
        inter: usize,
        eps: f32,
    ) -> Result<Self, EmbedError> {
        Ok(Block {
            attn_out: w.linear(&format!("{layer}.attention.output.dense"), h, h)?,
            ln1: load_norm(w, &format!("{layer}.attention.output.LayerNorm"), h)?,
            up: w.linear(&format!("{layer}.intermediate.dense"), inter, h)?,
            down: w.linear(&format!("{layer}.output.dense"), h, inter)?,
            ln2: load_norm(w, &format!("{layer}.output.LayerNorm"), h)?,
            eps,
        })
    }

    /// Updates the `n` rows of `x` in place, given the attention context `ctx` (`[n, h]`).
    pub(crate) fn finish(&self, x: &mut [f32], n: usize, ctx: Vec<f32>) -> Result<(), EmbedError> {
        let h = self.attn_out.out;
        let eps = self.eps;
        self.attn_out.matmul_owned_then(ctx, n, |y| {
            residual_norm(x, y, h, &self.attn_out.bias, &self.ln1, eps)
        })?;
        let inter_w = self.up.out;
        let inter = self.up.matmul_then(x, n, |y| {
            let mut out = y.to_vec();
            out.par_chunks_mut(inter_w * ROWS_PER_TASK)
                .for_each(|o| math::bias_gelu_rows(o, &self.up.bias));
            out
        })?;
        self.down.matmul_owned_then(inter, n, |y| {
            residual_norm(x, y, h, &self.down.bias, &self.ln2, eps)
        })?;
        Ok(())
    }
}

struct Layer {
    qkv: Linear,
    rest: Block,
}

/// A BERT encoder (embeddings and transformer layers, no head).
pub(crate) struct Bert {
    pub(crate) cfg: BertConfig,
    word: Vec<f32>,
    pos: Vec<f32>,
    typ: Vec<f32>,
    emb_ln: Norm,
    layers: Vec<Layer>,
}

/// One input sequence: token ids and token-type (segment) ids of equal length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seq<'a> {
    pub(crate) ids: &'a [u32],
    pub(crate) types: &'a [u32],
}

/// Rows handed to one parallel task of an element-wise pass: enough to amortise scheduling.
pub(crate) const ROWS_PER_TASK: usize = 16;

impl Bert {
    /// Loads the encoder whose tensor names start with `prefix` ("" or "bert.").
    pub(crate) fn load(w: &Weights, cfg: BertConfig, prefix: &str) -> Result<Self, EmbedError> {
        let h = cfg.hidden;
        let p = |s: &str| format!("{prefix}{s}");
        let mut layers = Vec::with_capacity(cfg.layers);
        for i in 0..cfg.layers {
            let l = p(&format!("encoder.layer.{i}"));
            let q = w.linear(&format!("{l}.attention.self.query"), h, h)?;
            let k = w.linear(&format!("{l}.attention.self.key"), h, h)?;
            let v = w.linear(&format!("{l}.attention.self.value"), h, h)?;
            layers.push(Layer {
                qkv: Linear::concat(&[q, k, v])?,
                rest: Block::load(w, &l, h, cfg.intermediate, cfg.eps)?,
            });
        }
        Ok(Bert {
            word: w.vec(&p("embeddings.word_embeddings.weight"), &[cfg.vocab, h])?,
            pos: w.vec(
                &p("embeddings.position_embeddings.weight"),
                &[cfg.max_pos, h],
            )?,
            typ: w.vec(
                &p("embeddings.token_type_embeddings.weight"),
                &[cfg.type_vocab, h],
            )?,
            emb_ln: load_norm(w, &p("embeddings.LayerNorm"), h)?,
            layers,
            cfg,
        })
    }

    /// The last hidden states of all sequences, stacked: `[sum of lengths, hidden]`.
    pub(crate) fn forward(&self, seqs: &[Seq<'_>]) -> Result<Vec<f32>, EmbedError> {
        let h = self.cfg.hidden;
        let n: usize = seqs.iter().map(|s| s.ids.len()).sum();
        let mut x = vec![0f32; n * h];
        let mut offsets = Vec::with_capacity(seqs.len() + 1);
        let mut row = 0;
        for s in seqs {
            offsets.push(row);
            if s.ids.len() > self.cfg.max_pos || s.types.len() != s.ids.len() {
                return Err(EmbedError::Inference(format!(
                    "a sequence of {} tokens exceeds the {} positions of the model",
                    s.ids.len(),
                    self.cfg.max_pos
                )));
            }
            for (p, (&id, &ty)) in s.ids.iter().zip(s.types).enumerate() {
                let (id, ty) = (id as usize, ty as usize);
                if id >= self.cfg.vocab || ty >= self.cfg.type_vocab {
                    return Err(EmbedError::Inference(format!(
                        "token id {id} / type {ty} outside the model's vocabulary of {} / {} \
                         (tokenizer.json and model do not match)",
                        self.cfg.vocab, self.cfg.type_vocab
                    )));
                }
                let dst = &mut x[(row + p) * h..(row + p + 1) * h];
                let (we, pe, te) = (
                    &self.word[id * h..(id + 1) * h],
                    &self.pos[p * h..(p + 1) * h],
                    &self.typ[ty * h..(ty + 1) * h],
                );
                for (((d, w), p), t) in dst.iter_mut().zip(we).zip(pe).zip(te) {
                    *d = w + p + t;
                }
                math::layer_norm_row(dst, &self.emb_ln.0, &self.emb_ln.1, self.cfg.eps);
            }
            row += s.ids.len();
        }
        offsets.push(row);
        for layer in &self.layers {
            self.layer(layer, &mut x, n, &offsets)?;
        }
        Ok(x)
    }

    fn layer(
        &self,
        l: &Layer,
        x: &mut [f32],
        n: usize,
        offsets: &[usize],
    ) -> Result<(), EmbedError> {
        // Attention reads the Q/K/V product in place and adds the bias as it gathers.
        let ctx = l
            .qkv
            .matmul_then(x, n, |y| self.attention(y, &l.qkv.bias, n, offsets))?;
        l.rest.finish(x, n, ctx)
    }

    /// Multi-head self-attention of each sequence over itself; `qkv` rows are [Q | K | V]
    /// before `bias` is added.
    fn attention(&self, qkv: &[f32], bias: &[f32], n: usize, offsets: &[usize]) -> Vec<f32> {
        per_sequence(n, self.cfg.hidden, offsets, |start, len, out| {
            self.attend_one(qkv, bias, start, len, out)
        })
    }

    fn attend_one(&self, qkv: &[f32], bias: &[f32], start: usize, len: usize, out: &mut [f32]) {
        let h = self.cfg.hidden;
        let d = h / self.cfg.heads;
        let scale = 1.0 / (d as f32).sqrt();
        let stride = 3 * h;
        let mut q = vec![0f32; d];
        let mut k = vec![0f32; len * d];
        let mut v = vec![0f32; len * d];
        let mut scores = vec![0f32; len];
        for head in 0..self.cfg.heads {
            let qo = head * d;
            gather_kv(qkv, bias, start, h, head * d, d, &mut k, &mut v);
            for i in 0..len {
                let r = (start + i) * stride;
                add_bias(&mut q, &qkv[r + qo..r + qo + d], &bias[qo..qo + d]);
                let mut max = f32::NEG_INFINITY;
                for (s, kr) in scores.iter_mut().zip(k.chunks_exact(d)) {
                    *s = model::dot(&q, kr) * scale;
                    max = max.max(*s);
                }
                softmax_mix(
                    &mut scores,
                    max,
                    &v,
                    &mut out[i * h + head * d..i * h + (head + 1) * d],
                );
            }
        }
    }
}

/// `x = LayerNorm(x + y + bias)`, row by row in parallel (`h` wide rows).
fn residual_norm(x: &mut [f32], y: &[f32], h: usize, bias: &[f32], ln: &Norm, eps: f32) {
    x.par_chunks_mut(h * ROWS_PER_TASK)
        .zip(y.par_chunks(h * ROWS_PER_TASK))
        .for_each(|(xr, yr)| math::bias_residual_layer_norm(xr, yr, bias, &ln.0, &ln.1, eps));
}

/// An `[n, hidden]` output filled by `f(start, len, rows)` for each sequence (rows
/// `offsets[i]..offsets[i + 1]`), the sequences in parallel on disjoint slices.
pub(crate) fn per_sequence(
    n: usize,
    hidden: usize,
    offsets: &[usize],
    f: impl Fn(usize, usize, &mut [f32]) + Sync,
) -> Vec<f32> {
    let mut ctx = vec![0f32; n * hidden];
    let mut parts = Vec::with_capacity(offsets.len());
    let mut rest = ctx.as_mut_slice();
    for w in offsets.windows(2) {
        let (a, b) = rest.split_at_mut((w[1] - w[0]) * hidden);
        parts.push((w[0], w[1] - w[0], a));
        rest = b;
    }
    parts
        .into_par_iter()
        .for_each(|(start, len, out)| f(start, len, out));
    ctx
}

/// `dst = src + b`, element-wise.
pub(crate) fn add_bias(dst: &mut [f32], src: &[f32], b: &[f32]) {
    for ((o, s), b) in dst.iter_mut().zip(src).zip(b) {
        *o = s + b;
    }
}

/// Gathers one head's keys and values (head width `d`, its columns starting at `col` of the
/// query part) from packed `[q | k | v]` rows of width `3 * hidden`, biases added, into
/// contiguous `k` and `v` of `len * d` each, so that the inner loops stream.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gather_kv(
    qkv: &[f32],
    bias: &[f32],
    start: usize,
    hidden: usize,
    col: usize,
    d: usize,
    k: &mut [f32],
    v: &mut [f32],
) {
    let stride = 3 * hidden;
    let (ko, vo) = (hidden + col, 2 * hidden + col);
    for (j, (kr, vr)) in k.chunks_exact_mut(d).zip(v.chunks_exact_mut(d)).enumerate() {
        let r = (start + j) * stride;
        add_bias(kr, &qkv[r + ko..r + ko + d], &bias[ko..ko + d]);
        add_bias(vr, &qkv[r + vo..r + vo + d], &bias[vo..vo + d]);
    }
}

/// Turns attention `scores` (with their maximum) into softmax weights and writes the weighted
/// sum of the rows of `v` to `out`.
pub(crate) fn softmax_mix(scores: &mut [f32], max: f32, v: &[f32], out: &mut [f32]) {
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = math::fast_exp(*s - max);
        sum += *s;
    }
    out.fill(0.0);
    for (s, vr) in scores.iter().zip(v.chunks_exact(out.len())) {
        let w = s / sum;
        for (ov, vv) in out.iter_mut().zip(vr) {
            *ov += w * vv;
        }
    }
}
