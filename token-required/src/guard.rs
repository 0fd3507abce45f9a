//! The entry point that `#[token_required]` expands to. Not public API.

use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use crate::claims::{Anonymous, VerifiedClaims};
use crate::{default_validator, AuthError, Policy, Rejection, Validator, Validators};

/// Checks the request's token against `policy`, then runs the handler's own
/// extractors `Args` on the request and its still unread body.
///
/// # Errors
///
/// A [`Rejection`] when the token or policy fails, otherwise whatever error
/// the handler's extractors give, exactly as actix-web would answer it.
pub async fn guard<Args: FromRequest>(
    req: &HttpRequest,
    payload: web::Payload,
    policy: &Policy,
) -> Result<Args, actix_web::Error> {
    authorize(req, policy).await?;
    let mut payload = payload.into_inner();
    Args::from_request(req, &mut payload)
        .await
        .map_err(Into::into)
}

/// The validator that checks this request: the one the handler names, the
/// app's single one, the one of the app's set whose issuer the token names,
/// or the process-wide default. `None`, logged at warn, when there is none.
fn choose<'r>(req: &'r HttpRequest, policy: &Policy) -> Option<&'r Validator> {
    let missing = |reason: &dyn std::fmt::Display| {
        tracing::warn!(path = req.path(), %reason, "guarded request refused: no validator");
    };

    if let Some(name) = policy.issuer_name() {
        let named = Validators::for_request(req).and_then(|set| set.get(name));
        if named.is_none() {
            missing(&format!(
                "the handler names the issuer `{name}`, but no registered Validators has it"
            ));
        }
        return named;
    }
    if let Some(validator) = Validator::registered(req) {
        return Some(validator);
    }
    if let Some(set) = Validators::for_request(req) {
        return Some(set.by_issuer(req));
    }
    match default_validator() {
        Ok(validator) => Some(validator),
        Err(error) => {
            missing(&format!(
                "no validator is registered and the environment configures none: {error}"
            ));
            None
        }
    }
}

async fn authorize(req: &HttpRequest, policy: &Policy) -> Result<(), Rejection> {
    let Some(validator) = choose(req, policy) else {
        return Err(Rejection::new(AuthError::NotConfigured));
    };

    if validator.passes_preflight(req) {
        req.extensions_mut().insert(Anonymous);
        return Ok(());
    }

    match validator.authorize(req, policy).await {
        Ok(claims) => {
            req.extensions_mut().insert(VerifiedClaims(claims));
            Ok(())
        }
        // Only the absence of any credentials is anonymous: a token that is
        // present, or another scheme, is judged like anywhere else.
        Err(AuthError::MissingCredentials) if policy.is_optional() => {
            req.extensions_mut().insert(Anonymous);
            Ok(())
        }
        Err(reason) => {
            tracing::debug!(
                method = %req.method(),
                path = req.path(),
                %reason,
                "request rejected"
            );
            Err(validator.reject(reason, *policy))
        }
    }
}

/// A rejection answered with the settings of the request's validator, or
/// the defaults when there is none.
pub(crate) fn reject(req: &HttpRequest, error: AuthError) -> Rejection {
    match Validator::for_request(req) {
        Ok(validator) => validator.reject(error, Policy::new()),
        Err(_) => Rejection::new(error),
    }
}
