//! The static tier: one vector per vocabulary token, distilled from the full model once (as
//! model2vec does), so that a sentence embeds as the normalised sum of its tokens' rows in
//! microseconds. The rows carry their token's frequency weight, so the sum is a weighted mean.

use std::path::{Path, PathBuf};

use model::{Embedder, ServiceError};
use rayon::prelude::*;
use tokenizers::Tokenizer;

use crate::bert::Seq;
use crate::error::EmbedError;
use crate::math;
use crate::minilm::{MiniLm, MAX_TOKENS};
use crate::store::STATIC_FILE;
use crate::wordpiece::WordPiece;
use crate::TOKENIZER_FILE;

/// Name of the table tensor inside `static.safetensors`.
const TABLE_TENSOR: &str = "embeddings";
/// Token sequences per forward pass while distilling.
const DISTIL_BATCH: usize = 512;
/// The one metadata entry of a table written by this crate: a JSON object with the format
/// `version` and the `recipe` it was distilled with (for people reading the file). One entry,
/// because safetensors writes several in hash order and the file should not depend on it.
const META_KEY: &str = "corroborate-static-table";

/// Version of the static table's recipe and layout, stored in `static.safetensors`. A table of
/// another version (or none: version 1 had no metadata) was distilled differently, so it is
/// refused with [`EmbedError::StaticOutdated`], which names `models fetch` (it rebuilds it).
/// Version 1: the token-position outputs, centred, 384 dimensions. Version 2: the same outputs
/// scaled to unit length, rotated onto principal components (the first dropped, 256 kept),
/// weighted by Zipf-rank SIF and centred on their Zipf-weighted mean; special tokens zeroed.
pub const STATIC_VERSION: u64 = 2;

/// A token-level embedding table (`vocab` rows of `dim`).
#[derive(Clone, Debug, PartialEq)]
pub struct StaticTable {
    vocab: usize,
    dim: usize,
    rows: Vec<f32>,
    recipe: String,
}

impl StaticTable {
    /// Number of rows (vocabulary size).
    pub fn vocab(&self) -> usize {
        self.vocab
    }

    /// Length of each row.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The row of token `id`.
    pub fn row(&self, id: usize) -> Option<&[f32]> {
        self.rows.get(id * self.dim..(id + 1) * self.dim)
    }

    /// Writes the table as a safetensors file, with its format version in the metadata.
    pub fn save(&self, file: &Path) -> Result<(), EmbedError> {
        let bytes: Vec<u8> = self.rows.iter().flat_map(|x| x.to_le_bytes()).collect();
        let view = safetensors::tensor::TensorView::new(
            safetensors::Dtype::F32,
            vec![self.vocab, self.dim],
            &bytes,
        )
        .map_err(|e| EmbedError::corrupt(file, e))?;
        let info = serde_json::json!({"version": STATIC_VERSION, "recipe": self.recipe});
        let meta = std::collections::HashMap::from([(META_KEY.to_string(), info.to_string())]);
        let data = safetensors::serialize([(TABLE_TENSOR, view)], Some(meta))
            .map_err(|e| EmbedError::corrupt(file, e))?;
        std::fs::write(file, data).map_err(|e| EmbedError::io(file, e))
    }

    /// Reads a table written by [`StaticTable::save`] of the current [`STATIC_VERSION`].
    pub fn load(file: &Path) -> Result<Self, EmbedError> {
        let bytes = std::fs::read(file).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                EmbedError::FileMissing {
                    file: file.to_path_buf(),
                }
            } else {
                EmbedError::io(file, e)
            }
        })?;
        let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes)
            .map_err(|e| EmbedError::corrupt(file, format!("not a safetensors file: {e}")))?;
        let info = meta
            .metadata()
            .as_ref()
            .and_then(|m| m.get(META_KEY))
            .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok());
        let found = version_of(info.as_ref());
        if found != STATIC_VERSION {
            return Err(EmbedError::StaticOutdated {
                file: file.to_path_buf(),
                found,
                expected: STATIC_VERSION,
            });
        }
        let recipe = info
            .as_ref()
            .and_then(|i| i.get("recipe"))
            .and_then(|r| r.as_str())
            .unwrap_or_default()
            .to_string();
        let st = safetensors::SafeTensors::deserialize(&bytes)
            .map_err(|e| EmbedError::corrupt(file, format!("not a safetensors file: {e}")))?;
        let t = st
            .tensor(TABLE_TENSOR)
            .map_err(|e| EmbedError::corrupt(file, format!("tensor `{TABLE_TENSOR}`: {e}")))?;
        let [vocab, dim] = t.shape() else {
            return Err(EmbedError::corrupt(
                file,
                "the table is not two-dimensional",
            ));
        };
        let (vocab, dim) = (*vocab, *dim);
        if t.dtype() != safetensors::Dtype::F32 || t.data().len() != vocab * dim * 4 || dim == 0 {
            return Err(EmbedError::corrupt(
                file,
                "the table is not a [vocab, dim] f32 tensor",
            ));
        }
        let rows = t
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok(StaticTable {
            vocab,
            dim,
            rows,
            recipe,
        })
    }
}

