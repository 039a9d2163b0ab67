use model::{Block, BlockKind, Span};

use super::*;

fn doc(id: &str, outlet: &str, text: &str, published: Option<&str>) -> Document {
    let mut d = Document::plain(
        id,
        &format!("{id}.txt"),
        text.to_string(),
        vec![Block {
            kind: BlockKind::Body,
            span: Span::new(0, text.len()),
            reason: String::new(),
        }],
    );
    d.outlet.name = outlet.to_string();
    d.published = published.map(str::to_string);
    d.title = Some(format!("Title {id}"));
    d
}

fn put(s: &Store, d: &Document, story: i64, copy_of: Option<i64>) -> i64 {
    let key = article_key(d);
    let bh = body_hash(&d.text);
    s.touch_story(story).unwrap();
    let json = serde_json::to_string(d).unwrap();
    // The days of the dates these tests use (days since 1970-01-01).
    let day = match d.published.as_deref() {
        Some("2020-01-01") => Some(18_262),
        Some("2020-01-02") => Some(18_263),
        _ => None,
    };
    s.insert_article(&NewArticle {
        document: d,
        document_json: &json,
        key: &key,
        body_hash: &bh,
        day,
        features: &[],
        signature: Some(&[1, 2, 3, 4]),
        dense: None,
        copy_of,
        story,
    })
    .unwrap()
}

#[test]
fn articles_stories_and_reports_round_trip() {
    let s = Store::open_in_memory().unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    s.begin().unwrap();
    let a = doc("a", "Courier", "The council met.", Some("2020-01-02"));
    let b = doc("b", "Post", "The council met.", Some("2020-01-01"));
    let c = doc("c", "Herald", "Ferry ran aground.", None);
    let ia = put(&s, &a, 1, None);
    assert!(s.has_key(&article_key(&a)).unwrap());
    assert_eq!(
        s.copy_by_body(&body_hash("the  COUNCIL met.")).unwrap(),
        Some(ia)
    );
    put(&s, &b, 1, Some(ia));
    let ic = put(&s, &c, 2, None);
    // Until the index is written, the articles past the watermark are to be indexed.
    let mut pending = Vec::new();
    s.for_each_unindexed(&mut |id, root, _, sig| pending.push((id, root, sig.is_some())))
        .unwrap();
    assert_eq!(
        pending,
        vec![(ia, ia, true), (ia + 1, ia, true), (ic, ic, true)]
    );
    assert!(s.verify_articles().unwrap().is_empty());
    let rows: Vec<(u64, i64)> = [ia, ia + 1, ic]
        .iter()
        .flat_map(|&a| [(7, a), (8, a)])
        .collect();
    s.write_index(&rows, &HashMap::new(), 3, ic).unwrap();
    s.commit().unwrap();
    assert_eq!(s.indexed_through().unwrap(), ic);
    assert_eq!(s.copy_candidates(&[7]).unwrap().len(), 3);
    let mut pending = 0;
    s.for_each_unindexed(&mut |_, _, _, _| pending += 1)
        .unwrap();
    assert_eq!(pending, 0);

    let list = s.stories(None).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].size, 2);
    assert_eq!(list[0].outlets, vec!["Courier", "Post"]);
    assert_eq!(list[0].independent_sources, 1, "copies count once");
    assert_eq!(
        list[0].title, "Title b",
        "the first article by date names the story"
    );
    assert_eq!(list[0].first.as_deref(), Some("2020-01-01"));
    // 2020-01-02 is day 18,263.
    assert_eq!(s.stories(Some(18_263)).unwrap().len(), 1);

    let docs = s.story_documents(1).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].outlet.name, "Post");

    let v = s.story_version(1).unwrap().unwrap();
    s.put_report(1, v, "{}").unwrap();
    assert_eq!(s.cached_report(1).unwrap().as_deref(), Some("{}"));
    s.begin().unwrap();
    s.merge_stories(1, 2).unwrap();
    s.commit().unwrap();
    assert_eq!(
        s.cached_report(1).unwrap(),
        None,
        "a changed story drops its report"
    );
    assert_eq!(s.story_documents(1).unwrap().len(), 3);
    assert_eq!(s.counts().unwrap().stories, 1);
    assert_eq!(s.integrity_check().unwrap(), "ok");
    assert!(s.verify_articles().unwrap().is_empty());
}

#[test]
fn document_frequencies_accumulate() {
    let s = Store::open_in_memory().unwrap();
    s.begin().unwrap();
    s.add_document_frequencies(&HashMap::from([(1, 2), (u64::MAX, 1)]), 2)
        .unwrap();
    s.add_document_frequencies(&HashMap::from([(1, 1)]), 1)
        .unwrap();
    s.commit().unwrap();
    let (df, n) = s.document_frequencies().unwrap();
    assert_eq!((df[&1], df[&u64::MAX], n), (3, 1, 3));
}

#[test]
fn indexed_articles_without_index_rows_are_reported() {
    let s = Store::open_in_memory().unwrap();
    s.begin().unwrap();
    let a = put(&s, &doc("a", "Courier", "The council met.", None), 1, None);
    // The watermark passes the article, but its rows were never written.
    s.write_index(&[], &HashMap::new(), 1, a).unwrap();
    s.commit().unwrap();
    let problems = s.verify_articles().unwrap();
    assert_eq!(
        problems,
        vec![format!("article {a}: signature without index rows")]
    );
}

#[test]
fn independence_joins_outlets_through_shared_texts() {
    assert_eq!(independent(&[("A", 1), ("B", 2), ("C", 3)]), 3);
    assert_eq!(independent(&[("A", 1), ("A", 2), ("B", 2), ("C", 3)]), 2);
    assert_eq!(independent(&[("A", 1), ("B", 1), ("B", 2), ("C", 2)]), 1);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    Store::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn version_1_store_still_reads() {
    // A store written by schema version 1, committed as a fixture (synthetic articles).
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/compat/store_v1.sqlite");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    std::fs::copy(&fixture, &path).unwrap();
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    let list = s.stories(None).unwrap();
    assert!(!list.is_empty());
    assert!(!s.story_documents(list[0].id).unwrap().is_empty());
    assert!(s.verify_articles().unwrap().is_empty());
}

#[test]
fn dense_vectors_come_back_with_their_articles() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("d.sqlite")).unwrap();
    let a = doc("a", "Courier", "The ferry ran aground.", None);
    put(&s, &a, 1, None);
    let b = doc("b", "Ledger", "The council met.", None);
    let json = serde_json::to_string(&b).unwrap();
    s.touch_story(2).unwrap();
    s.insert_article(&NewArticle {
        document: &b,
        document_json: &json,
        key: &article_key(&b),
        body_hash: &body_hash(&b.text),
        day: None,
        features: &[],
        signature: None,
        dense: Some(&[1, 255, 0]),
        copy_of: None,
        story: 2,
    })
    .unwrap();
    let mut seen = Vec::new();
    s.for_each_clustered(None, &mut |id, story, _, _, dense| {
        seen.push((id, story, dense.map(<[u8]>::to_vec)));
    })
    .unwrap();
    assert_eq!(seen, vec![(1, 1, None), (2, 2, Some(vec![1, 255, 0]))]);
}
