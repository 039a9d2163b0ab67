//! crosscheck stage of corroborate.
