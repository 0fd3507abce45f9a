//! The users example's routes, as CONTRACT and README describe them.

mod common;

#[allow(dead_code)]
#[path = "../examples/users.rs"]
mod users;

use actix_web::{test, web, App};
use common::{bearer, Answer};
use serde_json::{json, Value};
use token_required::Validator;

const SECRET: &[u8] = b"the example's secret for these tests!";

async fn call(method: &str, uri: &str, token: Option<&str>, body: Option<&str>) -> Answer {
    let validator = Validator::builder().hmac_secret(SECRET).build().unwrap();
    let app = test::init_service(
        App::new()
            .app_data(validator)
            .app_data(web::Data::new(users::Store::seeded()))
            .configure(users::routes),
    )
    .await;
    let mut request = test::TestRequest::default()
        .method(method.parse().unwrap())
        .uri(uri);
    if let Some(token) = token {
        request = request.insert_header(bearer(token));
    }
    if let Some(body) = body {
        request = request
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_owned());
    }
    Answer::read(test::call_service(&app, request.to_request()).await).await
}

fn dev_token(sub: &str, groups: &[&str]) -> String {
    users::development_token(SECRET, sub, groups).unwrap()
}

fn json_body(answer: &Answer) -> Value {
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    serde_json::from_str(&answer.body).expect("a JSON body")
}

#[actix_web::test]
async fn health_needs_no_token() {
    let answer = call("GET", "/health", None, None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(json_body(&answer), json!({ "status": "ok" }));
}

#[actix_web::test]
async fn users_lists_with_a_token_and_refuses_without() {
    let token = dev_token("ana", &["users"]);
    let answer = call("GET", "/users", Some(&token), None).await;
    assert_eq!(answer.status, 200);
    let users = json_body(&answer);
    assert_eq!(users.as_array().map(Vec::len), Some(2));
    assert_eq!(users[0]["name"], "Ana");

    call("GET", "/users", None, None)
        .await
        .assert_rejected(401, Some(r#"Bearer realm="api""#));
    call("GET", "/users", Some("a.b.c"), None)
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn post_users_creates_and_checks_the_token_before_the_body() {
    let token = dev_token("ana", &["users"]);
    let body = r#"{"name": "Eva", "email": "eva@example.com"}"#;
    let answer = call("POST", "/users", Some(&token), Some(body)).await;
    assert_eq!(answer.status, 201);
    assert_eq!(
        json_body(&answer),
        json!({ "id": 3, "name": "Eva", "email": "eva@example.com" })
    );

    let answer = call("POST", "/users", Some(&token), Some(r#"{"name": "#)).await;
    assert_eq!(answer.status, 400);
    assert!(json_body(&answer)["message"]
        .as_str()
        .unwrap()
        .contains("JSON"));

    let answer = call("POST", "/users", Some(&token), Some(r#"{"name": "Eva"}"#)).await;
    assert_eq!(answer.status, 400);

    call("POST", "/users", Some("bad"), Some(r#"{"name": "#))
        .await
        .assert_invalid_token();
    call("POST", "/users", None, Some(r#"{"name": "#))
        .await
        .assert_rejected(401, Some(r#"Bearer realm="api""#));
}

#[actix_web::test]
async fn me_returns_the_validated_claims() {
    let token = dev_token("ana", &["users"]);
    let answer = call("GET", "/me", Some(&token), None).await;
    assert_eq!(answer.status, 200);
    let claims = json_body(&answer);
    assert_eq!(claims["sub"], "ana");
    assert_eq!(claims["cognito:groups"], json!(["users"]));
}

#[actix_web::test]
async fn admin_needs_the_admin_group() {
    let admin = dev_token("root", &["admin"]);
    let answer = call("GET", "/admin", Some(&admin), None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(json_body(&answer), json!({ "message": "welcome, root" }));

    let user = dev_token("ana", &["users"]);
    call("GET", "/admin", Some(&user), None)
        .await
        .assert_rejected(
            403,
            Some(r#"Bearer realm="api", error="insufficient_scope""#),
        );
}

#[actix_web::test]
async fn greeting_takes_an_optional_token() {
    let answer = call("GET", "/greeting", None, None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(json_body(&answer), json!({ "message": "hello, stranger" }));

    let token = dev_token("ana", &["users"]);
    let answer = call("GET", "/greeting", Some(&token), None).await;
    assert_eq!(json_body(&answer), json!({ "message": "hello, ana" }));

    call("GET", "/greeting", Some("a.b.c"), None)
        .await
        .assert_invalid_token();
}
