//! The `tokenizers` crate with the settings sentence-transformers uses at inference.

use std::path::{Path, PathBuf};

use tokenizers::{Tokenizer, TruncationParams, TruncationStrategy};

use crate::error::EmbedError;

/// A tokenizer that truncates at `max_len` tokens and never pads (batches are packed).
pub(crate) struct Tok {
    pub(crate) inner: Tokenizer,
    file: PathBuf,
}

/// Token ids and token-type ids of one encoded input.
pub(crate) type Encoded = (Vec<u32>, Vec<u32>);

impl Tok {
    /// Loads `tokenizer.json`. Its own fixed padding to 128 and truncation at 128 are replaced:
    /// sentence-transformers pads per batch and truncates at the model's `max_seq_length`.
    pub(crate) fn load(file: &Path, max_len: usize) -> Result<Self, EmbedError> {
        if !file.is_file() {
            return Err(EmbedError::FileMissing {
                file: file.to_path_buf(),
            });
        }
        let mut inner = Tokenizer::from_file(file)
            .map_err(|e| EmbedError::corrupt(file, format!("not a usable tokenizer: {e}")))?;
        inner.with_padding(None);
        inner
            .with_truncation(Some(TruncationParams {
                max_length: max_len,
                strategy: TruncationStrategy::LongestFirst,
                ..TruncationParams::default()
            }))
            .map_err(|e| EmbedError::corrupt(file, format!("truncation: {e}")))?;
        Ok(Tok {
            inner,
            file: file.to_path_buf(),
        })
    }

    /// Encodes single sentences, with [CLS] and [SEP].
    pub(crate) fn encode(&self, texts: &[&str]) -> Result<Vec<Encoded>, EmbedError> {
        let encs = self.inner.encode_batch(texts.to_vec(), true).map_err(|e| {
            EmbedError::Inference(format!("tokenizing with {}: {e}", self.file.display()))
        })?;
        Ok(encs
            .into_iter()
            .map(|e| (e.get_ids().to_vec(), e.get_type_ids().to_vec()))
            .collect())
    }

    /// Encodes sentence pairs as `[CLS] a [SEP] b [SEP]`, segment ids 0 then 1.
    pub(crate) fn encode_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Encoded>, EmbedError> {
        let inputs: Vec<tokenizers::EncodeInput> =
            pairs.iter().map(|&(a, b)| (a, b).into()).collect();
        let encs = self.inner.encode_batch(inputs, true).map_err(|e| {
            EmbedError::Inference(format!("tokenizing with {}: {e}", self.file.display()))
        })?;
        Ok(encs
            .into_iter()
            .map(|e| (e.get_ids().to_vec(), e.get_type_ids().to_vec()))
            .collect())
    }
}
