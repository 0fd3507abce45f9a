//! Why a request was refused, and why a validator could not be built.

use std::fmt;

/// The reason a request was refused.
///
/// Every variant maps to one HTTP answer (see [`AuthError::status`] and
/// [`AuthError::challenge_code`]); the client only ever sees the configured
/// message, never this text. The `Display` text is meant for logs and never
/// contains the token.
///
/// ```
/// use token_required::AuthError;
///
/// assert_eq!(AuthError::Expired.status().as_u16(), 401);
/// assert_eq!(AuthError::Expired.challenge_code(), Some("invalid_token"));
/// assert_eq!(AuthError::MissingCredentials.challenge_code(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// The request has no `Authorization` header.
    MissingCredentials,
    /// The `Authorization` header uses a scheme other than `Bearer`, or is
    /// not readable text at all.
    UnsupportedScheme,
    /// The request has more than one `Authorization` header.
    DuplicateCredentials,
    /// The scheme is `Bearer` but no token follows it.
    EmptyToken,
    /// The token holds characters a bearer token cannot hold.
    MalformedHeader,
    /// The token is longer than the configured bound.
    TokenTooLong {
        /// The token's length in bytes.
        len: usize,
        /// The configured bound in bytes.
        max: usize,
    },
    /// The token is not a well-formed JWT: not three base64url parts, or a
    /// header or payload that is not the JSON it should be.
    MalformedToken,
    /// The token's `alg` is not one the configured keys accept (`none` never
    /// is).
    AlgorithmNotAllowed,
    /// No configured key fits the token's `kid` and `alg`, or more than one
    /// does and the token names none of them.
    UnknownKey,
    /// The signature does not verify with the selected key.
    InvalidSignature,
    /// The token's `exp` has passed (beyond the leeway).
    Expired,
    /// The token's `nbf` is still ahead (beyond the leeway).
    NotYetValid,
    /// A claim that must be present is missing (`exp` always is required).
    MissingClaim(String),
    /// A registered claim has the wrong JSON type, such as a string `exp`.
    InvalidClaimType(String),
    /// The token's `iss` is not the configured issuer.
    WrongIssuer,
    /// The token's `aud` does not contain the configured audience (for
    /// Cognito: the token does not name the app client).
    WrongAudience,
    /// A Cognito token whose `token_use` is not accepted (refresh tokens
    /// never are).
    WrongTokenUse,
    /// The claims do not deserialize into the type the handler asked for.
    ClaimsMismatch,
    /// The token is valid but the revocation hook revoked it.
    Revoked,
    /// The revocation hook could not answer (its store is down). Answered
    /// 503: the request fails closed.
    RevocationUnavailable,
    /// The token is valid but its holder is not in the required groups.
    InsufficientGroups,
    /// The token is valid but lacks the required scopes.
    InsufficientScope,
    /// No keys could be had to check the token (the key source is down and
    /// nothing is cached). Answered 503: the request fails closed.
    KeysUnavailable,
    /// No validator is registered and none could be built from the
    /// environment. Answered 500, and logged at warn level.
    NotConfigured,
    /// The handler asked for the validated claims but is not guarded by
    /// `#[token_required]`. Answered 500, and logged at warn level.
    NotGuarded,
}

impl AuthError {
    /// The HTTP status this rejection is answered with.
    ///
    /// 401 for every problem with the credentials, 403 for a valid token that
    /// lacks a group or scope, 503 when keys cannot be had and 500 for a
    /// misconfigured server.
    ///
    /// ```
    /// use token_required::AuthError;
    ///
    /// assert_eq!(AuthError::InsufficientScope.status().as_u16(), 403);
    /// ```
    pub fn status(&self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode;

        match self {
            Self::InsufficientGroups | Self::InsufficientScope => StatusCode::FORBIDDEN,
            Self::KeysUnavailable | Self::RevocationUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::NotConfigured | Self::NotGuarded => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The RFC 6750 `error` code of the `WWW-Authenticate` challenge, if the
    /// answer carries one.
    ///
    /// A request that sent no bearer token at all gets a challenge without
    /// a code, as RFC 6750 section 3.1 asks; a server-side failure gets no
    /// challenge and so no code.
    ///
    /// ```
    /// use token_required::AuthError;
    ///
    /// let code = AuthError::InsufficientGroups.challenge_code();
    /// assert_eq!(code, Some("insufficient_scope"));
    /// ```
    pub fn challenge_code(&self) -> Option<&'static str> {
        match self {
            Self::MissingCredentials | Self::UnsupportedScheme => None,
            Self::InsufficientGroups | Self::InsufficientScope => Some("insufficient_scope"),
            Self::KeysUnavailable | Self::NotConfigured | Self::NotGuarded => None,
            _ => Some("invalid_token"),
        }
    }

    /// Whether the answer carries a `WWW-Authenticate` challenge at all.
    pub(crate) fn challenges(&self) -> bool {
        self.status().as_u16() < 500
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingCredentials => f.write_str("no authorization header"),
            Self::UnsupportedScheme => f.write_str("authorization scheme is not bearer"),
            Self::DuplicateCredentials => f.write_str("more than one authorization header"),
            Self::EmptyToken => f.write_str("bearer token is empty"),
            Self::MalformedHeader => f.write_str("bearer token has characters outside b64token"),
            Self::TokenTooLong { len, max } => {
                write!(f, "token is {len} bytes, over the bound of {max}")
            }
            Self::MalformedToken => f.write_str("token is not a well-formed jwt"),
            Self::AlgorithmNotAllowed => {
                f.write_str("token algorithm is not accepted for the keys")
            }
            Self::UnknownKey => f.write_str("no single key fits the token"),
            Self::InvalidSignature => f.write_str("signature does not verify"),
            Self::Expired => f.write_str("token has expired"),
            Self::NotYetValid => f.write_str("token is not valid yet"),
            Self::MissingClaim(claim) => write!(f, "token lacks the `{claim}` claim"),
            Self::InvalidClaimType(claim) => {
                write!(f, "claim `{claim}` has the wrong type")
            }
            Self::WrongIssuer => f.write_str("token issuer is not accepted"),
            Self::WrongAudience => f.write_str("token audience is not accepted"),
            Self::WrongTokenUse => f.write_str("token_use is not accepted"),
            Self::ClaimsMismatch => f.write_str("claims do not fit the type the handler asks for"),
            Self::Revoked => f.write_str("token is revoked"),
            Self::RevocationUnavailable => f.write_str("the revocation check failed"),
            Self::InsufficientGroups => f.write_str("token lacks a required group"),
            Self::InsufficientScope => f.write_str("token lacks a required scope"),
            Self::KeysUnavailable => f.write_str("no keys available to check tokens"),
            Self::NotConfigured => f.write_str("no validator is configured"),
            Self::NotGuarded => {
                f.write_str("claims asked for on a handler without #[token_required]")
            }
        }
    }
}

