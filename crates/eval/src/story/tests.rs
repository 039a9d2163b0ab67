//! `score` on a small hand-made story, independent of the engine.

use model::{
    ArticleAnalysis, ArticleReport, Attribution, AttributionEdge, Block, BlockKind, Conflict,
    ConflictKind, Document, EntityFlag, EntityForm, EntityKind, Evidence, Fact, FirstReport,
    Framing, Quote, QuotedStatement, Rendering, RenderingLabel, SourceKind, Span, Speaker,
    StoryEntity, StoryReport, Unique,
};
use serde_json::json;

use super::*;

const D1: &str = "Harbour reopens\n\nSubscribe now for updates\n\n\
The harbour reopened on Monday after the storm, officials said.\n\
The port authority said \"we are open for business\" in a statement.\n\
The Gazette first reported the \"news\".\n\
Share this article\n";

const D2: &str = "The harbour reopened on Tuesday, according to the Daily Courier.\n\
A senior port official said the harbour was \"open for business\".\n\
Captain Jo Marsh called it a \"triumph\".\n";

fn find(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in test text"));
    Span::new(start, start + needle.len())
}

/// Evidence for `needle` in document `id` (`d1_x` or `d2_y`).
fn ev(id: &str, needle: &str) -> Evidence {
    let text = if id == "d1_x" { D1 } else { D2 };
    Evidence::new(id, text, find(text, needle))
}

fn doc(id: &str, text: &str, blocks: Vec<(BlockKind, &str)>) -> Document {
    let blocks = blocks
        .into_iter()
        .map(|(kind, line)| Block {
            kind,
            span: find(text, line),
            reason: String::new(),
        })
        .collect();
    Document::plain(
        id,
        &format!("/stories/harbour/{id}.txt"),
        text.into(),
        blocks,
    )
}

fn quote(text: &str, needle: &str, speaker: &str, anonymous: bool) -> Quote {
    Quote {
        span: find(text, needle),
        speaker: Some(Speaker {
            name: speaker.into(),
            anonymous,
            entity: None,
            span: None,
        }),
        partial: true,
    }
}

fn attribution(text: &str, source: &str, at: &str) -> Attribution {
    Attribution {
        source: source.into(),
        kind: SourceKind::Outlet,
        count: None,
        span: find(text, at),
        first_report: false,
    }
}

fn gold() -> Gold {
    let gold: Gold = serde_json::from_value(json!({
        "files": {"d1": "d1_x.txt", "d2": "d2_y.txt"},
        "documents": {"d1": {
            "headline": "Harbour reopens",
            "body_first": "The harbour reopened on Monday",
            "body_last": "first reported the",
            "boilerplate": ["Subscribe now", "Share this"]
        }},
        "facts": [
            {"id": "F1", "fact": "reopened", "support": {
                "d1": "The harbour reopened on Monday", "d2": "The harbour reopened on Tuesday"}},
            {"id": "F2", "fact": "open", "support": {
                "d1": "we are open for business", "d2": "open for business"}}
        ],
        "contradictions": [
            {"id": "C1", "about": "day", "kind": "value conflict",
             "a": ["d1", "reopened on Monday"], "b": ["d2", "reopened on Tuesday"]},
            {"id": "C2", "about": "other", "kind": "value conflict",
             "a": ["d2", "called it a \"triumph\""], "b": ["d1", "after the storm"],
             "also": [["d2", "A senior port official said"]]}
        ],
        "quotes": [
            {"id": "Q1", "speaker": "a port official", "text": "we are open for business",
             "renderings": {"d1": ["verbatim", "we are open for business"],
                            "d2": ["partial", "open for business"]}},
            {"id": "Q2", "speaker": "Jo Marsh", "text": "triumph",
             "renderings": {"d2": ["partial", "triumph"]}}
        ],
        "not_quotes": [["d1", "\"news\""]],
        "attributions": {"d1": ["The Gazette"], "d2": ["Daily Courier", "a port official"]},
        "first_reported_by": {"outlet": "The Gazette", "said_by": ["d1"]},
        "entities": [
            {"canonical": "Jo Marsh", "type": "person",
             "forms": ["Jo Marsh", "Captain Jo Marsh", "Marsh"], "flag": {"d2": "Joe Marsh"}},
            {"canonical": "Port Authority", "type": "organization",
             "forms": ["port authority", "Port  Authority"]}
        ],
        "framing": {"d2": ["triumph"]},
        "unique": {"d1": ["after the storm"], "d2": ["Daily Courier"]}
    }))
    .expect("test gold parses");
    gold.check().expect("test gold is consistent");
    gold
}

