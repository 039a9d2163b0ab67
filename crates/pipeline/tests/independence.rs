//! Grouping, independence and conflicting claims, on small fictional stories written here.

use std::path::PathBuf;

/// Runs the pipeline (no model) over articles given as (file name, text).
fn run(articles: &[(&str, &str)]) -> model::StoryReport {
    let dir = tempfile::tempdir().expect("temporary folder");
    let paths: Vec<PathBuf> = articles
        .iter()
        .map(|(name, text)| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).expect("write article");
            p
        })
        .collect();
    let options = pipeline::Options {
        model: pipeline::ModelUse::Off,
        ..pipeline::Options::default()
    };
    options.build().expect("options build").run_paths(&paths)
}

const QUOTE: &str = "\u{201c}We will not reopen the old quarry road until every one of the new retaining walls has been inspected and signed off by the engineers,\u{201d}";

fn fact_with<'a>(r: &'a model::StoryReport, words: &str) -> Option<&'a model::Fact> {
    r.findings
        .facts
        .iter()
        .find(|f| f.support.iter().any(|e| e.text.contains(words)))
}

#[test]
fn the_same_quotation_is_not_copying() {
    let a = format!(
        "Quarry road stays shut\n\nThe district closed the quarry road on Monday after a landslide. {QUOTE} the district engineer Lotta Virk said on Monday.\n\nThe slide buried two parked lorries near the bend.\n"
    );
    let b = format!(
        "Landslide keeps quarry road closed\n\nDistrict engineer Lotta Virk told reporters on Monday evening: {QUOTE} she said.\n\nResidents of the valley will have to take the long route through the pass for now.\n"
    );
    let r = run(&[("a.txt", &a), ("b.txt", &b)]);
    let fact = fact_with(&r, "retaining walls").expect("the quotation is one fact");
    assert_eq!(fact.support.len(), 2);
    assert_eq!(fact.independent_sources, 2, "{:?}", fact.dependence);
}

#[test]
fn a_republished_report_counts_once() {
    let wire = "The district closed the quarry road on Monday morning after heavy overnight rain loosened the slope above the third bend. Crews removed most of the fallen rock by the early afternoon, but engineers found fresh cracks in two of the older retaining walls. The road will remain closed to all traffic until a full inspection of the walls has been completed next week.";
    let a = format!("Quarry road closed\n\n{wire}\n");
    let b = format!("Rain shuts quarry road\n\n{wire}\n\nThe pass road remains open.\n");
    let c = "Valley road news\n\nA landslide closed the quarry road on Monday, and the district said engineers found cracks in two older retaining walls.\n";
    let r = run(&[("a.txt", &a), ("b.txt", &b), ("c.txt", c)]);
    let fact = fact_with(&r, "retaining walls").expect("the cracks are one fact");
    assert!(fact.support.len() >= 2);
    assert!(
        fact.independent_sources < fact.support.len(),
        "copies must count once: {fact:?}"
    );
    assert!(
        fact.dependence
            .iter()
            .any(|d| d.contains("republishes") || d.contains("shares a run")),
        "{:?}",
        fact.dependence
    );
}

#[test]
fn statements_that_deny_each_other_are_not_one_fact() {
    let a = "Ferry timetable cut\n\nThe winter timetable cuts the evening sailings on the four island routes from next month. The operator blamed rising fuel costs.\n";
    let b = "Island sailings\n\nIt remains unclear whether the winter timetable cuts the evening sailings on the four island routes from next month. Fares will stay the same.\n";
    let r = run(&[("a.txt", a), ("b.txt", b)]);
    assert!(
        r.findings
            .conflicts
            .iter()
            .any(|c| c.kind == model::ConflictKind::Certainty),
        "{:#?}",
        r.findings.conflicts
    );
    assert!(
        fact_with(&r, "evening sailings").is_none(),
        "a certainty conflict is no corroboration: {:#?}",
        r.findings.facts
    );
}

