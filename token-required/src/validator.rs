//! The validator: checks a token against its keys and claim rules.

use std::fmt;
use std::sync::Arc;

use actix_web::{web, HttpRequest};
use once_cell::sync::Lazy;
use serde_json::Value;

use crate::bearer::BearerToken;
use crate::cache::TokenCache;
use crate::cognito::CognitoClaims;
use crate::keys::{ClaimRules, KeySource};
use crate::response::ResponseSettings;
use crate::sources::{self, TokenSources};
use crate::token::{self, Compact};
use crate::{AuthError, ConfigError, JwksError, Policy, Rejection, Revocation, ValidatorBuilder};

/// Checks bearer tokens: signature, algorithm, `exp`, `nbf`, and `iss` and
/// `aud` when configured, then the groups and scopes a handler requires.
///
/// Build one with [`Validator::builder`] or [`Validator::from_env`] and
/// register it with [`App::app_data`](actix_web::App::app_data); handlers
/// without a registered validator use [`default_validator`]. Cloning is
/// cheap: clones share one set of prepared keys.
///
/// ```
/// use actix_web::{get, App, HttpResponse, Responder};
/// use token_required::{token_required, Validator};
///
/// #[get("/users")]
/// #[token_required]
/// async fn users() -> impl Responder {
///     HttpResponse::Ok().json(["ana", "luis"])
/// }
///
/// let validator = Validator::builder()
///     .hmac_secret("a secret of at least thirty-two bytes")
///     .issuer("https://auth.example.com")
///     .build()?;
/// let app = App::new().app_data(validator).service(users);
/// # Ok::<(), token_required::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Validator {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) keys: KeySource,
    pub(crate) sources: TokenSources,
    pub(crate) pass_preflight: bool,
    pub(crate) revocation: Option<Arc<dyn Revocation>>,
    pub(crate) rules: ClaimRules,
    pub(crate) cache: Option<TokenCache>,
    pub(crate) cognito: Option<CognitoClaims>,
    pub(crate) groups_claim: Box<str>,
    pub(crate) max_token_len: usize,
    pub(crate) response: Arc<ResponseSettings>,
}

static DEFAULT: Lazy<Result<Validator, ConfigError>> = Lazy::new(|| {
    let built = Validator::from_env();
    if let Err(error) = &built {
        tracing::warn!(%error, "cannot build the default token validator");
    }
    built
});

/// The process-wide validator, built once from the environment on first use
/// (see [`Validator::from_env`]).
///
/// Guarded handlers fall back to it when the app registers no validator.
/// Call it at start-up to turn a bad environment into an error there rather
/// than into 500 answers later.
///
/// # Errors
///
/// The [`ConfigError`] that building it met; it is kept, and every later
/// call returns it again.
///
/// ```no_run
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     token_required::default_validator()?;
///     // ... start the server
///     Ok(())
/// }
/// ```
pub fn default_validator() -> Result<&'static Validator, &'static ConfigError> {
    DEFAULT.as_ref()
}

