//! The security suite: each case an attack or a malformed input, each
//! refused, none a panic.

mod common;

use actix_web::{get, test, App, HttpResponse};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use common::jwks::{document, JwksServer, TestKey};
use common::{claims, key_pair, now, send_token, sign, token, validator, Answer, SECRET};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{json, Value};
use token_required::{token_required, AuthError, Validator};

/// A token with this header and these claims, signed HS256 with the test
/// secret over exactly the bytes given.
fn hs256_raw(header: &str, claims: &str) -> String {
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let signature = jsonwebtoken::crypto::sign(signed.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{signed}.{signature}")
}

fn valid_claims() -> String {
    claims(json!({})).to_string()
}

async fn refused(validator: &Validator, token: &str) {
    send_token(validator, token).await.assert_invalid_token();
}

#[actix_web::test]
async fn alg_none_in_any_letter_case_is_refused() {
    let v = validator();
    for alg in ["none", "None", "NONE", "nOnE", "none "] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(&header),
            URL_SAFE_NO_PAD.encode(valid_claims())
        );
        refused(&v, &unsigned).await;
        // Signed with the real secret, but still claiming no algorithm.
        refused(&v, &hs256_raw(&header, &valid_claims())).await;
    }
}

#[actix_web::test]
async fn hmac_keyed_with_the_public_key_pem_is_refused() {
    for name in ["rsa", "ec256", "ec384", "ed25519"] {
        let (_, public) = key_pair(name);
        let v = Validator::builder()
            .public_key_pem(&public)
            .build()
            .unwrap();
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            let forged_key = EncodingKey::from_secret(&public).unwrap();
            refused(&v, &sign(alg, &forged_key, None, &claims(json!({})))).await;
        }
    }
}

#[actix_web::test]
async fn hmac_keyed_with_the_jwks_text_is_refused() {
    let key = TestKey::generate(Algorithm::RS256, "k");
    let jwks_text = document(&[&key]);
    let server = JwksServer::start(jwks_text.clone());
    let v = Validator::builder().jwks_url(server.url()).build().unwrap();
    let forged_key = EncodingKey::from_secret(jwks_text.as_bytes()).unwrap();
    let jwk_text = key.jwk.to_string();
    let jwk_key = EncodingKey::from_secret(jwk_text.as_bytes()).unwrap();
    for forged in [&forged_key, &jwk_key] {
        refused(
            &v,
            &sign(Algorithm::HS256, forged, Some("k"), &claims(json!({}))),
        )
        .await;
        refused(
            &v,
            &sign(Algorithm::HS256, forged, None, &claims(json!({}))),
        )
        .await;
    }
}

#[actix_web::test]
async fn huge_path_like_and_non_string_kids_are_refused() {
    let key = TestKey::generate(Algorithm::ES256, "k");
    let server = JwksServer::start(document(&[&key]));
    let v = Validator::builder().jwks_url(server.url()).build().unwrap();
    let huge = "k".repeat(6000);
    for kid in [
        huge.as_str(),
        "../../etc/passwd",
        "/dev/zero",
        "k\0",
        "https://evil.example/k",
    ] {
        let token = key.with(Algorithm::ES256, kid).sign(&claims(json!({})));
        let answer = send_token(&v, &token).await;
        assert!(answer.status == 401, "{kid:.20}: {}", answer.status);
    }
    for kid in ["7", "null", "[\"k\"]", "{\"k\":1}", "true"] {
        let header = format!(r#"{{"alg":"HS256","kid":{kid}}}"#);
        refused(&validator(), &hs256_raw(&header, &valid_claims())).await;
    }
}

#[actix_web::test]
async fn key_urls_and_embedded_keys_in_the_header_are_never_followed() {
    // A JWKS server the attacker controls, serving the attacker's key.
    let attacker = TestKey::generate(Algorithm::RS256, "attacker");
    let evil = JwksServer::start(document(&[&attacker]));
    let (_, public) = key_pair("rsa");
    let v = Validator::builder()
        .public_key_pem(&public)
        .build()
        .unwrap();

    let x5c = URL_SAFE_NO_PAD.encode(b"not a certificate");
    for extra in [
        json!({ "jku": evil.url() }),
        json!({ "x5u": evil.url() }),
        json!({ "jwk": attacker.jwk }),
        json!({ "x5c": [x5c] }),
    ] {
        let mut header = json!({ "alg": "RS256", "kid": "attacker" });
        for (name, value) in extra.as_object().unwrap() {
            header[name] = value.clone();
        }
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(valid_claims())
        );
        let signature =
            jsonwebtoken::crypto::sign(signed.as_bytes(), &attacker.encoding, Algorithm::RS256)
                .unwrap();
        refused(&v, &format!("{signed}.{signature}")).await;
    }
    assert_eq!(evil.hits(), 0, "a URL from a token header was fetched");
}

