//! Configuration from environment variables: every mistake names the
//! variable, nothing weak passes silently.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{claims, key_pair, key_path, sign, token, SECRET};
use jsonwebtoken::Algorithm;
use serde_json::json;
use token_required::{AuthError, ConfigError, Validator};

fn from(vars: &[(&str, &str)]) -> Result<Validator, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Validator::from_vars(|name| vars.get(name).cloned())
}

fn invalid_var(result: Result<Validator, ConfigError>) -> &'static str {
    match result {
        Err(ConfigError::InvalidVar { var, .. }) => var,
        other => panic!("expected InvalidVar, got {other:?}"),
    }
}

#[test]
fn nothing_set_is_not_configured() {
    let err = from(&[]).unwrap_err();
    assert!(matches!(err, ConfigError::NotConfigured));
    let text = err.to_string();
    assert!(
        text.contains("JWT_SECRET") && text.contains("COGNITO_"),
        "{text}"
    );
    // Claim checks alone choose no key.
    assert!(matches!(
        from(&[("JWT_ISSUER", "x")]),
        Err(ConfigError::NotConfigured)
    ));
}

#[actix_web::test]
async fn jwt_secret_validates_hs256_tokens() {
    let validator = from(&[("JWT_SECRET", SECRET)]).unwrap();
    assert!(validator.validate(&token(json!({}))).await.is_ok());
}

#[actix_web::test]
async fn jwt_public_key_file_validates_with_the_pem_key() {
    let validator = from(&[("JWT_PUBLIC_KEY_FILE", &key_path("ec256_public.pem"))]).unwrap();
    let (private, _) = key_pair("ec256");
    let good = sign(Algorithm::ES256, &private, None, &claims(json!({})));
    assert!(validator.validate(&good).await.is_ok());
    assert_eq!(
        validator.validate(&token(json!({}))).await.unwrap_err(),
        AuthError::AlgorithmNotAllowed
    );
}

#[test]
fn a_missing_or_unusable_key_file_names_the_variable() {
    match from(&[("JWT_PUBLIC_KEY_FILE", "/no/such/file.pem")]) {
        Err(ConfigError::KeyFile { var, path, .. }) => {
            assert_eq!(var, "JWT_PUBLIC_KEY_FILE");
            assert_eq!(path, "/no/such/file.pem");
        }
        other => panic!("{other:?}"),
    }
    let private = key_path("rsa_private.pem");
    assert_eq!(
        invalid_var(from(&[("JWT_PUBLIC_KEY_FILE", &private)])),
        "JWT_PUBLIC_KEY_FILE"
    );
}

#[test]
fn two_key_sources_conflict() {
    let err = from(&[("JWT_SECRET", SECRET), ("JWT_PUBLIC_KEY_FILE", "k.pem")]).unwrap_err();
    assert!(matches!(
        err,
        ConfigError::Conflict {
            first: "JWT_SECRET",
            second: "JWT_PUBLIC_KEY_FILE"
        }
    ));
    let err = from(&[("JWT_SECRET", SECRET), ("COGNITO_REGION", "eu-west-1")]).unwrap_err();
    assert!(matches!(
        err,
        ConfigError::Conflict {
            second: "COGNITO_REGION",
            ..
        }
    ));
}

#[test]
fn jwks_and_cognito_variables_are_checked_at_start_up() {
    assert!(from(&[("JWT_JWKS_URL", "https://idp.example/jwks.json")]).is_ok());
    assert_eq!(
        invalid_var(from(&[("JWT_JWKS_URL", "not a url")])),
        "JWT_JWKS_URL"
    );
    assert_eq!(
        invalid_var(from(&[("JWT_JWKS_URL", "ftp://idp/jwks")])),
        "JWT_JWKS_URL"
    );

    let pool = [
        ("COGNITO_REGION", "eu-west-1"),
        ("COGNITO_USERPOOL_ID", "eu-west-1_abc"),
        ("COGNITO_APP_CLIENT_ID", "client"),
    ];
    assert!(from(&pool).is_ok());
    for missing in 0..3 {
        let partial: Vec<(&str, &str)> = pool
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != missing)
            .map(|(_, v)| *v)
            .collect();
        match from(&partial) {
            Err(ConfigError::MissingVar { var, .. }) => assert_eq!(var, pool[missing].0),
            other => panic!("{other:?}"),
        }
    }
    let only_token_use = from(&[("COGNITO_TOKEN_USE", "id")]).unwrap_err();
    assert!(matches!(
        only_token_use,
        ConfigError::MissingVar {
            var: "COGNITO_REGION",
            ..
        }
    ));

    let with = |extra: (&'static str, &'static str)| {
        let mut vars = pool.to_vec();
        vars.push(extra);
        from(&vars)
    };
    assert!(with(("COGNITO_TOKEN_USE", "access")).is_ok());
    assert!(with(("COGNITO_TOKEN_USE", "any")).is_ok());
    assert_eq!(
        invalid_var(with(("COGNITO_TOKEN_USE", "refresh"))),
        "COGNITO_TOKEN_USE"
    );
    assert!(with(("COGNITO_JWKS_URL", "http://127.0.0.1:9229/jwks.json")).is_ok());
    assert_eq!(
        invalid_var(with(("COGNITO_JWKS_URL", "nope"))),
        "COGNITO_JWKS_URL"
    );
    assert_eq!(
        invalid_var(with(("JWT_LEEWAY_SECONDS", "x"))),
        "JWT_LEEWAY_SECONDS"
    );
    for var in ["JWT_ISSUER", "JWT_AUDIENCE", "JWT_ALGORITHMS"] {
        let err = with((var, "x")).unwrap_err();
        assert!(
            matches!(err, ConfigError::Conflict { first: "COGNITO_REGION", second } if second == var),
            "{var}: {err}"
        );
    }
    let bad_pool = [
        ("COGNITO_REGION", "eu-west-1"),
        ("COGNITO_USERPOOL_ID", "eu-west-1/../x"),
        ("COGNITO_APP_CLIENT_ID", "client"),
    ];
    assert_eq!(invalid_var(from(&bad_pool)), "COGNITO_USERPOOL_ID");
    let bad_region = [
        ("COGNITO_REGION", "eu west"),
        ("COGNITO_USERPOOL_ID", "eu-west-1_abc"),
        ("COGNITO_APP_CLIENT_ID", "client"),
    ];
    assert_eq!(invalid_var(from(&bad_region)), "COGNITO_REGION");
    let err = from(&[("JWT_JWKS_URL", "https://a/jwks"), ("COGNITO_REGION", "x")]).unwrap_err();
    assert!(matches!(
        err,
        ConfigError::Conflict {
            first: "JWT_JWKS_URL",
            second: "COGNITO_REGION"
        }
    ));
}

