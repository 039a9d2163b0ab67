//! A cross-encoder NLI judge: a BERT-family or DeBERTa-v2-family sequence classifier with an
//! entailment / neutral / contradiction head, loaded from a local folder.

use std::path::Path;

use model::{Judge, Judgement, ServiceError};

use crate::bert::{read_json, Bert, BertConfig, Linear, Seq, Weights};
use crate::deberta::{Deberta, DebertaConfig, PoolerAct};
use crate::error::EmbedError;
use crate::math;
use crate::tokenize::Tok;
use crate::{CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE};

/// Pairs per forward pass.
const JUDGE_BATCH: usize = 16;

/// Where each of the three classes sits in the classifier's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LabelMap {
    entails: usize,
    neutral: usize,
    contradicts: usize,
}

/// The encoder under the classification head, with its pooler.
enum Encoder {
    /// BERT: [CLS] → optional dense + tanh pooler.
    Bert { bert: Bert, pooler: Option<Linear> },
    /// DeBERTa-v2: first token → dense → activation (the `ContextPooler`).
    Deberta {
        model: Deberta,
        pooler: Linear,
        act: PoolerAct,
    },
}

impl Encoder {
    fn hidden(&self) -> usize {
        match self {
            Encoder::Bert { bert, .. } => bert.cfg.hidden,
            Encoder::Deberta { model, .. } => model.cfg.hidden,
        }
    }

