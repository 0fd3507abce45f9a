//! Keys from a JWKS over real HTTP: a server on loopback started here, with
//! keys generated at test time.

mod common;

use std::time::Duration;

use actix_web::{test, App};
use common::jwks::{dead_url, document, JwksServer, TestKey};
use common::logs::Recorder;
use common::{claims, Answer};
use futures_util::future::join_all;
use jsonwebtoken::Algorithm;
use serde_json::json;
use token_required::{JwksError, Validator};
use tracing::Level;

fn validator(url: String) -> Validator {
    Validator::builder()
        .jwks_url(url)
        .jwks_timeout(Duration::from_millis(500))
        .build()
        .expect("a JWKS validator")
}

async fn send(validator: &Validator, token: &str) -> Answer {
    common::send_token(validator, token).await
}

/// Sends one request per token, all at once, and returns the statuses.
async fn concurrently(validator: &Validator, tokens: &[String]) -> Vec<u16> {
    let app = test::init_service(
        App::new()
            .app_data(validator.clone())
            .service(common::guarded),
    )
    .await;
    let answers = join_all(tokens.iter().map(|token| {
        let request = test::TestRequest::get()
            .uri("/")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .to_request();
        test::call_service(&app, request)
    }))
    .await;
    answers.iter().map(|a| a.status().as_u16()).collect()
}

/// Whether a fresh token signed by `key` passes.
async fn passes(validator: &Validator, key: &TestKey) -> bool {
    let answer = send(validator, &key.sign(&claims(json!({})))).await;
    if answer.status != 200 {
        answer.assert_invalid_token();
    }
    answer.status == 200
}

fn unavailable(answer: &Answer) {
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.challenge, None);
    assert_eq!(answer.body, r#"{"message":"Ocurrió un error"}"#);
}

#[actix_web::test]
async fn every_asymmetric_algorithm_verifies_with_a_fetched_key() {
    let rsa = TestKey::generate(Algorithm::RS256, "rsa");
    let keys = vec![
        rsa.with(Algorithm::RS256, "rs256"),
        rsa.with(Algorithm::RS384, "rs384"),
        rsa.with(Algorithm::RS512, "rs512"),
        rsa.with(Algorithm::PS256, "ps256"),
        rsa.with(Algorithm::PS384, "ps384"),
        rsa.with(Algorithm::PS512, "ps512"),
        TestKey::generate(Algorithm::ES256, "es256"),
        TestKey::generate(Algorithm::ES384, "es384"),
        TestKey::generate(Algorithm::EdDSA, "eddsa"),
    ];
    let server = JwksServer::start(document(&keys.iter().collect::<Vec<_>>()));
    let validator = validator(server.url());

    for key in &keys {
        let answer = send(&validator, &key.sign(&claims(json!({})))).await;
        assert_eq!(answer.status, 200, "{:?}", key.alg);
    }
    assert_eq!(server.hits(), 1, "one fetch serves every key");
}

#[actix_web::test]
async fn a_token_whose_alg_the_jwk_does_not_allow_is_refused() {
    let rsa = TestKey::generate(Algorithm::RS256, "only-rs256");
    let server = JwksServer::start(document(&[&rsa]));
    let validator = validator(server.url());

    // Same key, same kid, but signed as PS256 and RS384.
    for alg in [Algorithm::PS256, Algorithm::RS384] {
        let token = rsa.with(alg, "only-rs256").sign(&claims(json!({})));
        send(&validator, &token).await.assert_invalid_token();
    }
    // An HS256 token naming the RSA key's kid, keyed with the JWKS text.
    let secret = jsonwebtoken::EncodingKey::from_secret(document(&[&rsa]).as_bytes()).unwrap();
    let forged = common::sign(
        Algorithm::HS256,
        &secret,
        Some("only-rs256"),
        &claims(json!({})),
    );
    send(&validator, &forged).await.assert_invalid_token();
    assert!(passes(&validator, &rsa).await);
}

#[actix_web::test]
async fn a_key_rotated_in_is_found_on_its_first_use() {
    let old = TestKey::generate(Algorithm::ES256, "old");
    let new = TestKey::generate(Algorithm::ES256, "new");
    let server = JwksServer::start(document(&[&old]));
    let validator = validator(server.url());

    assert!(passes(&validator, &old).await);
    assert_eq!(server.hits(), 1);

    server.serve(document(&[&new]));
    assert!(passes(&validator, &new).await);
    assert_eq!(server.hits(), 2, "the unknown kid triggered one refetch");
    assert!(passes(&validator, &new).await);
    assert_eq!(server.hits(), 2, "the new key is cached");

    // The old key left the set: its tokens now fail, and that refetch
    // starts the cooldown.
    assert!(!passes(&validator, &old).await);
    assert_eq!(server.hits(), 3);
    assert!(!passes(&validator, &old).await);
    assert_eq!(server.hits(), 3);
}

