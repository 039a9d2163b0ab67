//! Our vectors against the float64 reference vectors of `shared/models/minilm-reference.json`.

use std::path::PathBuf;

fn cosine64(a: &[f32], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * y).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x.powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

#[test]
fn matches_reference_vectors() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let reference = shared.join("models/minilm-reference.json");
    if !reference.is_file() {
        eprintln!("SKIP: {} is absent", reference.display());
        return;
    }
    let store = match embed::ModelStore::locate(None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("SKIP: {e}");
            return;
        }
    };
    let Some(installed) = store.minilm() else {
        eprintln!(
            "SKIP: all-MiniLM-L6-v2 is not installed in {} (run `{}`)",
            store.root().display(),
            embed::FETCH_COMMAND
        );
        return;
    };
    let text = std::fs::read_to_string(&reference).expect("reference readable");
    let json: serde_json::Value = serde_json::from_str(&text).expect("reference is JSON");
    let sentences: Vec<&str> = json["sentences"]
        .as_array()
        .expect("sentences")
        .iter()
        .map(|s| s.as_str().expect("sentence string"))
        .collect();
    let vectors: Vec<Vec<f64>> = json["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .map(|v| {
            v.as_array()
                .expect("vector")
                .iter()
                .map(|x| x.as_f64().expect("number"))
                .collect()
        })
        .collect();
    assert_eq!(sentences.len(), vectors.len());
    let model = embed::MiniLm::load(&installed.dir).expect("model loads");
    let ours = model.embed_texts(&sentences).expect("embeds");
    let mut min = f64::MAX;
    for ((s, a), b) in sentences.iter().zip(&ours).zip(&vectors) {
        assert_eq!(a.len(), 384);
        let c = cosine64(a, b);
        let max_diff = a
            .iter()
            .zip(b)
            .map(|(x, y)| (*x as f64 - y).abs())
            .fold(0.0, f64::max);
        eprintln!("cosine {c:.9}  max|d| {max_diff:.2e}  {s}");
        min = min.min(c);
        assert!(c >= 0.9999, "cosine {c} for {s:?}");
    }
    // One at a time must agree with the batch (packing must not leak between sentences).
    let single = model.embed_texts(&sentences[..1]).expect("embeds");
    assert!(cosine64(&single[0], &vectors[0]) >= 0.9999);
    eprintln!("minimum cosine {min:.9} over {} sentences", sentences.len());
}
