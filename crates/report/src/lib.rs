//! report stage of corroborate.
