//! Rewrites `eval/reports/*.md`: one report per story folder with a `gold.json` (in
//! `../shared/stories/` and `examples/`). Run it after any change that moves a number and commit
//! the result: the diff shows what moved. `extraction.md` is not among them: it sets our
//! `corroborate eval extraction` figures beside trafilatura's from the same sitting, which this
//! program cannot run.
//!
//! `cargo run --release -p eval --bin refresh-reports`

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn story_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.join("gold.json").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn main() -> ExitCode {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = repo.join("../shared");
    let out_dir = repo.join("eval/reports");
    if let Err(e) = fs::create_dir_all(&out_dir) {
        eprintln!("refresh-reports: cannot create {}: {e}", out_dir.display());
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    let mut dirs = story_dirs(&shared.join("stories"));
    dirs.extend(story_dirs(&repo.join("examples")));
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("story")
            .to_string();
        match eval::story::run_story(&dir) {
            Ok((score, _)) => {
                let mut md = eval::story::render_markdown(&score);
                let json = serde_json::to_string(&score).unwrap_or_default();
                let _ = write!(md, "\n## As JSON\n\n```json\n{json}\n```\n");
                let path = out_dir.join(format!("{name}.md"));
                match fs::write(&path, md) {
                    Ok(()) => eprintln!("wrote {}", path.display()),
                    Err(e) => {
                        eprintln!("refresh-reports: cannot write {}: {e}", path.display());
                        failed = true;
                    }
                }
            }
            Err(e) => {
                eprintln!("refresh-reports: {name}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
