//! Two extraction benchmarks, their metrics and runners for our HTML extractor: the
//! article-extraction benchmark (`ground-truth.json`, word 4-gram shingles) and trafilatura's
//! evaluation pages (`evaldata.json`, snippets that must be kept or dropped). [`run_dir`] tells
//! them apart by those files.
//!
//! The shingle metric is
//! the one of the public benchmark (word 4-gram shingles): per page, tokens are
//! the maximal runs of Unicode word characters (`\w+`, case kept); shingles are the
//! consecutive 4-token tuples counted as a multiset (a text of fewer than 4 tokens gives one
//! shingle of all its tokens, an empty text none). Precision and recall are averaged over
//! pages and F1 is the harmonic mean of the two averages.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use regex::Regex;
use serde::{Deserialize, Serialize};

/// Largest decompressed page the runner accepts; a page beyond it is an error, not an OOM.
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Largest JSON file (ground truth or predictions) the loaders accept.
pub const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

/// What can go wrong reading the benchmark; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file does not parse.
    #[error("{path}: invalid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A JSON file parses but does not have the expected shape.
    #[error("{path}: {what}")]
    Shape {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// A file is larger than the cap.
    #[error("{path}: larger than {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap, in bytes (decompressed for gzip files).
        limit: u64,
    },
    /// The benchmark folder has no pages to score.
    #[error("{path}: no pages")]
    Empty {
        /// The ground-truth file.
        path: PathBuf,
    },
}

/// The result of running our extractor over the benchmark. Serialises with exactly the keys
/// `pages`, `precision`, `recall`, `f1`, `pages_per_s`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExtractionReport {
    /// Pages scored.
    pub pages: usize,
    /// Precision averaged over pages with a non-empty prediction.
    pub precision: f64,
    /// Recall averaged over pages with a non-empty truth.
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
    /// Pages per second of `ingest::html::extract` alone, single-threaded (reading and
    /// gunzipping the files are not counted).
    pub pages_per_s: f64,
}

/// Scores of a set of predictions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Scores {
    /// Pages scored.
    pub pages: usize,
    /// Average page precision.
    pub precision: f64,
    /// Average page recall.
    pub recall: f64,
    /// Harmonic mean of the two averages.
    pub f1: f64,
}

/// Shingle counts of one page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PageCounts {
    /// Shingles both in truth and prediction (multiset intersection).
    pub tp: u64,
    /// Predicted shingles in excess of the truth.
    pub fp: u64,
    /// True shingles in excess of the prediction.
    pub fn_: u64,
}

impl PageCounts {
    /// Page precision, or `None` when the page does not count towards the average
    /// (TP + FP = 0: nothing predicted).
    pub fn precision(&self) -> Option<f64> {
        if self.tp + self.fp == 0 {
            return None;
        }
        Some(if self.fp == 0 && self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        })
    }

    /// Page recall, or `None` when the page does not count towards the average
    /// (TP + FN = 0: nothing true).
    pub fn recall(&self) -> Option<f64> {
        if self.tp + self.fn_ == 0 {
            return None;
        }
        Some(if self.fp == 0 && self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        })
    }
}

/// One page's result, for diagnostics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PageResult {
    /// The page id.
    pub id: String,
    /// Its shingle counts.
    pub counts: PageCounts,
    /// Seconds spent in `extract`.
    pub seconds: f64,
}

fn word_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // The pattern is a constant; a failure here is a programming error caught by every test.
    #[allow(clippy::unwrap_used)]
    RE.get_or_init(|| Regex::new(r"\w+").unwrap())
}

/// The tokens of a text: maximal runs of Unicode word characters, case kept.
pub fn tokens(text: &str) -> Vec<&str> {
    word_regex().find_iter(text).map(|m| m.as_str()).collect()
}

/// A shingle: up to four tokens; shorter only for texts of fewer than four tokens, padded
/// with empty strings (never a token, so no clash with a real shingle).
type Shingle<'a> = [&'a str; 4];

/// The multiset of word 4-gram shingles of a text.
pub fn shingles(text: &str) -> HashMap<[&str; 4], u32> {
    let toks = tokens(text);
    let mut out: HashMap<Shingle<'_>, u32> = HashMap::new();
    if toks.is_empty() {
        return out;
    }
    if toks.len() < 4 {
        let mut s = [""; 4];
        for (slot, t) in s.iter_mut().zip(&toks) {
            *slot = t;
        }
        out.insert(s, 1);
        return out;
    }
    for w in toks.windows(4) {
        if let [a, b, c, d] = w {
            *out.entry([*a, *b, *c, *d]).or_insert(0) += 1;
        }
    }
    out
}

