//! The static tier: one vector per vocabulary token, distilled from the full model once (as
//! model2vec does), so that a sentence embeds as the mean of its tokens' rows in microseconds.

use std::path::{Path, PathBuf};

use model::{Embedder, ServiceError};
use rayon::prelude::*;
use tokenizers::Tokenizer;

use crate::bert::Seq;
use crate::error::EmbedError;
use crate::math;
use crate::minilm::MiniLm;
use crate::store::STATIC_FILE;
use crate::TOKENIZER_FILE;

/// Name of the table tensor inside `static.safetensors`.
const TABLE_TENSOR: &str = "embeddings";
/// Token sequences per forward pass while distilling.
const DISTIL_BATCH: usize = 512;

/// A token-level embedding table (`vocab` rows of `dim`).
#[derive(Clone, Debug, PartialEq)]
pub struct StaticTable {
    vocab: usize,
    dim: usize,
    rows: Vec<f32>,
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

    /// Writes the table as a safetensors file.
    pub fn save(&self, file: &Path) -> Result<(), EmbedError> {
        let bytes: Vec<u8> = self.rows.iter().flat_map(|x| x.to_le_bytes()).collect();
        let view = safetensors::tensor::TensorView::new(
            safetensors::Dtype::F32,
            vec![self.vocab, self.dim],
            &bytes,
        )
        .map_err(|e| EmbedError::corrupt(file, e))?;
        let data = safetensors::serialize([(TABLE_TENSOR, view)], None)
            .map_err(|e| EmbedError::corrupt(file, e))?;
        std::fs::write(file, data).map_err(|e| EmbedError::io(file, e))
    }

    /// Reads a table written by [`StaticTable::save`].
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
        Ok(StaticTable { vocab, dim, rows })
    }
}

/// How a token's row is taken from the model's output for `[CLS] token [SEP]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distillation {
    /// The mean over all three positions (the model's own pooling).
    MeanPooled,
    /// The output at the token's own position only.
    TokenOnly,
}

/// [`distil_with`] with the mode installed by `fetch` ([`Distillation::TokenOnly`], which
/// agreed better with the full model on the story sets: Spearman 0.46 against 0.41).
pub fn distil(model: &MiniLm, progress: &mut dyn FnMut(&str)) -> Result<StaticTable, EmbedError> {
    distil_with(model, Distillation::TokenOnly, progress)
}

/// Runs every vocabulary token through the model as `[CLS] token [SEP]`, takes its row as
/// `mode` says, and centres the table (subtracting the mean row removes the direction all
/// tokens share, which otherwise dominates a mean of rows; model2vec's PCA centres too).
pub fn distil_with(
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
    let mut mean = vec![0f32; dim];
    for r in rows.chunks_exact(dim) {
        for (m, x) in mean.iter_mut().zip(r) {
            *m += x / vocab as f32;
        }
    }
    for r in rows.chunks_exact_mut(dim) {
        for (x, m) in r.iter_mut().zip(&mean) {
            *x -= m;
        }
    }
    Ok(StaticTable { vocab, dim, rows })
}

/// BERT's uncased WordPiece for ASCII text (and common typographic punctuation), without allocations per token: the general
/// tokenizer costs about 100 µs a sentence, ten times the table lookups it feeds. Text with
/// any non-ASCII byte goes to the general tokenizer, so results are the same.
struct AsciiWordPiece {
    vocab: std::collections::HashMap<String, u32>,
    unk: u32,
}

/// BERT's punctuation within ASCII: every printable non-alphanumeric character.
fn ascii_punct(b: u8) -> bool {
    matches!(b, 33..=47 | 58..=64 | 91..=96 | 123..=126)
}

/// Non-ASCII punctuation (Unicode category P) common in news text: BERT splits it off like
/// ASCII punctuation and it needs no lower-casing or accent stripping.
const TYPOGRAPHIC_PUNCT: &[char] = &[
    '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2013}', '\u{2014}', '\u{2026}', '\u{ab}',
    '\u{bb}', '\u{b7}', '\u{2022}',
];

impl AsciiWordPiece {
    /// Appends the ids of `text` to `out`; `None` when the text has a character outside
    /// ASCII and the common typographic punctuation, which the general tokenizer then takes.
    fn encode(
        &self,
        text: &str,
        out: &mut Vec<u32>,
        word: &mut String,
        piece: &mut String,
    ) -> Option<()> {
        word.clear();
        for c in text.chars() {
            if c.is_ascii() {
                let b = c as u8;
                if b.is_ascii_whitespace() {
                    self.word(word, out, piece);
                } else if b < 32 || b == 127 {
                    // Control characters are dropped by BERT's text cleaning.
                } else if ascii_punct(b) {
                    self.word(word, out, piece);
                    word.push(c);
                    self.word(word, out, piece);
                } else {
                    word.push(b.to_ascii_lowercase() as char);
                }
            } else if TYPOGRAPHIC_PUNCT.contains(&c) {
                self.word(word, out, piece);
                word.push(c);
                self.word(word, out, piece);
            } else {
                return None;
            }
        }
        self.word(word, out, piece);
        Some(())
    }

