//! Every row of the HTTP answers table, through a real actix-web service.

mod common;

use actix_web::http::header::{HeaderValue, AUTHORIZATION};
use actix_web::{get, test, App, HttpResponse};
use common::{bearer, claims, hs256, token, validator, Answer, SECRET};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::json;
use token_required::{token_required, Validator};

#[get("/users")]
#[token_required]
async fn users() -> HttpResponse {
    HttpResponse::Ok().body("users")
}

#[get("/admin")]
#[token_required(groups = ["admin"])]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().body("admin")
}

#[get("/reports")]
#[token_required(scopes = ["reports:read"])]
async fn reports() -> HttpResponse {
    HttpResponse::Ok().body("reports")
}

async fn send_with(validator: Validator, request: test::TestRequest) -> Answer {
    let app = test::init_service(
        App::new()
            .app_data(validator)
            .service(users)
            .service(admin)
            .service(reports),
    )
    .await;
    Answer::read(test::call_service(&app, request.to_request()).await).await
}

async fn send(request: test::TestRequest) -> Answer {
    send_with(validator(), request).await
}

async fn get_users(authorization: &str) -> Answer {
    send(
        test::TestRequest::get()
            .uri("/users")
            .insert_header(("Authorization", authorization)),
    )
    .await
}

const PLAIN: Option<&str> = Some(r#"Bearer realm="api""#);

#[actix_web::test]
async fn a_valid_token_reaches_the_handler() {
    let answer = get_users(&format!("Bearer {}", token(json!({})))).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "users");
}

#[actix_web::test]
async fn no_authorization_header_is_401_without_error_code() {
    let answer = send(test::TestRequest::get().uri("/users")).await;
    answer.assert_rejected(401, PLAIN);
}

#[actix_web::test]
async fn another_scheme_is_401_without_error_code() {
    for value in [
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearerabc.def.ghi",
        "",
        "   ",
    ] {
        let answer = get_users(value).await;
        answer.assert_rejected(401, PLAIN);
    }
}

#[actix_web::test]
async fn the_scheme_is_case_insensitive_and_whitespace_is_tolerated() {
    let token = token(json!({}));
    for value in [
        format!("bearer {token}"),
        format!("BEARER {token}"),
        format!("  Bearer   {token}  "),
        format!("\tBeArEr\t{token}"),
    ] {
        let answer = get_users(&value).await;
        assert_eq!(answer.status, 200, "{value:?}");
    }
}

#[actix_web::test]
async fn an_empty_or_malformed_token_is_invalid_token() {
    for value in [
        "Bearer",
        "Bearer    ",
        "Bearer not-a-jwt",
        "Bearer a.b",
        "Bearer a.b.c.d",
        "Bearer ...",
        "Bearer e30.e30.e30",
        "Bearer has space.in.it",
        "Bearer !!!.???.***",
    ] {
        let answer = get_users(value).await;
        answer.assert_invalid_token();
    }
}

#[actix_web::test]
async fn header_bytes_that_are_not_text_are_refused_without_a_panic() {
    let values: [&[u8]; 4] = [
        b"Bearer \xff\xfe\xfd",
        b"\x80\x81 \x82",
        b"Bearer a\"b.c\\d",
        "Bearer ñ.ñ.ñ".as_bytes(),
    ];
    for bytes in values {
        let value = HeaderValue::from_bytes(bytes).expect("a header value");
        let request = test::TestRequest::get()
            .uri("/users")
            .insert_header((AUTHORIZATION, value));
        let answer = send(request).await;
        assert_eq!(answer.status, 401, "{bytes:?}");
    }
}

