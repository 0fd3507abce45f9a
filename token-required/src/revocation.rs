//! Refusing tokens that are valid but revoked: a hook asked after the
//! signature and claims pass, on every request (cached tokens included).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{PoisonError, RwLock};

use serde_json::Value;

/// What a revocation check answers: `Ok(true)` refuses the token with 401,
/// `Ok(false)` lets it through, and an error (the store is down) refuses
/// the request with 503: it fails closed.
pub type RevocationResult = Result<bool, Box<dyn std::error::Error + Send + Sync>>;

/// The future a [`Revocation`] check returns.
pub type RevocationFuture<'a> = Pin<Box<dyn Future<Output = RevocationResult> + 'a>>;

/// Decides whether a token that passed every other check is revoked, by
/// anything in its claims (`jti`, `sub`, a session id, ...).
///
/// It runs on every guarded request, after the signature and claims are
/// checked and before the handler's groups and scopes, so keep it cheap.
/// Register one with [`ValidatorBuilder::revocation`](crate::ValidatorBuilder::revocation).
/// A store-backed one is a few lines:
///
/// ```
/// use std::sync::Arc;
/// use serde_json::Value;
/// use token_required::{Revocation, RevocationFuture, Validator};
///
/// /// Stands in for a Redis or database client.
/// struct Store;
///
/// impl Store {
///     async fn exists(&self, key: &str) -> Result<bool, std::io::Error> {
///         Ok(key == "revoked:jti-42")
///     }
/// }
///
/// struct StoreRevocation(Store);
///
/// impl Revocation for StoreRevocation {
///     fn is_revoked<'a>(&'a self, claims: &'a Value) -> RevocationFuture<'a> {
///         Box::pin(async move {
///             let Some(jti) = claims.get("jti").and_then(Value::as_str) else {
///                 return Ok(false);
///             };
///             Ok(self.0.exists(&format!("revoked:{jti}")).await?)
///         })
///     }
/// }
///
/// let validator = Validator::builder()
///     .hmac_secret("a secret of at least thirty-two bytes")
///     .revocation(Arc::new(StoreRevocation(Store)))
///     .build()?;
/// # Ok::<(), token_required::ConfigError>(())
/// ```
pub trait Revocation: Send + Sync {
    /// Whether the token with these (validated) claims is revoked.
    fn is_revoked<'a>(&'a self, claims: &'a Value) -> RevocationFuture<'a>;
}

/// An in-memory [`Revocation`]: revoked token ids (`jti`), each until the
/// token would have expired anyway, and revoked subjects (`sub`).
///
/// For one process; several instances need a shared store behind the
/// trait instead.
///
/// ```
/// use std::sync::Arc;
/// use token_required::{RevokedTokens, Validator};
///
/// let revoked = Arc::new(RevokedTokens::new());
/// revoked.revoke_token("jti-42", 1_900_000_000);
/// revoked.revoke_subject("user-7");
/// let validator = Validator::builder()
///     .hmac_secret("a secret of at least thirty-two bytes")
///     .revocation(revoked.clone())
///     .build()?;
/// # Ok::<(), token_required::ConfigError>(())
/// ```
#[derive(Debug, Default)]
pub struct RevokedTokens {
    /// `jti` → the `exp` after which the entry is useless.
    tokens: RwLock<HashMap<String, u64>>,
    subjects: RwLock<HashSet<String>>,
}

impl RevokedTokens {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Revokes the token whose `jti` is `jti`; `exp` is its expiry (Unix
    /// seconds), after which the entry is dropped.
    pub fn revoke_token(&self, jti: impl Into<String>, exp: u64) {
        let now = crate::token::now();
        let mut tokens = self.tokens.write().unwrap_or_else(PoisonError::into_inner);
        tokens.retain(|_, until| *until > now);
        tokens.insert(jti.into(), exp);
    }

    /// Revokes every token of the subject `sub`, until restored.
    pub fn revoke_subject(&self, sub: impl Into<String>) {
        let mut subjects = self
            .subjects
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        subjects.insert(sub.into());
    }

    /// Lets the subject's tokens through again.
    pub fn restore_subject(&self, sub: &str) {
        let mut subjects = self
            .subjects
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        subjects.remove(sub);
    }

    fn contains(&self, claims: &Value) -> bool {
        let claim = |name| claims.get(name).and_then(Value::as_str);
        let revoked_token = claim("jti").is_some_and(|jti| {
            let tokens = self.tokens.read().unwrap_or_else(PoisonError::into_inner);
            tokens
                .get(jti)
                .is_some_and(|&until| until > crate::token::now())
        });
        revoked_token
            || claim("sub").is_some_and(|sub| {
                let subjects = self.subjects.read().unwrap_or_else(PoisonError::into_inner);
                subjects.contains(sub)
            })
    }
}

impl Revocation for RevokedTokens {
    fn is_revoked<'a>(&'a self, claims: &'a Value) -> RevocationFuture<'a> {
        let revoked = self.contains(claims);
        Box::pin(async move { Ok(revoked) })
    }
}

/// A registered hook, printable for the builder's `Debug`.
#[derive(Clone)]
pub(crate) struct RevocationHook(pub(crate) std::sync::Arc<dyn Revocation>);

impl std::fmt::Debug for RevocationHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Revocation(..)")
    }
}
