//! Configuring a validator in code.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};

use crate::bearer::DEFAULT_MAX_TOKEN_LEN;
use crate::cache::{TokenCache, DEFAULT_TOKEN_CACHE_CAPACITY};
use crate::jwks::{
    JwksCache, JwksSettings, KeySetLocation, DEFAULT_JWKS_COOLDOWN, DEFAULT_JWKS_MAX_BYTES,
    DEFAULT_JWKS_TIMEOUT,
};
use crate::keys::{ClaimRules, KeySource, VerificationKey};
use crate::response::{ResponseSettings, DEFAULT_MESSAGE, DEFAULT_REALM};
use crate::revocation::RevocationHook;
use crate::sources::TokenSources;
use crate::validator::Inner;
use crate::{pem, CognitoConfig, ConfigError, Revocation, Validator};

/// The default claim groups are read from: Cognito's.
pub const DEFAULT_GROUPS_CLAIM: &str = "cognito:groups";

/// The default allowance for clock skew when checking `exp` and `nbf`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// The largest leeway accepted: beyond a day, expiry means little.
pub const MAX_LEEWAY: Duration = Duration::from_secs(24 * 60 * 60);

/// HMAC secrets shorter than this draw a warning: RFC 7518 asks for a key
/// at least as long as the hash output.
const MIN_HMAC_SECRET_LEN: usize = 32;

/// Builds a [`Validator`]. Every setting has a secure default; at least one
/// key is required.
///
/// ```
/// use std::time::Duration;
/// use token_required::{Algorithm, Validator};
///
/// let validator = Validator::builder()
///     .hmac_secret("a secret of at least thirty-two bytes")
///     .algorithms([Algorithm::HS256, Algorithm::HS512])
///     .issuer("https://auth.example.com")
///     .audience("my-api")
///     .leeway(Duration::from_secs(30))
///     .groups_claim("roles")
///     .message("Unauthorized")
///     .build()?;
/// # Ok::<(), token_required::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ValidatorBuilder {
    keys: Vec<KeyInput>,
    algorithms: Option<Vec<Algorithm>>,
    issuers: Vec<String>,
    audiences: Vec<String>,
    leeway: Duration,
    groups_claim: String,
    message: String,
    realm: String,
    max_token_len: usize,
    jwks_url: Option<String>,
    oidc_issuer: Option<String>,
    cognito: Option<CognitoConfig>,
    jwks_cooldown: Duration,
    jwks_timeout: Duration,
    jwks_max_bytes: usize,
    token_cache_capacity: usize,
    sources: TokenSources,
    pass_preflight: bool,
    revocation: Option<RevocationHook>,
}

#[derive(Clone)]
enum KeyInput {
    Secret(Vec<u8>),
    Pem(Vec<u8>),
    Decoding {
        kid: Option<String>,
        key: DecodingKey,
        algorithms: Vec<Algorithm>,
    },
}

impl std::fmt::Debug for KeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("Secret(<redacted>)"),
            Self::Pem(_) => f.write_str("Pem(..)"),
            Self::Decoding {
                kid, algorithms, ..
            } => f
                .debug_struct("Decoding")
                .field("kid", kid)
                .field("algorithms", algorithms)
                .finish_non_exhaustive(),
        }
    }
}

impl Default for ValidatorBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ValidatorBuilder {
    /// A builder with every default and no key.
    pub fn new() -> Self {
        Self {
            keys: Vec::new(),
            algorithms: None,
            issuers: Vec::new(),
            audiences: Vec::new(),
            leeway: DEFAULT_LEEWAY,
            groups_claim: DEFAULT_GROUPS_CLAIM.to_owned(),
            message: DEFAULT_MESSAGE.to_owned(),
            realm: DEFAULT_REALM.to_owned(),
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            jwks_url: None,
            oidc_issuer: None,
            cognito: None,
            jwks_cooldown: DEFAULT_JWKS_COOLDOWN,
            jwks_timeout: DEFAULT_JWKS_TIMEOUT,
            jwks_max_bytes: DEFAULT_JWKS_MAX_BYTES,
            token_cache_capacity: DEFAULT_TOKEN_CACHE_CAPACITY,
            sources: TokenSources::default(),
            pass_preflight: false,
            revocation: None,
        }
    }

    /// Asks `hook` about every token that passes the other checks, cached
    /// ones included (default: none). See [`Revocation`] and
    /// [`RevokedTokens`](crate::RevokedTokens).
    pub fn revocation(mut self, hook: Arc<dyn Revocation>) -> Self {
        self.revocation = Some(RevocationHook(hook));
        self
    }