#[actix_web::test]
async fn crit_headers_are_refused() {
    let v = validator();
    for crit in [r#"["exp"]"#, r#"["b64"]"#, "[]", r#""x""#] {
        let header = format!(r#"{{"alg":"HS256","crit":{crit},"exp":1}}"#);
        refused(&v, &hs256_raw(&header, &valid_claims())).await;
    }
    refused(
        &v,
        &hs256_raw(r#"{"alg":"HS256","b64":false}"#, &valid_claims()),
    )
    .await;
}

#[actix_web::test]
async fn oversized_tokens_are_refused_before_decoding() {
    let v = Validator::builder()
        .hmac_secret(SECRET)
        .max_token_len(1024)
        .build()
        .unwrap();
    let big = token(json!({ "padding": "x".repeat(2000) }));
    assert!(big.len() > 1024);
    refused(&v, &big).await;
    // validate() names the bound: nothing was decoded.
    let error = v.validate(&big).await.unwrap_err();
    assert!(
        matches!(error, AuthError::TokenTooLong { max: 1024, .. }),
        "{error}"
    );
    // Even a token that is garbage past the bound is refused for its size.
    let garbage = format!("{}.{}.{}", "A".repeat(600), "B".repeat(600), "C".repeat(10));
    assert!(matches!(
        v.validate(&garbage).await,
        Err(AuthError::TokenTooLong { .. })
    ));
}

#[actix_web::test]
async fn deeply_nested_or_huge_claims_do_not_crash() {
    let v = Validator::builder()
        .hmac_secret(SECRET)
        .max_token_len(64 * 1024)
        .build()
        .unwrap();
    let exp = now() + 600;
    // Nesting beyond serde_json's recursion limit: refused, not a stack
    // overflow.
    let deep = format!(
        r#"{{"exp":{exp},"x":{}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    refused(&v, &hs256_raw(r#"{"alg":"HS256"}"#, &deep)).await;
    // Nesting within the limit: a valid token like any other.
    let nested = format!(
        r#"{{"exp":{exp},"x":{}{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_eq!(
        send_token(&v, &hs256_raw(r#"{"alg":"HS256"}"#, &nested))
            .await
            .status,
        200
    );
    // Many claims, long strings.
    let mut many = serde_json::Map::new();
    many.insert("exp".into(), json!(exp));
    for i in 0..2000 {
        many.insert(format!("c{i}"), json!("v"));
    }
    many.insert("long".into(), json!("y".repeat(10_000)));
    let many = Value::Object(many).to_string();
    assert_eq!(
        send_token(&v, &hs256_raw(r#"{"alg":"HS256"}"#, &many))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn registered_claims_of_the_wrong_json_type_are_refused() {
    let v = Validator::builder()
        .hmac_secret(SECRET)
        .audience("api")
        .build()
        .unwrap();
    let exp = now() + 600;
    for claims in [
        json!({ "exp": exp.to_string(), "aud": "api" }),
        json!({ "exp": [exp], "aud": "api" }),
        json!({ "exp": null, "aud": "api" }),
        json!({ "exp": true, "aud": "api" }),
        json!({ "exp": exp, "nbf": "0", "aud": "api" }),
        json!({ "exp": exp, "nbf": {}, "aud": "api" }),
        json!({ "exp": exp, "iat": "now", "aud": "api" }),
        json!({ "exp": exp, "iat": [1], "aud": "api" }),
        json!({ "exp": exp, "aud": 1 }),
        json!({ "exp": exp, "aud": { "api": true } }),
        json!({ "exp": exp, "aud": ["api", 2] }),
        json!({ "exp": exp, "aud": null }),
    ] {
        refused(&v, &common::hs256(&claims)).await;
    }
    assert_eq!(
        send_token(&v, &common::hs256(&json!({ "exp": exp, "aud": ["api"] })))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn payloads_that_are_not_json_objects_are_refused() {
    let v = validator();
    for payload in ["[]", "\"exp\"", "42", "null", "{", "", "{\"exp\":1e999}"] {
        refused(&v, &hs256_raw(r#"{"alg":"HS256"}"#, payload)).await;
    }
}

#[get("/")]
#[token_required]
async fn guarded() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn duplicate_authorization_headers_are_refused() {
    let good = token(json!({}));
    let app = test::init_service(App::new().app_data(validator()).service(guarded)).await;
    for second in [
        format!("Bearer {good}"),
        "Bearer x.y.z".to_owned(),
        "Basic eA==".to_owned(),
    ] {
        let request = test::TestRequest::get()
            .uri("/")
            .append_header(("Authorization", format!("Bearer {good}")))
            .append_header(("Authorization", second))
            .to_request();
        Answer::read(test::call_service(&app, request).await)
            .await
            .assert_invalid_token();
    }
}

#[actix_web::test]
async fn tokens_in_the_query_string_or_a_cookie_are_ignored_unless_configured() {
    let good = token(json!({}));
    let app = test::init_service(App::new().app_data(validator()).service(guarded)).await;
    for request in [
        test::TestRequest::get().uri(&format!("/?access_token={good}")),
        test::TestRequest::get()
            .uri("/")
            .insert_header(("Cookie", format!("access_token={good}; token={good}"))),
        test::TestRequest::get()
            .uri("/")
            .insert_header(("X-Access-Token", good.clone())),
    ] {
        let answer = Answer::read(test::call_service(&app, request.to_request()).await).await;
        answer.assert_rejected(401, Some(r#"Bearer realm="api""#));
    }
}

#[actix_web::test]
async fn a_configured_query_parameter_or_cookie_is_read_but_never_beside_a_header() {
    let good = token(json!({}));
    let v = Validator::builder()
        .hmac_secret(SECRET)
        .dangerous_token_from_query("access_token")
        .dangerous_token_from_cookie("session")
        .build()
        .unwrap();
    let app = test::init_service(App::new().app_data(v).service(guarded)).await;
    let status = |request: test::TestRequest| {
        let app = &app;
        async move {
            test::call_service(app, request.to_request())
                .await
                .status()
                .as_u16()
        }
    };

    assert_eq!(
        status(test::TestRequest::get().uri(&format!("/?access_token={good}"))).await,
        200
    );
    let cookie = ("Cookie", format!("theme=dark; session={good}"));
    assert_eq!(
        status(
            test::TestRequest::get()
                .uri("/")
                .insert_header(cookie.clone())
        )
        .await,
        200
    );

    // Two methods at once, or one parameter twice: refused.
    let header = ("Authorization", format!("Bearer {good}"));
    for request in [
        test::TestRequest::get()
            .uri(&format!("/?access_token={good}"))
            .insert_header(header.clone()),
        test::TestRequest::get()
            .uri("/")
            .insert_header(header.clone())
            .insert_header(cookie.clone()),
        test::TestRequest::get()
            .uri(&format!("/?access_token={good}"))
            .insert_header(cookie),
        test::TestRequest::get().uri(&format!("/?access_token={good}&access_token={good}")),
    ] {
        assert_eq!(status(request).await, 401);
    }
    // A bad token there is a bad token; another name is still ignored.
    assert_eq!(
        status(test::TestRequest::get().uri("/?access_token=a.b.c")).await,
        401
    );
    assert_eq!(
        status(test::TestRequest::get().uri("/?access_token=a%20b")).await,
        401
    );
    assert_eq!(
        status(test::TestRequest::get().uri(&format!("/?token={good}"))).await,
        401
    );
    assert_eq!(
        status(test::TestRequest::get().uri("/").insert_header(header)).await,
        200
    );

    let bad_name = Validator::builder()
        .hmac_secret(SECRET)
        .dangerous_token_from_query("a=b")
        .build();
    assert!(bad_name.is_err());
}