impl std::error::Error for AuthError {}

/// Why a [`Validator`](crate::Validator) could not be built.
///
/// Every variant that comes from the environment names the variable, so a
/// start-up failure says what to fix.
///
/// ```
/// use token_required::{ConfigError, Validator};
///
/// let err = Validator::from_vars(|name| match name {
///     "JWT_LEEWAY_SECONDS" => Some("soon".to_owned()),
///     "JWT_SECRET" => Some("a-long-enough-development-secret!".to_owned()),
///     _ => None,
/// })
/// .unwrap_err();
/// assert!(matches!(err, ConfigError::InvalidVar { var: "JWT_LEEWAY_SECONDS", .. }));
/// assert!(err.to_string().contains("JWT_LEEWAY_SECONDS"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// None of the variables that choose a key source is set.
    NotConfigured,
    /// A variable is set but its value cannot be used.
    InvalidVar {
        /// The variable.
        var: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// A variable needs another one that is missing.
    MissingVar {
        /// The variable that is missing.
        var: &'static str,
        /// The variable that needs it.
        needed_by: &'static str,
    },
    /// Two variables choose different key sources.
    Conflict {
        /// One variable.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// A key file could not be read.
    KeyFile {
        /// The variable that named the file.
        var: &'static str,
        /// The file's path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A builder setting has a value that cannot be used.
    InvalidSetting {
        /// The builder method.
        setting: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// A key could not be used (not PEM, an unsupported key type, ...).
    InvalidKey(String),
    /// The builder was given no key.
    NoKey,
    /// An algorithm was asked for that no configured key can verify.
    AlgorithmDoesNotFitKey(jsonwebtoken::Algorithm),
    /// No crypto backend is available to jsonwebtoken.
    NoCryptoBackend,
    /// A handler names an issuer that the validator set lacks.
    UnknownIssuer {
        /// The name in `#[token_required(issuer = "...")]`.
        name: &'static str,
        /// The handler that names it.
        handler: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotConfigured => f.write_str(
                "no token validation is configured: set JWT_SECRET, \
                 JWT_PUBLIC_KEY_FILE, JWT_JWKS_URL, JWT_OIDC_DISCOVERY or the \
                 COGNITO_* variables, or register a Validator with App::app_data",
            ),
            Self::InvalidVar { var, reason } => write!(f, "{var}: {reason}"),
            Self::MissingVar { var, needed_by } => {
                write!(f, "{var} is not set, but {needed_by} needs it")
            }
            Self::Conflict { first, second } => write!(
                f,
                "{first} and {second} are both set: keep only the one that \
                 names your tokens' keys"
            ),
            Self::KeyFile { var, path, source } => {
                write!(f, "{var}: cannot read {path}: {source}")
            }
            Self::InvalidSetting { setting, reason } => write!(f, "{setting}: {reason}"),
            Self::InvalidKey(reason) => write!(f, "unusable key: {reason}"),
            Self::NoKey => f.write_str("the validator has no key to check tokens with"),
            Self::AlgorithmDoesNotFitKey(alg) => {
                write!(f, "algorithm {alg:?} does not fit any configured key")
            }
            Self::UnknownIssuer { name, handler } => write!(
                f,
                "{handler} names the issuer `{name}`, which no validator of the set has"
            ),
            Self::NoCryptoBackend => f.write_str(
                "jsonwebtoken has no crypto backend: enable exactly one of \
                 token-required's `aws-lc-rs` or `rust-crypto` features",
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::KeyFile { source, .. } => Some(source),
            _ => None,
        }
    }
}
