//! Configuring a validator from environment variables.

use std::str::FromStr;
use std::time::Duration;

use jsonwebtoken::Algorithm;

use crate::builder::MAX_LEEWAY;
use crate::{CognitoConfig, ConfigError, TokenUse, Validator, ValidatorBuilder};

const JWT_SECRET: &str = "JWT_SECRET";
const JWT_PUBLIC_KEY_FILE: &str = "JWT_PUBLIC_KEY_FILE";
const JWT_JWKS_URL: &str = "JWT_JWKS_URL";
const JWT_OIDC_DISCOVERY: &str = "JWT_OIDC_DISCOVERY";
const JWT_ISSUER: &str = "JWT_ISSUER";
const JWT_AUDIENCE: &str = "JWT_AUDIENCE";
const JWT_ALGORITHMS: &str = "JWT_ALGORITHMS";
const JWT_LEEWAY_SECONDS: &str = "JWT_LEEWAY_SECONDS";
const COGNITO_REGION: &str = "COGNITO_REGION";
const COGNITO_USERPOOL_ID: &str = "COGNITO_USERPOOL_ID";
const COGNITO_APP_CLIENT_ID: &str = "COGNITO_APP_CLIENT_ID";
const COGNITO_JWKS_URL: &str = "COGNITO_JWKS_URL";
const COGNITO_TOKEN_USE: &str = "COGNITO_TOKEN_USE";
const COGNITO_VARS: [&str; 5] = [
    COGNITO_REGION,
    COGNITO_USERPOOL_ID,
    COGNITO_APP_CLIENT_ID,
    COGNITO_JWKS_URL,
    COGNITO_TOKEN_USE,
];

/// Every variable the configuration reads.
const ALL_VARS: [&str; 13] = [
    JWT_SECRET,
    JWT_PUBLIC_KEY_FILE,
    JWT_JWKS_URL,
    JWT_OIDC_DISCOVERY,
    JWT_ISSUER,
    JWT_AUDIENCE,
    JWT_ALGORITHMS,
    JWT_LEEWAY_SECONDS,
    COGNITO_VARS[0],
    COGNITO_VARS[1],
    COGNITO_VARS[2],
    COGNITO_VARS[3],
    COGNITO_VARS[4],
];

