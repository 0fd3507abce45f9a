//! AWS Cognito user pools: where their keys are, who issues their tokens,
//! and the checks Cognito tokens need beyond the standard claims.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::AuthError;

/// Which Cognito tokens a validator accepts, read from their `token_use`
/// claim. Refresh tokens never pass.
///
/// ```
/// use token_required::TokenUse;
///
/// assert_eq!("access".parse::<TokenUse>(), Ok(TokenUse::Access));
/// assert!("refresh".parse::<TokenUse>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenUse {
    /// Id tokens only (`token_use` is `id`; `aud` is the app client).
    Id,
    /// Access tokens only (`token_use` is `access`; `client_id` is the app
    /// client).
    Access,
    /// Either (the default).
    #[default]
    Any,
}

impl FromStr for TokenUse {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "id" => Ok(Self::Id),
            "access" => Ok(Self::Access),
            "any" => Ok(Self::Any),
            other => Err(format!("`{other}` is not `id`, `access` or `any`")),
        }
    }
}

impl fmt::Display for TokenUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Id => "id",
            Self::Access => "access",
            Self::Any => "any",
        })
    }
}

/// An AWS Cognito user pool and app client whose tokens a validator
/// accepts.
///
/// Tokens must be RS256, issued by
/// `https://cognito-idp.{region}.amazonaws.com/{user_pool_id}`, have a
/// `token_use` of `id` or `access` (as narrowed by
/// [`token_use`](Self::token_use)), and name the app client: in `aud` for
/// id tokens, in `client_id` for access tokens. Keys come from the pool's
/// JWKS, or from [`jwks_url`](Self::jwks_url) when set.
///
/// ```
/// use token_required::{CognitoConfig, TokenUse, Validator};
///
/// let pool = CognitoConfig::new("eu-west-1", "eu-west-1_AbCdEf123", "1example23456789")
///     .token_use(TokenUse::Access);
/// assert_eq!(
///     pool.issuer(),
///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
/// );
/// let validator = Validator::builder().cognito(pool).build()?;
/// # Ok::<(), token_required::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoConfig {
    region: String,
    user_pool_id: String,
    app_client_id: String,
    jwks_url: Option<String>,
    token_use: TokenUse,
}

impl CognitoConfig {
    /// A user pool in `region` and the app client its tokens must name.
    pub fn new(
        region: impl Into<String>,
        user_pool_id: impl Into<String>,
        app_client_id: impl Into<String>,
    ) -> Self {
        Self {
            region: region.into(),
            user_pool_id: user_pool_id.into(),
            app_client_id: app_client_id.into(),
            jwks_url: None,
            token_use: TokenUse::Any,
        }
    }

    /// Fetches the pool's JWKS from `url` instead (a proxy or a local
    /// emulator). The issuer checked stays the pool's own.
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// Accepts only id or only access tokens (default: either).
    pub fn token_use(mut self, token_use: TokenUse) -> Self {
        self.token_use = token_use;
        self
    }

    /// The `iss` the pool's tokens carry.
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region, self.user_pool_id
        )
    }

    /// Where the pool's keys are fetched from.
    pub fn key_set_url(&self) -> String {
        match &self.jwks_url {
            Some(url) => url.clone(),
            None => format!("{}/.well-known/jwks.json", self.issuer()),
        }
    }

    /// Checks the parts that end up in URLs, naming the faulty setting. The
    /// pool id's form is not checked beyond that: new regions have broken
    /// verifiers that did.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        let url_safe = |text: &str| {
            !text.is_empty()
                && !text
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "/?#@:\\".contains(c))
        };
        if !url_safe(&self.region) {
            let reason = format!("region `{}` cannot be part of a URL", self.region);
            return Err(("cognito region", reason));
        }
        if !url_safe(&self.user_pool_id) {
            let reason = format!(
                "user pool id `{}` cannot be part of a URL",
                self.user_pool_id
            );
            return Err(("cognito user pool id", reason));
        }
        if self.app_client_id.trim().is_empty() {
            return Err(("cognito app client id", "is empty".to_owned()));
        }
        Ok(())
    }

    pub(crate) fn claims_check(&self) -> CognitoClaims {
        CognitoClaims {
            app_client_id: self.app_client_id.clone().into(),
            token_use: self.token_use,
        }
    }
}

