//! eval stage of corroborate.

pub mod extraction;
pub mod pairs;
pub mod story;
