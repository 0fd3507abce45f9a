//! With no validator registered and nothing in the environment, guarded
//! handlers answer 500 (a server mistake, logged at warn), never a pass and
//! never a 401 that would hide the misconfiguration. One test in this file:
//! it clears the process environment before the default is first built.

mod common;

use actix_web::{get, test, App, HttpResponse};
use common::{bearer, token, Answer};
use serde_json::json;
use token_required::{token_required, ConfigError};

#[get("/")]
#[token_required]
async fn guarded() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn a_guarded_handler_without_any_validator_fails_closed_with_500() {
    for (name, _) in std::env::vars() {
        if name.starts_with("JWT_") || name.starts_with("COGNITO_") {
            std::env::remove_var(name);
        }
    }
    assert!(matches!(
        token_required::default_validator(),
        Err(ConfigError::NotConfigured)
    ));
    let recorder = common::logs::Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());

    let app = test::init_service(App::new().service(guarded)).await;
    for request in [
        test::TestRequest::get().uri("/"),
        test::TestRequest::get()
            .uri("/")
            .insert_header(bearer(&token(json!({})))),
    ] {
        let answer = Answer::read(test::call_service(&app, request.to_request()).await).await;
        assert_eq!(answer.status, 500);
        assert_eq!(answer.challenge, None);
        assert_eq!(answer.body, r#"{"message":"Ocurrió un error"}"#);
        let warnings = recorder.ours_at(tracing::Level::WARN);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].text.contains("no validator"), "{warnings:?}");
    }
}
