//! Link text: which word sequences of the page are written only as the text of links. A
//! paragraph of the extracted text made mostly of such words is a teaser or a "read also"
//! line (a headline of another article behind a short cue), not running text: the extractor
//! judges link density per container, and such lines sit inside the article's container.

use std::collections::HashMap;

use super::furniture::{gram_hash, hash_words, is_block, word_hash, GramMap, N};
use super::scan::{attr, collapse_ws, decode_entities, Scanner, Token};

/// The page's text as word 4-grams (hashed; runs of fewer than four words whole), each with
/// how often it occurs inside a link and outside one.
#[derive(Debug, Default)]
pub(crate) struct LinkText {
    grams: GramMap<(u32, u32)>,
}

impl LinkText {
    /// Maps the text of `html`. Runs of text end at block tags and where a link starts or
    /// ends, so that no gram mixes link and plain text.
    pub(crate) fn of(html: &str) -> Self {
        let mut grams: GramMap<(u32, u32)> = HashMap::default();
        let mut record = |h: u64, in_link: bool| {
            let slot = grams.entry(h).or_insert((0, 0));
            if in_link {
                slot.0 = slot.0.saturating_add(1);
            } else {
                slot.1 = slot.1.saturating_add(1);
            }
        };
        let mut flush = |run: &mut String, in_link: bool| {
            let text = collapse_ws(&decode_entities(run));
            run.clear();
            if text.is_empty() {
                return;
            }
            let words: Vec<&str> = text.split(' ').collect();
            if words.len() < N {
                record(hash_words(words.iter().copied()), in_link);
                return;
            }
            let hashes: Vec<u64> = words.iter().map(|w| word_hash(w)).collect();
            for w in hashes.windows(N) {
                record(gram_hash(w.iter().copied()), in_link);
            }
        };
        let mut run = String::new();
        let mut last_end = 0usize;
        let mut in_raw = false;
        let mut in_link = false;
        // Whether the `<a>` just read has an `href`.
        let mut opens: Option<bool> = None;
        for tok in Scanner::new(html) {
            let (name, start, end, closing) = match tok {
                Token::Start {
                    name,
                    attrs,
                    start,
                    end,
                } => {
                    if name == "a" {
                        // As the tree builder does, an `<a>` closes an open one; an anchor
                        // without `href` (`<a name=…>`) is a target, not a link.
                        opens = Some(attr(attrs, "href").is_some());
                    }
                    (Some(name), start, end, false)
                }
                Token::End {
                    name, start, end, ..
                } => (Some(name), start, end, true),
                Token::Other { start, end } => (None, start, end, false),
                Token::Raw { .. } => continue,
            };
            if !in_raw {
                run.push_str(html.get(last_end..start).unwrap_or(""));
            }
            last_end = end;
            let Some(name) = name else { continue };
            let raw = matches!(name.as_ref(), "script" | "style" | "textarea");
            in_raw = raw && !closing;
            if name == "a" {
                flush(&mut run, in_link);
                in_link = !closing && opens.take().unwrap_or(false);
            } else if is_block(&name) || raw {
                flush(&mut run, in_link);
            }
        }
        run.push_str(html.get(last_end..).unwrap_or(""));
        flush(&mut run, in_link);
        Self { grams }
    }

    /// The share of the words of `paragraph` (white space collapsed) covered by a gram seen
    /// only inside links. Grams seen nowhere (across a link's edge) do not count either way.
    pub(crate) fn share(&self, paragraph: &str) -> f64 {
        let words: Vec<&str> = paragraph.split(' ').collect();
        let linked_only = |g: u64| self.grams.get(&g).is_some_and(|&(i, o)| i > 0 && o == 0);
        if words.len() < N {
            return if linked_only(hash_words(words.iter().copied())) {
                1.0
            } else {
                0.0
            };
        }
        let hashes: Vec<u64> = words.iter().map(|w| word_hash(w)).collect();
        let mut covered = vec![false; words.len()];
        for (i, w) in hashes.windows(N).enumerate() {
            if linked_only(gram_hash(w.iter().copied())) {
                for c in covered.iter_mut().skip(i).take(N) {
                    *c = true;
                }
            }
        }
        covered.iter().filter(|&&c| c).count() as f64 / words.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_also_line_is_mostly_link_text() {
        let html = r#"<article><p>The council met on Tuesday and agreed the plan for the harbour.</p>
            <p><b>Read also:</b> <a href="/x">Ferry timetable changes again for the winter season</a></p>
            <p>It said <a href="/y">the report</a> would follow in the spring of next year.</p></article>"#;
        let l = LinkText::of(html);
        let also = l.share("Read also: Ferry timetable changes again for the winter season");
        assert!(also > 0.7, "{also}");
        let body = l.share("It said the report would follow in the spring of next year.");
        assert!(body < 0.3, "{body}");
        assert_eq!(
            l.share("The council met on Tuesday and agreed the plan for the harbour."),
            0.0
        );
        // A short link alone.
        assert_eq!(
            LinkText::of("<li><a href=/>Home</a></li>").share("Home"),
            1.0
        );
        // An anchor target is not a link.
        assert_eq!(
            LinkText::of("<p><a name=top>Top of the page</a></p>").share("Top of the page"),
            0.0
        );
    }

    #[test]
    fn misnested_and_unclosed() {
        for s in [
            "<a><a>x</a>",
            "</a></a>y",
            "<a href='x",
            "<a><script>if(a<b)</a>",
        ] {
            let l = LinkText::of(s);
            let _ = l.share("x");
            let _ = l.share("");
        }
    }
}
