//! AWS Cognito tokens, configured from the three variables plus a local
//! JWKS, checked the way Cognito issues them.

mod common;

use std::collections::HashMap;

use actix_web::{get, test, App, HttpResponse};
use common::jwks::{document, JwksServer, TestKey};
use common::{now, Answer};
use jsonwebtoken::Algorithm;
use serde_json::{json, Value};
use token_required::{token_required, CognitoConfig, TokenUse, Validator};

const REGION: &str = "eu-west-1";
const POOL: &str = "eu-west-1_TestPool1";
const CLIENT: &str = "3abc4defghij5klmno6pqrstu7";

fn issuer(pool: &str) -> String {
    format!("https://cognito-idp.{REGION}.amazonaws.com/{pool}")
}

/// Claims shaped like a Cognito id token.
fn id_token_claims(extra: Value) -> Value {
    merge(
        json!({
            "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "iss": issuer(POOL),
            "aud": CLIENT,
            "token_use": "id",
            "cognito:username": "ana",
            "cognito:groups": ["users"],
            "email": "ana@example.com",
            "auth_time": now(),
            "iat": now(),
            "exp": now() + 3600,
        }),
        extra,
    )
}

/// Claims shaped like a Cognito access token.
fn access_token_claims(extra: Value) -> Value {
    merge(
        json!({
            "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "iss": issuer(POOL),
            "client_id": CLIENT,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin users:read",
            "cognito:groups": ["admin"],
            "username": "ana",
            "iat": now(),
            "exp": now() + 3600,
        }),
        extra,
    )
}

fn merge(mut base: Value, extra: Value) -> Value {
    for (name, value) in extra.as_object().unwrap() {
        if value.is_null() {
            base.as_object_mut().unwrap().remove(name);
        } else {
            base[name] = value.clone();
        }
    }
    base
}