/// TP, FP and FN of a prediction against the true text.
pub fn page_counts(truth: &str, predicted: &str) -> PageCounts {
    let t = shingles(truth);
    let p = shingles(predicted);
    let mut c = PageCounts::default();
    for (s, &pc) in &p {
        let tc = t.get(s).copied().unwrap_or(0);
        c.tp += u64::from(pc.min(tc));
        c.fp += u64::from(pc.saturating_sub(tc));
    }
    for (s, &tc) in &t {
        let pc = p.get(s).copied().unwrap_or(0);
        c.fn_ += u64::from(tc.saturating_sub(pc));
    }
    c
}

/// Averages page counts into precision, recall and F1.
pub fn aggregate<'a>(pages: impl IntoIterator<Item = &'a PageCounts>) -> Scores {
    let (mut n, mut psum, mut pn, mut rsum, mut rn) = (0usize, 0.0, 0usize, 0.0, 0usize);
    for c in pages {
        n += 1;
        if let Some(p) = c.precision() {
            psum += p;
            pn += 1;
        }
        if let Some(r) = c.recall() {
            rsum += r;
            rn += 1;
        }
    }
    let precision = if pn == 0 { 0.0 } else { psum / pn as f64 };
    let recall = if rn == 0 { 0.0 } else { rsum / rn as f64 };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Scores {
        pages: n,
        precision,
        recall,
        f1,
    }
}

/// Scores predictions (`id → articleBody`) against the truth (`id → articleBody`). Every
/// page of the truth is scored; a page missing from the predictions counts as empty.
pub fn score_predictions(
    truth: &BTreeMap<String, String>,
    predictions: &BTreeMap<String, String>,
) -> Scores {
    let counts: Vec<PageCounts> = truth
        .iter()
        .map(|(id, t)| page_counts(t, predictions.get(id).map_or("", String::as_str)))
        .collect();
    aggregate(&counts)
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "articleBody", default)]
    article_body: Option<String>,
}

/// Reads a benchmark JSON file: the ground truth `{id: {articleBody, url}}` or an extractor's
/// output, either in that shape or wrapped as `{"output": {...}, "version": ...}`. Returns
/// `id → articleBody` (a null body is empty).
pub fn load_bodies(path: &Path) -> Result<BTreeMap<String, String>, EvalError> {
    let bytes = crate::read_capped(path, MAX_JSON_BYTES)?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|source| EvalError::Json {
            path: path.to_path_buf(),
            source,
        })?;
    let shape = |what: String| EvalError::Shape {
        path: path.to_path_buf(),
        what,
    };
    let serde_json::Value::Object(mut map) = value else {
        return Err(shape("expected a JSON object of pages".into()));
    };
    // Extractors' outputs wrap the pages; the ground truth does not.
    if let Some(serde_json::Value::Object(inner)) = map.remove("output") {
        map = inner;
    }
    let mut out = BTreeMap::new();
    for (id, v) in map {
        let entry: Entry = serde_json::from_value(v)
            .map_err(|e| shape(format!("page {id}: expected {{\"articleBody\": ...}}: {e}")))?;
        out.insert(id, entry.article_body.unwrap_or_default());
    }
    Ok(out)
}

