//! embed stage of corroborate.