/// The format version in a table's metadata entry (1 when it has none: version 1 wrote none).
fn version_of(info: Option<&serde_json::Value>) -> u64 {
    info.and_then(|i| i.get("version"))
        .and_then(|v| v.as_u64())
        .unwrap_or(1)
}

/// Whether `file` is a static table of the current [`STATIC_VERSION`] (reads the header only).
pub(crate) fn is_current(file: &Path) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(file) else {
        return false;
    };
    let mut len = [0u8; 8];
    if f.read_exact(&mut len).is_err() {
        return false;
    }
    let n = u64::from_le_bytes(len);
    // safetensors caps its header at 100 MB; ours is a few hundred bytes.
    if n > 1 << 20 {
        return false;
    }
    let mut header = vec![0u8; n as usize];
    if f.read_exact(&mut header).is_err() {
        return false;
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&header) else {
        return false;
    };
    let info = json
        .get("__metadata__")
        .and_then(|m| m.get(META_KEY))
        .and_then(|v| v.as_str())
        .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok());
    version_of(info.as_ref()) == STATIC_VERSION
}

/// How a token's row is taken from the model's output for `[CLS] token [SEP]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distillation {
    /// The mean over all three positions (the model's own pooling).
    MeanPooled,
    /// The output at the token's own position only.
    TokenOnly,
}

/// How a token's row is weighted by its frequency, estimated from its rank in the vocabulary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Weighting {
    /// Every token alike.
    Flat,
    /// `ln(1 + rank)`.
    LogRank,
    /// Smooth inverse frequency `a / (a + p)`, with `p` Zipf's law at the token's rank.
    Sif(f64),
}

/// How a token's frequency rank is read off the vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ranking {
    /// The id itself plus one (as model2vec does).
    Id,
    /// BERT's vocabulary lists reserved tokens, then single characters, then words and
    /// word pieces by decreasing frequency: words count from the first multi-character token,
    /// and the single characters (punctuation, letters, digits: frequent) are ranked among
    /// the most frequent words in their id order.
    Words,
}

/// What is done to the raw per-token outputs to make the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Recipe {
    /// Which output of `[CLS] token [SEP]` is a token's raw row.
    pub mode: Distillation,
    /// Scale raw rows to unit length before anything else.
    pub unit_rows: bool,
    /// Principal components kept (`None`: all; the rows are centred and rotated either way).
    pub pca_dims: Option<usize>,
    /// Leading principal components dropped (directions every token shares).
    pub drop_top: usize,
    /// Scale every kept component to unit variance.
    pub whiten: bool,
    /// Frequency weighting folded into the rows.
    pub weighting: Weighting,
    /// How frequency ranks are estimated.
    pub ranking: Ranking,
    /// Zero the rows of punctuation tokens.
    pub skip_punct: bool,
    /// Zero the rows of this many most frequent whole words.
    pub stopwords: usize,
    /// Subtract from every content row the rows' mean under Zipf's law (the expected token of
    /// running text), after weighting.
    pub zipf_centre: bool,
}

impl Default for Recipe {
    /// The recipe `fetch` installs (chosen by measurement; see the crate README).
    fn default() -> Self {
        Recipe {
            mode: Distillation::TokenOnly,
            unit_rows: true,
            pca_dims: Some(256),
            drop_top: 1,
            whiten: false,
            weighting: Weighting::Sif(1e-4),
            ranking: Ranking::Words,
            skip_punct: false,
            stopwords: 0,
            zipf_centre: true,
        }
    }
}

