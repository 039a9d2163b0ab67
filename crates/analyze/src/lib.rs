//! analyze stage of corroborate.