fn report() -> StoryReport {
    let line3 = "The harbour reopened on Monday after the storm, officials said.";
    let line4 = "The port authority said \"we are open for business\" in a statement.";
    let line5 = "The Gazette first reported the \"news\".";
    let d1 = ArticleReport {
        document: doc(
            "d1_x",
            D1,
            vec![
                (BlockKind::Headline, "Harbour reopens"),
                (BlockKind::Boilerplate, "Subscribe now for updates"),
                (BlockKind::Body, line3),
                (BlockKind::Body, line4),
                (BlockKind::Boilerplate, line5),
                (BlockKind::Body, "Share this article"),
            ],
        ),
        analysis: ArticleAnalysis {
            quotes: vec![
                quote(D1, "we are open for business", "the port authority", true),
                quote(D1, "news", "The Gazette", false),
            ],
            attributions: vec![attribution(D1, "Gazette", "The Gazette")],
            ..ArticleAnalysis::default()
        },
    };
    let d2_line1 = "The harbour reopened on Tuesday, according to the Daily Courier.";
    let d2_line3 = "Captain Jo Marsh called it a \"triumph\".";
    let d2 = ArticleReport {
        document: doc("d2_y", D2, vec![(BlockKind::Body, D2.trim())]),
        analysis: ArticleAnalysis {
            quotes: vec![
                quote(D2, "open for business", "a senior port official", true),
                quote(D2, "triumph", "Marsh", false),
            ],
            attributions: vec![attribution(D2, "the Daily Courier", "Daily Courier")],
            ..ArticleAnalysis::default()
        },
    };
    let mut r = StoryReport {
        articles: vec![d1, d2],
        ..StoryReport::default()
    };
    let f = &mut r.findings;
    f.facts = vec![
        Fact {
            id: "RF1".into(),
            text: line3.into(),
            support: vec![ev("d1_x", line3), ev("d2_y", d2_line1)],
            independent_sources: 2,
            dependence: vec![],
            first_seen: None,
        },
        Fact {
            id: "RF2".into(),
            text: line5.into(),
            support: vec![ev("d1_x", line5)],
            independent_sources: 1,
            dependence: vec![],
            first_seen: None,
        },
    ];
    let conflict = |a: Evidence, b: Evidence| Conflict {
        kind: ConflictKind::Value,
        a,
        b,
        explanation: String::new(),
        confidence: 0.9,
    };
    f.conflicts = vec![
        conflict(ev("d2_y", d2_line1), ev("d1_x", line3)),
        conflict(ev("d1_x", line4), ev("d2_y", d2_line3)),
    ];
    f.statements = vec![QuotedStatement {
        speaker: None,
        text: "we are open for business".into(),
        renderings: vec![
            Rendering {
                evidence: ev("d1_x", "we are open for business"),
                label: RenderingLabel::Verbatim,
                diff: vec![],
            },
            Rendering {
                evidence: ev("d2_y", "open for business"),
                label: RenderingLabel::Verbatim,
                diff: vec![],
            },
        ],
    }];
    let edge = |source: &str, at: &str| AttributionEdge {
        doc: "d2_y".into(),
        outlet: "d2".into(),
        source: source.into(),
        kind: SourceKind::Outlet,
        evidence: ev("d2_y", at),
    };
    f.attributions = vec![
        edge("Daily Courier", "Daily Courier"),
        edge("City Hall", "harbour"),
    ];
    f.first_reported_by = Some(FirstReport {
        outlet: "Gazette".into(),
        said_by: vec![ev("d1_x", line5)],
    });
    let form = |doc: &str, form: &str| EntityForm {
        doc: doc.into(),
        form: form.into(),
    };
    let flag = |doc: &str, form: &str| EntityFlag {
        doc: doc.into(),
        form: form.into(),
        expected: "x".into(),
        reason: "test".into(),
    };
    f.entities = vec![
        StoryEntity {
            canonical: "J. Marsh".into(),
            kind: EntityKind::Person,
            forms: vec![form("d2_y", "Captain Jo Marsh"), form("d2_y", "Marsh")],
            flags: vec![flag("d2_y", "Joe Marsh"), flag("d1_x", "Harbour")],
        },
        StoryEntity {
            canonical: "The Port Authority".into(),
            kind: EntityKind::Organization,
            forms: vec![form("d1_x", "port authority")],
            flags: vec![],
        },
    ];
    f.framing = vec![
        Framing {
            evidence: ev("d2_y", d2_line3),
            reason: String::new(),
        },
        Framing {
            evidence: ev("d1_x", line3),
            reason: String::new(),
        },
    ];
    f.unique = vec![Unique {
        evidence: ev("d1_x", "after the storm"),
        detail: None,
    }];
    r
}