/// The checks Cognito tokens need after the standard ones.
#[derive(Debug, Clone)]
pub(crate) struct CognitoClaims {
    app_client_id: Box<str>,
    token_use: TokenUse,
}

impl CognitoClaims {
    pub(crate) fn check(&self, claims: &Map<String, Value>) -> Result<(), AuthError> {
        let token_use = claims.get("token_use").and_then(Value::as_str);
        let client_claim = match (token_use, self.token_use) {
            (Some("id"), TokenUse::Id | TokenUse::Any) => "aud",
            (Some("access"), TokenUse::Access | TokenUse::Any) => "client_id",
            _ => return Err(AuthError::WrongTokenUse),
        };

        let client = &*self.app_client_id;
        let names_client = match claims.get(client_claim) {
            Some(Value::String(named)) => named == client,
            Some(Value::Array(named)) => named.iter().any(|n| n.as_str() == Some(client)),
            _ => false,
        };
        if names_client {
            Ok(())
        } else {
            Err(AuthError::WrongAudience)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(token_use: TokenUse, claims: Value) -> Result<(), AuthError> {
        CognitoConfig::new("r", "p", "client")
            .token_use(token_use)
            .claims_check()
            .check(claims.as_object().unwrap())
    }

    #[test]
    fn id_tokens_name_the_client_in_aud_and_access_tokens_in_client_id() {
        let id = json!({"token_use": "id", "aud": "client"});
        let access = json!({"token_use": "access", "client_id": "client"});
        assert_eq!(check(TokenUse::Any, id.clone()), Ok(()));
        assert_eq!(check(TokenUse::Any, access.clone()), Ok(()));
        assert_eq!(check(TokenUse::Id, id), Ok(()));
        assert_eq!(check(TokenUse::Access, access), Ok(()));

        let crossed = json!({"token_use": "access", "aud": "client"});
        assert_eq!(check(TokenUse::Any, crossed), Err(AuthError::WrongAudience));
        let other = json!({"token_use": "id", "aud": "other"});
        assert_eq!(check(TokenUse::Any, other), Err(AuthError::WrongAudience));
    }

    #[test]
    fn refresh_missing_and_unwanted_token_uses_are_refused() {
        for claims in [
            json!({"token_use": "refresh", "aud": "client", "client_id": "client"}),
            json!({"aud": "client"}),
            json!({"token_use": ["id"], "aud": "client"}),
        ] {
            assert_eq!(check(TokenUse::Any, claims), Err(AuthError::WrongTokenUse));
        }
        let id = json!({"token_use": "id", "aud": "client"});
        assert_eq!(check(TokenUse::Access, id), Err(AuthError::WrongTokenUse));
    }

    #[test]
    fn urls_are_built_from_region_and_pool() {
        let pool = CognitoConfig::new("ap-southeast-7", "ap-southeast-7_Zz9", "c");
        assert_eq!(
            pool.key_set_url(),
            "https://cognito-idp.ap-southeast-7.amazonaws.com/ap-southeast-7_Zz9/.well-known/jwks.json"
        );
        assert!(pool.check().is_ok());
        // Not over-validated: any pool id that is safe in a URL passes.
        assert!(CognitoConfig::new("xx-new-9", "whatever_ID", "c")
            .check()
            .is_ok());
        assert!(CognitoConfig::new("eu-west-1", "a/b", "c").check().is_err());
        assert!(CognitoConfig::new("", "p", "c").check().is_err());
        assert!(CognitoConfig::new("r", "p", " ").check().is_err());
        let local = pool.jwks_url("http://127.0.0.1:9/jwks.json");
        assert_eq!(local.key_set_url(), "http://127.0.0.1:9/jwks.json");
        assert!(local
            .issuer()
            .starts_with("https://cognito-idp.ap-southeast-7"));
    }
}
