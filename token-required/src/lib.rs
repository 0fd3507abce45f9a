//! JWT bearer authentication for actix-web in one line per handler.
//!
//! Put `#[token_required]` on a handler and every request must carry a valid
//! `Authorization: Bearer <JWT>`; anything else is answered before the
//! handler, or any of its other extractors, runs:
//!
//! | request | status | `WWW-Authenticate` |
//! | --- | --- | --- |
//! | no `Authorization` header, or another scheme | 401 | `Bearer realm="api"` |
//! | an empty, malformed, badly signed, expired, not-yet-valid, wrong-issuer or wrong-audience token | 401 | `Bearer realm="api", error="invalid_token"` |
//! | a valid token without the required groups or scopes | 403 | `Bearer realm="api", error="insufficient_scope"` |
//! | keys cannot be had (JWKS down, nothing cached) | 503 | none |
//! | no validator configured | 500 | none |
//!
//! Every rejection's body is `{"message": "Ocurrió un error"}` (the message
//! is configurable), as `application/json`.
//!
//! # Guarding handlers
//!
//! ```
//! use actix_web::{get, post, web, App, HttpResponse, Responder};
//! use serde::Deserialize;
//! use token_required::{token_required, Claims, Validator};
//!
//! #[derive(Deserialize)]
//! struct NewUser {
//!     name: String,
//! }
//!
//! #[derive(Deserialize)]
//! struct MyClaims {
//!     sub: String,
//! }
//!
//! /// Any valid token passes.
//! #[get("/users")]
//! #[token_required]
//! async fn list_users() -> impl Responder {
//!     HttpResponse::Ok().json(["ana", "luis"])
//! }
//!
//! /// The token is checked before the JSON body is read.
//! #[post("/users")]
//! #[token_required(scopes = ["users:write"])]
//! async fn create_user(user: web::Json<NewUser>, claims: Claims<MyClaims>) -> impl Responder {
//!     HttpResponse::Created().body(format!("{} created by {}", user.name, claims.sub))
//! }
//!
//! /// Members of the `admin` group only.
//! #[get("/admin")]
//! #[token_required(groups = ["admin"])]
//! async fn admin() -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//!
//! let validator = Validator::builder()
//!     .hmac_secret("a secret of at least thirty-two bytes")
//!     .build()?;
//! let app = App::new()
//!     .app_data(validator)
//!     .service(list_users)
//!     .service(create_user)
//!     .service(admin);
//! # Ok::<(), token_required::ConfigError>(())
//! ```
//!
//! # Arguments
//!
//! - `issuer = "internal"`: the token is checked by the validator of that
//!   name in the app's [`Validators`];
//! - `optional`: a request without any token passes too, and the handler
//!   sees no claims (`Option<Claims<T>>` is `None`); a token that is present
//!   must still be valid;
//! - `groups = ["a", "b"]`: the holder must be in every listed group, read
//!   from the `cognito:groups` claim (or the one set with
//!   [`ValidatorBuilder::groups_claim`]);
//! - `any_groups = ["a", "b"]`: in at least one of them;
//! - `scopes = ["x", "y"]`: every listed scope must appear in the
//!   space-separated `scope` claim;
//! - `any_scopes = ["x", "y"]`: at least one must.
//!
//! Arguments combine; a valid token that fails one is answered 403.
//!
//! # Configuration
//!
//! A [`Validator`] registered with `App::app_data` wins; otherwise guarded
//! handlers use [`default_validator`], built once from the environment (see
//! [`Validator::from_vars`] for the variables). Keys come from an HMAC
//! secret, a PEM public key, a JWKS ([`ValidatorBuilder::jwks_url`]) or an
//! AWS Cognito user pool ([`CognitoConfig`]). Only algorithms that fit the
//! configured key are accepted (never `none`, never HMAC with a public key),
//! and a token without `exp` is refused.
//!
//! # Crypto backend
//!
//! Signatures are checked by jsonwebtoken with aws-lc-rs (feature
//! `aws-lc-rs`, the default). The `rust-crypto` feature selects the pure-Rust
//! backend instead; with both enabled, aws-lc-rs is used.
//!
//! # Logging
//!
//! Each rejection is logged once through `tracing` at debug level, with its
//! reason and never the token; a missing configuration is logged at warn.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bearer;
mod builder;
mod cache;
mod claims;
mod cognito;
mod crypto;
mod env;
mod error;
mod guard;
mod issuers;
mod jwks;
mod keys;
mod pem;
mod policy;
mod response;
mod revocation;
mod sources;
mod token;
mod validator;

pub use bearer::{BearerToken, DEFAULT_MAX_TOKEN_LEN};
pub use builder::{ValidatorBuilder, DEFAULT_GROUPS_CLAIM, DEFAULT_LEEWAY, MAX_LEEWAY};
pub use cache::DEFAULT_TOKEN_CACHE_CAPACITY;
pub use claims::Claims;
pub use cognito::{CognitoConfig, TokenUse};
pub use error::{AuthError, ConfigError};
pub use issuers::{Validators, ValidatorsBuilder};
pub use jsonwebtoken::{Algorithm, DecodingKey};
pub use jwks::{JwksError, DEFAULT_JWKS_COOLDOWN, DEFAULT_JWKS_MAX_BYTES, DEFAULT_JWKS_TIMEOUT};
pub use policy::Policy;
pub use response::{Rejection, DEFAULT_MESSAGE, DEFAULT_REALM};
pub use revocation::{Revocation, RevocationFuture, RevocationResult, RevokedTokens};
pub use validator::{default_validator, Validator};

/// Guards an actix-web handler: the request must carry a valid bearer token.
///
/// See the [crate documentation](crate) for the arguments and the answers.
///
/// ```
/// use actix_web::{get, HttpResponse};
/// use token_required::token_required;
///
/// #[get("/admin")]
/// #[token_required(groups = ["admin"])]
/// async fn admin() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
/// ```
pub use token_required_macros::token_required;

/// What the expansion of `#[token_required]` calls. Not public API: it may
/// change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::guard::guard;
    pub use crate::issuers::NamedIssuer;
    pub use crate::Policy;
    pub use actix_web;
    pub use inventory;
}

/// The README's Rust examples, compiled as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