#[test]
fn scores_every_category_as_the_readme_prints_it() {
    let s = score(&gold(), "harbour", &report());
    let got = serde_json::to_value(&s).expect("score serialises");
    assert_eq!(
        got,
        json!({"story": "harbour", "gold_format": 1,
            "boilerplate": {"lines": 2, "removed": 1, "body_lines": 3, "body_kept": 2},
            "facts": {"total": 2, "found": 1, "supports": 4, "supports_grouped": 2},
            "contradictions": {"total": 2, "found": 1, "reported": 2, "false_alarms": 1},
            "quotes": {"total": 2, "found": 2, "speaker_right": 1, "reported": 4,
                       "not_quotes": 1, "not_quotes_reported": 1},
            "renderings": {"total": 3, "right": 1, "inverted_reported": 0, "inverted_right": 0},
            "attributions": {"total": 3, "found": 2, "reported": 3},
            "first_reported_by": {"right": true},
            "entities": {"forms": 5, "resolved": 4, "flags": 1, "flags_found": 1,
                         "false_flags": 1},
            "framing": {"total": 1, "found": 1, "reported": 2},
            "unique": {"total": 2, "found": 1}})
    );
    // Key order is the README's.
    let text = serde_json::to_string(&s).expect("score serialises");
    let order = [
        "\"story\"",
        "\"gold_format\"",
        "\"boilerplate\"",
        "\"facts\"",
        "\"unique\"",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|k| text.find(k).unwrap_or(usize::MAX))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn details_name_what_went_wrong() {
    let s = score(&gold(), "harbour", &report());
    let d = &s.details;
    let has = |items: &[Outcome], v: Verdict, item: &str, part: &str| {
        items
            .iter()
            .any(|o| o.verdict == v && o.item == item && o.message.contains(part))
    };
    assert!(
        has(&d.facts, Verdict::Missed, "F2", "d1, d2 not grouped"),
        "{:?}",
        d.facts
    );
    assert!(has(&d.facts, Verdict::Extra, "RF2", "Gazette"));
    assert!(has(&d.contradictions, Verdict::Missed, "C2", "triumph"));
    assert!(has(
        &d.contradictions,
        Verdict::FalseAlarm,
        "#2",
        "port authority"
    ));
    assert!(has(
        &d.quotes,
        Verdict::Wrong,
        "Q1",
        "got the port authority, expected a port"
    ));
    assert!(has(&d.quotes, Verdict::FalseAlarm, "d1", "news"));
    assert!(has(
        &d.renderings,
        Verdict::Wrong,
        "Q1/d2",
        "got Verbatim, expected Partial"
    ));
    assert!(has(&d.renderings, Verdict::Missed, "Q2/d2", "no rendering"));
    assert!(has(
        &d.attributions,
        Verdict::Missed,
        "d2",
        "a port official"
    ));
    assert!(has(&d.attributions, Verdict::Extra, "d2", "City Hall"));
    assert!(has(&d.entities, Verdict::Missed, "Jo Marsh", "«Jo Marsh»"));
    assert!(has(&d.entities, Verdict::FalseAlarm, "d1", "Harbour"));
    assert!(has(&d.boilerplate, Verdict::Missed, "d1", "Share this"));
    assert!(has(
        &d.boilerplate,
        Verdict::Missed,
        "d1",
        "body line not kept (in Boilerplate)"
    ));
    assert!(has(&d.layout, Verdict::Hit, "d1", "headline"));
    assert!(has(&d.framing, Verdict::FalseAlarm, "d1", "storm"));
    let md = render_markdown(&s);
    for part in [
        "# Story `harbour`",
        "| facts found | 1 | 2 | 50% |",
        "- missed fact F2: supports d1, d2 not grouped",
        "- false alarm contradiction #2: Value conflict between d1 «The port authority",
        "- wrong quote Q1: speaker: in d1 got the port authority, expected a port official",
        "Right: **yes**",
    ] {
        assert!(md.contains(part), "{part:?} not in:\n{md}");
    }
}

#[test]
fn an_empty_report_scores_zeros_in_every_gold_category() {
    let s = score(&gold(), "harbour", &StoryReport::default());
    let got = serde_json::to_value(&s).expect("score serialises");
    assert_eq!(
        got["facts"],
        json!({"total": 2, "found": 0, "supports": 4, "supports_grouped": 0})
    );
    assert_eq!(
        got["boilerplate"],
        json!({"lines": 2, "removed": 0, "body_lines": 0, "body_kept": 0})
    );
    assert_eq!(got["first_reported_by"], json!({"right": false}));
    assert_eq!(got["quotes"]["reported"], json!(0));
    assert_eq!(s.details.documents.len(), 2);
    // With the files read, body lines count in the whole even for a missing article.
    let mut with_texts = gold();
    with_texts.texts.insert("d1".into(), D1.into());
    let s2 = score(&with_texts, "harbour", &StoryReport::default());
    assert_eq!(
        s2.boilerplate,
        Some(BoilerplateScore {
            lines: 2,
            removed: 0,
            body_lines: 3,
            body_kept: 0
        })
    );
    assert!(render_markdown(&s).contains("missed document d1"));
}

#[test]
fn only_gold_categories_are_printed() {
    let gold: Gold = serde_json::from_value(json!({
        "files": {"d1": "d1_x.txt"},
        "unique": {"d1": ["after the storm"]}
    }))
    .expect("gold parses");
    let s = score(&gold, "harbour", &report());
    let got = serde_json::to_value(&s).expect("score serialises");
    assert_eq!(
        got,
        json!({"story": "harbour", "gold_format": 1,
        "unique": {"total": 1, "found": 1}})
    );
}

#[test]
fn gold_check_rejects_unknown_documents_and_formats() {
    let bad: Gold = serde_json::from_value(json!({
        "files": {"d1": "d1_x.txt"},
        "framing": {"d9": ["x"]}
    }))
    .expect("gold parses");
    assert!(bad.check().is_err_and(|e| e.contains("d9")));
    let later: Gold =
        serde_json::from_value(json!({"format": 2, "files": {"d1": "a.txt"}})).expect("parses");
    assert!(later.check().is_err());
    let null_headline: Gold = serde_json::from_value(json!({
        "files": {"d1": "a.txt"}, "documents": {"d1": {"headline": null}, "d2": {}}
    }))
    .expect("parses");
    let docs = null_headline.documents.expect("documents");
    assert_eq!(docs["d1"].headline, Some(None));
    assert_eq!(docs["d2"].headline, None);
}

#[test]
fn a_contradiction_side_may_be_an_also_entry() {
    let official = "A senior port official said the harbour was \"open for business\".";
    let triumph = "Captain Jo Marsh called it a \"triumph\".";
    let mut r = report();
    r.findings.conflicts = vec![Conflict {
        kind: ConflictKind::Scope,
        a: ev("d2_y", official),
        b: ev("d2_y", triumph),
        explanation: String::new(),
        confidence: 0.5,
    }];
    let s = score(&gold(), "harbour", &r);
    let c = s.contradictions.expect("gold has contradictions");
    assert_eq!((c.found, c.false_alarms), (1, 0));
    // Two `also` sides, or one side alone, match nothing.
    r.findings.conflicts[0].b = ev("d2_y", official);
    let c = score(&gold(), "harbour", &r)
        .contradictions
        .expect("gold has contradictions");
    assert_eq!((c.found, c.false_alarms), (0, 1));
}