/// Reads and gunzips one page, capped at [`MAX_PAGE_BYTES`] decompressed.
pub fn read_page(path: &Path) -> Result<String, EvalError> {
    let file = std::fs::File::open(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut buf = Vec::new();
    flate2::read::GzDecoder::new(file)
        .take(MAX_PAGE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|source| EvalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if buf.len() as u64 > MAX_PAGE_BYTES {
        return Err(EvalError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_PAGE_BYTES,
        });
    }
    // The benchmark's pages are UTF-8; a stray bad byte should not sink the page.
    Ok(match String::from_utf8(buf) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Runs [`ingest::html::extract`] over the benchmark folder (`ground-truth.json`,
/// `html/<id>.html.gz`) and scores its `main_text()`.
pub fn run(dir: &Path) -> Result<ExtractionReport, EvalError> {
    run_with_pages(dir).map(|(report, _)| report)
}

/// Like [`run`], also giving each page's counts and time, in id order.
pub fn run_with_pages(dir: &Path) -> Result<(ExtractionReport, Vec<PageResult>), EvalError> {
    let truth_path = dir.join("ground-truth.json");
    let truth = load_bodies(&truth_path)?;
    if truth.is_empty() {
        return Err(EvalError::Empty { path: truth_path });
    }
    let mut pages = Vec::with_capacity(truth.len());
    let mut total = Duration::ZERO;
    for (id, body) in &truth {
        let html = read_page(&dir.join("html").join(format!("{id}.html.gz")))?;
        let start = Instant::now();
        let text = ingest::html::extract(&html).main_text();
        let took = start.elapsed();
        total += took;
        pages.push(PageResult {
            id: id.clone(),
            counts: page_counts(body, &text),
            seconds: took.as_secs_f64(),
        });
    }
    let scores = aggregate(pages.iter().map(|p| &p.counts));
    let secs = total.as_secs_f64();
    let report = ExtractionReport {
        pages: scores.pages,
        precision: scores.precision,
        recall: scores.recall,
        f1: scores.f1,
        pages_per_s: if secs > 0.0 {
            scores.pages as f64 / secs
        } else {
            0.0
        },
    };
    Ok((report, pages))
}

/// Scores of the snippet benchmark: per page, each `with` snippet found in our main text is a
/// true positive (else a false negative), each `without` snippet found a false positive (else
/// a true negative); the counts are summed over pages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnippetReport {
    /// Pages scored.
    pub pages: usize,
    /// Snippets kept that should be.
    pub tp: u64,
    /// Snippets dropped that should be kept.
    pub fn_: u64,
    /// Snippets kept that should be dropped.
    pub fp: u64,
    /// Snippets dropped that should be.
    pub tn: u64,
    /// TP / (TP + FP).
    pub precision: f64,
    /// TP / (TP + FN).
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
    /// (TP + TN) / all snippets.
    pub accuracy: f64,
    /// Pages per second of `ingest::html::extract` alone, single-threaded.
    pub pages_per_s: f64,
}

/// One page of the snippet benchmark.
#[derive(Clone, Debug, Deserialize)]
pub struct SnippetPage {
    /// The page file, under `html/`.
    pub file: String,
    /// Snippets the main text must contain.
    #[serde(default)]
    pub with: Vec<String>,
    /// Snippets the main text must not contain.
    #[serde(default)]
    pub without: Vec<String>,
}

/// Counts of one page: (TP, FN, FP, TN).
pub fn snippet_counts(page: &SnippetPage, text: &str) -> [u64; 4] {
    let kept = |s: &String| text.contains(s.as_str());
    let tp = page.with.iter().filter(|s| kept(s)).count() as u64;
    let fp = page.without.iter().filter(|s| kept(s)).count() as u64;
    [
        tp,
        page.with.len() as u64 - tp,
        fp,
        page.without.len() as u64 - fp,
    ]
}

/// Reads `evaldata.json`: `{url: {file, with, without}}`, in URL order.
pub fn load_snippets(path: &Path) -> Result<BTreeMap<String, SnippetPage>, EvalError> {
    let bytes = crate::read_capped(path, MAX_JSON_BYTES)?;
    serde_json::from_slice(&bytes).map_err(|source| EvalError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Runs [`ingest::html::extract`] over a snippet benchmark folder (`evaldata.json`,
/// `html/<file>`) and scores its `main_text()`.
pub fn run_snippets(dir: &Path) -> Result<SnippetReport, EvalError> {
    let data_path = dir.join("evaldata.json");
    let data = load_snippets(&data_path)?;
    if data.is_empty() {
        return Err(EvalError::Empty { path: data_path });
    }
    let mut sums = [0u64; 4];
    let mut total = Duration::ZERO;
    for page in data.values() {
        let html = read_page(&dir.join("html").join(&page.file))?;
        let start = Instant::now();
        let text = ingest::html::extract(&html).main_text();
        total += start.elapsed();
        for (s, c) in sums.iter_mut().zip(snippet_counts(page, &text)) {
            *s += c;
        }
    }
    let [tp, fn_, fp, tn] = sums;
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let secs = total.as_secs_f64();
    Ok(SnippetReport {
        pages: data.len(),
        tp,
        fn_,
        fp,
        tn,
        precision,
        recall,
        f1: if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        },
        accuracy: ratio(tp + tn, tp + fn_ + fp + tn),
        pages_per_s: if secs > 0.0 {
            data.len() as f64 / secs
        } else {
            0.0
        },
    })
}

/// The report of either benchmark.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AnyReport {
    /// The article-extraction benchmark.
    Shingles(ExtractionReport),
    /// The snippet benchmark.
    Snippets(SnippetReport),
}

/// Runs the benchmark in `dir`: the snippet one when it holds `evaldata.json`, else the
/// article-extraction one.
pub fn run_dir(dir: &Path) -> Result<AnyReport, EvalError> {
    if dir.join("evaldata.json").is_file() {
        run_snippets(dir).map(AnyReport::Snippets)
    } else {
        run(dir).map(AnyReport::Shingles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(t: &str, p: &str) -> (u64, u64, u64) {
        let c = page_counts(t, p);
        (c.tp, c.fp, c.fn_)
    }

    #[test]
    fn tokens_are_unicode_word_runs_case_kept() {
        assert_eq!(
            tokens("Héllo, wörld! it's 4_2 Ünïcode"),
            vec!["Héllo", "wörld", "it", "s", "4_2", "Ünïcode"]
        );
        assert!(tokens(" ,.;— ").is_empty());
    }

    #[test]
    fn shingles_are_four_grams_as_multiset() {
        let s = shingles("a b c d a b c d");
        assert_eq!(s.len(), 4);
        assert_eq!(s.get(&["a", "b", "c", "d"]), Some(&2));
        assert_eq!(s.values().sum::<u32>(), 5);
    }

    #[test]
    fn short_text_gives_one_shingle_and_empty_none() {
        let s = shingles("just two");
        assert_eq!(s.len(), 1);
        assert_eq!(s.get(&["just", "two", "", ""]), Some(&1));
        assert!(shingles("").is_empty());
        assert!(shingles("!!").is_empty());
    }

    #[test]
    fn case_matters() {
        assert_eq!(counts("a b c d", "A b c d"), (0, 1, 1));
    }

    #[test]
    fn multiset_counts() {
        // truth has the shingle twice, prediction three times: 2 TP, 1 FP.
        assert_eq!(
            counts("a b c d a b c d", "a b c d a b c d a b c d"),
            (5, 4, 0)
        );
        assert_eq!(counts("w x y z", "a b c d w x y z"), (1, 4, 0));
        assert_eq!(counts("a b c d w x y z", "w x y z"), (1, 0, 4));
    }

    #[test]
    fn page_conventions() {
        // Both empty: FP = FN = 0 but not counted in either average.
        let c = page_counts("", "");
        assert_eq!((c.precision(), c.recall()), (None, None));
        // Perfect.
        let c = page_counts("a b c d e", "a b c d e");
        assert_eq!((c.precision(), c.recall()), (Some(1.0), Some(1.0)));
        // Nothing predicted: no precision, recall 0.
        let c = page_counts("a b c d", "");
        assert_eq!((c.precision(), c.recall()), (None, Some(0.0)));
        // Nothing true: precision 0, no recall.
        let c = page_counts("", "a b c d");
        assert_eq!((c.precision(), c.recall()), (Some(0.0), None));
        // Disjoint: both 0.
        let c = page_counts("a b c d", "e f g h");
        assert_eq!((c.precision(), c.recall()), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn f1_is_harmonic_mean_of_averages_not_mean_of_page_f1() {
        let pages = [
            page_counts("a b c d e", "a b c d e"), // P 1, R 1
            page_counts("a b c d", ""),            // P -, R 0
            page_counts("", "a b c d"),            // P 0, R -
        ];
        let s = aggregate(&pages);
        assert_eq!(s.pages, 3);
        assert!((s.precision - 0.5).abs() < 1e-12);
        assert!((s.recall - 0.5).abs() < 1e-12);
        assert!((s.f1 - 0.5).abs() < 1e-12);

        let pages = [
            page_counts("a b c d e f", "a b c d e f x y z w"), // TP 3 FP 4 FN 0
            page_counts("a b c d e", "a b c d"),               // TP 1 FP 0 FN 1
        ];
        let s = aggregate(&pages);
        let p = (3.0 / 7.0 + 1.0) / 2.0;
        let r = (1.0 + 0.5) / 2.0;
        assert!((s.precision - p).abs() < 1e-12);
        assert!((s.recall - r).abs() < 1e-12);
        assert!((s.f1 - 2.0 * p * r / (p + r)).abs() < 1e-12);
    }

    #[test]
    fn missing_prediction_counts_as_empty() {
        let truth: BTreeMap<String, String> = [("x".to_string(), "a b c d".to_string())]
            .into_iter()
            .collect();
        let s = score_predictions(&truth, &BTreeMap::new());
        assert_eq!(s.pages, 1);
        assert_eq!(s.recall, 0.0);
        assert_eq!(s.f1, 0.0);
    }

    #[test]
    fn report_has_exactly_the_documented_keys() {
        let r = ExtractionReport {
            pages: 1,
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
            pages_per_s: 2.0,
        };
        let v = serde_json::to_value(&r).unwrap_or_default();
        let keys: Vec<&String> = v
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["f1", "pages", "pages_per_s", "precision", "recall"]);
    }

    #[test]
    fn snippet_counts_by_substring() {
        let page = SnippetPage {
            file: String::new(),
            with: vec!["kept text".into(), "lost text".into()],
            without: vec!["Share this".into(), "Menu".into()],
        };
        assert_eq!(
            snippet_counts(&page, "Some kept text here.\n\nShare this"),
            [1, 1, 1, 1]
        );
        assert_eq!(snippet_counts(&page, ""), [0, 2, 0, 2]);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("eval-extraction-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let e = run(&dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("ground-truth.json"), "{e}");
        let bad = dir.join("ground-truth.json");
        let _ = std::fs::write(&bad, "[1, 2]");
        let e = run(&dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.contains("ground-truth.json") && e.contains("object"),
            "{e}"
        );
        let _ = std::fs::write(&bad, r#"{"p1": {"articleBody": "a b c d"}}"#);
        let e = run(&dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("p1.html.gz"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
