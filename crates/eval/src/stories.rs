//! Many stories at once: every story folder (a folder with a `gold.json`) under some roots,
//! scored one by one and micro-summed, so that a change is judged on a whole set and not on
//! the story it was written against.
//!
//! The Markdown report opens with the tuned constants the run used (so that a change of a
//! constant shows beside the figures it moved), then the summed counts, the calibration of the
//! conflicts' confidence, one line per story, and the items behind the false alarms.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::extraction::EvalError;
use crate::story::{
    self, AttributionScore, BoilerplateScore, ContradictionScore, EntityScore, FactScore,
    FramingScore, QuoteScore, RenderingScore, StoryScore, UniqueScore, Verdict,
};

/// Deepest folder level searched below a root.
const MAX_DEPTH: usize = 6;
/// Most folders visited below all roots together.
const MAX_FOLDERS: usize = 100_000;

/// The story folders under `roots`: a root that holds a `gold.json` is itself a story; otherwise
/// its sub-folders are searched (iteratively, depth- and count-capped). Sorted, without repeats.
pub fn story_dirs(roots: &[PathBuf]) -> Result<Vec<PathBuf>, EvalError> {
    let mut found = Vec::new();
    let mut stack: Vec<(PathBuf, usize)> = roots.iter().map(|r| (r.clone(), 0)).collect();
    let mut visited = 0usize;
    while let Some((dir, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_FOLDERS {
            return Err(EvalError::Shape {
                path: dir,
                what: format!("more than {MAX_FOLDERS} folders under the roots"),
            });
        }
        if dir.join("gold.json").is_file() {
            found.push(dir);
            continue;
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        let entries = std::fs::read_dir(&dir).map_err(|source| EvalError::Io {
            path: dir.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((entry.path(), depth + 1));
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// A story that could not be scored, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Failed {
    /// The story folder.
    pub dir: String,
    /// What went wrong.
    pub error: String,
}

/// One bin of the conflicts' confidence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Lowest confidence in the bin (inclusive).
    pub from: f32,
    /// Highest confidence in the bin (exclusive; 1.0 inclusive).
    pub to: f32,
    /// Conflicts reported with a confidence in the bin.
    pub reported: usize,
    /// Those matching a gold contradiction.
    pub real: usize,
}

/// The scores of many stories and their sum.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StoriesScore {
    /// Stories scored.
    pub stories: usize,
    /// The micro-summed counts; `story` is "total".
    pub total: StoryScore,
    /// Stories whose gold names a first reporter, and those where it is right.
    pub first_reported_by: (usize, usize),
    /// Conflicts by confidence: what share of each bin is real.
    pub calibration: Vec<CalibrationBin>,
    /// One score per story, in folder order.
    pub per_story: Vec<StoryScore>,
    /// Stories that could not be scored.
    pub failed: Vec<Failed>,
}

/// Runs `pipeline` on every folder of `dirs` and sums the scores. A story that fails (unreadable
/// gold, say) is listed in `failed` and the run goes on. `on_story` is called after each story.
pub fn run_stories(
    pipeline: &pipeline::Pipeline,
    dirs: &[PathBuf],
    on_story: &mut dyn FnMut(&Path),
) -> StoriesScore {
    let mut scores = Vec::with_capacity(dirs.len());
    let mut failed = Vec::new();
    for dir in dirs {
        match story::run_story_with(pipeline, dir) {
            Ok((score, _report)) => scores.push(score),
            Err(e) => failed.push(Failed {
                dir: dir.display().to_string(),
                error: e.to_string(),
            }),
        }
        on_story(dir);
    }
    summarize(scores, failed)
}

/// Sums `scores` into a [`StoriesScore`].
pub fn summarize(scores: Vec<StoryScore>, failed: Vec<Failed>) -> StoriesScore {
    let mut total = StoryScore {
        story: "total".into(),
        gold_format: story::GOLD_FORMAT,
        ..StoryScore::default()
    };
    let mut first = (0, 0);
    let mut confidences = Vec::new();
    for s in &scores {
        add(&mut total.boilerplate, &s.boilerplate, |t, x| {
            let BoilerplateScore {
                lines,
                removed,
                body_lines,
                body_kept,
            } = *x;
            t.lines += lines;
            t.removed += removed;
            t.body_lines += body_lines;
            t.body_kept += body_kept;
        });
        add(&mut total.facts, &s.facts, |t, x| {
            let FactScore {
                total,
                found,
                supports,
                supports_grouped,
            } = *x;
            t.total += total;
            t.found += found;
            t.supports += supports;
            t.supports_grouped += supports_grouped;
        });
        add(&mut total.contradictions, &s.contradictions, |t, x| {
            let ContradictionScore {
                total,
                found,
                reported,
                false_alarms,
            } = *x;
            t.total += total;
            t.found += found;
            t.reported += reported;
            t.false_alarms += false_alarms;
        });
        add(&mut total.quotes, &s.quotes, |t, x| {
            let QuoteScore {
                total,
                found,
                speaker_right,
                reported,
                not_quotes,
                not_quotes_reported,
            } = *x;
            t.total += total;
            t.found += found;
            t.speaker_right += speaker_right;
            t.reported += reported;
            t.not_quotes += not_quotes;
            t.not_quotes_reported += not_quotes_reported;
        });
        add(&mut total.renderings, &s.renderings, |t, x| {
            let RenderingScore {
                total,
                right,
                inverted_reported,
                inverted_right,
            } = *x;
            t.total += total;
            t.right += right;
            t.inverted_reported += inverted_reported;
            t.inverted_right += inverted_right;
        });
        add(&mut total.attributions, &s.attributions, |t, x| {
            let AttributionScore {
                total,
                found,
                reported,
            } = *x;
            t.total += total;
            t.found += found;
            t.reported += reported;
        });
        add(&mut total.entities, &s.entities, |t, x| {
            let EntityScore {
                forms,
                resolved,
                flags,
                flags_found,
                false_flags,
            } = *x;
            t.forms += forms;
            t.resolved += resolved;
            t.flags += flags;
            t.flags_found += flags_found;
            t.false_flags += false_flags;
        });
        add(&mut total.framing, &s.framing, |t, x| {
            let FramingScore {
                total,
                found,
                reported,
            } = *x;
            t.total += total;
            t.found += found;
            t.reported += reported;
        });
        add(&mut total.unique, &s.unique, |t, x| {
            let UniqueScore { total, found } = *x;
            t.total += total;
            t.found += found;
        });
        if let Some(f) = &s.first_reported_by {
            first.0 += 1;
            first.1 += usize::from(f.right);
        }
        confidences.extend_from_slice(&s.details.conflict_confidence);
    }
    StoriesScore {
        stories: scores.len(),
        total,
        first_reported_by: first,
        calibration: calibration(&confidences),
        per_story: scores,
        failed,
    }
}

/// Adds `x` to `total` where the story has the category; the sum has it once any story has.
fn add<T: Default>(total: &mut Option<T>, x: &Option<T>, f: impl FnOnce(&mut T, &T)) {
    if let Some(x) = x {
        f(total.get_or_insert_with(T::default), x);
    }
}

/// The bins of the calibration table: below 0.5, then tenths up to 1.
const BIN_EDGES: [f32; 7] = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/// Conflicts by confidence bin, and how many of each are real.
pub fn calibration(confidences: &[(f32, bool)]) -> Vec<CalibrationBin> {
    let mut bins: Vec<CalibrationBin> = BIN_EDGES
        .windows(2)
        .map(|w| CalibrationBin {
            from: w[0],
            to: w[1],
            ..CalibrationBin::default()
        })
        .collect();
    for &(c, real) in confidences {
        let last = bins.len() - 1;
        let i = bins
            .iter()
            .position(|b| c >= b.from && c < b.to)
            .unwrap_or(if c >= 1.0 { last } else { 0 });
        bins[i].reported += 1;
        bins[i].real += usize::from(real);
    }
    bins
}

fn pct(got: usize, of: usize) -> String {
    if of == 0 {
        "—".into()
    } else {
        format!("{:.1}%", 100.0 * got as f64 / of as f64)
    }
}

/// The Markdown report: `head` (the run's settings, tuned constants), the summed counts, the
/// calibration, one line per story, and every false alarm with its evidence.
pub fn render_markdown(title: &str, head: &str, s: &StoriesScore) -> String {
    let t = &s.total;
    let mut md = String::new();
    let _ = writeln!(md, "# {title}\n\n{} stories scored.\n", s.stories);
    if !head.is_empty() {
        let _ = writeln!(md, "{head}\n");
    }
    md.push_str("## Totals\n\n| measure | count | of | share |\n|---|---:|---:|---:|\n");
    let mut line = |m: &str, got: usize, of: Option<usize>| {
        let (of_s, sh) = match of {
            Some(of) => (of.to_string(), pct(got, of)),
            None => ("—".into(), "—".into()),
        };
        let _ = writeln!(md, "| {m} | {got} | {of_s} | {sh} |");
    };
    if let Some(x) = &t.boilerplate {
        line("boilerplate lines removed", x.removed, Some(x.lines));
        line("body lines kept", x.body_kept, Some(x.body_lines));
    }
    if let Some(x) = &t.facts {
        line("facts found", x.found, Some(x.total));
        line("supports grouped", x.supports_grouped, Some(x.supports));
    }
    if let Some(x) = &t.contradictions {
        line("contradictions found", x.found, Some(x.total));
        line("conflicts reported", x.reported, None);
        line(
            "false alarms (of reported)",
            x.false_alarms,
            Some(x.reported),
        );
    }
    if let Some(x) = &t.quotes {
        line("quotes found", x.found, Some(x.total));
        line("speaker right (of found)", x.speaker_right, Some(x.found));
        line("quotes reported", x.reported, None);
        line(
            "not-quotes reported as quotes",
            x.not_quotes_reported,
            Some(x.not_quotes),
        );
    }
    if let Some(x) = &t.renderings {
        line("rendering labels right", x.right, Some(x.total));
        line(
            "inverted labels right (of reported)",
            x.inverted_right,
            Some(x.inverted_reported),
        );
    }
    if let Some(x) = &t.attributions {
        line("attributions found", x.found, Some(x.total));
        line("attributions reported", x.reported, None);
    }
    if s.first_reported_by.0 > 0 {
        line(
            "first reporter right",
            s.first_reported_by.1,
            Some(s.first_reported_by.0),
        );
    }
    if let Some(x) = &t.entities {
        line("entity forms resolved", x.resolved, Some(x.forms));
        line("name flags found", x.flags_found, Some(x.flags));
        line("false name flags", x.false_flags, None);
    }
    if let Some(x) = &t.framing {
        line("framing found", x.found, Some(x.total));
        line("framing reported", x.reported, None);
    }
    if let Some(x) = &t.unique {
        line("unique found", x.found, Some(x.total));
    }
    md.push('\n');
    if s.calibration.iter().any(|b| b.reported > 0) {
        md.push_str(
            "## Conflict confidence\n\n| confidence | reported | real | share real |\n|---|---:|---:|---:|\n",
        );
        for b in &s.calibration {
            let _ = writeln!(
                md,
                "| {:.1}–{:.1} | {} | {} | {} |",
                b.from,
                b.to,
                b.reported,
                b.real,
                pct(b.real, b.reported)
            );
        }
        md.push('\n');
    }
    per_story_table(&mut md, &s.per_story);
    false_alarms(&mut md, &s.per_story);
    for f in &s.failed {
        let _ = writeln!(md, "- failed: {}: {}\n", f.dir, f.error);
    }
    md
}

/// One line per story: the counts a reader scans for outliers.
fn per_story_table(md: &mut String, stories: &[StoryScore]) {
    md.push_str("## Per story\n\n| story | facts | supports | contradictions (found/total, reported) | quotes (found/total, speaker right) | renderings | framing (found/total, reported) |\n|---|---|---|---|---|---|---|\n");
    let pair = |a: Option<(usize, usize)>| a.map_or("—".into(), |(x, y)| format!("{x}/{y}"));
    for s in stories {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            s.story,
            pair(s.facts.map(|f| (f.found, f.total))),
            pair(s.facts.map(|f| (f.supports_grouped, f.supports))),
            s.contradictions.map_or("—".into(), |c| format!(
                "{}/{}, {}",
                c.found, c.total, c.reported
            )),
            s.quotes.map_or("—".into(), |q| format!(
                "{}/{}, {}",
                q.found, q.total, q.speaker_right
            )),
            pair(s.renderings.map(|r| (r.right, r.total))),
            s.framing.map_or("—".into(), |f| format!(
                "{}/{}, {}",
                f.found, f.total, f.reported
            )),
        );
    }
    md.push('\n');
}

/// Every false alarm of the conflicts and the inverted labels, story by story: the items a
/// reviewer must read, since a false alarm costs more than a miss.
fn false_alarms(md: &mut String, stories: &[StoryScore]) {
    let mut any = false;
    for s in stories {
        let items = s
            .details
            .contradictions
            .iter()
            .chain(s.details.renderings.iter())
            .filter(|o| o.verdict == Verdict::FalseAlarm);
        for o in items {
            if !any {
                md.push_str("## False alarms\n\n");
                any = true;
            }
            let _ = writeln!(md, "- {} {}: {}", s.story, o.item, o.message);
        }
    }
    if any {
        md.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_bins_cover_the_unit_interval() {
        let bins = calibration(&[(0.2, false), (0.55, true), (0.8, true), (1.0, false)]);
        assert_eq!(bins.len(), 6);
        assert_eq!((bins[0].reported, bins[0].real), (1, 0));
        assert_eq!((bins[1].reported, bins[1].real), (1, 1));
        assert_eq!((bins[4].reported, bins[4].real), (1, 1));
        assert_eq!((bins[5].reported, bins[5].real), (1, 0));
    }

    #[test]
    fn sums_only_the_categories_stories_have() {
        let a = StoryScore {
            facts: Some(FactScore {
                total: 3,
                found: 2,
                supports: 7,
                supports_grouped: 5,
            }),
            ..StoryScore::default()
        };
        let b = StoryScore {
            facts: Some(FactScore {
                total: 1,
                found: 1,
                supports: 2,
                supports_grouped: 2,
            }),
            framing: Some(FramingScore {
                total: 4,
                found: 1,
                reported: 3,
            }),
            ..StoryScore::default()
        };
        let s = summarize(vec![a, b], Vec::new());
        assert_eq!(s.stories, 2);
        assert_eq!(
            s.total.facts,
            Some(FactScore {
                total: 4,
                found: 3,
                supports: 9,
                supports_grouped: 7
            })
        );
        assert_eq!(s.total.framing.map(|f| f.reported), Some(3));
        assert!(s.total.quotes.is_none());
    }

    #[test]
    fn finds_story_folders_below_a_root() {
        let root = std::env::temp_dir().join(format!("corro-stories-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for d in ["b/one", "a", "c/deep/two"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("b/one/gold.json"), "{}").unwrap();
        std::fs::write(root.join("a/gold.json"), "{}").unwrap();
        std::fs::write(root.join("c/deep/two/gold.json"), "{}").unwrap();
        let dirs = story_dirs(std::slice::from_ref(&root)).unwrap();
        let names: Vec<String> = dirs
            .iter()
            .map(|d| d.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a", "b/one", "c/deep/two"]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
