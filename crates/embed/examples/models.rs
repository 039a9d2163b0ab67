//! Developer tool: `cargo run --release -p embed --example models -- fetch|list|spearman`.
//! `spearman` measures the static tier against the full model on sentence pairs drawn from
//! `../shared/stories/*/*.txt` (crude splitting; a measurement, not product code).

use std::path::PathBuf;
use std::time::Instant;

use embed::{MiniLm, ModelStore, StaticEmbedder};

fn ranks(x: &[f32]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn story_sentences() -> Vec<String> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/stories");
    let mut out = Vec::new();
    let Ok(stories) = std::fs::read_dir(&shared) else {
        return out;
    };
    let mut files: Vec<PathBuf> = stories
        .flatten()
        .filter_map(|s| std::fs::read_dir(s.path()).ok())
        .flat_map(|d| d.flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for line in text.lines() {
            for s in line.split(". ") {
                let words = s.split_whitespace().count();
                if (5..=60).contains(&words) {
                    out.push(s.trim().to_string());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// User + system CPU time of this process, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 of the whole line are the 12th and 13th after the command name.
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cmd = std::env::args().nth(1).unwrap_or_default();
    let store = ModelStore::locate(None)?;
    match cmd.as_str() {
        "fetch" => {
            let t = Instant::now();
            let m = store.fetch(|s| eprintln!("{s}"))?;
            eprintln!("{m:?} in {:.1}s", t.elapsed().as_secs_f64());
        }
        "list" => {
            for m in store.list() {
                println!(
                    "{}\t{:?}\t{}\t{} bytes",
                    m.name,
                    m.kind,
                    m.dir.display(),
                    m.bytes
                );
            }
        }
        "spearman" => {
            let dir = store.require_minilm()?;
            let full = MiniLm::load(&dir)?;
            let stat = StaticEmbedder::load(&dir)?;
            // With an argument `token`, compare a table distilled from the token position only.
            let alt = if std::env::args().nth(2).as_deref() == Some("token") {
                let t = embed::distil_with(&full, embed::Distillation::TokenOnly, &mut |_| {})?;
                let tmp = std::env::temp_dir().join("corroborate-static-token");
                std::fs::create_dir_all(&tmp)?;
                t.save(&tmp.join(embed::STATIC_FILE))?;
                std::fs::copy(dir.join("tokenizer.json"), tmp.join("tokenizer.json"))?;
                Some(StaticEmbedder::load(&tmp)?)
            } else {
                None
            };
            let stat = alt.unwrap_or(stat);
            let sents = story_sentences();
            let refs: Vec<&str> = sents.iter().map(String::as_str).collect();
            let a = full.embed_texts(&refs)?;
            let b = stat.embed_texts(&refs)?;
            let t = Instant::now();
            let many: Vec<&str> = refs.iter().copied().cycle().take(100_000).collect();
            let n = stat.embed_texts(&many)?.len();
            println!(
                "static: {:.0} sentences/s",
                n as f64 / t.elapsed().as_secs_f64()
            );
            let (mut ca, mut cb) = (Vec::new(), Vec::new());
            for i in 0..refs.len() {
                for j in i + 1..refs.len() {
                    ca.push(model::cosine(&a[i], &a[j]));
                    cb.push(model::cosine(&b[i], &b[j]));
                }
            }
            let rho = pearson(&ranks(&ca), &ranks(&cb));
            println!(
                "{} sentences, {} pairs: Spearman(static, full) = {rho:.4}",
                refs.len(),
                ca.len()
            );
        }
        "speed" => {
            // Wall time is meaningless on a shared machine; process CPU time is reported too:
            // sentences per CPU-second times 2 estimates two unshared cores.
            let dir = store.require_minilm()?;
            let full = MiniLm::load(&dir)?;
            let sents: Vec<String> = story_sentences()
                .into_iter()
                .filter(|s| (12..=40).contains(&s.split_whitespace().count()))
                .collect();
            let refs: Vec<&str> = sents.iter().map(String::as_str).collect();
            let batches: Vec<Vec<&str>> = refs
                .iter()
                .copied()
                .cycle()
                .take(32 * 20)
                .collect::<Vec<_>>()
                .chunks(32)
                .map(<[&str]>::to_vec)
                .collect();
            full.embed_texts(&batches[0])?;
            let (t, c) = (Instant::now(), cpu_seconds());
            for b in &batches {
                full.embed_texts(b)?;
            }
            let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
            let n = (batches.len() * 32) as f64;
            println!(
                "full model, batch 32, {} distinct sentences of 12-40 words: {:.1} sent/s wall, \
                 {:.1} sent per CPU-second ({:.1} on 2 unshared cores)",
                refs.len(),
                n / wall,
                n / cpu,
                2.0 * n / cpu
            );
        }
        _ => eprintln!("usage: models fetch|list|spearman|speed"),
    }
    Ok(())
}
