//! Several validators in one app: chosen by name in the attribute, or by
//! the token's `iss`; a name no validator has is a start-up error.

mod common;

use actix_web::{get, test, App, HttpResponse};
use common::{claims, sign, Answer};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::json;
use token_required::{token_required, ConfigError, Validator, Validators};

const USERS_SECRET: &str = "the users issuer's secret, 32 bytes or more";
const INTERNAL_SECRET: &str = "the internal issuer's secret, also long enough";
const USERS: &str = "https://users.example";
const INTERNAL: &str = "https://internal.example";

#[get("/jobs")]
#[token_required(issuer = "internal")]
async fn jobs() -> HttpResponse {
    HttpResponse::Ok().body("jobs")
}

#[get("/profile")]
#[token_required(issuer = "users", optional)]
async fn profile() -> HttpResponse {
    HttpResponse::Ok().body("profile")
}

#[get("/any")]
#[token_required]
async fn any() -> HttpResponse {
    HttpResponse::Ok().body("any")
}

fn validator(secret: &str, issuer: &str) -> Validator {
    Validator::builder()
        .hmac_secret(secret)
        .issuer(issuer)
        .build()
        .unwrap()
}

fn set() -> Validators {
    Validators::builder()
        .add("users", validator(USERS_SECRET, USERS))
        .add("internal", validator(INTERNAL_SECRET, INTERNAL))
        .build()
        .unwrap()
}

fn token(secret: &str, issuer: &str) -> String {
    let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
    sign(
        Algorithm::HS256,
        &key,
        None,
        &claims(json!({ "iss": issuer })),
    )
}

async fn get(app_data: Validators, uri: &str, token: Option<String>) -> Answer {
    let app = test::init_service(
        App::new()
            .app_data(app_data)
            .service(jobs)
            .service(profile)
            .service(any),
    )
    .await;
    let mut request = test::TestRequest::get().uri(uri);
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    Answer::read(test::call_service(&app, request.to_request()).await).await
}

#[actix_web::test]
async fn a_named_issuer_checks_the_handler_alone() {
    let internal = token(INTERNAL_SECRET, INTERNAL);
    let users = token(USERS_SECRET, USERS);
    assert_eq!(
        get(set(), "/jobs", Some(internal.clone())).await.body,
        "jobs"
    );
    get(set(), "/jobs", Some(users.clone()))
        .await
        .assert_invalid_token();
    assert_eq!(get(set(), "/profile", Some(users)).await.body, "profile");
    get(set(), "/profile", Some(internal))
        .await
        .assert_invalid_token();
    assert_eq!(get(set(), "/profile", None).await.body, "profile");
}

#[actix_web::test]
async fn an_unnamed_handler_is_checked_by_the_tokens_issuer() {
    assert_eq!(
        get(set(), "/any", Some(token(USERS_SECRET, USERS)))
            .await
            .body,
        "any"
    );
    assert_eq!(
        get(set(), "/any", Some(token(INTERNAL_SECRET, INTERNAL)))
            .await
            .body,
        "any"
    );
    // An issuer claimed with another issuer's key, an unknown issuer, none.
    get(set(), "/any", Some(token(USERS_SECRET, INTERNAL)))
        .await
        .assert_invalid_token();
    get(
        set(),
        "/any",
        Some(token(USERS_SECRET, "https://evil.example")),
    )
    .await
    .assert_invalid_token();
    let key = EncodingKey::from_secret(USERS_SECRET.as_bytes()).unwrap();
    let no_iss = sign(Algorithm::HS256, &key, None, &claims(json!({})));
    get(set(), "/any", Some(no_iss))
        .await
        .assert_invalid_token();
    get(set(), "/any", None)
        .await
        .assert_rejected(401, Some(r#"Bearer realm="api""#));
}

#[actix_web::test]
async fn a_name_no_validator_has_is_a_start_up_error() {
    let missing = Validators::builder()
        .add("users", validator(USERS_SECRET, USERS))
        .build()
        .unwrap_err();
    match &missing {
        ConfigError::UnknownIssuer { name, handler } => {
            assert_eq!(*name, "internal");
            assert!(handler.ends_with("jobs"), "{handler}");
        }
        other => panic!("{other:?}"),
    }
    assert!(missing.to_string().contains("internal"));

    let twice = Validators::builder()
        .add("users", validator(USERS_SECRET, USERS))
        .add("users", validator(INTERNAL_SECRET, INTERNAL))
        .add("internal", validator(INTERNAL_SECRET, INTERNAL))
        .build();
    assert!(matches!(twice, Err(ConfigError::InvalidSetting { .. })));
    assert!(Validators::builder().build().is_err());
}

#[actix_web::test]
async fn a_named_issuer_without_a_set_is_a_server_error() {
    let app = test::init_service(
        App::new()
            .app_data(validator(INTERNAL_SECRET, INTERNAL))
            .service(jobs),
    )
    .await;
    let request = test::TestRequest::get()
        .uri("/jobs")
        .insert_header((
            "Authorization",
            format!("Bearer {}", token(INTERNAL_SECRET, INTERNAL)),
        ))
        .to_request();
    let answer = Answer::read(test::call_service(&app, request).await).await;
    assert_eq!(answer.status, 500);
}