    /// Lets CORS preflight requests (`OPTIONS` with an
    /// `Access-Control-Request-Method` header) through guarded handlers
    /// without a token, since browsers send them without credentials. Off
    /// by default: the handler then runs for such requests with no claims
    /// (`Option<Claims<T>>` is `None`), so it must answer an `OPTIONS`
    /// without doing the work of the real request, as a CORS middleware in
    /// front of it usually ensures.
    ///
    /// ```
    /// use actix_web::{http::Method, web, App, HttpRequest, HttpResponse};
    /// use token_required::{token_required, Validator};
    ///
    /// #[token_required]
    /// async fn items(req: HttpRequest) -> HttpResponse {
    ///     if req.method() == Method::OPTIONS {
    ///         return HttpResponse::NoContent()
    ///             .insert_header(("Access-Control-Allow-Origin", "https://app.example"))
    ///             .insert_header(("Access-Control-Allow-Headers", "authorization"))
    ///             .finish();
    ///     }
    ///     HttpResponse::Ok().finish()
    /// }
    ///
    /// let validator = Validator::builder()
    ///     .hmac_secret("a secret of at least thirty-two bytes")
    ///     .dangerous_pass_cors_preflight()
    ///     .build()?;
    /// let app = App::new()
    ///     .app_data(validator)
    ///     .service(web::resource("/items").to(items));
    /// # Ok::<(), token_required::ConfigError>(())
    /// ```
    pub fn dangerous_pass_cors_preflight(mut self) -> Self {
        self.pass_preflight = true;
        self
    }

    /// Also accepts the token in this query parameter (RFC 6750 section
    /// 2.3 names it `access_token`) when the request has no `Authorization`
    /// header. Off by default, and best left off: URLs end up in access logs
    /// and browser histories. A request offering the token in two places
    /// is refused.
    pub fn dangerous_token_from_query(mut self, parameter: impl Into<String>) -> Self {
        self.sources.query = Some(parameter.into().into());
        self
    }

    /// Also accepts the token in this cookie when the request has no
    /// `Authorization` header. Off by default: a cookie is sent by the
    /// browser on any request to the site, so an application that turns
    /// this on must protect itself against cross-site request forgery. A
    /// request offering the token in two places is refused.
    pub fn dangerous_token_from_cookie(mut self, cookie: impl Into<String>) -> Self {
        self.sources.cookie = Some(cookie.into().into());
        self
    }

    /// How many validated tokens to remember (default 4096; `0` turns the
    /// cache off). A token seen again skips its signature check and the
    /// parsing of its claims until its `exp`, or until the key set changes;
    /// groups and scopes are still checked on every request. Each entry
    /// holds the token and its claims, about 3 KiB for a Cognito id token.
    pub fn token_cache_capacity(mut self, tokens: usize) -> Self {
        self.token_cache_capacity = tokens;
        self
    }

