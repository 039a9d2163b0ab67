//! A cross-encoder NLI judge: a BERT-family sequence classifier with an
//! entailment / neutral / contradiction head, loaded from a local folder.

use std::path::Path;

use model::{Judge, Judgement, ServiceError};

use crate::bert::{read_json, Bert, BertConfig, Linear, Seq, Weights};
use crate::error::EmbedError;
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

/// A BERT sequence classifier judging (premise, hypothesis) pairs.
pub struct CrossEncoderJudge {
    bert: Bert,
    pooler: Option<Linear>,
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
    /// `dir`. BERT-family models (`model_type` "bert", and relatives with the same layout) are
    /// supported; DeBERTa-v2 is refused with a clear error.
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
        if model_type != "bert" {
            return Err(EmbedError::corrupt(
                &cfg_file,
                format!(
                    "model_type `{model_type}` is not supported (only BERT-family classifiers)"
                ),
            ));
        }
        let cfg = BertConfig::from_json(&cfg_file, &json)?;
        let (labels, n_labels) = label_map(&cfg_file, &json)?;
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
        let classifier = weights.linear("classifier", n_labels, h)?;
        let max_len = cfg.max_pos.min(512);
        let bert = Bert::load(&weights, cfg, prefix)?;
        let tok = Tok::load(&dir.join(TOKENIZER_FILE), max_len)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().replacen("--", "/", 1))
            .unwrap_or_else(|| "cross-encoder".into());
        Ok(CrossEncoderJudge {
            bert,
            pooler,
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
        let h = self.bert.cfg.hidden;
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
            let hidden = self.bert.forward(&seqs)?;
            // The first token ([CLS]) of each packed sequence.
            let mut cls = Vec::with_capacity(seqs.len() * h);
            let mut row = 0;
            for s in &seqs {
                cls.extend_from_slice(&hidden[row * h..(row + 1) * h]);
                row += s.ids.len();
            }
            let pooled = match &self.pooler {
                Some(p) => {
                    let mut v = p.forward(&cls, seqs.len())?;
                    v.iter_mut().for_each(|x| *x = x.tanh());
                    v
                }
                None => cls,
            };
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