/// The installed recipe: [`distil_raw`] then [`Recipe::apply`] with [`Recipe::default`].
pub fn distil(model: &MiniLm, progress: &mut dyn FnMut(&str)) -> Result<StaticTable, EmbedError> {
    let recipe = Recipe::default();
    let raw = distil_raw(model, recipe.mode, progress)?;
    progress("static tier: principal components and weights");
    Ok(recipe.apply(&raw, model))
}

/// Runs every vocabulary token through the model as `[CLS] token [SEP]` and keeps its output
/// as `mode` says, unprocessed (see [`Recipe::apply`]).
pub fn distil_raw(
    model: &MiniLm,
    mode: Distillation,
    progress: &mut dyn FnMut(&str),
) -> Result<StaticTable, EmbedError> {
    let tok = &model.tokenizer().inner;
    let vocab = tok.get_vocab_size(true);
    let cls = tok.token_to_id("[CLS]");
    let sep = tok.token_to_id("[SEP]");
    let dim = model.dim();
    let mut rows = vec![0f32; vocab * dim];
    let ids: Vec<[u32; 3]> = (0..vocab as u32)
        .map(|id| [cls.unwrap_or(id), id, sep.unwrap_or(id)])
        .collect();
    let types = [0u32; 3];
    for (chunk_no, chunk) in ids.chunks(DISTIL_BATCH).enumerate() {
        let seqs: Vec<Seq<'_>> = chunk
            .iter()
            .map(|t| Seq {
                ids: t,
                types: &types,
            })
            .collect();
        let pooled = match mode {
            Distillation::MeanPooled => model.pool_raw(&seqs)?,
            Distillation::TokenOnly => {
                let hidden = model.hidden(&seqs)?;
                // Row 1 of each 3-row sequence is the token itself.
                hidden
                    .chunks_exact(3 * dim)
                    .map(|s| s[dim..2 * dim].to_vec())
                    .collect()
            }
        };
        for (i, v) in pooled.into_iter().enumerate() {
            let id = chunk_no * DISTIL_BATCH + i;
            rows[id * dim..(id + 1) * dim].copy_from_slice(&v);
        }
        if chunk_no % 10 == 0 {
            progress(&format!(
                "static tier: {} of {vocab} tokens",
                (chunk_no * DISTIL_BATCH + chunk.len()).min(vocab)
            ));
        }
    }
    Ok(StaticTable {
        vocab,
        dim,
        rows,
        recipe: format!("raw {mode:?}"),
    })
}

/// What the recipe needs to know of each vocabulary token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    /// `[CLS]`, `[unused0]`, …: never a sentence's content.
    Special,
    /// A single punctuation or symbol character (with or without `##`).
    Punct,
    /// A whole word (no `##`).
    Word,
    /// A word piece (`##…`).
    Piece,
}

fn token_kind(t: &str) -> TokenKind {
    if t.len() > 2 && t.starts_with('[') && t.ends_with(']') {
        return TokenKind::Special;
    }
    let (body, piece) = match t.strip_prefix("##") {
        Some(b) if !b.is_empty() => (b, true),
        _ => (t, false),
    };
    let mut chars = body.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_alphanumeric() => TokenKind::Punct,
        _ if piece => TokenKind::Piece,
        _ => TokenKind::Word,
    }
}

/// Frequency ranks (from 1) of the tokens as `ranking` estimates them.
fn ranks(tokens: &[String], kinds: &[TokenKind], ranking: Ranking) -> Vec<f64> {
    match ranking {
        Ranking::Id => (1..=tokens.len()).map(|r| r as f64).collect(),
        Ranking::Words => {
            let first_word = tokens
                .iter()
                .zip(kinds)
                .position(|(t, k)| *k == TokenKind::Word && t.chars().count() > 1)
                .unwrap_or(0);
            let mut single = 0usize;
            (0..tokens.len())
                .map(|id| {
                    if id >= first_word {
                        (id - first_word + 1) as f64
                    } else if kinds[id] == TokenKind::Special {
                        1.0
                    } else {
                        single += 1;
                        single as f64
                    }
                })
                .collect()
        }
    }
}

