//! Claims reach the handler, typed or untyped; groups and scopes gate it.

mod common;

use actix_web::{get, test, App, HttpResponse, Responder};
use common::{bearer, token, validator, Answer, SECRET};
use serde::Deserialize;
use serde_json::{json, Value};
use token_required::{token_required, Claims, Validator};

#[derive(Deserialize)]
struct Profile {
    sub: String,
    email: String,
    #[serde(rename = "cognito:groups", default)]
    groups: Vec<String>,
}

#[get("/typed")]
#[token_required]
async fn typed(claims: Claims<Profile>) -> impl Responder {
    format!("{} {} {:?}", claims.sub, claims.email, claims.groups)
}

#[get("/untyped")]
#[token_required]
async fn untyped(claims: Claims) -> impl Responder {
    HttpResponse::Ok().json(claims.into_inner())
}

#[get("/unguarded")]
async fn unguarded(claims: Claims<Value>) -> impl Responder {
    HttpResponse::Ok().json(claims.0)
}

#[get("/all-groups")]
#[token_required(groups = ["admin", "ops"])]
async fn all_groups() -> &'static str {
    "all groups"
}

#[get("/any-groups")]
#[token_required(any_groups = ["admin", "ops"])]
async fn any_groups() -> &'static str {
    "any groups"
}

#[get("/scopes")]
#[token_required(scopes = ["users:read", "users:write"])]
async fn all_scopes() -> &'static str {
    "all scopes"
}

#[get("/any-scopes")]
#[token_required(any_scopes = ["users:read", "users:write"])]
async fn any_scopes() -> &'static str {
    "any scopes"
}

#[get("/combined")]
#[token_required(groups = ["admin"], scopes = ["users:write"])]
async fn combined() -> &'static str {
    "combined"
}

async fn get(validator: Validator, uri: &str, extra: Value) -> Answer {
    let app = test::init_service(
        App::new()
            .app_data(validator)
            .service(typed)
            .service(untyped)
            .service(unguarded)
            .service(all_groups)
            .service(any_groups)
            .service(all_scopes)
            .service(any_scopes)
            .service(combined),
    )
    .await;
    let request = test::TestRequest::get()
        .uri(uri)
        .insert_header(bearer(&token(extra)))
        .to_request();
    Answer::read(test::call_service(&app, request).await).await
}

#[actix_web::test]
async fn typed_claims_reach_the_handler() {
    let extra = json!({ "email": "ana@example.com", "cognito:groups": ["a", "b"] });
    let answer = get(validator(), "/typed", extra).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, r#"user-1 ana@example.com ["a", "b"]"#);
}

#[actix_web::test]
async fn claims_that_do_not_fit_the_type_are_invalid_token() {
    // `email` is required by `Profile` but absent.
    get(validator(), "/typed", json!({}))
        .await
        .assert_invalid_token();
    get(validator(), "/typed", json!({ "email": 7 }))
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn untyped_claims_are_the_whole_payload() {
    let answer = get(
        validator(),
        "/untyped",
        json!({ "custom": { "nested": [1, 2] } }),
    )
    .await;
    assert_eq!(answer.status, 200);
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["sub"], "user-1");
    assert_eq!(body["custom"], json!({ "nested": [1, 2] }));
    assert!(body["exp"].is_u64());
}

#[actix_web::test]
async fn claims_on_an_unguarded_handler_are_a_server_error() {
    let answer = get(validator(), "/unguarded", json!({})).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.challenge, None);
    assert_eq!(answer.body, r#"{"message":"Ocurrió un error"}"#);
}

#[actix_web::test]
async fn groups_lists_are_all_of_and_any_groups_any_of() {
    let cases = [
        ("/all-groups", json!(["admin", "ops", "x"]), 200),
        ("/all-groups", json!(["admin"]), 403),
        ("/all-groups", json!([]), 403),
        ("/any-groups", json!(["ops"]), 200),
        ("/any-groups", json!(["admin"]), 200),
        ("/any-groups", json!(["users"]), 403),
        ("/any-groups", json!("ops"), 200),
        ("/any-groups", json!(null), 403),
    ];
    for (uri, groups, status) in cases {
        let answer = get(validator(), uri, json!({ "cognito:groups": groups })).await;
        assert_eq!(answer.status, status, "{uri} {groups}");
        assert_eq!(
            answer.status == 403,
            answer.challenge.as_deref()
                == Some(r#"Bearer realm="api", error="insufficient_scope""#)
        );
    }
}

#[actix_web::test]
async fn scopes_lists_are_all_of_and_any_scopes_any_of() {
    let cases = [
        ("/scopes", "users:read users:write", 200),
        ("/scopes", "users:write", 403),
        ("/scopes", "", 403),
        ("/any-scopes", "openid users:write", 200),
        ("/any-scopes", "openid", 403),
        ("/any-scopes", "users", 403),
    ];
    for (uri, scope, status) in cases {
        let answer = get(validator(), uri, json!({ "scope": scope })).await;
        assert_eq!(answer.status, status, "{uri} {scope:?}");
    }
}

#[actix_web::test]
async fn combined_arguments_must_all_hold() {
    let cases = [
        (
            json!({ "cognito:groups": ["admin"], "scope": "users:write" }),
            200,
        ),
        (
            json!({ "cognito:groups": ["admin"], "scope": "users:read" }),
            403,
        ),
        (
            json!({ "cognito:groups": ["users"], "scope": "users:write" }),
            403,
        ),
    ];
    for (extra, status) in cases {
        assert_eq!(
            get(validator(), "/combined", extra.clone()).await.status,
            status,
            "{extra}"
        );
    }
}

#[actix_web::test]
async fn the_groups_claim_can_be_configured() {
    let roles = Validator::builder()
        .hmac_secret(SECRET)
        .groups_claim("roles")
        .build()
        .unwrap();
    let answer = get(roles.clone(), "/any-groups", json!({ "roles": ["ops"] })).await;
    assert_eq!(answer.status, 200);
    let answer = get(roles, "/any-groups", json!({ "cognito:groups": ["ops"] })).await;
    assert_eq!(answer.status, 403);
}
