//! Loading code on a tiny randomly initialised BERT that the test writes itself.

mod common;
use common::write_tensors;
use std::collections::BTreeMap;
use std::path::Path;

use embed::{CrossEncoderJudge, EmbedError, MiniLm, ModelStore};
use model::{Embedder, Judge};

const HIDDEN: usize = 16;
const INTER: usize = 32;
const LAYERS: usize = 2;
const MAX_POS: usize = 64;
const WORDS: &[&str] = &[
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "man", "woman", "dog", "is", "runs",
    "sleeps", "not", "park", "in", "##s", ".", ",", "cat",
];

/// A deterministic pseudo-random stream (xorshift), scaled to ±0.1.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.2
    }
}

fn tokenizer_json() -> serde_json::Value {
    let vocab: serde_json::Map<String, serde_json::Value> = WORDS
        .iter()
        .enumerate()
        .map(|(i, w)| (w.to_string(), serde_json::json!(i)))
        .collect();
    serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [],
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                       "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": common::cls_sep_template(),
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab}
    })
}

/// Writes a BERT classifier (prefix "bert.") or a bare encoder (prefix "") into `dir`.
/// `classifier_bias` fixes the head: its weight is zero, so the logits equal the bias.
fn write_model(dir: &Path, classifier_bias: Option<[f32; 3]>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut tensors: BTreeMap<String, (Vec<usize>, Vec<f32>)> = BTreeMap::new();
    let prefix = if classifier_bias.is_some() {
        "bert."
    } else {
        ""
    };
    let mut put = |name: String, shape: Vec<usize>, ones: bool, rng: &mut Rng| {
        let n = shape.iter().product();
        let data = (0..n)
            .map(|_| if ones { 1.0 + rng.next() } else { rng.next() })
            .collect();
        tensors.insert(name, (shape, data));
    };
    let h = HIDDEN;
    put(
        format!("{prefix}embeddings.word_embeddings.weight"),
        vec![WORDS.len(), h],
        false,
        &mut rng,
    );
    put(
        format!("{prefix}embeddings.position_embeddings.weight"),
        vec![MAX_POS, h],
        false,
        &mut rng,
    );
    put(
        format!("{prefix}embeddings.token_type_embeddings.weight"),
        vec![2, h],
        false,
        &mut rng,
    );
    put(
        format!("{prefix}embeddings.LayerNorm.weight"),
        vec![h],
        true,
        &mut rng,
    );
    put(
        format!("{prefix}embeddings.LayerNorm.bias"),
        vec![h],
        false,
        &mut rng,
    );
    for l in 0..LAYERS {
        let p = format!("{prefix}encoder.layer.{l}");
        for (name, out, inp) in [
            ("attention.self.query", h, h),
            ("attention.self.key", h, h),
            ("attention.self.value", h, h),
            ("attention.output.dense", h, h),
            ("intermediate.dense", INTER, h),
            ("output.dense", h, INTER),
        ] {
            put(
                format!("{p}.{name}.weight"),
                vec![out, inp],
                false,
                &mut rng,
            );
            put(format!("{p}.{name}.bias"), vec![out], false, &mut rng);
        }
        for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
            put(format!("{p}.{name}.weight"), vec![h], true, &mut rng);
            put(format!("{p}.{name}.bias"), vec![h], false, &mut rng);
        }
    }
    let mut config = serde_json::json!({
        "model_type": "bert", "vocab_size": WORDS.len(), "hidden_size": h,
        "num_attention_heads": 2, "num_hidden_layers": LAYERS, "intermediate_size": INTER,
        "max_position_embeddings": MAX_POS, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
        "hidden_act": "gelu"
    });
    if let Some(bias) = classifier_bias {
        put(
            "bert.pooler.dense.weight".into(),
            vec![h, h],
            false,
            &mut rng,
        );
        put("bert.pooler.dense.bias".into(), vec![h], false, &mut rng);
        tensors.insert("classifier.weight".into(), (vec![3, h], vec![0.0; 3 * h]));
        tensors.insert("classifier.bias".into(), (vec![3], bias.to_vec()));
        // An unusual label order, as real NLI heads have: the judge must follow id2label.
        config["id2label"] =
            serde_json::json!({"0": "CONTRADICTION", "1": "ENTAILMENT", "2": "NEUTRAL"});
    }
    write_tensors(dir, &tensors);
    std::fs::write(dir.join("config.json"), config.to_string()).expect("write config");
    std::fs::write(dir.join("tokenizer.json"), tokenizer_json().to_string()).expect("write tok");
}