#[test]
fn a_name_only_one_outlet_gives_is_its_own_detail() {
    let a = "Bridge closed\n\nThe county closed the old river bridge on Tuesday after divers found cracks in two of its piers. Engineer Maren Holt led the dive team.\n";
    let b = "River bridge shut\n\nThe county closed the old river bridge on Tuesday after divers found cracks in two piers, said county surveyor Ilse Brandvold.\n";
    let r = run(&[("a.txt", a), ("b.txt", b)]);
    assert!(
        fact_with(&r, "river bridge").is_some(),
        "{:#?}",
        r.findings.facts
    );
    let detail = r
        .findings
        .unique
        .iter()
        .find(|u| u.detail.as_deref() == Some("Ilse Brandvold"));
    assert!(detail.is_some(), "{:#?}", r.findings.unique);
}

#[test]
fn a_reason_clause_is_corroborated_apart_from_its_sentence() {
    let a = "Quarry road shut\n\nThe district closed the quarry road on Monday after heavy rain loosened the slope above the third bend, officials said.\n";
    let b = "Rain damage\n\nThe district shut the quarry road on Monday. Heavy rain loosened the slope above the third bend over the weekend, the district engineer said.\n";
    let c =
        "Road news\n\nThe district has closed the quarry road since Monday, a spokesman said.\n";
    let r = run(&[("a.txt", a), ("b.txt", b), ("c.txt", c)]);
    let reason = fact_with(&r, "Heavy rain loosened").expect("the rain is a fact");
    assert!(
        reason.support.iter().any(|e| e.doc == "a"
            && e.text == "after heavy rain loosened the slope above the third bend"),
        "{reason:#?}"
    );
    let closure = fact_with(&r, "closed the quarry road since").expect("the closure is a fact");
    assert!(
        closure
            .support
            .iter()
            .any(|e| e.doc == "a" && e.text.starts_with("The district closed")),
        "{closure:#?}"
    );
}

#[test]
fn a_paraphrase_and_the_quotation_after_it_are_one_claim() {
    let a = "Harbour stays public\n\nMayor Ada Lind said the town would not sell the harbour to a private investor. \u{201c}The harbour belongs to the people who work on it, and it stays theirs,\u{201d} Lind said at the council meeting.\n";
    let b = "Lind keeps harbour\n\nThe harbour belongs to the people who work on it, Mayor Ada Lind told the town radio.\n";
    let c = "No harbour sale\n\nMayor Ada Lind has ruled out selling the harbour to a private investor.\n";
    let r = run(&[("a.txt", a), ("b.txt", b), ("c.txt", c)]);
    let fact = fact_with(&r, "ruled out selling").expect("the refusal is a fact");
    let docs: Vec<&str> = fact.support.iter().map(|e| e.doc.as_str()).collect();
    assert_eq!(docs, ["a", "b", "c"], "{fact:#?}");
    // One evidence span for the article that tells it twice, and one source.
    assert!(
        fact.support[0].text.contains("would not sell")
            && fact.support[0].text.contains("belongs to")
    );
    assert_eq!(fact.independent_sources, 3, "{fact:#?}");
}

#[test]
fn naming_the_same_speaker_is_not_making_the_same_claim() {
    let a = "Pier plans\n\n\u{201c}We will rebuild the pier before the summer season starts,\u{201d} said Mayor Ada Lind, the council leader.\n";
    let b = "Mayor travels\n\nThe council leader, Mayor Ada Lind, will travel to the capital next week to meet the minister.\n";
    let r = run(&[("a.txt", a), ("b.txt", b)]);
    assert!(
        fact_with(&r, "travel to the capital").is_none(),
        "{:#?}",
        r.findings.facts
    );
}

#[test]
fn an_outlet_crediting_another_in_the_story_is_not_independent_of_it() {
    let a = "Quarry road closed\n\nThe district closed the quarry road on Monday after a landslide buried two parked lorries near the third bend.\n";
    let b = "Road shut\n\nThe district has closed the quarry road since Monday because of a landslide, according to the Valley Gazette.\n";
    let r = run(&[("valley-gazette.txt", a), ("b.txt", b)]);
    let fact = fact_with(&r, "closed the quarry road").expect("the closure is a fact");
    assert_eq!(fact.independent_sources, 1, "{fact:#?}");
    assert!(
        fact.dependence.iter().any(|d| d.contains("credits")),
        "{:?}",
        fact.dependence
    );
}
