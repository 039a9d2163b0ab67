//! Accuracy of a real cross-encoder on `shared/data/snli-subset`, when one is installed
//! (under `hf/` in the model store, or named by `CORROBORATE_JUDGE_MODEL`). Skips otherwise.

use std::path::PathBuf;

use embed::{CrossEncoderJudge, ModelKind, ModelStore};

#[test]
fn snli_accuracy_when_a_judge_is_installed() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/snli-subset/snli_1.0/snli_1.0_test.jsonl");
    if !data.is_file() {
        eprintln!("SKIP: {} is absent", data.display());
        return;
    }
    let dir = std::env::var_os("CORROBORATE_JUDGE_MODEL")
        .map(PathBuf::from)
        .or_else(|| {
            ModelStore::locate(None).ok().and_then(|s| {
                s.list()
                    .into_iter()
                    .find(|m| m.kind == ModelKind::CrossEncoder)
                    .map(|m| m.dir)
            })
        });
    let Some(dir) = dir else {
        eprintln!(
            "SKIP: no cross-encoder installed (models fetch --hf NAME, or CORROBORATE_JUDGE_MODEL)"
        );
        return;
    };
    let judge = match CrossEncoderJudge::load(&dir) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("SKIP: {e}");
            return;
        }
    };
    let text = std::fs::read_to_string(&data).expect("readable");
    let rows: Vec<(String, String, String)> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            Some((
                v["sentence1"].as_str()?.to_string(),
                v["sentence2"].as_str()?.to_string(),
                v["gold_label"].as_str()?.to_string(),
            ))
        })
        .filter(|r| r.2 != "-")
        .collect();
    let pairs: Vec<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
    let out = judge.judge_pairs(&pairs).expect("judges");
    let correct = out
        .iter()
        .zip(&rows)
        .filter(|(j, r)| {
            let best = if j.entails >= j.neutral && j.entails >= j.contradicts {
                "entailment"
            } else if j.contradicts >= j.neutral {
                "contradiction"
            } else {
                "neutral"
            };
            best == r.2
        })
        .count();
    let acc = correct as f64 / rows.len().max(1) as f64;
    eprintln!("SNLI subset accuracy {acc:.3} over {} pairs", rows.len());
    assert!(acc > 0.8, "accuracy {acc}");
}
