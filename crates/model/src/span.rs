use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A half-open range of byte offsets `[start, end)` into a document's text.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`; `end` is raised to `start` if smaller.
    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers nothing.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// True when `other` lies wholly inside `self`.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text the span covers, or `None` when it is out of bounds or not on char boundaries.
    pub fn get<'a>(&self, text: &'a str) -> Option<&'a str> {
        text.get(self.start..self.end)
    }

    /// The text the span covers, or `""` when it does not fit `text`.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        self.get(text).unwrap_or("")
    }

    /// The span with leading and trailing white space of `text` removed.
    pub fn trim(&self, text: &str) -> Span {
        let Some(s) = self.get(text) else {
            return *self;
        };
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        if lead + trail >= s.len() {
            return Span::new(self.start, self.start);
        }
        Span::new(self.start + lead, self.end - trail)
    }
}

/// A quoted piece of a document: the span and, for readers of the report, its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// The document's id.
    pub doc: String,
    /// Where in [`crate::Document::text`].
    pub span: Span,
    /// The text of the span, copied for readers.
    pub text: String,
}

impl Evidence {
    /// Evidence cut from `text` of document `doc`.
    pub fn new(doc: &str, text: &str, span: Span) -> Self {
        Self {
            doc: doc.to_string(),
            span,
            text: span.text(text).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_keeps_inner_text() {
        let t = "  hello world \n";
        let s = Span::new(0, t.len()).trim(t);
        assert_eq!(s.text(t), "hello world");
        assert_eq!(Span::new(0, 2).trim(t), Span::new(0, 0));
    }

    #[test]
    fn out_of_bounds_is_empty_text() {
        assert_eq!(Span::new(3, 99).text("abc"), "");
        assert_eq!(Span::new(0, 1).text("é"), "");
        assert!(Span::new(1, 4).overlaps(Span::new(3, 5)));
        assert!(!Span::new(1, 3).overlaps(Span::new(3, 5)));
    }
}