    /// The pooled first-token vectors of `seqs`, `[seqs.len(), hidden]`.
    fn pooled(&self, seqs: &[Seq<'_>]) -> Result<Vec<f32>, EmbedError> {
        let h = self.hidden();
        let hidden = match self {
            Encoder::Bert { bert, .. } => bert.forward(seqs)?,
            Encoder::Deberta { model, .. } => model.forward(seqs)?,
        };
        // The first token ([CLS]) of each packed sequence.
        let mut cls = Vec::with_capacity(seqs.len() * h);
        let mut row = 0;
        for s in seqs {
            if s.ids.is_empty() {
                return Err(EmbedError::Inference("an empty token sequence".into()));
            }
            cls.extend_from_slice(&hidden[row * h..(row + 1) * h]);
            row += s.ids.len();
        }
        let (pooler, act) = match self {
            Encoder::Bert { pooler: None, .. } => return Ok(cls),
            Encoder::Bert {
                pooler: Some(p), ..
            } => (p, PoolerAct::Tanh),
            Encoder::Deberta { pooler, act, .. } => (pooler, *act),
        };
        pooler.matmul_then(&cls, seqs.len(), |y| {
            let mut v = y.to_vec();
            match act {
                PoolerAct::Gelu => math::bias_gelu_rows(&mut v, &pooler.bias),
                PoolerAct::Tanh => {
                    for row in v.chunks_exact_mut(h) {
                        for (x, b) in row.iter_mut().zip(&pooler.bias) {
                            *x = (*x + b).tanh();
                        }
                    }
                }
            }
            v
        })
    }
}

/// A BERT or DeBERTa-v2 sequence classifier judging (premise, hypothesis) pairs.
pub struct CrossEncoderJudge {
    encoder: Encoder,
    classifier: Linear,
    labels: LabelMap,
    tok: Tok,
    name: String,
}

/// Reads `id2label` and finds the three NLI classes by name.
fn label_map(file: &Path, cfg: &serde_json::Value) -> Result<(LabelMap, usize), EmbedError> {
    let map = cfg
        .get("id2label")
        .and_then(|m| m.as_object())
        .ok_or_else(|| EmbedError::corrupt(file, "no `id2label` object: not a classifier"))?;
    let n = map.len();
    let find = |needle: &str| -> Result<usize, EmbedError> {
        map.iter()
            .find(|(_, v)| {
                v.as_str()
                    .is_some_and(|s| s.to_ascii_lowercase().starts_with(needle))
            })
            .and_then(|(k, _)| k.parse::<usize>().ok())
            .filter(|&i| i < n)
            .ok_or_else(|| {
                EmbedError::corrupt(
                    file,
                    format!("id2label has no `{needle}…` label: not an NLI head"),
                )
            })
    };
    let labels = LabelMap {
        entails: find("entail")?,
        neutral: find("neutral")?,
        contradicts: find("contradict")?,
    };
    Ok((labels, n))
}

impl CrossEncoderJudge {
    /// Loads `config.json` (with `id2label`), `tokenizer.json` and `model.safetensors` from
    /// `dir`. Supported: BERT-family models (`model_type` "bert", or absent, with or without
    /// the `bert.` prefix) and DeBERTa-v2/v3 (`model_type` "deberta-v2", see the crate README
    /// for the settings handled). Unsupported settings are refused with an error naming
    /// `config.json` and the field; wrong tensor shapes with one naming the tensor.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        if !dir.is_dir() {
            return Err(EmbedError::ModelMissing {
                dir: dir.to_path_buf(),
            });
        }
        let cfg_file = dir.join(CONFIG_FILE);
        let json = read_json(&cfg_file)?;
        let model_type = json
            .get("model_type")
            .and_then(|t| t.as_str())
            .unwrap_or("bert");
        let (encoder, max_len, weights) = match model_type {
            "bert" => {
                let cfg = BertConfig::from_json(&cfg_file, &json)?;
                let weights = Weights::load(&dir.join(MODEL_FILE))?;
                let prefix = if weights.has("bert.embeddings.word_embeddings.weight") {
                    "bert."
                } else {
                    ""
                };
                let h = cfg.hidden;
                let pooler_name = format!("{prefix}pooler.dense");
                let pooler = if weights.has(&format!("{pooler_name}.weight")) {
                    Some(weights.linear(&pooler_name, h, h)?)
                } else {
                    None
                };
                let max_len = cfg.max_pos.min(512);
                let bert = Bert::load(&weights, cfg, prefix)?;
                (Encoder::Bert { bert, pooler }, max_len, weights)
            }
            "deberta-v2" => {
                let cfg = DebertaConfig::from_json(&cfg_file, &json)?;
                let weights = Weights::load(&dir.join(MODEL_FILE))?;
                let h = cfg.hidden;
                let pooler = weights.linear("pooler.dense", h, h)?;
                let act = cfg.pooler_act;
                let max_len = cfg.max_len();
                let model = Deberta::load(&weights, cfg)?;
                (Encoder::Deberta { model, pooler, act }, max_len, weights)
            }
            other => {
                return Err(EmbedError::corrupt(
                    &cfg_file,
                    format!(
                        "model_type `{other}` is not supported (only \"bert\" and \"deberta-v2\" \
                         classifiers)"
                    ),
                ))
            }
        };
        let (labels, n_labels) = label_map(&cfg_file, &json)?;
        let classifier = weights.linear("classifier", n_labels, encoder.hidden())?;
        let tok = Tok::load(&dir.join(TOKENIZER_FILE), max_len)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().replacen("--", "/", 1))
            .unwrap_or_else(|| "cross-encoder".into());
        Ok(CrossEncoderJudge {
            encoder,
            classifier,
            labels,
            tok,
            name,
        })
    }

    /// Judges pairs, returning errors typed.
    pub fn judge_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Judgement>, EmbedError> {
        let encoded = self.tok.encode_pairs(pairs)?;
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(encoded[i].0.len()));
        let mut out = vec![
            Judgement {
                entails: 0.0,
                neutral: 1.0,
                contradicts: 0.0
            };
            pairs.len()
        ];
        for chunk in order.chunks(JUDGE_BATCH) {
            let seqs: Vec<Seq<'_>> = chunk
                .iter()
                .map(|&i| Seq {
                    ids: &encoded[i].0,
                    types: &encoded[i].1,
                })
                .collect();
            let pooled = self.encoder.pooled(&seqs)?;
            let logits = self.classifier.forward(&pooled, seqs.len())?;
            let n = logits.len() / seqs.len().max(1);
            for (&i, l) in chunk.iter().zip(logits.chunks_exact(n)) {
                let max = l.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let exps: Vec<f32> = l.iter().map(|x| (x - max).exp()).collect();
                let sum: f32 = exps.iter().sum();
                out[i] = Judgement {
                    entails: exps[self.labels.entails] / sum,
                    neutral: exps[self.labels.neutral] / sum,
                    contradicts: exps[self.labels.contradicts] / sum,
                };
            }
        }
        Ok(out)
    }
}

impl Judge for CrossEncoderJudge {
    fn name(&self) -> &str {
        &self.name
    }

    fn judge(&self, pairs: &[(&str, &str)]) -> Result<Vec<Judgement>, ServiceError> {
        self.judge_pairs(pairs).map_err(|e| e.service("judge"))
    }
}