#[test]
fn cross_encoder_loads_and_follows_id2label() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_model(tmp.path(), Some([2.0, 0.5, -1.0]));
    let judge = CrossEncoderJudge::load(tmp.path()).expect("loads");
    let pairs = [
        ("The man runs in the park.", "A man is not sleeping."),
        ("A dog", "The cat sleeps, the dog runs."),
        ("", ""),
    ];
    let out = judge.judge(&pairs).expect("judges");
    assert_eq!(out.len(), 3);
    // Zero classifier weight: logits are the bias, in id2label order (C, E, N).
    let z: f32 = [2.0f32, 0.5, -1.0].iter().map(|x| x.exp()).sum();
    for j in &out {
        assert!((j.contradicts - 2.0f32.exp() / z).abs() < 1e-5, "{j:?}");
        assert!((j.entails - 0.5f32.exp() / z).abs() < 1e-5, "{j:?}");
        assert!((j.neutral - (-1.0f32).exp() / z).abs() < 1e-5, "{j:?}");
    }
}

#[test]
fn encoder_is_batch_invariant_and_unit_length() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_model(tmp.path(), None);
    let m = MiniLm::load_unverified(tmp.path(), "tiny").expect("loads");
    let texts = [
        "the man runs",
        "a woman sleeps in the park , not the dog .",
        "cats",
        "",
    ];
    let all = m.embed(&texts).expect("embeds");
    for (i, t) in texts.iter().enumerate() {
        let one = m.embed(&[t]).expect("embeds");
        assert_eq!(one[0].len(), HIDDEN);
        let norm: f32 = one[0].iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5);
        let c = model::cosine(&one[0], &all[i]);
        assert!(c > 0.99999, "packing leaked between sentences: {c}");
    }
    // Differently ordered batches give the same vectors.
    let small = m.with_batch_size(1).embed(&texts).expect("embeds");
    for (a, b) in small.iter().zip(&all) {
        assert!(model::cosine(a, b) > 0.99999);
    }
}

#[test]
fn static_tier_distils_saves_and_loads() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_model(tmp.path(), None);
    let m = MiniLm::load_unverified(tmp.path(), "tiny").expect("loads");
    let mut messages = Vec::new();
    let table = embed::distil(&m, &mut |s: &str| messages.push(s.to_string())).expect("distils");
    // PCA may keep fewer dimensions than the model has.
    assert_eq!(table.vocab(), WORDS.len());
    assert!((1..=HIDDEN).contains(&table.dim()), "{}", table.dim());
    table
        .save(&tmp.path().join(embed::STATIC_FILE))
        .expect("saves");
    let s = embed::StaticEmbedder::load(tmp.path()).expect("loads");
    let v = s.embed(&["the man runs", "the man runs"]).expect("embeds");
    assert!((model::cosine(&v[0], &v[1]) - 1.0).abs() < 1e-5);
    assert!(!messages.is_empty());
}