#[actix_web::test]
async fn a_flood_of_random_kids_costs_one_fetch_per_cooldown() {
    let real = TestKey::generate(Algorithm::ES256, "real");
    let stranger = TestKey::generate(Algorithm::ES256, "unused");
    let server = JwksServer::start(document(&[&real]));
    let validator = validator(server.url());
    assert_eq!(validator.warm_up().await, Ok(1));
    assert_eq!(server.hits(), 1);

    let tokens: Vec<String> = (0..300)
        .map(|i| {
            stranger
                .with(Algorithm::ES256, &format!("random-{i}"))
                .sign(&claims(json!({})))
        })
        .collect();
    let answers = concurrently(&validator, &tokens).await;
    assert!(answers.iter().all(|&status| status == 401));
    assert_eq!(
        server.hits() - 1,
        1,
        "300 concurrent random kids share one fetch"
    );

    // One after another, each finding the cache as the last one left it:
    // the cooldown started by the fruitless fetch holds them all back.
    for i in 0..200 {
        let token = stranger
            .with(Algorithm::ES256, &format!("sequential-{i}"))
            .sign(&claims(json!({})));
        send(&validator, &token).await.assert_invalid_token();
    }
    let fetches = server.hits() - 1;
    println!("a flood of 500 random kids caused {fetches} JWKS fetch(es)");
    assert_eq!(fetches, 1);
    // The real key still passes, from the cache.
    assert_eq!(
        send(&validator, &real.sign(&claims(json!({}))))
            .await
            .status,
        200
    );
    assert_eq!(server.hits(), 2);
}

#[actix_web::test]
async fn unknown_kids_fetch_again_once_the_cooldown_is_over() {
    let real = TestKey::generate(Algorithm::ES256, "real");
    let stranger = TestKey::generate(Algorithm::ES256, "stranger");
    let server = JwksServer::start(document(&[&real]));
    let validator = Validator::builder()
        .jwks_url(server.url())
        .jwks_cooldown(Duration::from_millis(300))
        .build()
        .unwrap();
    assert_eq!(validator.warm_up().await, Ok(1));

    let unknown = stranger.sign(&claims(json!({})));
    send(&validator, &unknown).await.assert_invalid_token();
    send(&validator, &unknown).await.assert_invalid_token();
    assert_eq!(server.hits(), 2, "one refetch, then the cooldown");

    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
    server.serve(document(&[&real, &stranger]));
    assert_eq!(send(&validator, &unknown).await.status, 200);
    assert_eq!(
        server.hits(),
        3,
        "the cooldown over, the next unknown kid refetched"
    );
}

#[actix_web::test]
async fn concurrent_misses_share_one_fetch() {
    let key = TestKey::generate(Algorithm::EdDSA, "k");
    let server = JwksServer::start(document(&[&key]));
    server.delay(Duration::from_millis(100));
    let validator = validator(server.url());

    let tokens = vec![key.sign(&claims(json!({}))); 50];
    let answers = concurrently(&validator, &tokens).await;
    assert!(answers.iter().all(|&status| status == 200));
    assert_eq!(server.hits(), 1);
}

#[actix_web::test]
async fn a_cold_cache_with_the_host_down_fails_closed() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let key = TestKey::generate(Algorithm::ES256, "k");
    let validator = validator(dead_url());
    unavailable(&send(&validator, &key.sign(&claims(json!({})))).await);
    let warnings = recorder.ours_at(Level::WARN);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].text.contains("JWKS fetch failed"),
        "{warnings:?}"
    );
    assert!(matches!(
        validator.warm_up().await,
        Err(JwksError::Request(_))
    ));

    // A token without a kid is never the cause of a server error.
    let no_kid = common::sign(Algorithm::ES256, &key.encoding, None, &claims(json!({})));
    send(&validator, &no_kid).await.assert_invalid_token();
}

