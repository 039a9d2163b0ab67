//! Sentence-pair benchmark on ECB+: does the sentence-embedding model make statement alignment
//! better than lexical similarity alone?
//!
//! ECB+ (CROMER XML, see `../shared/data/README.md`) annotates event mentions and links them
//! across documents into event chains (`CROSS_DOC_COREF` with a `note` starting `ACT`). Each
//! topic folder holds two sub-topics (`*ecb.xml`, `*ecbplus.xml`): two real events of one kind.
//!
//! A sentence is kept when `ECBplus_coreference_sentences.csv` lists it as annotated and it
//! holds a mention of an event chain. Within a topic, two kept sentences of different
//! documents form a positive pair when they are of one sub-topic and share an event chain, a
//! negative pair when they share none (the other sub-topic gives hard negatives); the few
//! pairs across sub-topics that share a chain are neither.
//!
//! Scores come from [`crosscheck::align::align`] run on one article per document, whose
//! statements are exactly its kept sentences, so that the benchmark measures the similarities
//! alignment groups by.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use model::{ArticleAnalysis, ArticleReport, Block, BlockKind, Document, Sentence, Span};

/// Files larger than this are skipped: ECB+ documents are tens of kilobytes, so a bigger file
/// is not one of them.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// The grouping threshold of alignment (`EDGE` in `crosscheck::align`): a pair at least this
/// similar may join two groups.
pub const EDGE: f32 = 0.3;

/// What can stop the benchmark.
#[derive(Debug, thiserror::Error)]
pub enum PairsError {
    /// A file or folder could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The list of annotated sentences does not parse.
    #[error("{path}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// One CROMER document, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cromer {
    /// Tokens of each sentence number, in document order.
    pub sentences: BTreeMap<u32, Vec<String>>,
    /// The cross-document event chains (`ACT…`) each sentence mentions.
    pub chains: BTreeMap<u32, BTreeSet<String>>,
}

/// Parses a CROMER document. Elements missing an attribute are skipped rather than fatal:
/// one odd mention should not cost a document.
pub fn parse_cromer(xml: &str) -> Result<Cromer, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| e.to_string())?;
    let mut out = Cromer::default();
    let mut sentence_of: HashMap<&str, u32> = HashMap::new();
    // Mention id → sentences of its tokens.
    let mut mentions: HashMap<&str, BTreeSet<u32>> = HashMap::new();
    // `descendants` walks the tree iteratively, so a deep input cannot exhaust the stack.
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        if tag == "token" {
            let (Some(t_id), Some(s)) = (
                node.attribute("t_id"),
                node.attribute("sentence")
                    .and_then(|s| s.parse::<u32>().ok()),
            ) else {
                continue;
            };
            sentence_of.insert(t_id, s);
            out.sentences
                .entry(s)
                .or_default()
                .push(node.text().unwrap_or("").trim().to_string());
        } else if node
            .parent_element()
            .is_some_and(|p| p.has_tag_name("Markables"))
        {
            // Chain-instance elements (with `instance_id`) anchor no tokens; they fall out here.
            let Some(m_id) = node.attribute("m_id") else {
                continue;
            };
            let sents: BTreeSet<u32> = node
                .children()
                .filter(|c| c.has_tag_name("token_anchor"))
                .filter_map(|c| sentence_of.get(c.attribute("t_id")?).copied())
                .collect();
            if !sents.is_empty() {
                mentions.entry(m_id).or_default().extend(sents);
            }
        } else if tag == "CROSS_DOC_COREF" {
            // Only event chains; the mention's own tag is not checked, as the corpus README
            // says a chain's tag overrides its mentions' (one NON_HUMAN_PART is in an ACT chain).
            let Some(chain) = node.attribute("note").filter(|n| n.starts_with("ACT")) else {
                continue;
            };
            for src in node.children().filter(|c| c.has_tag_name("source")) {
                let Some(sents) = src.attribute("m_id").and_then(|m| mentions.get(m)) else {
                    continue;
                };
                for &s in sents {
                    out.chains.entry(s).or_default().insert(chain.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// A sentence's text from its tokens: single spaces, with punctuation glued to its word and
/// PTB quotes (`` ''), which ECB+ uses, written as plain ones.
pub fn sentence_text(tokens: &[String]) -> String {
    const NO_SPACE_BEFORE: [&str; 16] = [
        ".", ",", ";", ":", "!", "?", ")", "]", "}", "%", "''", "'s", "'S", "n't", "'re", "'ve",
    ];
    const NO_SPACE_AFTER: [&str; 5] = ["(", "[", "{", "$", "``"];
    let mut out = String::new();
    let mut glue_next = true;
    for t in tokens.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !glue_next && !NO_SPACE_BEFORE.contains(&t) {
            out.push(' ');
        }
        out.push_str(match t {
            "``" | "''" => "\"",
            _ => t,
        });
        glue_next = NO_SPACE_AFTER.contains(&t);
    }
    out
}

/// The annotated sentences of `ECBplus_coreference_sentences.csv` (`Topic,File,Sentence
/// Number`, e.g. `1,10ecbplus,3`), as (document name `1_10ecbplus`, sentence number).
pub fn parse_annotated(csv: &str) -> Result<HashSet<(String, u32)>, String> {
    let mut out = HashSet::new();
    for (i, line) in csv.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.starts_with("Topic")) {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [topic, file, num] = f[..] else {
            return Err(format!("line {}: expected 3 fields", i + 1));
        };
        let num: u32 = num
            .parse()
            .map_err(|_| format!("line {}: bad sentence number {num:?}", i + 1))?;
        out.insert((format!("{topic}_{file}"), num));
    }
    Ok(out)
}

/// A kept sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// Its text.
    pub text: String,
    /// The event chains it mentions.
    pub chains: BTreeSet<String>,
}

/// A document with its kept sentences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcbDoc {
    /// The file stem, `1_10ecbplus`.
    pub name: String,
    /// True for the `ecbplus` sub-topic.
    pub plus: bool,
    /// Where it was read from.
    pub path: PathBuf,
    /// Kept sentences, in order.
    pub sentences: Vec<Sent>,
}

