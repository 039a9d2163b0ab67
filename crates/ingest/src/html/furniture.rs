//! Page furniture the site names as such: containers whose class or id says comments,
//! related links, sharing, tags, sidebar, footer and the like, or that are hidden. The
//! extractor picks the article on the whole page; afterwards, the words of its paragraphs
//! found only inside such containers (by word 4-grams) are left out. Filtering after the
//! choice, not before, keeps the extractor's view of the page whole: removing the containers
//! first made it pick other, worse containers on some pages of both benchmarks.
//!
//! A container holding a large share of the page's text is not furniture whatever its name
//! (a wrapper of the article named `share-zone` or `comments-enabled`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::prune::is_flat;
use super::scan::{attr, collapse_ws, decode_entities, Scanner, Token};

/// A named container is furniture only if it holds at most this share of the page's text.
const MAX_FURNITURE_SHARE: f64 = 0.4;

/// A furniture container holding more than this share of the extracted text is the article.
const MAX_KEPT_SHARE: f64 = 0.3;

/// Deepest stack of open elements tracked; deeper start tags are ignored.
const MAX_TRACKED: usize = 512;

/// Words of class and id names that mark page furniture: a name matches when one of its
/// parts (split at anything but ASCII letters and digits) is one of them.
const FURNITURE_WORDS: &[&str] = &[
    "comments",
    "comment",
    "related",
    "share",
    "sharing",
    "social",
    "tags",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "newsletter",
    "teaser",
    "teasers",
    "promo",
    "recommended",
    "yarpp",
    "outbrain",
    "taboola",
    "cookie",
    "banner",
    "respond",
    "callout",
    "factbox",
    "linkbox",
    "rating",
    "meta",
    "noprint",
    "attachment",
    "attachments",
    "nav",
    "navigation",
    "menu",
    "slider",
    "byline",
    "subscribe",
    "advertisement",
    "utility",
    "author",
];

/// Parts matched inside longer names (`entryfooter`, `sharedaddy`, `relatedposts`).
const FURNITURE_STEMS: &[&str] = &["footer", "sharedaddy", "related", "comment", "teaser"];

/// Class prefixes of state flags and taxonomy terms (`no-share`, `has-sidebar`,
/// `category-social-issues`, `tag-comments`): they say what a page has, not what an element is.
const FLAG_PREFIXES: &[&str] = &["no-", "has-", "with-", "is-", "category-", "tag-"];

/// Elements never furniture by name: they wrap the page or the article itself.
fn is_wrapper(name: &str) -> bool {
    matches!(name, "html" | "body" | "main" | "article" | "head")
}

/// Elements that end a run of text: their start and end tags separate paragraphs.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "td"
            | "th"
            | "tr"
            | "table"
            | "section"
            | "article"
            | "aside"
            | "nav"
            | "header"
            | "footer"
            | "main"
            | "blockquote"
            | "figure"
            | "figcaption"
            | "form"
            | "pre"
            | "br"
            | "hr"
            | "body"
            | "address"
            | "details"
            | "summary"
    )
}

/// True when a class or id value names page furniture.
fn names_furniture(value: &str) -> bool {
    value
        .split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .filter(|token| !FLAG_PREFIXES.iter().any(|p| token.starts_with(p)))
        .any(|token| {
            token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .any(|w| {
                    FURNITURE_WORDS.contains(&w) || FURNITURE_STEMS.iter().any(|s| w.contains(s))
                })
        })
}

/// True when a start tag marks its element hidden.
fn is_hidden(attrs: &str) -> bool {
    if attr(attrs, "hidden").is_some() {
        return true;
    }
    if attr(attrs, "aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return true;
    }
    attr(attrs, "style").is_some_and(|v| {
        let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
        v.to_ascii_lowercase().contains("display:none")
    })
}

/// Non-white-space bytes of `bytes[from..to]`.
fn text_len(bytes: &[u8], from: usize, to: usize) -> usize {
    bytes
        .get(from..to)
        .map_or(0, |b| b.iter().filter(|c| !c.is_ascii_whitespace()).count())
}