#[actix_web::test]
async fn an_oversized_token_is_refused() {
    let huge = format!("Bearer {}", "a".repeat(64 * 1024));
    get_users(&huge).await.assert_invalid_token();

    let padded = claims(json!({ "padding": "x".repeat(9 * 1024) }));
    get_users(&format!("Bearer {}", hs256(&padded)))
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn a_badly_signed_token_is_invalid_token() {
    let other = EncodingKey::from_secret(b"another secret that is also long enough").unwrap();
    let forged = common::sign(Algorithm::HS256, &other, None, &claims(json!({})));
    get_users(&format!("Bearer {forged}"))
        .await
        .assert_invalid_token();

    // A valid token with its signature swapped for another's.
    let valid = token(json!({}));
    let tampered = format!(
        "{}.{}",
        valid.rsplit_once('.').unwrap().0,
        forged.rsplit_once('.').unwrap().1
    );
    get_users(&format!("Bearer {tampered}"))
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn an_expired_token_is_invalid_token_beyond_the_leeway() {
    let now = common::now();
    let expired = token(json!({ "exp": now - 120 }));
    get_users(&format!("Bearer {expired}"))
        .await
        .assert_invalid_token();

    // Within the default 60 s leeway, it still passes.
    let just_expired = token(json!({ "exp": now - 30 }));
    assert_eq!(
        get_users(&format!("Bearer {just_expired}")).await.status,
        200
    );
}

#[actix_web::test]
async fn a_not_yet_valid_token_is_invalid_token() {
    let early = token(json!({ "nbf": common::now() + 300 }));
    get_users(&format!("Bearer {early}"))
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn a_token_without_exp_is_refused() {
    let forever = token(json!({ "exp": null }));
    get_users(&format!("Bearer {forever}"))
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn wrong_issuer_and_wrong_audience_are_invalid_token() {
    let strict = Validator::builder()
        .hmac_secret(SECRET)
        .issuer("https://issuer.example")
        .audience("my-api")
        .build()
        .unwrap();
    let cases = [
        (
            json!({ "iss": "https://issuer.example", "aud": "my-api" }),
            200,
        ),
        (
            json!({ "iss": "https://issuer.example", "aud": ["other", "my-api"] }),
            200,
        ),
        (
            json!({ "iss": "https://evil.example", "aud": "my-api" }),
            401,
        ),
        (
            json!({ "iss": "https://issuer.example", "aud": "other-api" }),
            401,
        ),
        (
            json!({ "iss": "https://issuer.example", "aud": ["a", "b"] }),
            401,
        ),
        (json!({ "aud": "my-api" }), 401),
        (json!({ "iss": "https://issuer.example" }), 401),
    ];
    for (extra, status) in cases {
        let request = test::TestRequest::get()
            .uri("/users")
            .insert_header(bearer(&token(extra.clone())));
        let answer = send_with(strict.clone(), request).await;
        if status == 401 {
            answer.assert_invalid_token();
        } else {
            assert_eq!(answer.status, 200, "{extra}");
        }
    }
}

#[actix_web::test]
async fn a_valid_token_without_the_group_is_403() {
    let request = |groups| {
        test::TestRequest::get()
            .uri("/admin")
            .insert_header(bearer(&token(json!({ "cognito:groups": groups }))))
    };
    send(request(json!(["users"]))).await.assert_rejected(
        403,
        Some(r#"Bearer realm="api", error="insufficient_scope""#),
    );
    let answer = send(request(json!(["users", "admin"]))).await;
    assert_eq!(answer.status, 200);
}

#[actix_web::test]
async fn a_valid_token_without_the_scope_is_403_naming_the_scope() {
    let request = |scope| {
        test::TestRequest::get()
            .uri("/reports")
            .insert_header(bearer(&token(json!({ "scope": scope }))))
    };
    send(request("openid users:read")).await.assert_rejected(
        403,
        Some(r#"Bearer realm="api", error="insufficient_scope", scope="reports:read""#),
    );
    assert_eq!(send(request("openid reports:read")).await.status, 200);
}

#[actix_web::test]
async fn an_invalid_token_on_a_restricted_route_is_401_not_403() {
    let request = test::TestRequest::get()
        .uri("/admin")
        .insert_header(("Authorization", "Bearer a.b.c"));
    send(request).await.assert_invalid_token();
}

#[actix_web::test]
async fn two_authorization_headers_are_refused() {
    let token = token(json!({}));
    let request = test::TestRequest::get()
        .uri("/users")
        .append_header(bearer(&token))
        .append_header(bearer(&token));
    send(request).await.assert_invalid_token();
}

#[actix_web::test]
async fn the_message_and_realm_can_be_configured() {
    let custom = Validator::builder()
        .hmac_secret(SECRET)
        .message("Unauthorized")
        .realm("users-api")
        .build()
        .unwrap();
    let answer = send_with(custom, test::TestRequest::get().uri("/users")).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.body, r#"{"message":"Unauthorized"}"#);
    assert_eq!(
        answer.challenge.as_deref(),
        Some(r#"Bearer realm="users-api""#)
    );
}

#[actix_web::test]
async fn a_validator_registered_as_web_data_is_used() {
    let app = test::init_service(
        App::new()
            .app_data(actix_web::web::Data::new(validator()))
            .service(users),
    )
    .await;
    let request = test::TestRequest::get()
        .uri("/users")
        .insert_header(bearer(&token(json!({}))))
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
}