/// A topic: its documents that keep at least one sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// The folder name.
    pub name: String,
    /// Its documents, by file name.
    pub docs: Vec<EcbDoc>,
}

/// The corpus as the benchmark uses it.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Topics, in numeric order.
    pub topics: Vec<Topic>,
    /// Documents read.
    pub files: usize,
    /// Annotated sentences listed for `ecb` and for `ecbplus` documents.
    pub annotated: (usize, usize),
    /// Annotated sentences without any event-chain mention (dropped).
    pub annotated_without_chain: usize,
    /// Sentences with an event-chain mention that the list does not name (dropped).
    pub chained_not_annotated: usize,
    /// Files skipped, and why.
    pub skipped: Vec<String>,
}

impl Corpus {
    /// Kept sentences over all topics.
    pub fn sentences(&self) -> usize {
        self.topics.iter().map(Topic::len).sum()
    }
}

/// The text of `path`, or none when it is larger than [`MAX_FILE_BYTES`] (skipped).
fn read_capped(path: &Path) -> Result<Option<String>, PairsError> {
    match crate::read_capped(path, MAX_FILE_BYTES) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(crate::extraction::EvalError::Io { path, source }) => {
            Err(PairsError::Io { path, source })
        }
        Err(_) => Ok(None),
    }
}