impl Validator {
    /// Builds a validator from the process environment; see
    /// [`Validator::from_vars`] for the variables.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the variable that is missing, malformed, not
    /// UTF-8, or in conflict with another.
    ///
    /// ```no_run
    /// use actix_web::{App, HttpServer};
    /// use token_required::Validator;
    ///
    /// #[actix_web::main]
    /// async fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let validator = Validator::from_env()?;
    ///     HttpServer::new(move || App::new().app_data(validator.clone()))
    ///         .bind(("127.0.0.1", 8080))?
    ///         .run()
    ///         .await?;
    ///     Ok(())
    /// }
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        // A value that is not UTF-8 is refused rather than altered: a
        // secret changed by a lossy conversion would fail every token.
        for var in ALL_VARS {
            if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(var) {
                return Err(ConfigError::InvalidVar {
                    var,
                    reason: "is not valid UTF-8".to_owned(),
                });
            }
        }
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Builds a validator from variables looked up by `lookup`, which
    /// [`Validator::from_env`] points at the process environment.
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `COGNITO_REGION`, `COGNITO_USERPOOL_ID`, `COGNITO_APP_CLIENT_ID` | validate AWS Cognito tokens (see [`CognitoConfig`](crate::CognitoConfig)) |
    /// | `COGNITO_JWKS_URL` | optional: fetch the pool's JWKS from here instead; the issuer check stays |
    /// | `COGNITO_TOKEN_USE` | optional: `id`, `access` or `any` (default `any`) |
    /// | `JWT_SECRET` | validate HMAC tokens (HS256 unless `JWT_ALGORITHMS` says otherwise) |
    /// | `JWT_PUBLIC_KEY_FILE` | validate RSA, EC or Ed25519 tokens with this PEM public key |
    /// | `JWT_JWKS_URL` | validate tokens with keys from this JWKS |
    /// | `JWT_OIDC_DISCOVERY` | `true`: find the keys of `JWT_ISSUER` through OpenID Connect discovery |
    /// | `JWT_ISSUER`, `JWT_AUDIENCE` | optional checks of `iss` and `aud`; commas separate several accepted values |
    /// | `JWT_ALGORITHMS` | optional comma-separated list of accepted algorithms |
    /// | `JWT_LEEWAY_SECONDS` | optional clock skew allowance for `exp` and `nbf` (default 60) |
    ///
    /// Exactly one key source must be set: `JWT_SECRET`,
    /// `JWT_PUBLIC_KEY_FILE`, `JWT_JWKS_URL` or the Cognito variables, of
    /// which the first three are all required. Cognito fixes the issuer,
    /// audience and algorithm itself, so `JWT_ISSUER`, `JWT_AUDIENCE` and
    /// `JWT_ALGORITHMS` beside it are an error. A variable set to an empty
    /// value is an error, never taken as unset.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the variable at fault.
    ///
    /// ```
    /// use token_required::{ConfigError, Validator};
    ///
    /// let vars = |name: &str| match name {
    ///     "JWT_SECRET" => Some("a secret of at least thirty-two bytes".to_owned()),
    ///     "JWT_ALGORITHMS" => Some("RS256".to_owned()),
    ///     _ => None,
    /// };
    /// let err = Validator::from_vars(vars).unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidVar { var: "JWT_ALGORITHMS", .. }));
    /// ```
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars { lookup: &lookup };
        let source = vars.key_source()?;
        let builder = match source {
            JWT_SECRET => Validator::builder().hmac_secret(vars.required(JWT_SECRET)?),
            JWT_PUBLIC_KEY_FILE => {
                let path = vars.required(JWT_PUBLIC_KEY_FILE)?;
                let pem = std::fs::read(&path).map_err(|source| ConfigError::KeyFile {
                    var: JWT_PUBLIC_KEY_FILE,
                    path: path.clone(),
                    source,
                })?;
                Validator::builder().public_key_pem(pem)
            }
            JWT_JWKS_URL => Validator::builder().jwks_url(vars.required(JWT_JWKS_URL)?),
            JWT_OIDC_DISCOVERY => {
                match vars.required(JWT_OIDC_DISCOVERY)?.trim() {
                    "true" | "1" => {}
                    other => {
                        return Err(ConfigError::InvalidVar {
                            var: JWT_OIDC_DISCOVERY,
                            reason: format!("`{other}`: set it to `true`, or unset it"),
                        })
                    }
                }
                let issuer = vars.get(JWT_ISSUER)?.ok_or(ConfigError::MissingVar {
                    var: JWT_ISSUER,
                    needed_by: JWT_OIDC_DISCOVERY,
                })?;
                if issuer.contains(',') {
                    return Err(ConfigError::InvalidVar {
                        var: JWT_ISSUER,
                        reason: "discovery takes a single issuer".to_owned(),
                    });
                }
                Validator::builder().oidc_issuer(issuer.trim())
            }
            _ => {
                if let Some(second) = vars.cognito_conflict()? {
                    return Err(ConfigError::Conflict {
                        first: COGNITO_REGION,
                        second,
                    });
                }
                vars.cognito(Validator::builder())?
            }
        };

        // Name the variable behind whatever the builder refuses.
        let key_url_var = match source {
            JWT_JWKS_URL => JWT_JWKS_URL,
            _ => COGNITO_JWKS_URL,
        };
        vars.claim_checks(builder, source)?
            .build()
            .map_err(|err| match err {
                ConfigError::InvalidKey(reason) => ConfigError::InvalidVar {
                    var: source,
                    reason,
                },
                ConfigError::AlgorithmDoesNotFitKey(alg) => ConfigError::InvalidVar {
                    var: JWT_ALGORITHMS,
                    reason: format!("{alg:?} does not fit the key given by {source}"),
                },
                ConfigError::InvalidSetting {
                    setting: "jwks_url",
                    reason,
                } => ConfigError::InvalidVar {
                    var: key_url_var,
                    reason,
                },
                ConfigError::InvalidSetting {
                    setting: "oidc_issuer",
                    reason,
                } => ConfigError::InvalidVar {
                    var: JWT_ISSUER,
                    reason,
                },
                ConfigError::InvalidSetting { setting, reason }
                    if setting.starts_with("cognito ") =>
                {
                    let var = match setting {
                        "cognito region" => COGNITO_REGION,
                        "cognito user pool id" => COGNITO_USERPOOL_ID,
                        _ => COGNITO_APP_CLIENT_ID,
                    };
                    ConfigError::InvalidVar { var, reason }
                }
                other => other,
            })
    }
}