fn from_env(jwks: &JwksServer, extra: &[(&str, &str)]) -> Validator {
    let mut vars: HashMap<String, String> = [
        ("COGNITO_REGION", REGION),
        ("COGNITO_USERPOOL_ID", POOL),
        ("COGNITO_APP_CLIENT_ID", CLIENT),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    vars.insert("COGNITO_JWKS_URL".into(), jwks.url());
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Validator::from_vars(|name| vars.get(name).cloned()).expect("a Cognito validator")
}

#[get("/users")]
#[token_required]
async fn users() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/admin")]
#[token_required(groups = ["admin"])]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/read")]
#[token_required(scopes = ["users:read"])]
async fn read() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn send(validator: &Validator, uri: &str, token: &str) -> Answer {
    let app = test::init_service(
        App::new()
            .app_data(validator.clone())
            .service(users)
            .service(admin)
            .service(read),
    )
    .await;
    let request = test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    Answer::read(test::call_service(&app, request).await).await
}

struct Pool {
    key: TestKey,
    jwks: JwksServer,
}

fn pool() -> Pool {
    let key = TestKey::generate(Algorithm::RS256, "cognito-key-1");
    let jwks = JwksServer::start(document(&[&key]));
    Pool { key, jwks }
}

#[actix_web::test]
async fn id_and_access_tokens_pass_and_refresh_tokens_never_do() {
    let Pool { key, jwks } = pool();
    let validator = from_env(&jwks, &[]);

    let id = key.sign(&id_token_claims(json!({})));
    assert_eq!(send(&validator, "/users", &id).await.status, 200);
    let access = key.sign(&access_token_claims(json!({})));
    assert_eq!(send(&validator, "/users", &access).await.status, 200);

    for token_use in ["refresh", "ID", ""] {
        let odd = key.sign(&id_token_claims(json!({ "token_use": token_use })));
        send(&validator, "/users", &odd)
            .await
            .assert_invalid_token();
    }
    let missing = key.sign(&access_token_claims(json!({ "token_use": null })));
    send(&validator, "/users", &missing)
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn cognito_token_use_narrows_the_accepted_tokens() {
    let Pool { key, jwks } = pool();
    let id = key.sign(&id_token_claims(json!({})));
    let access = key.sign(&access_token_claims(json!({})));

    let only_access = from_env(&jwks, &[("COGNITO_TOKEN_USE", "access")]);
    assert_eq!(send(&only_access, "/users", &access).await.status, 200);
    send(&only_access, "/users", &id)
        .await
        .assert_invalid_token();

    let only_id = from_env(&jwks, &[("COGNITO_TOKEN_USE", "id")]);
    assert_eq!(send(&only_id, "/users", &id).await.status, 200);
    send(&only_id, "/users", &access)
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn the_app_client_is_checked_where_each_token_names_it() {
    let Pool { key, jwks } = pool();
    let validator = from_env(&jwks, &[]);

    let cases = [
        id_token_claims(json!({ "aud": "another-client" })),
        id_token_claims(json!({ "aud": null })),
        // An id token naming the client only where access tokens do.
        id_token_claims(json!({ "aud": null, "client_id": CLIENT })),
        access_token_claims(json!({ "client_id": "another-client" })),
        access_token_claims(json!({ "client_id": null, "aud": CLIENT })),
    ];
    for claims in cases {
        send(&validator, "/users", &key.sign(&claims))
            .await
            .assert_invalid_token();
    }
}

#[actix_web::test]
async fn tokens_of_another_pool_are_refused_even_with_the_right_key() {
    let Pool { key, jwks } = pool();
    let validator = from_env(&jwks, &[]);
    for iss in [
        issuer("eu-west-1_OtherPool"),
        format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}"),
        jwks.url(),
    ] {
        let claims = id_token_claims(json!({ "iss": iss }));
        send(&validator, "/users", &key.sign(&claims))
            .await
            .assert_invalid_token();
    }
    let no_iss = id_token_claims(json!({ "iss": null }));
    send(&validator, "/users", &key.sign(&no_iss))
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn only_rs256_is_accepted() {
    let rsa = TestKey::generate(Algorithm::RS256, "rsa");
    let ec = TestKey::generate(Algorithm::ES256, "ec");
    let jwks = JwksServer::start(document(&[&rsa, &ec]));
    let validator = from_env(&jwks, &[]);

    let claims = id_token_claims(json!({}));
    assert_eq!(
        send(&validator, "/users", &rsa.sign(&claims)).await.status,
        200
    );
    send(&validator, "/users", &ec.sign(&claims))
        .await
        .assert_invalid_token();
    // The RSA key signing as RS512 or PS256: not what the JWK allows.
    for alg in [Algorithm::RS512, Algorithm::PS256] {
        let token = rsa.with(alg, "rsa").sign(&claims);
        send(&validator, "/users", &token)
            .await
            .assert_invalid_token();
    }
}

#[actix_web::test]
async fn groups_and_scopes_come_from_cognito_claims() {
    let Pool { key, jwks } = pool();
    let validator = from_env(&jwks, &[]);

    let user = key.sign(&id_token_claims(json!({})));
    let answer = send(&validator, "/admin", &user).await;
    assert_eq!(answer.status, 403);
    let member = key.sign(&id_token_claims(
        json!({ "cognito:groups": ["admin", "users"] }),
    ));
    assert_eq!(send(&validator, "/admin", &member).await.status, 200);

    let access = key.sign(&access_token_claims(json!({})));
    assert_eq!(send(&validator, "/read", &access).await.status, 200);
    let narrow = key.sign(&access_token_claims(json!({ "scope": "openid" })));
    assert_eq!(send(&validator, "/read", &narrow).await.status, 403);
}

#[actix_web::test]
async fn the_builder_configures_the_same_checks() {
    let Pool { key, jwks } = pool();
    let validator = Validator::builder()
        .cognito(
            CognitoConfig::new(REGION, POOL, CLIENT)
                .jwks_url(jwks.url())
                .token_use(TokenUse::Access),
        )
        .build()
        .unwrap();
    assert_eq!(validator.warm_up().await, Ok(1));

    let access = key.sign(&access_token_claims(json!({})));
    assert_eq!(send(&validator, "/users", &access).await.status, 200);
    let id = key.sign(&id_token_claims(json!({})));
    send(&validator, "/users", &id).await.assert_invalid_token();
    let expired = key.sign(&access_token_claims(json!({ "exp": now() - 3600 })));
    send(&validator, "/users", &expired)
        .await
        .assert_invalid_token();
    assert_eq!(jwks.hits(), 1);

    let conflicting = Validator::builder()
        .cognito(CognitoConfig::new(REGION, POOL, CLIENT))
        .issuer("https://elsewhere.example")
        .build();
    assert!(conflicting.is_err());
}
