//! A bounded cache of tokens already validated, so that a token seen again
//! skips the signature check and the parsing of its claims.
//!
//! The trade-off: a cached token is not verified again until its entry
//! goes, so it stays accepted until its `exp` or until the key set changes
//! (which clears the cache), whichever comes first; the groups and scopes a
//! handler requires are still checked on every request. Memory is bounded
//! by the capacity: each entry holds the token and its parsed claims (a
//! Cognito id token and its claims take about 3 KiB).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use foldhash::fast::RandomState;
use serde_json::Value;

/// The default number of tokens kept.
pub const DEFAULT_TOKEN_CACHE_CAPACITY: usize = 4096;

/// Shards split the lock between workers; tokens spread over them by the
/// tail of their signature, which a valid token cannot choose.
const SHARDS: usize = 16;

struct Entry {
    claims: Arc<Value>,
    exp: u64,
    /// The key set generation the token was validated with.
    generation: u64,
}

struct Shard {
    entries: HashMap<Box<str>, Entry, RandomState>,
    /// The second at which expired entries were last swept.
    swept_at: u64,
}

/// Validated tokens, keyed by the whole token: a lookup compares the full
/// text, never a hash alone.
pub(crate) struct TokenCache {
    shards: Box<[Mutex<Shard>]>,
    per_shard: usize,
    /// The key set generation the entries were validated with.
    generation: AtomicU64,
}

impl TokenCache {
    /// A cache of about `capacity` tokens; `None` for a capacity of zero.
    pub(crate) fn new(capacity: usize) -> Option<Self> {
        if capacity == 0 {
            return None;
        }
        let per_shard = capacity.div_ceil(SHARDS);
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    entries: HashMap::with_capacity_and_hasher(per_shard, RandomState::default()),
                    swept_at: 0,
                })
            })
            .collect();
        Some(Self {
            shards,
            per_shard,
            generation: AtomicU64::new(0),
        })
    }

    fn shard(&self, token: &str) -> &Mutex<Shard> {
        let tail = token.as_bytes().iter().rev().take(8);
        let index = tail.fold(0usize, |acc, &b| {
            acc.wrapping_mul(31).wrapping_add(usize::from(b))
        });
        &self.shards[index % SHARDS]
    }

    /// Empties the cache when the key set has changed since the entries
    /// were made.
    fn follow_generation(&self, generation: u64) {
        if self.generation.load(Ordering::Acquire) == generation {
            return;
        }
        for shard in &*self.shards {
            shard
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entries
                .clear();
        }
        self.generation.store(generation, Ordering::Release);
    }

    /// The claims of `token` if it was validated with the current key set
    /// (`generation`) and has not expired.
    pub(crate) fn get(&self, token: &str, now: u64, generation: u64) -> Option<Arc<Value>> {
        self.follow_generation(generation);
        let mut shard = self
            .shard(token)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = shard.entries.get(token)?;
        if now < entry.exp && entry.generation == generation {
            return Some(Arc::clone(&entry.claims));
        }
        shard.entries.remove(token);
        None
    }

    /// Keeps a token validated with key set `generation` until its `exp`.
    pub(crate) fn insert(
        &self,
        token: &str,
        claims: Arc<Value>,
        exp: u64,
        now: u64,
        generation: u64,
    ) {
        if exp <= now {
            return;
        }
        let mut shard = self
            .shard(token)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if shard.entries.len() >= self.per_shard {
            if shard.swept_at != now {
                shard.entries.retain(|_, entry| now < entry.exp);
                shard.swept_at = now;
            }
            if shard.entries.len() >= self.per_shard {
                // Evict one entry: the table's order follows the hash, so
                // the first one is as good as a random pick.
                let victim = shard.entries.keys().next().cloned();
                if let Some(victim) = victim {
                    shard.entries.remove(&victim);
                }
            }
        }
        let entry = Entry {
            claims,
            exp,
            generation,
        };
        shard.entries.insert(token.into(), entry);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                s.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entries
                    .len()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims() -> Arc<Value> {
        Arc::new(json!({"sub": "x"}))
    }

    #[test]
    fn an_entry_lives_until_its_exp() {
        let cache = TokenCache::new(8).unwrap();
        cache.insert("a.b.c", claims(), 100, 10, 0);
        assert!(cache.get("a.b.c", 99, 0).is_some());
        assert!(cache.get("a.b.c", 100, 0).is_none());
        assert!(
            cache.get("a.b.c", 50, 0).is_none(),
            "an expired entry is gone"
        );
        cache.insert("d.e.f", claims(), 10, 10, 0);
        assert!(
            cache.get("d.e.f", 5, 0).is_none(),
            "expired tokens are not kept"
        );
    }

    #[test]
    fn lookups_compare_the_whole_token() {
        let cache = TokenCache::new(8).unwrap();
        cache.insert("header.payload.signature", claims(), 100, 10, 0);
        assert!(cache.get("header.payload.signature", 20, 0).is_some());
        assert!(cache.get("headeR.payload.signature", 20, 0).is_none());
        assert!(cache.get("header.payload.signatur", 20, 0).is_none());
        assert!(cache.get("x.header.payload.signature", 20, 0).is_none());
    }

    #[test]
    fn the_size_stays_bounded() {
        let cache = TokenCache::new(64).unwrap();
        for i in 0..10_000 {
            cache.insert(&format!("t.{i}.sig{i}"), claims(), 1_000, 10, 0);
        }
        assert!(cache.len() <= 64, "{}", cache.len());
        assert!(cache.len() >= 32, "{}", cache.len());
    }

    #[test]
    fn a_new_key_set_generation_clears_it() {
        let cache = TokenCache::new(8).unwrap();
        cache.insert("a.b.c", claims(), 100, 10, 0);
        assert!(cache.get("a.b.c", 20, 0).is_some());
        assert!(cache.get("a.b.c", 20, 1).is_none());
        assert_eq!(cache.len(), 0, "the new generation emptied the cache");
        // A token validated with the old key set, stored late, is not used.
        cache.insert("d.e.f", claims(), 100, 10, 0);
        assert!(cache.get("d.e.f", 20, 1).is_none());
    }

    #[test]
    fn capacity_zero_turns_it_off() {
        assert!(TokenCache::new(0).is_none());
    }
}