    /// Greedy longest-match WordPiece of one word; an unsplittable word is one [UNK].
    fn word(&self, word: &mut String, out: &mut Vec<u32>, piece: &mut String) {
        if word.is_empty() {
            return;
        }
        let start_len = out.len();
        if word.len() > 100 {
            out.push(self.unk);
            word.clear();
            return;
        }
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while end > start {
                piece.clear();
                if start > 0 {
                    piece.push_str("##");
                }
                piece.push_str(&word[start..end]);
                if let Some(&id) = self.vocab.get(piece.as_str()) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(start_len);
                    out.push(self.unk);
                    break;
                }
            }
        }
        word.clear();
    }
}

/// Sentence vectors as the normalised mean of their tokens' rows in a [`StaticTable`].
/// An empty sentence (no tokens) gives the zero vector.
pub struct StaticEmbedder {
    table: StaticTable,
    tok: Tokenizer,
    fast: Option<AsciiWordPiece>,
    file: PathBuf,
}

impl StaticEmbedder {
    /// Loads `static.safetensors` and `tokenizer.json` from a model folder.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        if !dir.is_dir() {
            return Err(EmbedError::ModelMissing {
                dir: dir.to_path_buf(),
            });
        }
        let table = StaticTable::load(&dir.join(STATIC_FILE))?;
        let tok_file = dir.join(TOKENIZER_FILE);
        if !tok_file.is_file() {
            return Err(EmbedError::FileMissing { file: tok_file });
        }
        let mut tok = Tokenizer::from_file(&tok_file)
            .map_err(|e| EmbedError::corrupt(&tok_file, format!("not a usable tokenizer: {e}")))?;
        tok.with_padding(None);
        tok.with_truncation(None)
            .map_err(|e| EmbedError::corrupt(&tok_file, format!("truncation: {e}")))?;
        let fast = fast_path(&tok);
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

    /// Token ids of one sentence, without special tokens.
    fn ids(
        &self,
        text: &str,
        out: &mut Vec<u32>,
        word: &mut String,
        piece: &mut String,
    ) -> Result<(), EmbedError> {
        out.clear();
        if let Some(fast) = &self.fast {
            if fast.encode(text, out, word, piece).is_some() {
                return Ok(());
            }
        }
        let enc = self.tok.encode_fast(text, false).map_err(|e| {
            EmbedError::Inference(format!("tokenizing with {}: {e}", self.file.display()))
        })?;
        out.extend_from_slice(enc.get_ids());
        Ok(())
    }

    /// Embeds sentences (in parallel; no special tokens).
    pub fn embed_texts(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let dim = self.table.dim;
        texts
            .par_iter()
            .map_init(
                || (Vec::new(), String::new(), String::new()),
                |(ids, word, piece), text| {
                    self.ids(text, ids, word, piece)?;
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

/// The ASCII fast path, when the tokenizer is BERT's lower-casing WordPiece (the only kind it
/// reproduces exactly).
fn fast_path(tok: &Tokenizer) -> Option<AsciiWordPiece> {
    let json = serde_json::to_value(tok).ok()?;
    let normalizer = json.get("normalizer")?;
    let model = json.get("model")?;
    let ok = normalizer.get("type")?.as_str()? == "BertNormalizer"
        && normalizer.get("lowercase")?.as_bool()?
        && normalizer.get("clean_text")?.as_bool()?
        && json.get("pre_tokenizer")?.get("type")?.as_str()? == "BertPreTokenizer"
        && model.get("type")?.as_str()? == "WordPiece"
        && model.get("continuing_subword_prefix")?.as_str()? == "##"
        && model.get("max_input_chars_per_word")?.as_u64()? == 100;
    if !ok {
        return None;
    }
    let unk = tok.token_to_id(model.get("unk_token")?.as_str()?)?;
    Some(AsciiWordPiece {
        vocab: tok.get_vocab(false),
        unk,
    })
}

impl Embedder for StaticEmbedder {
    fn name(&self) -> &str {
        "static"
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ServiceError> {
        self.embed_texts(texts).map_err(|e| e.service("embed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ASCII fast path gives the general tokenizer's ids (needs the installed model).
    #[test]
    fn fast_path_matches_tokenizer() {
        let Some(dir) = crate::ModelStore::locate(None)
            .ok()
            .and_then(|s| s.minilm())
        else {
            eprintln!("SKIP: model not installed");
            return;
        };
        let Ok(e) = StaticEmbedder::load(&dir.dir) else {
            eprintln!("SKIP: no static table");
            return;
        };
        assert!(e.fast.is_some());
        let texts = [
            "The U.S. Defense Secretary ordered a pause -- \"temporarily\" -- in cyber-ops (NYT).",
            "Varga's order, reported on 03/02/2025, covers 100% of CYBERCOM's plans; e-mail: a@b.c",
            "Tabs\tand\nnewlines   and a supercalifragilisticexpialidociouswordthatislong x",
            "\u{201c}We\u{2019}re not \u{2018}pausing\u{2019}\u{201d} \u{2014} he said\u{2026} \u{ab}ok\u{bb} \u{2022} 5\u{b7}2",
            "",
        ];
        let (mut a, mut w, mut p) = (Vec::new(), String::new(), String::new());
        for t in texts {
            e.fast
                .as_ref()
                .and_then(|f| f.encode(t, &mut a, &mut w, &mut p))
                .expect("ascii");
            let want = e.tok.encode_fast(t, false).expect("encodes");
            assert_eq!(a, want.get_ids(), "{t}");
            a.clear();
        }
    }
}