#[test]
fn empty_values_are_errors_not_unset() {
    assert_eq!(invalid_var(from(&[("JWT_SECRET", "")])), "JWT_SECRET");
    assert_eq!(
        invalid_var(from(&[("JWT_SECRET", SECRET), ("JWT_ISSUER", " ")])),
        "JWT_ISSUER"
    );
    assert_eq!(
        invalid_var(from(&[("JWT_SECRET", SECRET), ("JWT_AUDIENCE", "a,,b")])),
        "JWT_AUDIENCE"
    );
}

#[test]
fn algorithms_are_parsed_and_checked_against_the_key() {
    let with = |algs| from(&[("JWT_SECRET", SECRET), ("JWT_ALGORITHMS", algs)]);
    assert!(with("HS256, HS512").is_ok());
    for bad in ["none", "NONE", "HS999", "RS256", "HS256,ES256"] {
        let err = with(bad).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::InvalidVar {
                    var: "JWT_ALGORITHMS",
                    ..
                }
            ),
            "{bad}: {err}"
        );
    }
}

#[test]
fn leeway_must_be_whole_seconds_within_a_day() {
    let with = |value| from(&[("JWT_SECRET", SECRET), ("JWT_LEEWAY_SECONDS", value)]);
    assert!(with("0").is_ok());
    assert!(with("86400").is_ok());
    for bad in ["-1", "1.5", "soon", "86401", "99999999999999999999"] {
        assert_eq!(invalid_var(with(bad)), "JWT_LEEWAY_SECONDS", "{bad}");
    }
    assert!(matches!(
        Validator::builder()
            .hmac_secret(SECRET)
            .leeway(Duration::from_secs(90_000))
            .build(),
        Err(ConfigError::InvalidSetting {
            setting: "leeway",
            ..
        })
    ));
}

#[actix_web::test]
async fn issuer_audience_and_leeway_are_applied() {
    let validator = from(&[
        ("JWT_SECRET", SECRET),
        ("JWT_ISSUER", "https://a.example, https://b.example"),
        ("JWT_AUDIENCE", "api"),
        ("JWT_LEEWAY_SECONDS", "0"),
        ("JWT_ALGORITHMS", "HS256"),
    ])
    .unwrap();
    let ok = token(json!({ "iss": "https://b.example", "aud": "api" }));
    assert!(validator.validate(&ok).await.is_ok());
    let wrong_iss = token(json!({ "iss": "https://c.example", "aud": "api" }));
    assert_eq!(
        validator.validate(&wrong_iss).await.unwrap_err(),
        AuthError::WrongIssuer
    );
    let wrong_aud = token(json!({ "iss": "https://a.example", "aud": "web" }));
    assert_eq!(
        validator.validate(&wrong_aud).await.unwrap_err(),
        AuthError::WrongAudience
    );
    let expired =
        token(json!({ "iss": "https://a.example", "aud": "api", "exp": common::now() - 5 }));
    assert_eq!(
        validator.validate(&expired).await.unwrap_err(),
        AuthError::Expired
    );
}

#[test]
fn bad_builder_settings_are_refused() {
    let base = || Validator::builder().hmac_secret(SECRET);
    for (builder, setting) in [
        (base().realm("a\"b"), "realm"),
        (base().max_token_len(0), "max_token_len"),
        (base().groups_claim(""), "groups_claim"),
        (base().algorithms([]), "algorithms"),
    ] {
        match builder.build() {
            Err(ConfigError::InvalidSetting { setting: found, .. }) => assert_eq!(found, setting),
            other => panic!("{setting}: {other:?}"),
        }
    }
}

#[test]
fn debug_output_shows_no_secret() {
    let builder = Validator::builder().hmac_secret(SECRET);
    let validator = builder.clone().build().unwrap();
    for text in [format!("{builder:?}"), format!("{validator:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("test secret"), "{text}");
    }
}