impl Recipe {
    /// Makes the table from a raw one (from [`distil_raw`] with this recipe's mode): centre
    /// and rotate onto principal components (keeping `pca_dims`, dropping `drop_top`),
    /// optionally whiten, weight each row by its token's frequency and zero the rows of tokens
    /// that carry no content. Deterministic (single-threaded, fixed order, in f64).
    pub fn apply(&self, raw: &StaticTable, model: &MiniLm) -> StaticTable {
        let tok = &model.tokenizer().inner;
        let tokens: Vec<String> = (0..raw.vocab as u32)
            .map(|id| tok.id_to_token(id).unwrap_or_default())
            .collect();
        self.apply_to(raw, &tokens)
    }

    fn apply_to(&self, raw: &StaticTable, tokens: &[String]) -> StaticTable {
        let (vocab, d) = (raw.vocab, raw.dim);
        let kinds: Vec<TokenKind> = tokens.iter().map(|t| token_kind(t)).collect();
        let ranks = ranks(tokens, &kinds, self.ranking);
        let mut x: Vec<f64> = raw.rows.iter().map(|&v| v as f64).collect();
        if self.unit_rows {
            for r in x.chunks_exact_mut(d) {
                let n = r.iter().map(|v| v * v).sum::<f64>().sqrt();
                if n > 0.0 {
                    r.iter_mut().for_each(|v| *v /= n);
                }
            }
        }
        // Principal components of the content tokens' rows.
        let fit: Vec<usize> = (0..vocab)
            .filter(|&i| kinds[i] != TokenKind::Special)
            .collect();
        let n = fit.len().max(1) as f64;
        let mut mean = vec![0f64; d];
        for &i in &fit {
            for (m, v) in mean.iter_mut().zip(&x[i * d..(i + 1) * d]) {
                *m += v / n;
            }
        }
        for r in x.chunks_exact_mut(d) {
            for (v, m) in r.iter_mut().zip(&mean) {
                *v -= m;
            }
        }
        let mut cov = vec![0f64; d * d];
        for &i in &fit {
            let r = &x[i * d..(i + 1) * d];
            for (a, &ra) in r.iter().enumerate() {
                let row = &mut cov[a * d..(a + 1) * d];
                for (c, &rb) in row[a..].iter_mut().zip(&r[a..]) {
                    *c += ra * rb;
                }
            }
        }
        for a in 0..d {
            for b in a..d {
                cov[a * d + b] /= n;
                cov[b * d + a] = cov[a * d + b];
            }
        }
        let (values, vectors) = math::symmetric_eigen(cov, d);
        let first = self.drop_top.min(d.saturating_sub(1));
        let dims = self.pca_dims.unwrap_or(d).clamp(1, d - first);
        let comps = first..first + dims;
        let total_h: f64 = (1..=vocab).map(|r| 1.0 / r as f64).sum();
        // Rows of tokens that carry no content stay zero, so they add nothing to a sentence.
        let kept: Vec<usize> = (0..vocab)
            .filter(|&id| match kinds[id] {
                TokenKind::Special => false,
                TokenKind::Punct => !self.skip_punct,
                TokenKind::Word => ranks[id] > self.stopwords as f64,
                TokenKind::Piece => true,
            })
            .collect();
        let mut rows = vec![0f32; vocab * dims];
        for &id in &kept {
            let w = match self.weighting {
                Weighting::Flat => 1.0,
                Weighting::LogRank => (1.0 + ranks[id]).ln(),
                Weighting::Sif(a) => {
                    let p = 1.0 / (ranks[id] * total_h);
                    a / (a + p)
                }
            };
            let r = &x[id * d..(id + 1) * d];
            let out = &mut rows[id * dims..(id + 1) * dims];
            for (o, k) in out.iter_mut().zip(comps.clone()) {
                let v = &vectors[k * d..(k + 1) * d];
                let mut y: f64 = r.iter().zip(v).map(|(a, b)| a * b).sum();
                if self.whiten {
                    y /= values[k].max(1e-12).sqrt();
                }
                *o = (w * y) as f32;
            }
        }
        if self.zipf_centre {
            let z: f64 = kept.iter().map(|&id| 1.0 / ranks[id]).sum();
            let mut m = vec![0f64; dims];
            for &id in &kept {
                let p = 1.0 / (ranks[id] * z);
                for (a, &b) in m.iter_mut().zip(&rows[id * dims..(id + 1) * dims]) {
                    *a += p * b as f64;
                }
            }
            for &id in &kept {
                for (b, a) in rows[id * dims..(id + 1) * dims].iter_mut().zip(&m) {
                    *b -= *a as f32;
                }
            }
        }
        StaticTable {
            vocab,
            dim: dims,
            rows,
            recipe: format!("{self:?}"),
        }
    }
}

