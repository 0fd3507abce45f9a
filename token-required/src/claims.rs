//! Handing the validated claims to the handler.

use std::future::{ready, Ready};
use std::ops::Deref;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{AuthError, Rejection};

/// The claims of the request's validated token, stored by the guard.
pub(crate) struct VerifiedClaims(pub(crate) Arc<Value>);

/// Marks a request let through by an optional guard without a token.
pub(crate) struct Anonymous;

/// The validated token's claims, as an extractor.
///
/// Typed with any `T: DeserializeOwned`, or untyped as `Claims` (a
/// [`serde_json::Value`]). It reads what `#[token_required]` validated, so
/// it works only on guarded handlers; elsewhere it answers 500 and logs a
/// warning, since that is a server mistake, not the client's. Claims that
/// do not fit `T` are refused with 401 `invalid_token`. On an
/// `#[token_required(optional)]` handler, take `Option<Claims<T>>`: it is
/// `None` for a request without a token.
///
/// ```
/// use actix_web::{get, HttpResponse, Responder};
/// use serde::Deserialize;
/// use token_required::{token_required, Claims};
///
/// #[derive(Deserialize)]
/// struct MyClaims {
///     sub: String,
///     email: Option<String>,
/// }
///
/// #[get("/me")]
/// #[token_required]
/// async fn me(claims: Claims<MyClaims>) -> impl Responder {
///     HttpResponse::Ok().body(format!("hello {}", claims.sub))
/// }
///
/// #[get("/raw")]
/// #[token_required]
/// async fn raw(claims: Claims) -> impl Responder {
///     HttpResponse::Ok().json(claims.into_inner())
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Claims<T = Value>(pub T);

impl<T> Claims<T> {
    /// The claims themselves.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Claims<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Claims<T> {
    type Error = Rejection;
    type Future = Ready<Result<Self, Rejection>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            extract(req)
                .map(Claims)
                .map_err(|error| crate::guard::reject(req, error)),
        )
    }
}

fn extract<T: DeserializeOwned>(req: &HttpRequest) -> Result<T, AuthError> {
    let extensions = req.extensions();
    let Some(VerifiedClaims(claims)) = extensions.get::<VerifiedClaims>() else {
        if extensions.contains::<Anonymous>() {
            // An optional handler reached without a token: `Option<Claims>`
            // reads this as `None`, a plain `Claims` answers 401.
            return Err(AuthError::MissingCredentials);
        }
        tracing::warn!(
            path = req.path(),
            "Claims asked for on a handler that #[token_required] does not guard"
        );
        return Err(AuthError::NotGuarded);
    };

    T::deserialize(&**claims).map_err(|error| {
        tracing::debug!(%error, "request rejected: claims do not fit the handler's type");
        AuthError::ClaimsMismatch
    })
}
