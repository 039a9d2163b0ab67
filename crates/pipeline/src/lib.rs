//! pipeline stage of corroborate.
