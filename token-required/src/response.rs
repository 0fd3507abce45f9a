//! The one place where a rejection becomes an HTTP answer.

use std::fmt;
use std::sync::Arc;

use actix_web::body::BoxBody;
use actix_web::http::header::{HeaderValue, CONTENT_TYPE, WWW_AUTHENTICATE};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, ResponseError};
use once_cell::sync::Lazy;

use crate::{AuthError, Policy};

/// The message every rejection carries unless configured otherwise.
pub const DEFAULT_MESSAGE: &str = "Ocurrió un error";

/// The realm named in challenges unless configured otherwise.
pub const DEFAULT_REALM: &str = "api";

/// What rejections look like for one validator, prepared once.
pub(crate) struct ResponseSettings {
    body: Bytes,
    realm: Box<str>,
    /// `Bearer realm="..."`, without an error code.
    plain_challenge: HeaderValue,
    invalid_token: HeaderValue,
    insufficient_scope: HeaderValue,
}

impl ResponseSettings {
    /// Prepares the body and challenges. `realm` must be a valid quoted
    /// string's content; the builder checks it.
    pub(crate) fn new(message: &str, realm: &str) -> Result<Self, String> {
        let body = serde_json::to_vec(&serde_json::json!({ "message": message }))
            .map_err(|e| e.to_string())?;
        let challenge = |code: Option<&str>| {
            let text = match code {
                None => format!("Bearer realm=\"{realm}\""),
                Some(code) => format!("Bearer realm=\"{realm}\", error=\"{code}\""),
            };
            HeaderValue::from_str(&text).map_err(|_| "the realm is not header text".to_owned())
        };

        Ok(Self {
            body: Bytes::from(body),
            realm: realm.into(),
            plain_challenge: challenge(None)?,
            invalid_token: challenge(Some("invalid_token"))?,
            insufficient_scope: challenge(Some("insufficient_scope"))?,
        })
    }

    /// The settings used when no validator could be found: the defaults,
    /// written out so that building them cannot fail.
    pub(crate) fn fallback() -> Arc<Self> {
        static FALLBACK: Lazy<Arc<ResponseSettings>> = Lazy::new(|| {
            Arc::new(ResponseSettings {
                body: Bytes::from_static("{\"message\":\"Ocurri\u{f3} un error\"}".as_bytes()),
                realm: DEFAULT_REALM.into(),
                plain_challenge: HeaderValue::from_static("Bearer realm=\"api\""),
                invalid_token: HeaderValue::from_static(
                    "Bearer realm=\"api\", error=\"invalid_token\"",
                ),
                insufficient_scope: HeaderValue::from_static(
                    "Bearer realm=\"api\", error=\"insufficient_scope\"",
                ),
            })
        });
        Arc::clone(&FALLBACK)
    }

    fn challenge(&self, error: &AuthError, policy: &Policy) -> Option<HeaderValue> {
        if !error.challenges() {
            return None;
        }
        match error.challenge_code() {
            None => Some(self.plain_challenge.clone()),
            Some("insufficient_scope") => {
                let scopes: Vec<&str> = policy.named_scopes().collect();
                if scopes.is_empty() || *error != AuthError::InsufficientScope {
                    return Some(self.insufficient_scope.clone());
                }
                // Scope tokens cannot hold quotes or backslashes (the macro
                // checks them), so they can be quoted as they are.
                let text = format!(
                    "Bearer realm=\"{}\", error=\"insufficient_scope\", scope=\"{}\"",
                    self.realm,
                    scopes.join(" ")
                );
                HeaderValue::from_str(&text)
                    .ok()
                    .or_else(|| Some(self.insufficient_scope.clone()))
            }
            Some(_) => Some(self.invalid_token.clone()),
        }
    }
}

/// A refused request: the reason, and how to answer it.
///
/// It implements [`ResponseError`], so it travels through actix-web as an
/// [`actix_web::Error`]; middleware can look at the reason with
/// `error.as_error::<Rejection>()`. The client sees only the status, the
/// configured JSON message and an RFC 6750 `WWW-Authenticate` challenge.
///
/// ```
/// use actix_web::ResponseError;
/// use token_required::{AuthError, Rejection};
///
/// let rejection = Rejection::new(AuthError::Expired);
/// let response = rejection.error_response();
/// assert_eq!(response.status(), 401);
/// let challenge = response.headers().get("www-authenticate");
/// assert_eq!(
///     challenge.and_then(|v| v.to_str().ok()),
///     Some(r#"Bearer realm="api", error="invalid_token""#)
/// );
/// ```
pub struct Rejection {
    error: AuthError,
    policy: Policy,
    settings: Arc<ResponseSettings>,
}

impl Rejection {
    /// A rejection answered with the default message and realm.
    pub fn new(error: AuthError) -> Self {
        Self::with_settings(error, Policy::new(), ResponseSettings::fallback())
    }

    pub(crate) fn with_settings(
        error: AuthError,
        policy: Policy,
        settings: Arc<ResponseSettings>,
    ) -> Self {
        Self {
            error,
            policy,
            settings,
        }
    }

    /// Why the request was refused.
    pub fn error(&self) -> &AuthError {
        &self.error
    }
}

impl fmt::Debug for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejection")
            .field("error", &self.error)
            .finish()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl ResponseError for Rejection {
    fn status_code(&self) -> StatusCode {
        self.error.status()
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((CONTENT_TYPE, HeaderValue::from_static("application/json")));
        if let Some(challenge) = self.settings.challenge(&self.error, &self.policy) {
            response.insert_header((WWW_AUTHENTICATE, challenge));
        }
        response.body(self.settings.body.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_is_what_the_defaults_build() {
        let built = ResponseSettings::new(DEFAULT_MESSAGE, DEFAULT_REALM).unwrap();
        let fallback = ResponseSettings::fallback();
        assert_eq!(built.body, fallback.body);
        assert_eq!(built.realm, fallback.realm);
        assert_eq!(built.plain_challenge, fallback.plain_challenge);
        assert_eq!(built.invalid_token, fallback.invalid_token);
        assert_eq!(built.insufficient_scope, fallback.insufficient_scope);
    }

    #[test]
    fn insufficient_scope_names_the_required_scopes() {
        const POLICY: Policy = Policy::new().scopes(&["users:read", "users:list"]);
        let settings = ResponseSettings::fallback();
        let header = settings.challenge(&AuthError::InsufficientScope, &POLICY);
        assert_eq!(
            header.unwrap(),
            r#"Bearer realm="api", error="insufficient_scope", scope="users:read users:list""#
        );
        let groups = settings.challenge(&AuthError::InsufficientGroups, &POLICY);
        assert_eq!(
            groups.unwrap(),
            r#"Bearer realm="api", error="insufficient_scope""#
        );
        assert!(settings
            .challenge(&AuthError::NotConfigured, &POLICY)
            .is_none());
    }
}
