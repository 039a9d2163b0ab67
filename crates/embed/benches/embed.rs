//! Full-model sentences per second (batch 32), static-tier sentences per second (all threads
//! and one thread), and load times. Needs the installed model (`corroborate models fetch`); skips without it.
//! Run on two threads as measured in the README: `RAYON_NUM_THREADS=2 cargo bench -p embed`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use embed::{MiniLm, ModelStore, StaticEmbedder};

/// News-like sentences of 12–40 words (written for this benchmark).
const SENTENCES: &[&str] = &[
    "The defense secretary ordered a pause in offensive cyber operations against Russia while negotiations continued.",
    "Officials said the decision was part of a broader review and did not affect defensive measures in any way.",
    "Lawmakers from both parties demanded a briefing, saying they had learned about the order from news reports rather than from the department.",
    "The central bank raised interest rates by a quarter point on Wednesday, its third increase this year.",
    "Heavy rain caused flooding across the northern provinces, forcing thousands of residents to leave their homes overnight.",
    "A spokesperson declined to say how long the pause would last or whether it had been requested by the White House.",
    "Analysts warned that halting operations could leave critical infrastructure more exposed to ransomware gangs operating from Russian territory, although others argued the risk was overstated.",
    "The company reported quarterly revenue of 4.2 billion dollars, slightly above what analysts had expected.",
    "Police said at least twelve people were injured when a bus collided with a truck on the motorway near the border early on Sunday morning.",
    "The minister denied that she had met the lobbyist, contradicting an account given by her own deputy last week.",
    "Negotiators meeting in Saudi Arabia discussed a possible ceasefire, but no agreement was announced at the end of the talks.",
    "Independent researchers said they had seen no change in the volume of attacks coming from groups linked to the Russian state since the order was reportedly issued, adding that it was too early to draw conclusions.",
];

fn corpus(n: usize) -> Vec<&'static str> {
    SENTENCES.iter().copied().cycle().take(n).collect()
}

fn main() {
    let Ok(store) = ModelStore::locate(None) else {
        eprintln!("SKIP: no model store");
        return;
    };
    let Some(installed) = store.minilm() else {
        eprintln!("SKIP: model not installed (run `{}`)", embed::FETCH_COMMAND);
        return;
    };
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(3));

    c.bench_function("load all-MiniLM-L6-v2 (with sha256 check)", |b| {
        b.iter(|| MiniLm::load(black_box(&installed.dir)).map(|m| m.dim()))
    });

    let model = match MiniLm::load(&installed.dir) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("SKIP: {e}");
            return;
        }
    };
    let batch = corpus(32);
    let check = model
        .embed_texts(&batch)
        .map(|v| v.len() == 32 && v[0].len() == 384);
    assert_eq!(check.ok(), Some(true), "full model gives 32 vectors of 384");
    let mut g = c.benchmark_group("full");
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function("minilm f32, batch 32", |b| {
        b.iter(|| model.embed_texts(black_box(&batch)))
    });
    g.finish();

    match StaticEmbedder::load(&installed.dir) {
        Ok(stat) => {
            let many = corpus(4096);
            let check = stat
                .embed_texts(&many)
                .map(|v| v.len() == 4096 && v[0].len() == stat.dim());
            assert_eq!(
                check.ok(),
                Some(true),
                "static tier gives one vector a sentence"
            );
            let mut g = c.benchmark_group("static");
            g.throughput(Throughput::Elements(many.len() as u64));
            g.bench_function("static tier, 4096 sentences", |b| {
                b.iter(|| stat.embed_texts(black_box(&many)))
            });
            // The ≥ 50,000 sentences/s target is for one core, tokenisation included.
            let one = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .expect("a one-thread pool");
            g.bench_function("static tier, 4096 sentences, one thread", |b| {
                b.iter(|| one.install(|| stat.embed_texts(black_box(&many))))
            });
            g.finish();
            c.bench_function("load static tier (table + tokenizer)", |b| {
                b.iter(|| StaticEmbedder::load(black_box(&installed.dir)).map(|s| s.dim()))
            });
        }
        Err(e) => eprintln!("SKIP static tier: {e}"),
    }
    c.final_summary();
}
