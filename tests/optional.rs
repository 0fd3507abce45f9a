//! `#[token_required(optional)]`: no token passes with no claims; a token
//! that is present must be valid, and meets the handler's policy.

mod common;

use actix_web::{get, test, App, HttpResponse, Responder};
use common::{token, validator, Answer};
use serde::Deserialize;
use serde_json::json;
use token_required::{token_required, Claims};

#[derive(Deserialize)]
struct Subject {
    sub: String,
}

#[get("/greeting")]
#[token_required(optional)]
async fn greeting(claims: Option<Claims<Subject>>) -> impl Responder {
    match claims {
        Some(claims) => format!("hello, {}", claims.sub),
        None => "hello, stranger".to_owned(),
    }
}

#[get("/strict")]
#[token_required(optional)]
async fn strict(claims: Claims<Subject>) -> impl Responder {
    format!("hello, {}", claims.sub)
}

#[get("/staff")]
#[token_required(optional, groups = ["staff"])]
async fn staff(claims: Option<Claims>) -> HttpResponse {
    HttpResponse::Ok().body(if claims.is_some() { "staff" } else { "guest" })
}

async fn get(uri: &str, authorization: Option<String>) -> Answer {
    let app = test::init_service(
        App::new()
            .app_data(validator())
            .service(greeting)
            .service(strict)
            .service(staff),
    )
    .await;
    let mut request = test::TestRequest::get().uri(uri);
    if let Some(value) = authorization {
        request = request.insert_header(("Authorization", value));
    }
    Answer::read(test::call_service(&app, request.to_request()).await).await
}

#[actix_web::test]
async fn no_token_passes_without_claims() {
    let answer = get("/greeting", None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "hello, stranger");
    assert_eq!(get("/staff", None).await.body, "guest");
}

#[actix_web::test]
async fn a_valid_token_passes_with_its_claims() {
    let answer = get("/greeting", Some(format!("Bearer {}", token(json!({}))))).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "hello, user-1");
}

#[actix_web::test]
async fn an_invalid_token_never_passes_as_anonymous() {
    let expired = token(json!({ "exp": common::now() - 3600 }));
    for value in [
        format!("Bearer {expired}"),
        "Bearer not.a.token".to_owned(),
        "Bearer".to_owned(),
    ] {
        get("/greeting", Some(value)).await.assert_invalid_token();
    }
    // Another scheme is not the absence of credentials either.
    let basic = get("/greeting", Some("Basic dXNlcjpwYXNz".to_owned())).await;
    basic.assert_rejected(401, Some(r#"Bearer realm="api""#));
}

#[actix_web::test]
async fn a_present_token_must_meet_the_policy() {
    let outsider = token(json!({ "cognito:groups": ["users"] }));
    let answer = get("/staff", Some(format!("Bearer {outsider}"))).await;
    assert_eq!(answer.status, 403);
    let member = token(json!({ "cognito:groups": ["staff"] }));
    assert_eq!(
        get("/staff", Some(format!("Bearer {member}"))).await.body,
        "staff"
    );
}

#[actix_web::test]
async fn plain_claims_on_an_optional_handler_need_a_token() {
    get("/strict", None)
        .await
        .assert_rejected(401, Some(r#"Bearer realm="api""#));
    let answer = get("/strict", Some(format!("Bearer {}", token(json!({}))))).await;
    assert_eq!(answer.body, "hello, user-1");
}
