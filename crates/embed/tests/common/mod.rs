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