/// Sub-folders or files of `dir`, sorted.
fn list(dir: &Path) -> Result<Vec<PathBuf>, PairsError> {
    let rd = std::fs::read_dir(dir).map_err(|source| PairsError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

/// Numeric order for names like `10` and `1_10ecb`: by the leading numbers, then by name.
fn numeric_key(name: &str) -> (Vec<u64>, String) {
    let nums = name
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    (nums, name.to_string())
}

/// Loads the corpus from `root` (the `ecbplus` folder, holding `ECB+/` and `ECB+_LREC2014/`).
pub fn load(root: &Path) -> Result<Corpus, PairsError> {
    let csv_path = root.join("ECB+_LREC2014/ECBplus_coreference_sentences.csv");
    let csv = read_capped(&csv_path)?.ok_or_else(|| PairsError::Csv {
        path: csv_path.clone(),
        message: format!("larger than {MAX_FILE_BYTES} bytes"),
    })?;
    let annotated = parse_annotated(&csv).map_err(|message| PairsError::Csv {
        path: csv_path.clone(),
        message,
    })?;
    let mut corpus = Corpus {
        annotated: (
            annotated.iter().filter(|(d, _)| d.ends_with("ecb")).count(),
            annotated
                .iter()
                .filter(|(d, _)| d.ends_with("ecbplus"))
                .count(),
        ),
        ..Corpus::default()
    };
    let mut dirs: Vec<PathBuf> = list(&root.join("ECB+"))?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort_by_key(|p| numeric_key(&file_name(p)));
    for dir in dirs {
        let mut topic = Topic {
            name: file_name(&dir),
            docs: Vec::new(),
        };
        let mut files: Vec<PathBuf> = list(&dir)?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort_by_key(|p| numeric_key(&file_name(p)));
        for path in files {
            let name = file_name(&path).trim_end_matches(".xml").to_string();
            let Some(xml) = read_capped(&path)? else {
                corpus.skipped.push(format!(
                    "{}: larger than {MAX_FILE_BYTES} bytes",
                    path.display()
                ));
                continue;
            };
            let parsed = match parse_cromer(&xml) {
                Ok(p) => p,
                Err(e) => {
                    corpus.skipped.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            corpus.files += 1;
            let listed = |n: u32| annotated.contains(&(name.clone(), n));
            corpus.chained_not_annotated += parsed.chains.keys().filter(|&&n| !listed(n)).count();
            corpus.annotated_without_chain += parsed
                .sentences
                .keys()
                .filter(|&&n| listed(n) && !parsed.chains.contains_key(&n))
                .count();
            let sentences: Vec<Sent> = parsed
                .chains
                .iter()
                .filter(|(&n, _)| listed(n))
                .filter_map(|(&n, chains)| {
                    let text = sentence_text(parsed.sentences.get(&n)?);
                    (!text.is_empty()).then(|| Sent {
                        text,
                        chains: chains.clone(),
                    })
                })
                .collect();
            if !sentences.is_empty() {
                topic.docs.push(EcbDoc {
                    plus: name.ends_with("ecbplus"),
                    name,
                    path,
                    sentences,
                });
            }
        }
        if !topic.docs.is_empty() {
            corpus.topics.push(topic);
        }
    }
    Ok(corpus)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What a pair is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// One sub-topic, a shared event chain.
    Positive,
    /// One sub-topic, no shared event chain.
    Negative,
    /// Different sub-topics (so different real events of one kind), no shared event chain.
    HardNegative,
}

impl Label {
    /// True for a positive pair.
    pub fn positive(self) -> bool {
        self == Label::Positive
    }
}

/// A sentence pair of one topic: indices into [`Topic::flat`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The first sentence.
    pub a: usize,
    /// The second, of a later document.
    pub b: usize,
    /// What it is.
    pub label: Label,
}

impl Topic {
    /// Kept sentences.
    pub fn len(&self) -> usize {
        self.docs.iter().map(|d| d.sentences.len()).sum()
    }

    /// True when no sentence is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every kept sentence as (document index, sentence index), documents then sentences in
    /// order: the order in which alignment numbers statements.
    pub fn flat(&self) -> Vec<(usize, usize)> {
        self.docs
            .iter()
            .enumerate()
            .flat_map(|(d, doc)| (0..doc.sentences.len()).map(move |s| (d, s)))
            .collect()
    }

    /// The labelled pairs, and how many pairs across sub-topics share a chain (left out).
    pub fn pairs(&self) -> (Vec<Pair>, usize) {
        let flat = self.flat();
        let mut out = Vec::new();
        let mut left_out = 0;
        for (a, &(da, sa)) in flat.iter().enumerate() {
            for (b, &(db, sb)) in flat.iter().enumerate().skip(a + 1) {
                if da == db {
                    continue;
                }
                let (x, y) = (&self.docs[da], &self.docs[db]);
                let shared = !x.sentences[sa].chains.is_disjoint(&y.sentences[sb].chains);
                let label = match (x.plus == y.plus, shared) {
                    (true, true) => Label::Positive,
                    (true, false) => Label::Negative,
                    (false, false) => Label::HardNegative,
                    (false, true) => {
                        left_out += 1;
                        continue;
                    }
                };
                out.push(Pair { a, b, label });
            }
        }
        (out, left_out)
    }

    /// One article per document: its kept sentences joined by blank lines, each a body
    /// sentence and no statements, so that alignment takes each sentence as one statement.
    pub fn articles(&self) -> Vec<ArticleReport> {
        self.docs
            .iter()
            .map(|d| {
                let mut text = String::new();
                let mut sentences = Vec::with_capacity(d.sentences.len());
                for s in &d.sentences {
                    if !text.is_empty() {
                        text.push_str("\n\n");
                    }
                    let start = text.len();
                    text.push_str(&s.text);
                    sentences.push(Sentence {
                        span: Span::new(start, text.len()),
                        block: 0,
                        kind: BlockKind::Body,
                    });
                }
                let body = vec![Block {
                    kind: BlockKind::Body,
                    span: Span::new(0, text.len()),
                    reason: String::new(),
                }];
                let document = Document::plain(&d.name, &d.path.display().to_string(), text, body);
                ArticleReport {
                    document,
                    analysis: ArticleAnalysis {
                        sentences,
                        ..ArticleAnalysis::default()
                    },
                }
            })
            .collect()
    }
}

/// A topic aligned, with the similarities of its pairs.
#[derive(Debug)]
pub struct TopicRun {
    /// The topic's name.
    pub topic: String,
    /// Its pairs.
    pub pairs: Vec<Pair>,
    /// Pairs left out (a chain shared across sub-topics).
    pub left_out: usize,
    /// Lexical similarity of each pair.
    pub lexical: Vec<f32>,
    /// Cosine of the full model's vectors, when there is a model.
    pub model: Option<Vec<f32>>,
    /// Cosine of the static tier's vectors, when there is one.
    pub stat: Option<Vec<f32>>,
    /// `Alignment::sim` with the full model on every statement, when there is a model.
    pub blended: Option<Vec<f32>>,
    /// `Alignment::sim` as the pipeline runs, when there is a static tier: it picks the
    /// statements the full model embeds; the others compare lexically.
    pub as_run: Option<Vec<f32>>,
    /// Statements the full model embedded as the pipeline runs.
    pub embedded_as_run: Option<usize>,
}

impl TopicRun {
    /// Pairs with this label.
    pub fn count(&self, label: Label) -> usize {
        self.pairs.iter().filter(|p| p.label == label).count()
    }

    /// Each similarity: its name, whether it is on the scale of [`EDGE`], and its scores.
    pub fn similarities(&self) -> [(&'static str, bool, Option<&[f32]>); 5] {
        [
            ("lexical", true, Some(&self.lexical)),
            ("model cosine", false, self.model.as_deref()),
            ("static cosine", false, self.stat.as_deref()),
            ("blended", true, self.blended.as_deref()),
            (
                "blended, as the pipeline runs",
                true,
                self.as_run.as_deref(),
            ),
        ]
    }
}

/// Aligns a topic with no model, with the full model alone (so that it embeds every
/// statement) and with `services` as the pipeline has them, and scores its pairs.
pub fn run_topic(topic: &Topic, services: crosscheck::Services<'_>) -> Result<TopicRun, String> {
    let articles = topic.articles();
    let flat = topic.flat();
    let (pairs, left_out) = topic.pairs();
    let align = |embedder, fast| {
        let services = crosscheck::Services {
            embedder,
            fast,
            judge: None,
        };
        crosscheck::align::align(&articles, services)
    };
    let plain = align(None, None);
    let full = services.embedder.map(|e| align(Some(e), None));
    let as_run = services
        .embedder
        .zip(services.fast)
        .map(|(e, f)| align(Some(e), Some(f)));
    let stmt = statement_index(topic, &flat, &plain)?;
    for al in full.iter().chain(&as_run) {
        if statement_index(topic, &flat, al)? != stmt {
            return Err("statements differ with and without the model".into());
        }
    }
    let score = |f: &dyn Fn(usize, usize) -> f32| -> Vec<f32> {
        pairs.iter().map(|p| f(stmt[p.a], stmt[p.b])).collect()
    };
    let lexical = score(&|i, j| plain.lexical(i, j));
    if let Some(al) = &full {
        let drift = score(&|i, j| al.lexical(i, j))
            .iter()
            .zip(&lexical)
            .any(|(a, b)| (a - b).abs() > 1e-6);
        if drift {
            return Err("lexical similarity differs with the model".into());
        }
    }
    let cosines = |v: &[Vec<f32>]| -> Option<Vec<f32>> {
        pairs
            .iter()
            .map(|p| {
                let (x, y) = (v.get(stmt[p.a])?, v.get(stmt[p.b])?);
                (!x.is_empty() && !y.is_empty()).then(|| model::cosine(x, y))
            })
            .collect()
    };
    let model = match &full {
        Some(al) => Some(
            al.vectors
                .as_deref()
                .and_then(cosines)
                .ok_or("the model did not embed every statement")?,
        ),
        None => None,
    };
    let stat = match services.fast {
        Some(f) => {
            let texts: Vec<&str> = plain.stmts.iter().map(|s| s.text.as_str()).collect();
            let v = f.embed(&texts).map_err(|e| e.to_string())?;
            Some(cosines(&v).ok_or("the static tier did not embed every statement")?)
        }
        None => None,
    };
    Ok(TopicRun {
        topic: topic.name.clone(),
        left_out,
        lexical,
        model,
        stat,
        blended: full.as_ref().map(|al| score(&|i, j| al.sim(i, j))),
        embedded_as_run: as_run
            .as_ref()
            .and_then(|al| al.vectors.as_ref())
            .map(|v| v.iter().filter(|x| !x.is_empty()).count()),
        as_run: as_run.as_ref().map(|al| score(&|i, j| al.sim(i, j))),
        pairs,
    })
}

/// The statement of each sentence, checked by text: the mapping must not rest on the order
/// in which alignment happens to collect statements.
fn statement_index(
    topic: &Topic,
    flat: &[(usize, usize)],
    al: &crosscheck::align::Alignment,
) -> Result<Vec<usize>, String> {
    let mut by_place: HashMap<(usize, usize), usize> = HashMap::new();
    for (k, s) in al.stmts.iter().enumerate() {
        if s.part_of.is_none() {
            by_place.insert((s.doc, s.span.start), k);
        }
    }
    let articles_starts: Vec<Vec<usize>> = topic
        .docs
        .iter()
        .map(|d| {
            let mut pos = 0;
            d.sentences
                .iter()
                .map(|s| {
                    let start = pos;
                    pos += s.text.len() + 2;
                    start
                })
                .collect()
        })
        .collect();
    flat.iter()
        .map(|&(d, s)| {
            let want = &topic.docs[d].sentences[s].text;
            let k = by_place
                .get(&(d, articles_starts[d][s]))
                .copied()
                .filter(|&k| al.stmts[k].text == *want)
                .ok_or_else(|| format!("no statement for {} sentence {s}", topic.docs[d].name))?;
            Ok(k)
        })
        .collect()
}

/// Precision, recall and F1 at a threshold.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prf {
    /// The threshold: a pair is predicted positive when its score is at least this.
    pub threshold: f32,
    /// Precision (1 when nothing is predicted).
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

fn prf(tp: usize, fp: usize, pos: usize, threshold: f32) -> Prf {
    let precision = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if pos == 0 {
        0.0
    } else {
        tp as f64 / pos as f64
    };
    let f1 = if tp == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Prf {
        threshold,
        precision,
        recall,
        f1,
    }
}

/// Precision, recall and F1 of `score >= t`.
pub fn prf_at(scored: &[(f32, bool)], t: f32) -> Prf {
    let pos = scored.iter().filter(|s| s.1).count();
    let tp = scored.iter().filter(|s| s.1 && s.0 >= t).count();
    let fp = scored.iter().filter(|s| !s.1 && s.0 >= t).count();
    prf(tp, fp, pos, t)
}

/// Scores from highest down, grouped by equal score: (score, positives, negatives).
fn tie_groups(scored: &[(f32, bool)]) -> Vec<(f32, usize, usize)> {
    let mut s: Vec<(f32, bool)> = scored.to_vec();
    s.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<(f32, usize, usize)> = Vec::new();
    for (v, p) in s {
        match out.last_mut() {
            Some(g) if g.0 == v => {
                if p {
                    g.1 += 1;
                } else {
                    g.2 += 1;
                }
            }
            _ => out.push((v, usize::from(p), usize::from(!p))),
        }
    }
    out
}

/// The threshold (one of the scores) with the best F1.
pub fn best_f1(scored: &[(f32, bool)]) -> Prf {
    let pos = scored.iter().filter(|s| s.1).count();
    let (mut tp, mut fp) = (0, 0);
    let mut best = Prf::default();
    for (v, p, n) in tie_groups(scored) {
        tp += p;
        fp += n;
        let r = prf(tp, fp, pos, v);
        if r.f1 > best.f1 {
            best = r;
        }
    }
    best
}

/// Average precision: the mean of the precision at each positive, taking tied scores
/// together (as scikit-learn does). None without positives.
pub fn average_precision(scored: &[(f32, bool)]) -> Option<f64> {
    let pos = scored.iter().filter(|s| s.1).count();
    if pos == 0 {
        return None;
    }
    let (mut tp, mut fp, mut ap) = (0usize, 0usize, 0.0f64);
    for (_, p, n) in tie_groups(scored) {
        tp += p;
        fp += n;
        ap += p as f64 / pos as f64 * tp as f64 / (tp + fp) as f64;
    }
    Some(ap)
}

/// ROC AUC: the chance that a random positive scores above a random negative, ties counting
/// half. None without positives or without negatives.
pub fn roc_auc(scored: &[(f32, bool)]) -> Option<f64> {
    let pos = scored.iter().filter(|s| s.1).count();
    let neg = scored.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    // Walking from the lowest score: each positive beats the negatives below it.
    let (mut below, mut wins) = (0usize, 0.0f64);
    for (_, p, n) in tie_groups(scored).into_iter().rev() {
        wins += p as f64 * (below as f64 + n as f64 / 2.0);
        below += n;
    }
    Some(wins / (pos as f64 * neg as f64))
}

/// The highest recall at a threshold (one of the scores) where precision is at least
/// `min_precision`; 0 when there is none.
pub fn recall_at_precision(scored: &[(f32, bool)], min_precision: f64) -> f64 {
    let pos = scored.iter().filter(|s| s.1).count();
    let (mut tp, mut fp, mut best) = (0, 0, 0.0f64);
    for (v, p, n) in tie_groups(scored) {
        tp += p;
        fp += n;
        let r = prf(tp, fp, pos, v);
        if r.precision >= min_precision {
            best = best.max(r.recall);
        }
    }
    best
}

/// The metrics of one similarity.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    /// Average precision over all pairs.
    pub ap: f64,
    /// ROC AUC over all pairs.
    pub auc: f64,
    /// ROC AUC of the positives against the hard negatives (the other sub-topic) only.
    pub auc_hard: f64,
    /// Precision, recall and F1 at [`EDGE`], over all pairs.
    pub at_edge: Prf,
    /// Share of the hard negatives at or above [`EDGE`]: sentences about another real event
    /// that alignment could group with.
    pub hard_fpr_at_edge: f64,
    /// The highest recall over all pairs at a precision at least the reference's at [`EDGE`].
    pub recall_at_ref_precision: f64,
    /// The best-F1 threshold over all pairs.
    pub best: Prf,
    /// Mean over topics of the average precision.
    pub macro_ap: f64,
    /// Mean over topics of the ROC AUC.
    pub macro_auc: f64,
    /// Mean over topics of precision, recall and F1 at [`EDGE`].
    pub macro_at_edge: Prf,
    /// Topics whose average precision is higher than the reference's.
    pub topics_better: usize,
    /// Topics with both positive and negative pairs: those the macro averages cover.
    pub topics: usize,
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    s / n.max(1) as f64
}

/// Per topic, (score, positive) of each pair.
fn binary(per_topic: &[Vec<(f32, Label)>]) -> Vec<Vec<(f32, bool)>> {
    per_topic
        .iter()
        .map(|v| v.iter().map(|&(s, l)| (s, l.positive())).collect())
        .collect()
}

/// The metrics of one similarity, given per topic as (score, label) lists, against a
/// `reference` similarity of the same pairs (lexical in the report). Macro averages skip
/// topics without a positive or a negative pair, where AP or AUC are undefined.
pub fn summarize(per_topic: &[Vec<(f32, Label)>], reference: &[Vec<(f32, Label)>]) -> Summary {
    let (topics, ref_topics) = (binary(per_topic), binary(reference));
    let all: Vec<(f32, bool)> = topics.concat();
    let hard: Vec<(f32, bool)> = per_topic
        .iter()
        .flatten()
        .filter(|p| p.1 != Label::Negative)
        .map(|&(s, l)| (s, l.positive()))
        .collect();
    let hard_neg: Vec<f32> = hard.iter().filter(|p| !p.1).map(|p| p.0).collect();
    let (topics, ref_topics): (Vec<_>, Vec<_>) = topics
        .into_iter()
        .zip(ref_topics)
        .filter(|(v, _)| roc_auc(v).is_some())
        .unzip();
    let edge: Vec<Prf> = topics.iter().map(|v| prf_at(v, EDGE)).collect();
    Summary {
        ap: average_precision(&all).unwrap_or(0.0),
        auc: roc_auc(&all).unwrap_or(0.0),
        auc_hard: roc_auc(&hard).unwrap_or(0.0),
        at_edge: prf_at(&all, EDGE),
        hard_fpr_at_edge: hard_neg.iter().filter(|&&s| s >= EDGE).count() as f64
            / hard_neg.len().max(1) as f64,
        recall_at_ref_precision: recall_at_precision(
            &all,
            prf_at(&ref_topics.concat(), EDGE).precision,
        ),
        best: best_f1(&all),
        macro_ap: mean(topics.iter().filter_map(|v| average_precision(v))),
        macro_auc: mean(topics.iter().filter_map(|v| roc_auc(v))),
        macro_at_edge: Prf {
            threshold: EDGE,
            precision: mean(edge.iter().map(|p| p.precision)),
            recall: mean(edge.iter().map(|p| p.recall)),
            f1: mean(edge.iter().map(|p| p.f1)),
        },
        topics_better: topics
            .iter()
            .zip(&ref_topics)
            .filter(|(v, r)| average_precision(v) > average_precision(r))
            .count(),
        topics: topics.len(),
    }
}

/// The summary of each similarity that every topic has, with its name and whether it is on
/// the scale of [`EDGE`], against lexical similarity.
pub fn summaries(runs: &[TopicRun]) -> Vec<(&'static str, bool, Summary)> {
    let labelled = |k: usize| -> Option<Vec<Vec<(f32, Label)>>> {
        runs.iter()
            .map(|r| {
                let scores = r.similarities()[k].2?;
                Some(
                    scores
                        .iter()
                        .copied()
                        .zip(r.pairs.iter().map(|p| p.label))
                        .collect(),
                )
            })
            .collect()
    };
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let lexical = labelled(0).unwrap_or_default();
    first
        .similarities()
        .iter()
        .enumerate()
        .filter_map(|(k, &(name, on_edge_scale, _))| {
            Some((name, on_edge_scale, summarize(&labelled(k)?, &lexical)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two sentences; an event chain over "quake" (sentence 0) and "struck" (sentence 1), an
    /// entity chain, a mention outside any chain, and a chain-instance element.
    const XML: &str = r#"<Document doc_name="9_1ecb.xml" doc_id="DOC1">
<token t_id="1" sentence="0" number="0">A</token>
<token t_id="2" sentence="0" number="1">quake</token>
<token t_id="3" sentence="0" number="2">hit</token>
<token t_id="4" sentence="0" number="3">Chile</token>
<token t_id="5" sentence="0" number="4">.</token>
<token t_id="6" sentence="1" number="0">``</token>
<token t_id="7" sentence="1" number="1">It</token>
<token t_id="8" sentence="1" number="2">struck</token>
<token t_id="9" sentence="1" number="3">hard</token>
<token t_id="10" sentence="1" number="4">''</token>
<token t_id="11" sentence="1" number="5">,</token>
<token t_id="12" sentence="1" number="6">officials</token>
<token t_id="13" sentence="1" number="7">said</token>
<token t_id="14" sentence="1" number="8">(</token>
<token t_id="15" sentence="1" number="9">AP</token>
<token t_id="16" sentence="1" number="10">)</token>
<Markables>
<ACTION_OCCURRENCE m_id="1"  >
  <token_anchor t_id="2"/>
  <token_anchor t_id="3"/>
</ACTION_OCCURRENCE>
<ACTION_OCCURRENCE m_id="2"  >
  <token_anchor t_id="8"/>
</ACTION_OCCURRENCE>
<ACTION_REPORTING m_id="3"  >
  <token_anchor t_id="13"/>
</ACTION_REPORTING>
<LOC_GEO m_id="4"  >
  <token_anchor t_id="4"/>
</LOC_GEO>
<ACTION_OCCURRENCE m_id="9" RELATED_TO="" TAG_DESCRIPTOR="t9_quake" instance_id="ACT111" />
</Markables>
<Relations>
<CROSS_DOC_COREF r_id="1" note="ACT111" >
  <source m_id="1" />
  <source m_id="2" />
  <target m_id="9" />
</CROSS_DOC_COREF>
<CROSS_DOC_COREF r_id="2" note="LOC222" >
  <source m_id="4" />
  <target m_id="10" />
</CROSS_DOC_COREF>
</Relations>
</Document>"#;

    #[test]
    fn parses_tokens_and_event_chains() {
        let c = parse_cromer(XML).unwrap();
        assert_eq!(c.sentences.len(), 2);
        assert_eq!(c.sentences[&0], ["A", "quake", "hit", "Chile", "."]);
        assert_eq!(sentence_text(&c.sentences[&0]), "A quake hit Chile.");
        assert_eq!(
            sentence_text(&c.sentences[&1]),
            "\"It struck hard\", officials said (AP)"
        );
        // Only the event chain counts; the entity chain and the unlinked report do not.
        let act: BTreeSet<String> = ["ACT111".to_string()].into();
        assert_eq!(c.chains.get(&0), Some(&act));
        assert_eq!(c.chains.get(&1), Some(&act));
        assert_eq!(c.chains.len(), 2);
    }

    #[test]
    fn rejects_broken_xml() {
        assert!(parse_cromer("<Document><token>").is_err());
    }

    #[test]
    fn reads_the_annotated_list() {
        let a = parse_annotated("Topic,File,Sentence Number\n1,10ecbplus,1\n1,10ecb,0\n").unwrap();
        assert!(a.contains(&("1_10ecbplus".to_string(), 1)));
        assert!(a.contains(&("1_10ecb".to_string(), 0)));
        assert_eq!(a.len(), 2);
        assert!(parse_annotated("Topic,File,Sentence Number\n1,10ecb,x\n").is_err());
    }

    fn sent(text: &str, chains: &[&str]) -> Sent {
        Sent {
            text: text.into(),
            chains: chains.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn doc(name: &str, sentences: Vec<Sent>) -> EcbDoc {
        EcbDoc {
            name: name.into(),
            plus: name.ends_with("ecbplus"),
            path: PathBuf::from(name),
            sentences,
        }
    }

    #[test]
    fn labels_pairs_by_sub_topic_and_chain() {
        let t = Topic {
            name: "9".into(),
            docs: vec![
                doc(
                    "9_1ecb",
                    vec![sent("A quake hit Chile.", &["A"]), sent("x", &["B"])],
                ),
                doc("9_2ecb", vec![sent("Chile was hit by a quake.", &["A"])]),
                doc(
                    "9_1ecbplus",
                    vec![sent("A quake hit Peru.", &["C"]), sent("y", &["B"])],
                ),
            ],
        };
        let (pairs, left_out) = t.pairs();
        let label = |a, b| pairs.iter().find(|p| p.a == a && p.b == b).map(|p| p.label);
        assert_eq!(label(0, 2), Some(Label::Positive));
        assert_eq!(label(1, 2), Some(Label::Negative));
        assert_eq!(label(0, 3), Some(Label::HardNegative));
        // Shared chain across sub-topics: neither.
        assert_eq!(label(1, 4), None);
        assert_eq!(left_out, 1);
        // Same document: never a pair.
        assert_eq!(label(0, 1), None);
        assert_eq!(pairs.len(), 8 - 1);

        let articles = t.articles();
        assert_eq!(articles[0].document.text, "A quake hit Chile.\n\nx");
        let run = run_topic(&t, crosscheck::Services::default()).unwrap();
        assert_eq!(run.lexical.len(), run.pairs.len());
        // The positive pair shares "quake", "hit" and "Chile"; the hard negative less.
        let lex = |a, b| run.lexical[run.pairs.iter().position(|p| p.a == a && p.b == b).unwrap()];
        assert!(lex(0, 2) > lex(0, 3));
        assert_eq!(run.count(Label::Positive), 1);
        // Without a model only the lexical row is there.
        assert!(run.similarities()[1..].iter().all(|s| s.2.is_none()));
        assert_eq!(summaries(&[run]).len(), 1);
    }

    #[test]
    fn ranking_metrics_on_a_hand_made_list() {
        // Ranked: + - + -  → AP = (1/1 + 2/3) / 2; AUC: 3 of 4 (pos, neg) pairs in order.
        let s = [(0.9, true), (0.8, false), (0.7, true), (0.1, false)];
        assert!((average_precision(&s).unwrap() - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-9);
        assert!((roc_auc(&s).unwrap() - 0.75).abs() < 1e-9);
        // Perfect and reversed rankings.
        assert_eq!(roc_auc(&[(1.0, true), (0.0, false)]), Some(1.0));
        assert_eq!(roc_auc(&[(0.0, true), (1.0, false)]), Some(0.0));
        // Ties count half, and take their precision together.
        assert_eq!(roc_auc(&[(0.5, true), (0.5, false)]), Some(0.5));
        assert_eq!(average_precision(&[(0.5, true), (0.5, false)]), Some(0.5));
        assert_eq!(average_precision(&[(0.5, false)]), None);
        assert_eq!(roc_auc(&[(0.5, true)]), None);

        let p = prf_at(&s, 0.75);
        assert_eq!((p.precision, p.recall), (0.5, 0.5));
        let b = best_f1(&s);
        // At 0.7: 2 of 3 predicted right, both positives found.
        assert_eq!(b.threshold, 0.7);
        assert!((b.f1 - 0.8).abs() < 1e-9);
    }

    #[test]
    fn summarizes_per_topic_and_pooled() {
        let t1 = vec![(0.9, Label::Positive), (0.2, Label::Negative)];
        let t2 = vec![(0.4, Label::Positive), (0.5, Label::HardNegative)];
        let t3 = vec![(0.1, Label::Negative)];
        let s = summarize(&[t1.clone(), t2.clone(), t3.clone()], &[t1, t2.clone(), t3]);
        // Topic 3 has no positive: left out of the macro averages.
        assert_eq!(s.topics, 2);
        assert!((s.macro_auc - 0.5).abs() < 1e-9);
        assert!((s.macro_ap - 0.75).abs() < 1e-9);
        // Pooled: positives 0.9, 0.4 against negatives 0.5, 0.2, 0.1 → 5 of 6 in order.
        assert!((s.auc - 5.0 / 6.0).abs() < 1e-9);
        // Against the hard negative only: 1 of 2.
        assert!((s.auc_hard - 0.5).abs() < 1e-9);
        assert_eq!(s.at_edge.recall, 1.0);
        assert_eq!(s.hard_fpr_at_edge, 1.0);
        // Against itself: the recall at its own precision at EDGE, and no topic better.
        assert_eq!(s.recall_at_ref_precision, 1.0);
        assert_eq!(s.topics_better, 0);
        // Topic 2 put right: better there, and at the reference's precision (2 of 3) it
        // finds both positives.
        let fixed = vec![(0.6, Label::Positive), (0.5, Label::HardNegative)];
        let t1 = vec![(0.9, Label::Positive), (0.2, Label::Negative)];
        let f = summarize(&[t1.clone(), fixed], &[t1, t2]);
        assert_eq!((f.topics_better, f.topics), (1, 2));
        assert_eq!(f.recall_at_ref_precision, 1.0);
    }

    #[test]
    fn recall_at_a_precision() {
        // Ranked: + - + -. Precision 1 reaches recall 1/2; 2/3 reaches 1.
        let s = [(0.9, true), (0.8, false), (0.7, true), (0.1, false)];
        assert_eq!(recall_at_precision(&s, 1.0), 0.5);
        assert_eq!(recall_at_precision(&s, 2.0 / 3.0), 1.0);
        assert_eq!(recall_at_precision(&[(0.5, false)], 0.5), 0.0);
    }
}
