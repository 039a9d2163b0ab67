//! Rendered reports kept in memory, so that reading a report costs no analysis and no
//! rendering. Bounded by entries; the oldest inserted goes first.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

/// One report, rendered both ways.
#[derive(Debug)]
pub(crate) struct Rendered {
    pub(crate) html: Bytes,
    pub(crate) json: Bytes,
    /// How long the analysis took, for the `Server-Timing` header of uploads.
    pub(crate) analysis: std::time::Duration,
}

#[derive(Debug)]
pub(crate) struct Cache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    map: BTreeMap<String, Arc<Rendered>>,
    order: VecDeque<String>,
}

impl Cache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<Arc<Rendered>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.map.get(key).cloned()
    }

    pub(crate) fn insert(&self, key: String, value: Arc<Rendered>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.map.insert(key.clone(), value).is_none() {
            inner.order.push_back(key);
        }
        while inner.order.len() > self.capacity {
            if let Some(old) = inner.order.pop_front() {
                inner.map.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_goes_first() {
        let c = Cache::new(2);
        let r = || {
            Arc::new(Rendered {
                html: Bytes::new(),
                json: Bytes::new(),
                analysis: std::time::Duration::ZERO,
            })
        };
        c.insert("a".into(), r());
        c.insert("b".into(), r());
        c.insert("a".into(), r());
        c.insert("c".into(), r());
        assert!(c.get("a").is_none() && c.get("b").is_some() && c.get("c").is_some());
    }
}