/// The byte ranges of furniture containers, outermost only, in order: one linear scan with a
/// stack of open elements (a mis-nested end tag closes what it skips over).
pub(crate) fn ranges(html: &str) -> Vec<(usize, usize)> {
    let bytes = html.as_bytes();
    // Open elements: name, start, text counter at open, whether named furniture.
    let mut stack: Vec<(Cow<'_, str>, usize, usize, bool)> = Vec::new();
    let mut text = 0usize;
    let mut last_end = 0usize;
    let mut in_raw = false;
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for tok in Scanner::new(html) {
        match tok {
            Token::Start {
                name,
                attrs,
                start,
                end,
            } => {
                if !in_raw {
                    text += text_len(bytes, last_end, start);
                }
                last_end = end;
                in_raw = matches!(name.as_ref(), "script" | "style" | "textarea");
                if is_flat(&name) || attrs.trim_end().ends_with('/') || stack.len() >= MAX_TRACKED {
                    continue;
                }
                let marked = !is_wrapper(&name)
                    && (attr(attrs, "class").is_some_and(|c| names_furniture(&c))
                        || attr(attrs, "id").is_some_and(|c| names_furniture(&c))
                        || is_hidden(attrs));
                stack.push((name, start, text, marked));
            }
            Token::End {
                name, start, end, ..
            } => {
                if !in_raw {
                    text += text_len(bytes, last_end, start);
                }
                in_raw = false;
                last_end = end;
                let Some(pos) = stack.iter().rposition(|(n, ..)| *n == name) else {
                    continue;
                };
                for (_, s, t0, marked) in stack.drain(pos..) {
                    if marked {
                        found.push((s, end, text - t0));
                    }
                }
            }
            Token::Raw { .. } => {}
            Token::Other { start, end } => {
                text += text_len(bytes, last_end, start);
                last_end = end;
            }
        }
    }
    text += text_len(bytes, last_end, html.len());
    let limit = MAX_FURNITURE_SHARE * text as f64;
    let mut kept: Vec<(usize, usize)> = found
        .into_iter()
        .filter(|&(_, _, t)| t as f64 <= limit)
        .map(|(s, e, _)| (s, e))
        .collect();
    kept.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(kept.len());
    for (s, e) in kept {
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Where a word sequence of the page occurs: the furniture range of its first occurrence
/// inside one, occurrences inside furniture, occurrences outside.
type Seen = (usize, u32, u32);

/// The page's text as word 4-grams (hashed), each with where it occurs: inside furniture or
/// outside. Short runs of text (fewer than four words between block tags) are kept whole.
/// Word sequences rather than whole runs, because the extractor may join several runs into
/// one paragraph or a run's words without their spaces.
#[derive(Debug, Default)]
pub(crate) struct Furniture {
    grams: GramMap<Seen>,
}

/// Words per gram.
pub(crate) const N: usize = 4;

/// A map keyed by gram hashes. The keys are hashes already, so the map uses them as they
/// are instead of hashing them again with SipHash (a tenth of the filter's time).
pub(crate) type GramMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Passes a `u64` key through (spread by one multiplication for the table's low bits).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// FNV-1a over the word's bytes: fixed, so the same text gives the same hash in every run.
pub(crate) fn word_hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Combines word hashes in order.
pub(crate) fn gram_hash(words: impl Iterator<Item = u64>) -> u64 {
    words.fold(0x8422_2325_cbf2_9ce4, |h, w| {
        (h.rotate_left(23) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    })
}

pub(crate) fn hash_words<'w>(words: impl Iterator<Item = &'w str>) -> u64 {
    gram_hash(words.map(word_hash))
}

impl Furniture {
    /// Maps the text of `html`.
    pub(crate) fn of(html: &str) -> Self {
        let ranges = ranges(html);
        let mut grams: GramMap<Seen> = HashMap::default();
        if ranges.is_empty() {
            return Self { grams };
        }
        let mut record = |h: u64, inside: Option<usize>| {
            let slot = grams.entry(h).or_insert((inside.unwrap_or(0), 0, 0));
            match inside {
                Some(_) => slot.1 = slot.1.saturating_add(1),
                None => slot.2 = slot.2.saturating_add(1),
            }
        };
        let mut next = ranges.iter().enumerate().peekable();
        // The last words of the current stretch of text with the same place, for grams that
        // cross block tags.
        let mut window: std::collections::VecDeque<u64> = std::collections::VecDeque::new();
        let mut place: Option<Option<usize>> = None;
        let mut run = String::new();
        let mut run_start = 0usize;
        let mut last_end = 0usize;
        let mut in_raw = false;
        let mut flush = |run: &mut String, at: usize| {
            let text = collapse_ws(&decode_entities(run));
            run.clear();
            if text.is_empty() {
                return;
            }
            while next.peek().is_some_and(|(_, r)| r.1 <= at) {
                next.next();
            }
            let inside = next
                .peek()
                .filter(|(_, r)| r.0 <= at && at < r.1)
                .map(|(i, _)| *i);
            if place != Some(inside) {
                window.clear();
                place = Some(inside);
            }
            let words: Vec<&str> = text.split(' ').collect();
            if words.len() < N {
                record(hash_words(words.iter().copied()), inside);
            }
            for w in words {
                if window.len() == N {
                    window.pop_front();
                }
                window.push_back(word_hash(w));
                if window.len() == N {
                    record(gram_hash(window.iter().copied()), inside);
                }
            }
        };
        for tok in Scanner::new(html) {
            let (name, start, end) = match tok {
                Token::Start {
                    name, start, end, ..
                }
                | Token::End {
                    name, start, end, ..
                } => (Some(name), start, end),
                Token::Other { start, end } => (None, start, end),
                Token::Raw { .. } => continue,
            };
            if !in_raw {
                if run.is_empty() {
                    run_start = last_end;
                }
                run.push_str(html.get(last_end..start).unwrap_or(""));
            }
            last_end = end;
            let Some(name) = name else { continue };
            let raw = matches!(name.as_ref(), "script" | "style" | "textarea");
            in_raw = raw && !in_raw && html.get(start + 1..start + 2) != Some("/");
            // Inline tags join words as written.
            if is_block(&name) || raw {
                flush(&mut run, run_start);
            }
        }
        run.push_str(html.get(last_end..).unwrap_or(""));
        flush(&mut run, run_start);
        Self { grams }
    }

    /// Where the gram `g` is seen: `None` when nowhere, `Some(Some(range))` when only inside
    /// furniture, `Some(None)` when outside.
    fn place(&self, g: u64) -> Option<Option<usize>> {
        self.grams
            .get(&g)
            .map(|&(range, inside, outside)| (inside > 0 && outside == 0).then_some(range))
    }

    /// For each word of `paragraph` (split at single spaces), the furniture range it lies in:
    /// when some gram covering it is seen only inside furniture and none is seen outside.
    /// Grams seen nowhere (across the edge of a container, or words the extractor joined) do
    /// not decide.
    fn marks(&self, paragraph: &str) -> Vec<Option<usize>> {
        let words: Vec<&str> = paragraph.split(' ').collect();
        if words.len() < N {
            let r = self.place(hash_words(words.iter().copied())).flatten();
            return vec![r; words.len()];
        }
        let grams: Vec<Option<Option<usize>>> = words
            .windows(N)
            .map(|w| self.place(hash_words(w.iter().copied())))
            .collect();
        (0..words.len())
            .map(|j| {
                let from = j.saturating_sub(N - 1);
                let to = j.min(grams.len() - 1);
                let covering = grams.get(from..=to).unwrap_or(&[]);
                if covering.iter().any(|g| matches!(g, Some(None))) {
                    return None;
                }
                covering.iter().find_map(|g| g.flatten())
            })
            .collect()
    }

    /// True when `paragraph` is text found only inside furniture.
    #[cfg(test)]
    fn contains(&self, paragraph: &str) -> bool {
        self.marks(paragraph).iter().all(Option::is_some)
    }

    /// Removes from `paragraphs` (white space collapsed) the words found only inside
    /// furniture, and the paragraphs left empty; except the words of a container that holds
    /// more than [`MAX_KEPT_SHARE`] of the extracted text: the extractor chose it as the
    /// article, whatever its name says.
    pub(crate) fn filter(&self, paragraphs: &mut Vec<super::Paragraph>) {
        if self.grams.is_empty() {
            return;
        }
        let marks: Vec<Vec<Option<usize>>> =
            paragraphs.iter().map(|p| self.marks(&p.text)).collect();
        let total: usize = paragraphs.iter().map(|p| p.text.len()).sum();
        let mut per_range: HashMap<usize, usize> = HashMap::new();
        for (p, m) in paragraphs.iter().zip(&marks) {
            for (w, r) in p.text.split(' ').zip(m) {
                if let Some(r) = r {
                    *per_range.entry(*r).or_insert(0) += w.len() + 1;
                }
            }
        }
        let limit = MAX_KEPT_SHARE * total as f64;
        let cut = |r: &Option<usize>| {
            r.is_some_and(|r| per_range.get(&r).is_none_or(|&n| n as f64 <= limit))
        };
        for (p, m) in paragraphs.iter_mut().zip(&marks) {
            if m.iter().any(cut) {
                let kept: Vec<&str> = p
                    .text
                    .split(' ')
                    .zip(m)
                    .filter(|(_, r)| !cut(r))
                    .map(|(w, _)| w)
                    .collect();
                p.text = kept.join(" ");
            }
        }
        paragraphs.retain(|p| p.text.chars().any(char::is_alphanumeric));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(names_furniture("post-comments"));
        assert!(names_furniture("jp-relatedposts"));
        assert!(names_furniture("entryfooter"));
        assert!(names_furniture("sd-sharing-enabled"));
        assert!(!names_furniture("entry-content"));
        assert!(!names_furniture("article-body"));
        assert!(!names_furniture("tag-elektro"));
        assert!(!names_furniture("post category-social-issues no-share"));
    }

    #[test]
    fn runs_inside_furniture_only() {
        let body = "x".repeat(400);
        let html = format!(
            r#"<body><article><p>{body}</p><p>Both places.</p></article>
            <div class="related-posts"><p>Read this &amp; that</p><p>Both places.</p></div>
            <div style="display: none">Hidden bit</div></body>"#
        );
        let f = Furniture::of(&html);
        assert!(f.contains("Read this & that"));
        assert!(f.contains("Read this & that Both places."));
        assert!(f.contains("Hidden bit"));
        assert!(!f.contains("Both places."));
        assert!(!f.contains(&body));
    }

    #[test]
    fn a_large_container_is_not_furniture() {
        let html =
            r#"<body><div class="share-zone"><p>The whole article is here.</p></div></body>"#;
        assert!(ranges(html).is_empty());
        assert!(!Furniture::of(html).contains("The whole article is here."));
    }

    #[test]
    fn misnested_and_unclosed() {
        for s in [
            "<div class='menu'><p>a</span></div>",
            "<div class='menu'>",
            "</div></div><div id=nav>x",
            "<div class=\"comments\"><script>if(a<b)</div>",
        ] {
            let _ = ranges(s);
            let _ = Furniture::of(s);
        }
    }
}