    /// Takes keys from the JWKS at `url` (`http` or `https`), fetched on
    /// first use (or by [`Validator::warm_up`]) and cached. A token naming
    /// an unknown `kid` triggers a refetch at once; a refetch that does not
    /// find it starts a cooldown. Keys whose `use` is not `sig` are ignored,
    /// a JWK's `alg` narrows what it verifies, and symmetric keys are never
    /// taken from a JWKS. Cannot be combined with static keys.
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// Accepts tokens of the OpenID Connect issuer `issuer` (an `http` or
    /// `https` URL), finding its keys through discovery: the JWKS named by
    /// `jwks_uri` in `{issuer}/.well-known/openid-configuration`, whose
    /// `issuer` must be exactly `issuer`. Tokens' `iss` must equal it too.
    /// Discovery runs on the first fetch (or [`Validator::warm_up`]); a
    /// failed discovery is retried on a later fetch, never kept, and a
    /// failed key fetch discovers again. Cannot be combined with
    /// `jwks_url`, `cognito`, `issuer` or static keys.
    ///
    /// ```
    /// use token_required::Validator;
    ///
    /// let validator = Validator::builder()
    ///     .oidc_issuer("https://sso.example.com/realms/staff")
    ///     .audience("account")
    ///     .build()?;
    /// # Ok::<(), token_required::ConfigError>(())
    /// ```
    pub fn oidc_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.oidc_issuer = Some(issuer.into());
        self
    }

    /// Accepts tokens of an AWS Cognito user pool: see [`CognitoConfig`].
    /// It sets the issuer, the algorithm (RS256) and the key set itself, so
    /// it cannot be combined with `issuer`, `audience`, other algorithms,
    /// `jwks_url` or static keys.
    pub fn cognito(mut self, pool: CognitoConfig) -> Self {
        self.cognito = Some(pool);
        self
    }

    /// How long unknown `kid`s wait after a JWKS fetch that did not find
    /// theirs, or that failed (default 10 s). A flood of random `kid`s
    /// costs at most one fetch per cooldown.
    pub fn jwks_cooldown(mut self, cooldown: Duration) -> Self {
        self.jwks_cooldown = cooldown;
        self
    }

    /// The longest a JWKS fetch may take, connecting included (default
    /// 5 s; connecting alone at most 3 s).
    pub fn jwks_timeout(mut self, timeout: Duration) -> Self {
        self.jwks_timeout = timeout;
        self
    }

    /// The largest JWKS response accepted, in bytes (default 256 KiB).
    pub fn jwks_max_bytes(mut self, bytes: usize) -> Self {
        self.jwks_max_bytes = bytes;
        self
    }

    /// Adds an HMAC secret. Its tokens are accepted as HS256 only, unless
    /// [`algorithms`](Self::algorithms) names HS384 or HS512.
    pub fn hmac_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.keys.push(KeyInput::Secret(secret.as_ref().to_vec()));
        self
    }

    /// Adds a PEM public key (`-----BEGIN PUBLIC KEY-----`, or
    /// `-----BEGIN RSA PUBLIC KEY-----`). The key's type decides the
    /// algorithms accepted: RS256-512 and PS256-512 for RSA, ES256 for P-256,
    /// ES384 for P-384, EdDSA for Ed25519. [`algorithms`](Self::algorithms)
    /// narrows them. HMAC is never accepted with a public key.
    pub fn public_key_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.keys.push(KeyInput::Pem(pem.as_ref().to_vec()));
        self
    }

    /// Adds a prepared [`DecodingKey`] for the given algorithms, optionally
    /// under a key id (`kid`): a key with an id serves only tokens naming
    /// it. Algorithms that do not fit the key's family make `build` fail.
    pub fn decoding_key(
        mut self,
        kid: Option<&str>,
        key: DecodingKey,
        algorithms: impl IntoIterator<Item = Algorithm>,
    ) -> Self {
        self.keys.push(KeyInput::Decoding {
            kid: kid.map(str::to_owned),
            key,
            algorithms: algorithms.into_iter().collect(),
        });
        self
    }

    /// Accepts only these algorithms (default: each key's own, HS256 for
    /// secrets). Naming one that no key can verify makes `build` fail.
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = Some(algorithms.into_iter().collect());
        self
    }

    /// Requires `iss` to equal this issuer (default: `iss` is not checked).
    /// Call it again to accept several.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// Requires `aud` (a string or a list) to contain this audience
    /// (default: `aud` is not checked). Call it again to accept several.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// The clock skew allowed when checking `exp` and `nbf` (default 60 s,
    /// at most [`MAX_LEEWAY`]).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The claim that lists the token holder's groups (default
    /// `cognito:groups`). It may hold an array of strings or one string.
    pub fn groups_claim(mut self, claim: impl Into<String>) -> Self {
        self.groups_claim = claim.into();
        self
    }

    /// The `message` of every rejection's JSON body (default
    /// `Ocurrió un error`).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// The realm named in `WWW-Authenticate` challenges (default `api`).
    /// It cannot hold quotes, backslashes or control characters.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// The longest token accepted, in bytes (default 8 KiB). Longer tokens
    /// are refused before any decoding.
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// Prepares every key and check. Nothing is fetched here: a JWKS is
    /// fetched on first use, or by [`Validator::warm_up`].
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoKey`] without a key source,
    /// [`ConfigError::InvalidKey`] for a key that cannot be read,
    /// [`ConfigError::AlgorithmDoesNotFitKey`] for an algorithm no key can
    /// verify, [`ConfigError::InvalidSetting`] for a bad or contradictory
    /// setting, and [`ConfigError::NoCryptoBackend`] when jsonwebtoken has
    /// no usable backend.
    pub fn build(self) -> Result<Validator, ConfigError> {
        crate::crypto::ensure_provider()?;
        self.check_settings()?;

        let rules = self.claim_rules();
        let keys = match (&self.cognito, &self.jwks_url, &self.oidc_issuer) {
            (Some(pool), _, _) => self.jwks_source(pool.key_set_url(), rules.clone())?,
            (None, Some(url), _) => self.jwks_source(url.clone(), rules.clone())?,
            (None, None, Some(issuer)) => self.discovered_source(issuer, rules.clone())?,
            (None, None, None) => KeySource::Static(self.static_keys(&rules)?),
        };
        let response = ResponseSettings::new(&self.message, &self.realm).map_err(|reason| {
            ConfigError::InvalidSetting {
                setting: "realm",
                reason,
            }
        })?;

        Ok(Validator::from_inner(Inner {
            keys,
            sources: self.sources.clone(),
            pass_preflight: self.pass_preflight,
            revocation: self.revocation.as_ref().map(|hook| Arc::clone(&hook.0)),
            rules,
            cache: TokenCache::new(self.token_cache_capacity),
            cognito: self.cognito.as_ref().map(CognitoConfig::claims_check),
            groups_claim: self.groups_claim.into(),
            max_token_len: self.max_token_len,
            response: Arc::new(response),
        }))
    }

    fn claim_rules(&self) -> ClaimRules {
        match &self.cognito {
            Some(pool) => ClaimRules {
                issuers: vec![pool.issuer()],
                audiences: Vec::new(),
                leeway: self.leeway,
                algorithms: Some(vec![Algorithm::RS256]),
            },
            None => ClaimRules {
                issuers: match &self.oidc_issuer {
                    Some(issuer) => vec![issuer.clone()],
                    None => self.issuers.clone(),
                },
                audiences: self.audiences.clone(),
                leeway: self.leeway,
                algorithms: self.algorithms.clone(),
            },
        }
    }

    fn jwks_source(&self, url: String, rules: ClaimRules) -> Result<KeySource, ConfigError> {
        check_url("jwks_url", &url)?;
        self.fetched_source("jwks_url", KeySetLocation::Url(url), rules)
    }

    fn discovered_source(&self, issuer: &str, rules: ClaimRules) -> Result<KeySource, ConfigError> {
        check_url("oidc_issuer", issuer)?;
        let location = KeySetLocation::Discovered {
            issuer: issuer.to_owned(),
        };
        self.fetched_source("oidc_issuer", location, rules)
    }

    fn fetched_source(
        &self,
        setting: &'static str,
        location: KeySetLocation,
        rules: ClaimRules,
    ) -> Result<KeySource, ConfigError> {
        let settings = JwksSettings {
            location,
            cooldown: self.jwks_cooldown,
            timeout: self.jwks_timeout,
            max_bytes: self.jwks_max_bytes,
        };
        let cache = JwksCache::new(settings, rules)
            .map_err(|reason| ConfigError::InvalidSetting { setting, reason })?;
        Ok(KeySource::Jwks(Arc::new(cache)))
    }

    fn static_keys(&self, rules: &ClaimRules) -> Result<Vec<Arc<VerificationKey>>, ConfigError> {
        if self.keys.is_empty() {
            return Err(ConfigError::NoKey);
        }

        let mut keys = Vec::with_capacity(self.keys.len());
        for input in &self.keys {
            let prepared = prepare_key(input)?;
            let algorithms = match &self.algorithms {
                Some(_) => rules.accepted(&prepared.fitting),
                None => prepared.default,
            };
            if algorithms.is_empty() {
                // This key serves none of the wanted algorithms; another may.
                continue;
            }
            keys.push(Arc::new(VerificationKey {
                kid: prepared.kid,
                key: prepared.key,
                algorithms,
            }));
        }
        if let Some(wanted) = &self.algorithms {
            let served = |alg: &Algorithm| keys.iter().any(|k| k.algorithms.contains(alg));
            if let Some(alg) = wanted.iter().find(|alg| !served(alg)) {
                return Err(ConfigError::AlgorithmDoesNotFitKey(*alg));
            }
        }
        Ok(keys)
    }

    fn check_settings(&self) -> Result<(), ConfigError> {
        let invalid = |setting, reason: &str| {
            Err(ConfigError::InvalidSetting {
                setting,
                reason: reason.to_owned(),
            })
        };
        if self.leeway > MAX_LEEWAY {
            return invalid("leeway", "more than a day");
        }
        if self.max_token_len == 0 {
            return invalid("max_token_len", "must be at least one byte");
        }
        if self
            .realm
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
        {
            return invalid(
                "realm",
                "cannot hold quotes, backslashes or control characters",
            );
        }
        if self.groups_claim.is_empty() {
            return invalid("groups_claim", "cannot be empty");
        }
        let bad_name = |name: &Option<Box<str>>| {
            name.as_deref().is_some_and(|n| {
                n.is_empty() || n.contains(|c: char| "=&;%".contains(c) || c.is_whitespace())
            })
        };
        if bad_name(&self.sources.query) {
            return invalid("dangerous_token_from_query", "not a query parameter name");
        }
        if bad_name(&self.sources.cookie) {
            return invalid("dangerous_token_from_cookie", "not a cookie name");
        }
        if matches!(&self.algorithms, Some(list) if list.is_empty()) {
            return invalid("algorithms", "the list is empty");
        }
        if self.jwks_max_bytes == 0 {
            return invalid("jwks_max_bytes", "must be at least one byte");
        }
        if self.jwks_timeout.is_zero() {
            return invalid("jwks_timeout", "must be longer than zero");
        }
        if (self.jwks_url.is_some() || self.cognito.is_some()) && !self.keys.is_empty() {
            return invalid("jwks_url", "cannot be combined with static keys");
        }
        if self.oidc_issuer.is_some() {
            if !self.keys.is_empty() || self.jwks_url.is_some() || self.cognito.is_some() {
                return invalid("oidc_issuer", "cannot be combined with another key source");
            }
            if !self.issuers.is_empty() {
                return invalid("oidc_issuer", "sets the issuer itself");
            }
        }
        if let Some(pool) = &self.cognito {
            if let Err((setting, reason)) = pool.check() {
                return invalid(setting, &reason);
            }
            if self.jwks_url.is_some() {
                return invalid(
                    "cognito",
                    "has its own key set: use CognitoConfig::jwks_url",
                );
            }
            if !self.issuers.is_empty() || !self.audiences.is_empty() {
                return invalid("cognito", "sets the issuer and app client itself");
            }
            if matches!(&self.algorithms, Some(list) if list != &[Algorithm::RS256]) {
                return invalid("cognito", "accepts RS256 only");
            }
        }
        Ok(())
    }
}

/// Refuses anything but an `http` or `https` URL.
fn check_url(setting: &'static str, url: &str) -> Result<(), ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidSetting { setting, reason };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(format!("`{url}`: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!("`{url}` is not an http or https URL")));
    }
    Ok(())
}

/// A key ready to use, with the algorithms that fit it.
struct PreparedKey {
    kid: Option<String>,
    key: DecodingKey,
    /// Every algorithm the key can verify.
    fitting: Vec<Algorithm>,
    /// The ones accepted when no algorithm list is configured.
    default: Vec<Algorithm>,
}

fn prepare_key(input: &KeyInput) -> Result<PreparedKey, ConfigError> {
    match input {
        KeyInput::Secret(secret) => {
            if secret.len() < MIN_HMAC_SECRET_LEN {
                tracing::warn!(
                    len = secret.len(),
                    "the HMAC secret is shorter than 32 bytes and easier to guess"
                );
            }
            let key = DecodingKey::from_secret(secret)
                .map_err(|_| ConfigError::InvalidKey("the HMAC secret is empty".to_owned()))?;
            Ok(PreparedKey {
                kid: None,
                key,
                fitting: AlgorithmFamily::Hmac.algorithms().to_vec(),
                default: vec![Algorithm::HS256],
            })
        }
        KeyInput::Pem(pem) => {
            let (kind, key) = pem::decode_public_key(pem).map_err(ConfigError::InvalidKey)?;
            Ok(PreparedKey {
                kid: None,
                key,
                fitting: kind.algorithms().to_vec(),
                default: kind.algorithms().to_vec(),
            })
        }
        KeyInput::Decoding {
            kid,
            key,
            algorithms,
        } => {
            let family = key.family();
            if let Some(alg) = algorithms.iter().find(|a| a.family() != family) {
                return Err(ConfigError::AlgorithmDoesNotFitKey(*alg));
            }
            if algorithms.is_empty() {
                return Err(ConfigError::InvalidKey(
                    "no algorithm given for the key".to_owned(),
                ));
            }
            Ok(PreparedKey {
                kid: kid.clone(),
                key: key.clone(),
                fitting: algorithms.clone(),
                default: algorithms.clone(),
            })
        }
    }
}
