//! Without a registered validator, guarded handlers use the process-wide
//! default built from the environment. One test in this file: it sets the
//! process environment before the default is first built.

mod common;

use actix_web::{get, test, App, HttpResponse};
use common::{bearer, token, SECRET};
use serde_json::json;
use token_required::token_required;

#[get("/")]
#[token_required]
async fn guarded() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn the_default_validator_comes_from_the_environment() {
    for (name, _) in std::env::vars() {
        if name.starts_with("JWT_") || name.starts_with("COGNITO_") {
            std::env::remove_var(name);
        }
    }
    std::env::set_var("JWT_SECRET", SECRET);
    std::env::set_var("JWT_ISSUER", "https://issuer.example");

    let validator = token_required::default_validator().expect("built from the environment");
    assert!(format!("{validator:?}").contains("HS256"));

    let app = test::init_service(App::new().service(guarded)).await;
    let send = |token: String| {
        test::TestRequest::get()
            .uri("/")
            .insert_header(bearer(&token))
    };

    let good = token(json!({ "iss": "https://issuer.example" }));
    let response = test::call_service(&app, send(good).to_request()).await;
    assert_eq!(response.status(), 200);

    let wrong_issuer = token(json!({ "iss": "https://other.example" }));
    let response = test::call_service(&app, send(wrong_issuer).to_request()).await;
    assert_eq!(response.status(), 401);
}
