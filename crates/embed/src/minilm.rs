//! all-MiniLM-L6-v2 (or any BERT sentence encoder with mean pooling), as an [`Embedder`].

use std::path::Path;

use model::{Embedder, ServiceError};
use sha2::{Digest, Sha256};

use crate::bert::{read_json, Bert, BertConfig, Seq, Weights};
use crate::error::EmbedError;
use crate::math;
use crate::tokenize::{Encoded, Tok};
use crate::{MINILM_SHA256, MODEL_FILE, TOKENIZER_FILE};

/// Longest input in tokens, as sentence-transformers' `max_seq_length` for this model.
pub const MAX_TOKENS: usize = 256;

/// Sentences per forward pass unless set otherwise.
pub const DEFAULT_BATCH: usize = 32;

/// A BERT sentence encoder: mean pooling over the tokens, L2-normalised.
pub struct MiniLm {
    bert: Bert,
    tok: Tok,
    name: String,
    batch: usize,
}

impl MiniLm {
    /// Loads all-MiniLM-L6-v2 from a folder holding `model.safetensors`, `tokenizer.json` and
    /// `config.json`, refusing a `model.safetensors` whose sha256 is not the published one.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        Self::load_inner(dir, Some(MINILM_SHA256), "all-MiniLM-L6-v2")
    }

    /// Loads another BERT sentence encoder (same file layout, mean pooling) without checksum.
    pub fn load_unverified(dir: &Path, name: &str) -> Result<Self, EmbedError> {
        Self::load_inner(dir, None, name)
    }

    fn load_inner(dir: &Path, sha: Option<&str>, name: &str) -> Result<Self, EmbedError> {
        if !dir.is_dir() {
            return Err(EmbedError::ModelMissing {
                dir: dir.to_path_buf(),
            });
        }
        let cfg_file = dir.join("config.json");
        let cfg = BertConfig::from_json(&cfg_file, &read_json(&cfg_file)?)?;
        let model_file = dir.join(MODEL_FILE);
        if !model_file.is_file() {
            return Err(EmbedError::FileMissing { file: model_file });
        }
        let bytes = std::fs::read(&model_file).map_err(|e| EmbedError::io(&model_file, e))?;
        if let Some(expected) = sha {
            let actual = hex(&Sha256::digest(&bytes));
            if actual != expected {
                return Err(EmbedError::ChecksumMismatch {
                    file: model_file,
                    expected: expected.to_string(),
                    actual,
                });
            }
        }
        let weights = Weights::from_bytes(&model_file, &bytes)?;
        drop(bytes);
        let prefix = if weights.has("bert.embeddings.word_embeddings.weight") {
            "bert."
        } else {
            ""
        };
        let max_len = MAX_TOKENS.min(cfg.max_pos);
        let bert = Bert::load(&weights, cfg, prefix)?;
        let tok = Tok::load(&dir.join(TOKENIZER_FILE), max_len)?;
        Ok(MiniLm {
            bert,
            tok,
            name: name.to_string(),
            batch: DEFAULT_BATCH,
        })
    }

    /// Sets the number of sentences per forward pass (at least 1).
    pub fn with_batch_size(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// The length of the vectors.
    pub fn dim(&self) -> usize {
        self.bert.cfg.hidden
    }

    /// Embeds sentences: sorted by length so that batches hold similar lengths, then restored
    /// to the input order.
    pub fn embed_texts(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let encoded = self.tok.encode(texts)?;
        self.embed_encoded(&encoded)
    }

    pub(crate) fn embed_encoded(&self, encoded: &[Encoded]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(encoded[i].0.len()));
        let mut out = vec![Vec::new(); encoded.len()];
        for chunk in order.chunks(self.batch) {
            let seqs: Vec<Seq<'_>> = chunk
                .iter()
                .map(|&i| Seq {
                    ids: &encoded[i].0,
                    types: &encoded[i].1,
                })
                .collect();
            let pooled = self.pool(&seqs)?;
            for (&i, v) in chunk.iter().zip(pooled) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// Mean-pooled and L2-normalised vectors of packed sequences.
    pub(crate) fn pool(&self, seqs: &[Seq<'_>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = self.pool_raw(seqs)?;
        out.iter_mut().for_each(|v| math::l2_normalise(v));
        Ok(out)
    }

    /// Mean of each sequence's last hidden states, before normalisation (every token counts:
    /// the attention mask is all ones within a packed sequence).
    pub(crate) fn pool_raw(&self, seqs: &[Seq<'_>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let h = self.bert.cfg.hidden;
        let hidden = self.bert.forward(seqs)?;
        let mut row = 0;
        let mut out = Vec::with_capacity(seqs.len());
        for s in seqs {
            let mut v = vec![0f32; h];
            for r in row..row + s.ids.len() {
                for (a, b) in v.iter_mut().zip(&hidden[r * h..(r + 1) * h]) {
                    *a += b;
                }
            }
            row += s.ids.len();
            let len = s.ids.len().max(1) as f32;
            v.iter_mut().for_each(|a| *a /= len);
            out.push(v);
        }
        Ok(out)
    }

    /// Last hidden states of packed sequences, `[sum of lengths, dim]`.
    pub(crate) fn hidden(&self, seqs: &[Seq<'_>]) -> Result<Vec<f32>, EmbedError> {
        self.bert.forward(seqs)
    }

    pub(crate) fn tokenizer(&self) -> &Tok {
        &self.tok
    }
}

impl Embedder for MiniLm {
    fn name(&self) -> &str {
        &self.name
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ServiceError> {
        self.embed_texts(texts).map_err(|e| e.service("embed"))
    }
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
