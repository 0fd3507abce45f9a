//! CORS preflights through a guarded resource: refused unless configured,
//! and then only true preflights pass, with no claims.

mod common;

use actix_web::{test, web, App, HttpResponse};
use common::{token, Answer, SECRET};
use serde_json::json;
use token_required::{token_required, Claims, Validator};

#[token_required]
async fn resource(claims: Option<Claims>) -> HttpResponse {
    HttpResponse::Ok().body(if claims.is_some() { "claims" } else { "none" })
}

async fn send(validator: Validator, request: test::TestRequest) -> Answer {
    let app = test::init_service(
        App::new()
            .app_data(validator)
            .service(web::resource("/items").to(resource)),
    )
    .await;
    Answer::read(test::call_service(&app, request.to_request()).await).await
}

fn preflight() -> test::TestRequest {
    test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/items")
        .insert_header(("Origin", "https://app.example"))
        .insert_header(("Access-Control-Request-Method", "POST"))
}

#[actix_web::test]
async fn preflights_are_refused_by_default() {
    let validator = Validator::builder().hmac_secret(SECRET).build().unwrap();
    let answer = send(validator, preflight()).await;
    assert_eq!(answer.status, 401);
}

#[actix_web::test]
async fn configured_preflights_pass_without_claims_and_nothing_else_does() {
    let validator = Validator::builder()
        .hmac_secret(SECRET)
        .dangerous_pass_cors_preflight()
        .build()
        .unwrap();
    let answer = send(validator.clone(), preflight()).await;
    assert_eq!(
        (answer.status.as_u16(), answer.body.as_str()),
        (200, "none")
    );

    // OPTIONS without the preflight header, and other methods: a token.
    let plain_options = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/items");
    assert_eq!(send(validator.clone(), plain_options).await.status, 401);
    let post = test::TestRequest::post()
        .uri("/items")
        .insert_header(("Access-Control-Request-Method", "POST"));
    assert_eq!(send(validator.clone(), post).await.status, 401);

    let with_token = test::TestRequest::get()
        .uri("/items")
        .insert_header(("Authorization", format!("Bearer {}", token(json!({})))));
    assert_eq!(send(validator, with_token).await.body, "claims");
}