/// Sentence vectors as the normalised mean of their tokens' rows in a [`StaticTable`].
/// An empty sentence (no tokens) gives the zero vector.
pub struct StaticEmbedder {
    table: StaticTable,
    tok: Tokenizer,
    fast: Option<WordPiece>,
    file: PathBuf,
}

/// Tokens of a sentence that count: as many as the full model reads besides `[CLS]`/`[SEP]`.
const MAX_SENTENCE_TOKENS: usize = MAX_TOKENS - 2;
/// Text beyond this many bytes is not tokenised by the general tokenizer (a sentence is far
/// shorter; it bounds the work on a pathological input).
const MAX_FALLBACK_BYTES: usize = 16 << 10;

impl StaticEmbedder {
    /// Loads `static.safetensors` and `tokenizer.json` from a model folder.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        if !dir.is_dir() {
            return Err(EmbedError::ModelMissing {
                dir: dir.to_path_buf(),
            });
        }
        let table = StaticTable::load(&dir.join(STATIC_FILE))?;
        Self::with_table(dir, table)
    }

    /// An embedder over `table` with the tokenizer of the model folder `dir` (for comparing
    /// recipes without writing tables).
    pub fn with_table(dir: &Path, table: StaticTable) -> Result<Self, EmbedError> {
        let tok_file = dir.join(TOKENIZER_FILE);
        if !tok_file.is_file() {
            return Err(EmbedError::FileMissing { file: tok_file });
        }
        let mut tok = Tokenizer::from_file(&tok_file)
            .map_err(|e| EmbedError::corrupt(&tok_file, format!("not a usable tokenizer: {e}")))?;
        tok.with_padding(None);
        tok.with_truncation(None)
            .map_err(|e| EmbedError::corrupt(&tok_file, format!("truncation: {e}")))?;
        let fast = WordPiece::from_tokenizer(&tok);
        Ok(StaticEmbedder {
            table,
            tok,
            fast,
            file: tok_file,
        })
    }

    /// The length of the vectors.
    pub fn dim(&self) -> usize {
        self.table.dim
    }

    /// The number of rows of the table (the vocabulary size).
    pub fn vocab(&self) -> usize {
        self.table.vocab
    }

    /// Ids of the first [`MAX_SENTENCE_TOKENS`] tokens of one sentence, without special tokens.
    fn ids(&self, text: &str, out: &mut Vec<u32>, word: &mut String) -> Result<(), EmbedError> {
        if let Some(fast) = &self.fast {
            if fast.encode(text, MAX_SENTENCE_TOKENS, out, word).is_some() {
                return Ok(());
            }
        }
        let mut cut = text.len().min(MAX_FALLBACK_BYTES);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let enc = self.tok.encode_fast(&text[..cut], false).map_err(|e| {
            EmbedError::Inference(format!("tokenizing with {}: {e}", self.file.display()))
        })?;
        out.clear();
        out.extend(enc.get_ids().iter().take(MAX_SENTENCE_TOKENS));
        Ok(())
    }

    /// Embeds sentences (in parallel; no special tokens).
    pub fn embed_texts(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let dim = self.table.dim;
        texts
            .par_iter()
            .map_init(
                || (Vec::new(), String::new()),
                |(ids, word), text| {
                    self.ids(text, ids, word)?;
                    let mut v = vec![0f32; dim];
                    for &id in ids.iter() {
                        let id = id as usize;
                        if id < self.table.vocab {
                            let row = &self.table.rows[id * dim..(id + 1) * dim];
                            for (a, b) in v.iter_mut().zip(row) {
                                *a += b;
                            }
                        }
                    }
                    math::l2_normalise(&mut v);
                    Ok(v)
                },
            )
            .collect()
    }
}

impl Embedder for StaticEmbedder {
    fn name(&self) -> &str {
        "static"
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ServiceError> {
        self.embed_texts(texts).map_err(|e| e.service("embed"))
    }
}
