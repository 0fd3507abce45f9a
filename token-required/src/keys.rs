//! The keys tokens are checked with, and how one is chosen for a token.
//!
//! Every source of keys answers the same question: given a token's `alg`
//! and `kid`, which single key verifies it? Static keys (a secret or a PEM
//! file) answer it from memory; a JWKS cache answers it from its cached set,
//! fetching a fresh one when the `kid` is unknown.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey};

use crate::jwks::JwksCache;
use crate::AuthError;

/// One key and the algorithms it may verify, prepared once when the
/// validator is built or the key set fetched.
pub(crate) struct VerificationKey {
    pub(crate) kid: Option<String>,
    pub(crate) key: DecodingKey,
    /// Never empty; every algorithm fits the key's family.
    pub(crate) algorithms: Vec<Algorithm>,
}

impl VerificationKey {
    fn accepts(&self, alg: Algorithm) -> bool {
        self.algorithms.contains(&alg)
    }
}

/// Where a validator gets its keys from.
pub(crate) enum KeySource {
    /// Keys given at configuration time, never refreshed.
    Static(Vec<Arc<VerificationKey>>),
    /// Keys fetched from a JWKS endpoint and cached.
    Jwks(Arc<JwksCache>),
}

impl KeySource {
    /// The one key that verifies a token with this `alg` and `kid`.
    pub(crate) async fn select(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<Arc<VerificationKey>, AuthError> {
        match self {
            Self::Static(keys) => match select_from(keys, alg, kid) {
                Selection::Found(key) => Ok(key),
                Selection::Refused(error) => Err(error),
                Selection::Missing => Err(AuthError::UnknownKey),
            },
            Self::Jwks(cache) => cache.key_for(alg, kid).await,
        }
    }

    /// Grows whenever the key set changes.
    pub(crate) fn generation(&self) -> u64 {
        match self {
            Self::Static(_) => 0,
            Self::Jwks(cache) => cache.generation(),
        }
    }

    /// A short description for `Debug` output: never key material.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Static(keys) => {
                let mut algs: Vec<Algorithm> = Vec::new();
                for alg in keys.iter().flat_map(|k| &k.algorithms) {
                    if !algs.contains(alg) {
                        algs.push(*alg);
                    }
                }
                format!("{} static key(s) for {algs:?}", keys.len())
            }
            Self::Jwks(cache) => cache.describe(),
        }
    }
}

/// The outcome of looking for a token's key in a set.
pub(crate) enum Selection {
    Found(Arc<VerificationKey>),
    /// No key fits; a fresher key set might have one.
    Missing,
    /// A key fits the `kid` but refuses the token, or several keys fit a
    /// token that names none: a fresher key set would not change that.
    Refused(AuthError),
}

/// Picks the key for a token from `keys`.
///
/// A token naming a `kid` gets the key with that id, which must accept its
/// `alg`; failing that, a key configured without an id may serve it. A
/// token naming no `kid` is served only when exactly one key accepts its
/// `alg`: with several, it is refused rather than checked against each.
pub(crate) fn select_from(
    keys: &[Arc<VerificationKey>],
    alg: Algorithm,
    kid: Option<&str>,
) -> Selection {
    if let Some(kid) = kid {
        if let Some(key) = keys.iter().find(|k| k.kid.as_deref() == Some(kid)) {
            return if key.accepts(alg) {
                Selection::Found(Arc::clone(key))
            } else {
                Selection::Refused(AuthError::AlgorithmNotAllowed)
            };
        }
    }

    let mut fitting = keys
        .iter()
        .filter(|k| k.accepts(alg) && (kid.is_none() || k.kid.is_none()));
    match (fitting.next(), fitting.next()) {
        (Some(key), None) => Selection::Found(Arc::clone(key)),
        (Some(_), Some(_)) => Selection::Refused(AuthError::UnknownKey),
        (None, _) if kid.is_none() && !keys.is_empty() => {
            // Nothing accepts this alg at all: say so, unless a key named
            // elsewhere could (then it is just unknown).
            Selection::Refused(AuthError::AlgorithmNotAllowed)
        }
        (None, _) => Selection::Missing,
    }
}

/// The claim checks every token must pass, whatever its key.
#[derive(Debug, Clone)]
pub(crate) struct ClaimRules {
    pub(crate) issuers: Vec<String>,
    pub(crate) audiences: Vec<String>,
    pub(crate) leeway: Duration,
    /// Accepted algorithms; `None` accepts every one that fits a key.
    pub(crate) algorithms: Option<Vec<Algorithm>>,
}

impl ClaimRules {
    /// The algorithms of `fitting` that the rules accept.
    pub(crate) fn accepted(&self, fitting: &[Algorithm]) -> Vec<Algorithm> {
        match &self.algorithms {
            Some(wanted) => fitting
                .iter()
                .filter(|a| wanted.contains(a))
                .copied()
                .collect(),
            None => fitting.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(
        keys: &[Arc<VerificationKey>],
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<Arc<VerificationKey>, AuthError> {
        match select_from(keys, alg, kid) {
            Selection::Found(key) => Ok(key),
            Selection::Refused(error) => Err(error),
            Selection::Missing => Err(AuthError::UnknownKey),
        }
    }

    fn key(kid: Option<&str>, algs: &[Algorithm]) -> Arc<VerificationKey> {
        Arc::new(VerificationKey {
            kid: kid.map(str::to_owned),
            key: DecodingKey::from_secret(b"k").unwrap(),
            algorithms: algs.to_vec(),
        })
    }

    #[test]
    fn a_named_key_wins_and_must_accept_the_algorithm() {
        let keys = vec![
            key(Some("a"), &[Algorithm::HS256]),
            key(None, &[Algorithm::HS256, Algorithm::HS384]),
        ];
        let chosen = pick(&keys, Algorithm::HS256, Some("a")).unwrap();
        assert_eq!(chosen.kid.as_deref(), Some("a"));
        assert_eq!(
            pick(&keys, Algorithm::HS384, Some("a")).err(),
            Some(AuthError::AlgorithmNotAllowed)
        );
    }

    #[test]
    fn an_unnamed_key_serves_any_kid_when_it_is_the_only_fit() {
        let keys = vec![key(None, &[Algorithm::HS256])];
        assert!(pick(&keys, Algorithm::HS256, Some("other")).is_ok());
        assert!(pick(&keys, Algorithm::HS256, None).is_ok());
        assert_eq!(
            pick(&keys, Algorithm::RS256, None).err(),
            Some(AuthError::AlgorithmNotAllowed)
        );
    }

    #[test]
    fn several_fitting_keys_without_a_name_are_refused() {
        let keys = vec![
            key(None, &[Algorithm::HS256]),
            key(None, &[Algorithm::HS256]),
        ];
        assert_eq!(
            pick(&keys, Algorithm::HS256, None).err(),
            Some(AuthError::UnknownKey)
        );
        let named = vec![key(Some("a"), &[Algorithm::HS256])];
        assert_eq!(
            pick(&named, Algorithm::HS256, Some("b")).err(),
            Some(AuthError::UnknownKey)
        );
        // A token naming no kid is served by the only key that fits.
        assert!(pick(&named, Algorithm::HS256, None).is_ok());
        assert!(matches!(
            select_from(&named, Algorithm::HS256, Some("b")),
            Selection::Missing
        ));
        assert!(matches!(
            select_from(&[], Algorithm::HS256, None),
            Selection::Missing
        ));
    }
}
