//! eval stage of corroborate.

pub mod clustering;
pub mod extraction;
pub mod pairs;
pub mod stories;
pub mod story;

use std::io::Read as _;
use std::path::Path;

use extraction::EvalError;

/// The bytes of `path`, refused beyond `cap`; the cap holds on what is read, not on what the
/// file system says.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, EvalError> {
    let io = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() as u64 > cap {
        return Err(EvalError::TooLarge {
            path: path.to_path_buf(),
            limit: cap,
        });
    }
    Ok(buf)
}
