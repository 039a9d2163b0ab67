//! eval stage of corroborate.

pub mod extraction;
pub mod story;