struct Vars<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Vars<'_> {
    /// The variable's value, if set; set but blank is an error.
    fn get(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        match (self.lookup)(var) {
            Some(value) if value.trim().is_empty() => Err(ConfigError::InvalidVar {
                var,
                reason: "is set but empty: unset it or give it a value".to_owned(),
            }),
            other => Ok(other),
        }
    }

    fn required(&self, var: &'static str) -> Result<String, ConfigError> {
        self.get(var)?.ok_or(ConfigError::NotConfigured)
    }

    /// The one variable that chooses where keys come from.
    fn key_source(&self) -> Result<&'static str, ConfigError> {
        let mut chosen: Option<&'static str> = None;
        let candidates = [
            JWT_SECRET,
            JWT_PUBLIC_KEY_FILE,
            JWT_JWKS_URL,
            JWT_OIDC_DISCOVERY,
        ]
        .into_iter()
        .chain(COGNITO_VARS);
        for var in candidates {
            if self.get(var)?.is_none() {
                continue;
            }
            let is_cognito = COGNITO_VARS.contains(&var);
            match chosen {
                None => chosen = Some(var),
                Some(first) if is_cognito && COGNITO_VARS.contains(&first) => {}
                Some(first) => return Err(ConfigError::Conflict { first, second: var }),
            }
        }
        chosen.ok_or(ConfigError::NotConfigured)
    }

    /// The Cognito pool the variables describe; all three main ones must be
    /// set once any Cognito variable is.
    fn cognito(&self, builder: ValidatorBuilder) -> Result<ValidatorBuilder, ConfigError> {
        let needed = |var| {
            self.get(var)?.ok_or(ConfigError::MissingVar {
                var,
                needed_by: "AWS Cognito validation",
            })
        };
        let mut pool = CognitoConfig::new(
            needed(COGNITO_REGION)?,
            needed(COGNITO_USERPOOL_ID)?,
            needed(COGNITO_APP_CLIENT_ID)?,
        );
        if let Some(url) = self.get(COGNITO_JWKS_URL)? {
            pool = pool.jwks_url(url);
        }
        if let Some(token_use) = self.get(COGNITO_TOKEN_USE)? {
            let token_use =
                token_use
                    .trim()
                    .parse::<TokenUse>()
                    .map_err(|reason| ConfigError::InvalidVar {
                        var: COGNITO_TOKEN_USE,
                        reason,
                    })?;
            pool = pool.token_use(token_use);
        }
        Ok(builder.cognito(pool))
    }

    /// A `JWT_*` claim variable set beside Cognito, which fixes them itself.
    fn cognito_conflict(&self) -> Result<Option<&'static str>, ConfigError> {
        for var in [JWT_ISSUER, JWT_AUDIENCE, JWT_ALGORITHMS] {
            if self.get(var)?.is_some() {
                return Ok(Some(var));
            }
        }
        Ok(None)
    }

    /// The claim checks; `source` is the key source variable (with
    /// discovery, `JWT_ISSUER` is the issuer discovered, not a check).
    fn claim_checks(
        &self,
        mut builder: ValidatorBuilder,
        source: &'static str,
    ) -> Result<ValidatorBuilder, ConfigError> {
        if let Some(issuers) = self
            .get(JWT_ISSUER)?
            .filter(|_| source != JWT_OIDC_DISCOVERY)
        {
            for issuer in list(JWT_ISSUER, &issuers)? {
                builder = builder.issuer(issuer);
            }
        }
        if let Some(audiences) = self.get(JWT_AUDIENCE)? {
            for audience in list(JWT_AUDIENCE, &audiences)? {
                builder = builder.audience(audience);
            }
        }
        if let Some(names) = self.get(JWT_ALGORITHMS)? {
            let algorithms = list(JWT_ALGORITHMS, &names)?
                .into_iter()
                .map(parse_algorithm)
                .collect::<Result<Vec<_>, _>>()?;
            builder = builder.algorithms(algorithms);
        }
        if let Some(seconds) = self.get(JWT_LEEWAY_SECONDS)? {
            builder = builder.leeway(parse_leeway(&seconds)?);
        }
        Ok(builder)
    }
}

/// The comma-separated items of `value`, trimmed; none may be empty.
fn list<'v>(var: &'static str, value: &'v str) -> Result<Vec<&'v str>, ConfigError> {
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    if items.iter().any(|item| item.is_empty()) {
        return Err(ConfigError::InvalidVar {
            var,
            reason: "has an empty item: separate values with single commas".to_owned(),
        });
    }
    Ok(items)
}

fn parse_algorithm(name: &str) -> Result<Algorithm, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidVar {
        var: JWT_ALGORITHMS,
        reason,
    };
    if name.eq_ignore_ascii_case("none") {
        return Err(invalid("`none` is never accepted".to_owned()));
    }
    Algorithm::from_str(name).map_err(|_| {
        invalid(format!(
            "unknown algorithm `{name}`: use names such as HS256, RS256, PS256, ES256 or EdDSA"
        ))
    })
}

fn parse_leeway(seconds: &str) -> Result<Duration, ConfigError> {
    let leeway = seconds
        .trim()
        .parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| ConfigError::InvalidVar {
            var: JWT_LEEWAY_SECONDS,
            reason: format!("`{seconds}` is not a whole number of seconds"),
        })?;
    if leeway > MAX_LEEWAY {
        return Err(ConfigError::InvalidVar {
            var: JWT_LEEWAY_SECONDS,
            reason: format!("at most {} seconds", MAX_LEEWAY.as_secs()),
        });
    }
    Ok(leeway)
}