#[actix_web::test]
async fn a_warm_cache_survives_the_host_going_down() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let other = TestKey::generate(Algorithm::ES256, "other");
    let server = JwksServer::start(document(&[&key]));
    let validator = validator(server.url());
    assert_eq!(validator.warm_up().await, Ok(1));

    server.stop().await;
    assert!(passes(&validator, &key).await);
    // An unknown kid tries a refetch, which fails: still 401, keys kept.
    assert!(!passes(&validator, &other).await);
    assert!(passes(&validator, &key).await);
}

#[actix_web::test]
async fn error_statuses_garbage_and_oversized_sets_keep_what_is_held() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let fresh = TestKey::generate(Algorithm::ES256, "fresh");
    let server = JwksServer::start("<html>not a key set</html>".to_owned());
    let validator = Validator::builder()
        .jwks_url(server.url())
        .jwks_cooldown(Duration::ZERO)
        .jwks_max_bytes(4096)
        .build()
        .unwrap();

    unavailable(&send(&validator, &key.sign(&claims(json!({})))).await);
    assert_eq!(validator.warm_up().await, Err(JwksError::NotJwks));

    server.serve(json!({ "keys": [] }).to_string());
    assert_eq!(validator.warm_up().await, Err(JwksError::NoUsableKeys));

    server.serve(document(&[&key]));
    server.answer_status(500);
    assert_eq!(validator.warm_up().await, Err(JwksError::Status(500)));
    unavailable(&send(&validator, &key.sign(&claims(json!({})))).await);

    // A malformed key beside a good one: the good one is used, the bad
    // one skipped with a warning.
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    server.answer_status(200);
    let mut mixed: serde_json::Value = serde_json::from_str(&document(&[&key])).unwrap();
    mixed["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "kty": "EC", "kid": "broken", "crv": "P-256", "x": "!!", "y": 1 }));
    server.serve(mixed.to_string());
    assert!(passes(&validator, &key).await);

    // Garbage and oversized sets later on leave the cached key in use.
    server.serve(format!(
        r#"{{"keys":[{}], "padding":"{}"}}"#,
        fresh.jwk,
        "x".repeat(8000)
    ));
    assert_eq!(
        validator.warm_up().await,
        Err(JwksError::TooLarge { max: 4096 })
    );
    server.serve("garbage".to_owned());
    assert!(!passes(&validator, &fresh).await);
    assert!(passes(&validator, &key).await);
}

#[actix_web::test]
async fn a_slow_host_times_out_and_fails_closed() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let server = JwksServer::start(document(&[&key]));
    server.delay(Duration::from_secs(3));
    let validator = Validator::builder()
        .jwks_url(server.url())
        .jwks_timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    unavailable(&send(&validator, &key.sign(&claims(json!({})))).await);
    assert!(matches!(
        validator.warm_up().await,
        Err(JwksError::Request(_))
    ));
}

#[actix_web::test]
async fn keys_not_for_signing_and_symmetric_keys_are_ignored() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let mut encryption = key.with(Algorithm::ES256, "k");
    encryption.jwk["use"] = json!("enc");
    let server = JwksServer::start(document(&[&encryption]));
    let validator = validator(server.url());
    assert_eq!(validator.warm_up().await, Err(JwksError::NoUsableKeys));

    let secret = "a symmetric secret that must never be trusted";
    server.serve(
        json!({ "keys": [{ "kty": "oct", "kid": "h", "k": base64_url(secret) }] }).to_string(),
    );
    assert_eq!(validator.warm_up().await, Err(JwksError::NoUsableKeys));
    let hmac = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).unwrap();
    let token = common::sign(Algorithm::HS256, &hmac, Some("h"), &claims(json!({})));
    assert_ne!(send(&validator, &token).await.status, 200);
}

#[actix_web::test]
async fn issuer_and_audience_apply_to_fetched_keys() {
    let key = TestKey::generate(Algorithm::RS256, "k");
    let server = JwksServer::start(document(&[&key]));
    let validator = Validator::builder()
        .jwks_url(server.url())
        .issuer("https://idp.example")
        .audience("api")
        .build()
        .unwrap();
    let good = claims(json!({ "iss": "https://idp.example", "aud": "api" }));
    assert_eq!(send(&validator, &key.sign(&good)).await.status, 200);
    let wrong = claims(json!({ "iss": "https://idp.example", "aud": "web" }));
    send(&validator, &key.sign(&wrong))
        .await
        .assert_invalid_token();
}

fn base64_url(text: &str) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    URL_SAFE_NO_PAD.encode(text)
}
