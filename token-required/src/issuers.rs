//! Several validators in one app, chosen per handler by name or per
//! request by the token's `iss`.

use std::sync::Arc;

use actix_web::{web, HttpRequest};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::Deserialize;

use crate::bearer::BearerToken;
use crate::{ConfigError, Validator};

/// Where a handler names an issuer: recorded at link time by
/// `#[token_required(issuer = "...")]`. Not public API.
#[doc(hidden)]
pub struct NamedIssuer {
    /// The name in the attribute.
    pub name: &'static str,
    /// The handler's path, for the start-up error.
    pub handler: &'static str,
}

inventory::collect!(NamedIssuer);

/// Several validators by name, registered with
/// [`App::app_data`](actix_web::App::app_data) in place of a single one.
///
/// A handler with `#[token_required(issuer = "internal")]` is checked by
/// the validator named `internal`. A handler that names none is checked by
/// the validator whose configured issuer (`issuer`, `oidc_issuer` or a
/// Cognito pool) equals the token's `iss`; a token naming no known issuer
/// is refused with 401.
///
/// ```
/// use actix_web::{get, App, HttpResponse};
/// use token_required::{token_required, CognitoConfig, Validator, Validators};
///
/// #[get("/jobs")]
/// #[token_required(issuer = "internal")]
/// async fn jobs() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// let users = Validator::builder()
///     .cognito(CognitoConfig::new("eu-west-1", "eu-west-1_AbCdEf123", "client"))
///     .build()?;
/// let internal = Validator::builder()
///     .hmac_secret("a secret of at least thirty-two bytes")
///     .issuer("https://internal.example")
///     .build()?;
/// let validators = Validators::builder()
///     .add("users", users)
///     .add("internal", internal)
///     .build()?;
/// let app = App::new().app_data(validators).service(jobs);
/// # Ok::<(), token_required::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Validators {
    named: Arc<[(Box<str>, Validator)]>,
}

/// Builds [`Validators`].
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ValidatorsBuilder {
    named: Vec<(String, Validator)>,
}

impl Validators {
    /// Starts a set.
    pub fn builder() -> ValidatorsBuilder {
        ValidatorsBuilder::default()
    }

    /// The validator named `name`.
    pub fn get(&self, name: &str) -> Option<&Validator> {
        self.named
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, validator)| validator)
    }

    /// The set registered on the app, if any.
    pub(crate) fn for_request(req: &HttpRequest) -> Option<&Validators> {
        req.app_data::<Validators>()
            .or_else(|| req.app_data::<web::Data<Validators>>().map(|d| d.get_ref()))
    }

    /// The validator for this request's token, chosen by its `iss`. When
    /// the token is missing or unreadable, or names no configured issuer,
    /// the first validator answers: it refuses the request as it would
    /// alone (or accepts the token, if it checks no issuer and the token
    /// carries its signature).
    pub(crate) fn by_issuer(&self, req: &HttpRequest) -> &Validator {
        let first = &self.named[0].1;
        let max = self
            .named
            .iter()
            .map(|(_, v)| v.max_token_len())
            .max()
            .unwrap_or(0);
        let chosen = BearerToken::from_headers(req.headers(), max)
            .ok()
            .and_then(|token| peek_issuer(token.as_str()))
            .and_then(|iss| self.named.iter().find(|(_, v)| v.accepts_issuer(&iss)));
        chosen.map_or(first, |(_, validator)| validator)
    }
}

impl ValidatorsBuilder {
    /// Adds `validator` under `name`.
    pub fn add(mut self, name: impl Into<String>, validator: Validator) -> Self {
        self.named.push((name.into(), validator));
        self
    }

    /// Checks the set against the handlers of the program.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidSetting`] for an empty set or a name given
    /// twice, and [`ConfigError::UnknownIssuer`] when a handler names an
    /// issuer the set lacks.
    pub fn build(self) -> Result<Validators, ConfigError> {
        let invalid = |reason: String| ConfigError::InvalidSetting {
            setting: "validators",
            reason,
        };
        if self.named.is_empty() {
            return Err(invalid("the set is empty".to_owned()));
        }
        for (i, (name, _)) in self.named.iter().enumerate() {
            if self.named[..i].iter().any(|(other, _)| other == name) {
                return Err(invalid(format!("`{name}` is given twice")));
            }
        }
        for named in inventory::iter::<NamedIssuer> {
            if !self.named.iter().any(|(name, _)| name == named.name) {
                return Err(ConfigError::UnknownIssuer {
                    name: named.name,
                    handler: named.handler,
                });
            }
        }

        let named = self
            .named
            .into_iter()
            .map(|(name, validator)| (name.into_boxed_str(), validator))
            .collect();
        Ok(Validators { named })
    }
}

/// The `iss` of an unverified token, read only to choose who verifies it.
fn peek_issuer(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Issuer {
        iss: String,
    }

    let payload = token.split('.').nth(1)?;
    let json = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<Issuer>(&json)
        .ok()
        .map(|claims| claims.iss)
}
