//! eval stage of corroborate.
