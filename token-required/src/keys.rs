//! The keys tokens are checked with, and how one is chosen for a token.
//!
//! Every source of keys answers the same question: given a token's `alg`
//! and `kid`, which single key verifies it? Static keys (a secret or a PEM
//! file) answer it from memory; a key set fetched over HTTP slots in as
//! another [`KeySource`] variant without changing the validator.

use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::AuthError;

/// One key, with the algorithms it may verify and the claim checks that go
/// with it, all prepared once when the validator is built.
pub(crate) struct VerificationKey {
    pub(crate) kid: Option<String>,
    pub(crate) key: DecodingKey,
    /// Never empty; every algorithm fits the key's family.
    pub(crate) validation: Validation,
}

impl VerificationKey {
    fn accepts(&self, alg: Algorithm) -> bool {
        self.validation.algorithms.contains(&alg)
    }
}

/// Where a validator gets its keys from.
pub(crate) enum KeySource {
    /// Keys given at configuration time, never refreshed.
    Static(Vec<Arc<VerificationKey>>),
}

impl KeySource {
    /// The one key that verifies a token with this `alg` and `kid`.
    ///
    /// A key configured with a `kid` serves only tokens naming it; a key
    /// without one serves any token whose `alg` it accepts. A token that
    /// names a configured `kid` gets that key alone. Otherwise exactly one
    /// key must fit: when several do, the token is refused rather than
    /// checked against each in turn.
    pub(crate) async fn select(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<Arc<VerificationKey>, AuthError> {
        match self {
            Self::Static(keys) => select_from(keys, alg, kid),
        }
    }

    /// Every algorithm some key accepts, for diagnostics.
    pub(crate) fn algorithms(&self) -> Vec<Algorithm> {
        let mut algs = Vec::new();
        match self {
            Self::Static(keys) => {
                for key in keys {
                    for alg in &key.validation.algorithms {
                        if !algs.contains(alg) {
                            algs.push(*alg);
                        }
                    }
                }
            }
        }
        algs
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Static(keys) => keys.len(),
        }
    }
}

fn select_from(
    keys: &[Arc<VerificationKey>],
    alg: Algorithm,
    kid: Option<&str>,
) -> Result<Arc<VerificationKey>, AuthError> {
    if !keys.iter().any(|k| k.accepts(alg)) {
        return Err(AuthError::AlgorithmNotAllowed);
    }

    if let Some(kid) = kid {
        let named = keys.iter().find(|k| k.kid.as_deref() == Some(kid));
        if let Some(key) = named {
            return if key.accepts(alg) {
                Ok(Arc::clone(key))
            } else {
                Err(AuthError::AlgorithmNotAllowed)
            };
        }
    }

    let mut fitting = keys.iter().filter(|k| k.kid.is_none() && k.accepts(alg));
    match (fitting.next(), fitting.next()) {
        (Some(key), None) => Ok(Arc::clone(key)),
        _ => Err(AuthError::UnknownKey),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kid: Option<&str>, algs: &[Algorithm]) -> Arc<VerificationKey> {
        let mut validation = Validation::new(algs[0]);
        validation.algorithms = algs.to_vec();
        Arc::new(VerificationKey {
            kid: kid.map(str::to_owned),
            key: DecodingKey::from_secret(b"k").unwrap(),
            validation,
        })
    }

    #[test]
    fn a_named_key_wins_and_must_accept_the_algorithm() {
        let keys = vec![
            key(Some("a"), &[Algorithm::HS256]),
            key(None, &[Algorithm::HS256, Algorithm::HS384]),
        ];
        let chosen = select_from(&keys, Algorithm::HS256, Some("a")).unwrap();
        assert_eq!(chosen.kid.as_deref(), Some("a"));
        assert_eq!(
            select_from(&keys, Algorithm::HS384, Some("a")).err(),
            Some(AuthError::AlgorithmNotAllowed)
        );
    }

    #[test]
    fn an_unnamed_key_serves_any_kid_when_it_is_the_only_fit() {
        let keys = vec![key(None, &[Algorithm::HS256])];
        assert!(select_from(&keys, Algorithm::HS256, Some("other")).is_ok());
        assert!(select_from(&keys, Algorithm::HS256, None).is_ok());
        assert_eq!(
            select_from(&keys, Algorithm::RS256, None).err(),
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
            select_from(&keys, Algorithm::HS256, None).err(),
            Some(AuthError::UnknownKey)
        );
        let named = vec![key(Some("a"), &[Algorithm::HS256])];
        assert_eq!(
            select_from(&named, Algorithm::HS256, Some("b")).err(),
            Some(AuthError::UnknownKey)
        );
    }
}