impl Validator {
    /// Starts a [`ValidatorBuilder`].
    pub fn builder() -> ValidatorBuilder {
        ValidatorBuilder::new()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The validator registered on the app (as `Validator` or
    /// `web::Data<Validator>`), else the process-wide default.
    pub(crate) fn for_request(req: &HttpRequest) -> Result<&Validator, &'static ConfigError> {
        match Self::registered(req) {
            Some(validator) => Ok(validator),
            None => default_validator(),
        }
    }

    /// The validator registered on the app, if any.
    pub(crate) fn registered(req: &HttpRequest) -> Option<&Validator> {
        req.app_data::<Validator>()
            .or_else(|| req.app_data::<web::Data<Validator>>().map(|d| d.get_ref()))
    }

    /// Validates a token given as text (without the `Bearer` scheme) and
    /// returns its claims.
    ///
    /// This is what guarded handlers run; it is public for tokens that
    /// arrive another way, such as a WebSocket's first message.
    ///
    /// # Errors
    ///
    /// The [`AuthError`] that says why the token was refused.
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use token_required::{AuthError, Validator};
    ///
    /// let validator = Validator::builder()
    ///     .hmac_secret("a secret of at least thirty-two bytes")
    ///     .build()?;
    /// let refused = validator.validate("not.a.token").await;
    /// assert_eq!(refused, Err(AuthError::MalformedToken));
    /// # Ok::<(), token_required::ConfigError>(())
    /// # })?;
    /// # Ok::<(), token_required::ConfigError>(())
    /// ```
    pub async fn validate(&self, token: &str) -> Result<Arc<Value>, AuthError> {
        let claims = self.verify(token).await?;
        if let Some(hook) = &self.inner.revocation {
            match hook.is_revoked(&claims).await {
                Ok(false) => {}
                Ok(true) => return Err(AuthError::Revoked),
                Err(error) => {
                    tracing::warn!(%error, "the revocation check failed; refusing the request");
                    return Err(AuthError::RevocationUnavailable);
                }
            }
        }
        Ok(claims)
    }

    /// Signature and claims, from the cache when the token was seen.
    async fn verify(&self, token: &str) -> Result<Arc<Value>, AuthError> {
        let inner = &*self.inner;
        if token.len() > inner.max_token_len {
            return Err(AuthError::TokenTooLong {
                len: token.len(),
                max: inner.max_token_len,
            });
        }

        let now = token::now();
        if let Some(cache) = &inner.cache {
            if let Some(claims) = cache.get(token, now, inner.keys.generation()) {
                return Ok(claims);
            }
        }

        let compact = Compact::split(token)?;
        let mut header_json = Vec::new();
        let header = compact.header(&mut header_json)?;
        let key = inner.keys.select(header.alg, header.kid.as_deref()).await?;
        let generation = inner.keys.generation();
        compact.verify(&key.key, header.alg)?;

        let claims = compact.claims()?;
        let exp = token::check_claims(&claims, &inner.rules, now)?;
        if let Some(cognito) = &inner.cognito {
            cognito.check(&claims)?;
        }

        let claims = Arc::new(Value::Object(claims));
        if let Some(cache) = &inner.cache {
            cache.insert(token, Arc::clone(&claims), exp, now, generation);
        }
        Ok(claims)
    }

    /// Fetches the JWKS now, so that the first request does not wait for
    /// it, and returns how many usable keys it holds. For static keys it
    /// fetches nothing and returns their count.
    ///
    /// # Errors
    ///
    /// The [`JwksError`] met; the validator stays usable and will fetch
    /// again on the first request that needs a key.
    ///
    /// ```no_run
    /// use token_required::Validator;
    ///
    /// #[actix_web::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let validator = Validator::builder()
    ///         .jwks_url("https://auth.example.com/.well-known/jwks.json")
    ///         .build()?;
    ///     let keys = validator.warm_up().await?;
    ///     println!("{keys} signing keys ready");
    ///     Ok(())
    /// }
    /// ```
    pub async fn warm_up(&self) -> Result<usize, JwksError> {
        match &self.inner.keys {
            KeySource::Static(keys) => Ok(keys.len()),
            KeySource::Jwks(cache) => cache.refresh().await,
        }
    }

    /// Reads the bearer token of `req`, validates it and checks it against
    /// `policy`.
    pub(crate) async fn authorize(
        &self,
        req: &HttpRequest,
        policy: &Policy,
    ) -> Result<Arc<Value>, AuthError> {
        let max = self.inner.max_token_len;
        let header = BearerToken::from_headers(req.headers(), max);
        let claims = if self.inner.sources.is_empty() {
            self.validate(header?.as_str()).await?
        } else {
            // RFC 6750 section 2: one method per request, never several.
            match (header, self.inner.sources.find(req)?) {
                (Ok(_), Some(_)) => return Err(AuthError::DuplicateCredentials),
                (Ok(token), None) => self.validate(token.as_str()).await?,
                (Err(AuthError::MissingCredentials), Some(token)) => {
                    self.validate(sources::checked(&token, max)?).await?
                }
                (Err(error), _) => return Err(error),
            }
        };
        policy.check(&claims, &self.inner.groups_claim)?;
        Ok(claims)
    }

    pub(crate) fn max_token_len(&self) -> usize {
        self.inner.max_token_len
    }

    /// Whether `iss` is an issuer this validator is configured for.
    pub(crate) fn accepts_issuer(&self, iss: &str) -> bool {
        self.inner.rules.issuers.iter().any(|issuer| issuer == iss)
    }

    /// Whether `req` is a CORS preflight this validator lets through.
    pub(crate) fn passes_preflight(&self, req: &HttpRequest) -> bool {
        self.inner.pass_preflight
            && req.method() == actix_web::http::Method::OPTIONS
            && req
                .headers()
                .contains_key(actix_web::http::header::ACCESS_CONTROL_REQUEST_METHOD)
    }

    pub(crate) fn reject(&self, error: AuthError, policy: Policy) -> Rejection {
        Rejection::with_settings(error, policy, Arc::clone(&self.inner.response))
    }
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("keys", &self.inner.keys.describe())
            .field("cognito", &self.inner.cognito.is_some())
            .field("token_cache", &self.inner.cache.is_some())
            .field("revocation", &self.inner.revocation.is_some())
            .field("groups_claim", &self.inner.groups_claim)
            .field("max_token_len", &self.inner.max_token_len)
            .finish_non_exhaustive()
    }
}
