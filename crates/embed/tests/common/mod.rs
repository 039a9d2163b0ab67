//! Helpers the model tests share.

use std::collections::BTreeMap;
use std::path::Path;

/// Named tensors: shape and row-major values.
pub(crate) type Tensors = BTreeMap<String, (Vec<usize>, Vec<f32>)>;

/// Writes `tensors` as `model.safetensors` in `dir`.
pub(crate) fn write_tensors(dir: &Path, tensors: &Tensors) {
    let bytes: BTreeMap<&String, (&Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(k, (s, d))| (k, (s, d.iter().flat_map(|x| x.to_le_bytes()).collect())))
        .collect();
    let views: Vec<(String, safetensors::tensor::TensorView<'_>)> = bytes
        .iter()
        .map(|(k, (s, d))| {
            let v = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, s.to_vec(), d)
                .expect("view");
            (k.to_string(), v)
        })
        .collect();
    let data = safetensors::serialize(views, None).expect("serialize");
    std::fs::write(dir.join("model.safetensors"), data).expect("write model");
}

/// A BERT-style post-processor: `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, with `[CLS]` = 2
/// and `[SEP]` = 3; the second segment has type 1.
pub(crate) fn cls_sep_template() -> serde_json::Value {
    serde_json::json!({"type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                   {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
        "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                           "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}})
}
