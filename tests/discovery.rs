//! OpenID Connect discovery: an issuer URL alone finds its keys; the
//! document must name the same issuer; failures are retried, never kept.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::jwks::{document, JwksServer, TestKey};
use common::{claims, send_token};
use jsonwebtoken::Algorithm;
use serde_json::json;
use token_required::{ConfigError, JwksError, Validator};

fn discovery(issuer: &str, jwks_uri: &str) -> String {
    json!({
        "issuer": issuer,
        "jwks_uri": jwks_uri,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    })
    .to_string()
}

fn validator(issuer: &str) -> Validator {
    Validator::builder()
        .oidc_issuer(issuer)
        .jwks_cooldown(Duration::ZERO)
        .build()
        .unwrap()
}

#[actix_web::test]
async fn an_issuer_url_alone_finds_its_keys() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let server = JwksServer::start(document(&[&key]));
    let issuer = server.issuer();
    server.serve_discovery(200, discovery(&issuer, &format!("{issuer}/keys")));
    let validator = validator(&issuer);

    let token = key.sign(&claims(json!({ "iss": issuer })));
    assert_eq!(send_token(&validator, &token).await.status, 200);
    // The issuer is checked: another iss, or none, is refused.
    let other = key.sign(&claims(json!({ "iss": "https://elsewhere.example" })));
    send_token(&validator, &other).await.assert_invalid_token();
    send_token(&validator, &key.sign(&claims(json!({}))))
        .await
        .assert_invalid_token();
    assert_eq!(server.hits(), 1);
}

#[actix_web::test]
async fn a_document_naming_another_issuer_is_refused() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let server = JwksServer::start(document(&[&key]));
    let issuer = server.issuer();
    server.serve_discovery(
        200,
        discovery("https://evil.example", &format!("{issuer}/keys")),
    );
    let validator = validator(&issuer);

    assert!(matches!(
        validator.warm_up().await,
        Err(JwksError::Discovery(_))
    ));
    let token = key.sign(&claims(json!({ "iss": issuer })));
    assert_eq!(send_token(&validator, &token).await.status, 503);
    assert_eq!(
        server.hits(),
        0,
        "keys were fetched from an unverified document"
    );
}

#[actix_web::test]
async fn a_failed_discovery_is_retried() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let server = JwksServer::start(document(&[&key]));
    let issuer = server.issuer();
    server.serve_discovery(500, "down".to_owned());
    let validator = validator(&issuer);
    let token = key.sign(&claims(json!({ "iss": issuer })));
    assert_eq!(send_token(&validator, &token).await.status, 503);

    server.serve_discovery(200, "not json".to_owned());
    assert_eq!(send_token(&validator, &token).await.status, 503);
    server.serve_discovery(200, discovery(&issuer, "ftp://nope"));
    assert_eq!(send_token(&validator, &token).await.status, 503);

    server.serve_discovery(200, discovery(&issuer, &format!("{issuer}/keys")));
    assert_eq!(send_token(&validator, &token).await.status, 200);
}

#[actix_web::test]
async fn the_environment_turns_discovery_on() {
    let key = TestKey::generate(Algorithm::RS256, "k");
    let server = JwksServer::start(document(&[&key]));
    let issuer = server.issuer();
    server.serve_discovery(200, discovery(&issuer, &format!("{issuer}/keys")));

    let from = |vars: &[(&str, &str)]| {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Validator::from_vars(|name| vars.get(name).cloned())
    };
    let validator = from(&[("JWT_OIDC_DISCOVERY", "true"), ("JWT_ISSUER", &issuer)]).unwrap();
    let token = key.sign(&claims(json!({ "iss": issuer })));
    assert_eq!(send_token(&validator, &token).await.status, 200);

    assert!(matches!(
        from(&[("JWT_OIDC_DISCOVERY", "true")]),
        Err(ConfigError::MissingVar {
            var: "JWT_ISSUER",
            ..
        })
    ));
    assert!(matches!(
        from(&[
            ("JWT_OIDC_DISCOVERY", "yes please"),
            ("JWT_ISSUER", &issuer)
        ]),
        Err(ConfigError::InvalidVar {
            var: "JWT_OIDC_DISCOVERY",
            ..
        })
    ));
    assert!(matches!(
        from(&[("JWT_OIDC_DISCOVERY", "true"), ("JWT_ISSUER", "not a url")]),
        Err(ConfigError::InvalidVar {
            var: "JWT_ISSUER",
            ..
        })
    ));
    assert!(matches!(
        from(&[
            ("JWT_OIDC_DISCOVERY", "true"),
            ("JWT_ISSUER", &issuer),
            ("JWT_SECRET", "s")
        ]),
        Err(ConfigError::Conflict { .. })
    ));
}
