//! A bounded, expiring memory of the signature nonces already seen.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, PoisonError};

use time::OffsetDateTime;

/// Remembers `(access key id, nonce)` pairs until they expire, so a replayed request is refused.
///
/// - **Expiry**: the verifier stores each nonce until its request's timestamp plus the allowed
///   clock skew; after that the timestamp check alone refuses a replay.
/// - **Bound**: at most [`capacity`](Self::capacity) entries. Expired entries are dropped
///   first; when the cache is still full, the entry closest to expiry is evicted (a replay of
///   that one request would then pass the nonce check; the alternative, refusing every new
///   request, would let a flood lock every client out).
/// - **Threads**: a `Mutex` inside; share one cache (or one [`Verifier`](super::Verifier))
///   between tasks behind an `Arc`.
///
/// ```
/// use dataworks_signer::NonceCache;
/// use time::macros::datetime;
///
/// let cache = NonceCache::new(2);
/// let now = datetime!(2024-01-02 03:04:05 UTC);
/// let expires = datetime!(2024-01-02 03:19:05 UTC);
/// assert!(cache.check_and_insert("id", "n1", expires, now));
/// assert!(!cache.check_and_insert("id", "n1", expires, now)); // replay
/// assert!(cache.check_and_insert("other-id", "n1", expires, now)); // another key's nonce
/// assert!(cache.check_and_insert("id", "n1", expires, expires + time::Duration::SECOND)); // expired
/// ```
pub struct NonceCache {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// (access key id, nonce) → (expiry as unix seconds, insertion sequence).
    seen: HashMap<(String, String), (i64, u64)>,
    /// (expiry, sequence) → key in `seen`, to drop and evict in expiry order.
    by_expiry: BTreeMap<(i64, u64), (String, String)>,
    sequence: u64,
}

impl NonceCache {
    /// The default bound: 100 000 nonces (a few MB at most).
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// An empty cache holding at most `capacity` nonces (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// The most nonces held at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many nonces are held now (expired ones included until the next insertion).
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every nonce.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.seen.clear();
        state.by_expiry.clear();
    }

    /// Records `nonce` for `access_key_id` until `expires_at`. Returns `false` when the pair is
    /// already held and not expired at `now` (a replay), `true` when it is fresh.
    pub fn check_and_insert(
        &self,
        access_key_id: &str,
        nonce: &str,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> bool {
        let now = now.unix_timestamp();
        let expiry = expires_at.unix_timestamp();
        let mut state = self.lock();
        state.drop_expired(now);
        let key = (access_key_id.to_string(), nonce.to_string());
        if state.seen.contains_key(&key) {
            return false;
        }
        while state.seen.len() >= self.capacity {
            if !state.evict_first() {
                break;
            }
        }
        state.sequence = state.sequence.wrapping_add(1);
        let sequence = state.sequence;
        state.by_expiry.insert((expiry, sequence), key.clone());
        state.seen.insert(key, (expiry, sequence));
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// Drops every entry whose expiry is before `now`.
    fn drop_expired(&mut self, now: i64) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 >= now {
                break;
            }
            let key = entry.remove();
            self.seen.remove(&key);
        }
    }

    /// Evicts the entry closest to expiry; `false` when there is none.
    fn evict_first(&mut self) -> bool {
        match self.by_expiry.pop_first() {
            Some((_, key)) => {
                self.seen.remove(&key);
                true
            }
            None => false,
        }
    }
}

impl Default for NonceCache {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for NonceCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NonceCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2024-01-02 03:04:05 UTC);

    #[test]
    fn bounded_with_eviction_of_the_soonest_to_expire() {
        let cache = NonceCache::new(2);
        assert!(cache.check_and_insert("k", "late", NOW + Duration::minutes(15), NOW));
        assert!(cache.check_and_insert("k", "soon", NOW + Duration::minutes(1), NOW));
        assert!(cache.check_and_insert("k", "third", NOW + Duration::minutes(10), NOW));
        assert_eq!(cache.len(), 2);
        // "soon" was evicted, "late" is still remembered.
        assert!(!cache.check_and_insert("k", "late", NOW + Duration::minutes(15), NOW));
        assert!(cache.check_and_insert("k", "soon", NOW + Duration::minutes(1), NOW));
    }

    #[test]
    fn expired_entries_are_dropped() {
        let cache = NonceCache::new(10);
        assert!(cache.check_and_insert("k", "a", NOW, NOW));
        assert!(!cache.check_and_insert("k", "a", NOW, NOW));
        let later = NOW + Duration::seconds(1);
        assert!(cache.check_and_insert("k", "b", later, later));
        assert_eq!(cache.len(), 1);
        assert!(cache.check_and_insert("k", "a", later, later));
        cache.clear();
        assert!(cache.is_empty());
        assert_eq!(NonceCache::new(0).capacity(), 1);
        assert!(format!("{:?}", NonceCache::default()).contains("100000"));
    }

    #[test]
    fn shared_between_threads_only_one_wins() {
        let cache = Arc::new(NonceCache::default());
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let cache = Arc::clone(&cache);
                std::thread::spawn(move || {
                    cache.check_and_insert("k", "same", NOW + Duration::minutes(15), NOW)
                })
            })
            .collect();
        let wins = handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|won| *won)
            .count();
        assert_eq!(wins, 1);
    }
}