#[test]
fn static_tier_is_deterministic_and_outdated_tables_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join(embed::MINILM_DIR);
    std::fs::create_dir_all(&dir).expect("mkdir");
    write_model(&dir, None);
    let m = MiniLm::load_unverified(&dir, "tiny").expect("loads");
    let table = embed::distil(&m, &mut |_| {}).expect("distils");
    assert_eq!(embed::distil(&m, &mut |_| {}).expect("distils"), table);
    let file = dir.join(embed::STATIC_FILE);
    table.save(&file).expect("saves");
    let store = ModelStore::at(tmp.path());
    assert!(store.minilm().expect("installed").has_static);
    assert_eq!(embed::StaticTable::load(&file).expect("loads"), table);

    // A table as version 1 wrote it: the same tensor, no metadata.
    let bytes: Vec<u8> = (0..WORDS.len() * HIDDEN)
        .flat_map(|i| (i as f32).to_le_bytes())
        .collect();
    let view = safetensors::tensor::TensorView::new(
        safetensors::Dtype::F32,
        vec![WORDS.len(), HIDDEN],
        &bytes,
    )
    .expect("view");
    let old = safetensors::serialize([("embeddings", view)], None).expect("serialises");
    std::fs::write(&file, old).expect("writes");
    assert!(!store.minilm().expect("installed").has_static);
    let err = embed::StaticEmbedder::load(&dir).err().expect("refused");
    assert!(matches!(err, EmbedError::StaticOutdated { .. }), "{err}");
    assert!(
        err.to_string().contains("corroborate models fetch"),
        "{err}"
    );
}

#[test]
fn corrupt_and_missing_models_are_typed_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Missing folder: the message names the fetch command.
    let store = ModelStore::at(tmp.path().join("nothing"));
    let err = store.require_minilm().expect_err("missing");
    assert!(
        err.to_string().contains("corroborate models fetch"),
        "{err}"
    );
    assert!(store.list().is_empty());
    let err = MiniLm::load(&tmp.path().join("nothing"))
        .err()
        .expect("missing");
    assert!(matches!(err, EmbedError::ModelMissing { .. }), "{err}");

    // A model with the wrong checksum is refused.
    write_model(tmp.path(), None);
    let err = MiniLm::load(tmp.path()).err().expect("refused");
    assert!(matches!(err, EmbedError::ChecksumMismatch { .. }), "{err}");

    // A truncated weights file is a typed error naming the file.
    let bytes = std::fs::read(tmp.path().join("model.safetensors")).expect("read");
    std::fs::write(
        tmp.path().join("model.safetensors"),
        &bytes[..bytes.len() / 2],
    )
    .expect("w");
    let err = MiniLm::load_unverified(tmp.path(), "tiny")
        .err()
        .expect("refused");
    assert!(err.to_string().contains("model.safetensors"), "{err}");

    // A wrongly shaped tensor is a typed error naming the tensor.
    write_model(tmp.path(), None);
    let mut cfg: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("config.json")).expect("read"),
    )
    .expect("json");
    cfg["intermediate_size"] = serde_json::json!(48);
    std::fs::write(tmp.path().join("config.json"), cfg.to_string()).expect("w");
    let err = MiniLm::load_unverified(tmp.path(), "tiny")
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("intermediate.dense.weight"),
        "{err}"
    );

    // A judge without an NLI head is refused.
    write_model(tmp.path(), None);
    let err = CrossEncoderJudge::load(tmp.path()).err().expect("refused");
    assert!(err.to_string().contains("id2label"), "{err}");

    // Garbage JSON.
    std::fs::write(tmp.path().join("config.json"), "{nope").expect("w");
    let err = CrossEncoderJudge::load(tmp.path()).err().expect("refused");
    assert!(err.to_string().contains("config.json"), "{err}");
}

#[test]
fn hub_fetch_fails_fast_and_clearly_when_unreachable() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = ModelStore::at(tmp.path());
    let err = store.fetch_hf("../evil", |_| {}).expect_err("refused");
    assert!(matches!(err, EmbedError::HubUnavailable { .. }), "{err}");
    // Point at a closed local port so the test never leaves the machine.
    std::env::set_var("HF_ENDPOINT", "http://127.0.0.1:9");
    let t = std::time::Instant::now();
    let err = store
        .fetch_hf("cross-encoder/nli-deberta-v3-xsmall", |_| {})
        .expect_err("unreachable");
    assert!(matches!(err, EmbedError::HubUnavailable { .. }), "{err}");
    assert!(t.elapsed().as_secs() < 30);
    assert!(store.list().is_empty());
}
