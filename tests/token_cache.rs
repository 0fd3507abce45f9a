//! The validated-token cache never admits what validation would refuse:
//! entries die at `exp`, the cache empties when the key set changes,
//! lookups compare whole tokens, and policies are checked every time.

mod common;

use std::time::Duration;

use actix_web::{get, test, App, HttpResponse};
use common::jwks::{document, JwksServer, TestKey};
use common::{claims, now, send_token, token, Answer, SECRET};
use jsonwebtoken::Algorithm;
use serde_json::json;
use token_required::{token_required, Validator};

fn cached_validator() -> Validator {
    Validator::builder()
        .hmac_secret(SECRET)
        .leeway(Duration::ZERO)
        .token_cache_capacity(16)
        .build()
        .unwrap()
}

#[actix_web::test]
async fn a_cached_token_still_expires_at_its_exp() {
    let validator = cached_validator();
    let short = token(json!({ "exp": now() + 2 }));
    assert_eq!(send_token(&validator, &short).await.status, 200);
    assert_eq!(send_token(&validator, &short).await.status, 200);

    actix_web::rt::time::sleep(Duration::from_millis(2100)).await;
    send_token(&validator, &short).await.assert_invalid_token();
}

#[actix_web::test]
async fn a_lookup_compares_the_whole_token() {
    let validator = cached_validator();
    let good = token(json!({}));
    assert_eq!(send_token(&validator, &good).await.status, 200);

    // The same token with one character of its signature changed, or cut.
    let mut forged = good.clone().into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    send_token(&validator, &forged).await.assert_invalid_token();
    send_token(&validator, &good[..good.len() - 1])
        .await
        .assert_invalid_token();
    assert_eq!(send_token(&validator, &good).await.status, 200);
}

#[get("/admin")]
#[token_required(groups = ["admin"])]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn policies_are_checked_on_cached_tokens_too() {
    let validator = cached_validator();
    let user = token(json!({ "cognito:groups": ["users"] }));
    assert_eq!(send_token(&validator, &user).await.status, 200);

    let app = test::init_service(App::new().app_data(validator.clone()).service(admin)).await;
    let request = test::TestRequest::get()
        .uri("/admin")
        .insert_header(("Authorization", format!("Bearer {user}")))
        .to_request();
    let answer = Answer::read(test::call_service(&app, request).await).await;
    assert_eq!(answer.status, 403);
}

#[actix_web::test]
async fn a_new_key_set_empties_the_cache() {
    let old = TestKey::generate(Algorithm::ES256, "old");
    let new = TestKey::generate(Algorithm::ES256, "new");
    let server = JwksServer::start(document(&[&old]));
    let validator = Validator::builder()
        .jwks_url(server.url())
        .jwks_cooldown(Duration::ZERO)
        .token_cache_capacity(16)
        .build()
        .unwrap();

    let old_token = old.sign(&claims(json!({})));
    assert_eq!(send_token(&validator, &old_token).await.status, 200);
    assert_eq!(send_token(&validator, &old_token).await.status, 200);

    // The issuer drops the old key; the first token with the new kid
    // brings the new set in, and the cached old token goes with the old set.
    server.serve(document(&[&new]));
    assert_eq!(
        send_token(&validator, &new.sign(&claims(json!({}))))
            .await
            .status,
        200
    );
    send_token(&validator, &old_token)
        .await
        .assert_invalid_token();
}

#[actix_web::test]
async fn with_the_cache_off_every_request_is_validated() {
    let validator = Validator::builder()
        .hmac_secret(SECRET)
        .token_cache_capacity(0)
        .build()
        .unwrap();
    let good = token(json!({}));
    for _ in 0..3 {
        assert_eq!(send_token(&validator, &good).await.status, 200);
    }
    assert!(format!("{validator:?}").contains("token_cache: false"));
}
