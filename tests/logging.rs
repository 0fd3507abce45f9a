//! Each rejection is logged once, at debug, with its reason; the token and
//! the header never reach the log.

mod common;

use actix_web::{get, test, App, HttpResponse};
use common::logs::{Line, Recorder};
use common::{claims, sign, token, validator};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::json;
use token_required::token_required;
use tracing::Level;

#[get("/admin")]
#[token_required(groups = ["admin"])]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn rejections_log_their_reason_once_and_never_the_token() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let app = test::init_service(App::new().app_data(validator()).service(admin)).await;

    let other = EncodingKey::from_secret(b"some other secret, just as long as ours").unwrap();
    let cases = [
        (
            token(json!({ "exp": common::now() - 3600 })),
            "token has expired",
        ),
        (
            sign(Algorithm::HS256, &other, None, &claims(json!({}))),
            "signature does not verify",
        ),
        (
            "bm90IGpzb24.eyJzdWIiOiJ4In0.c2lnbmF0dXJl".to_owned(),
            "not a well-formed jwt",
        ),
        (
            token(json!({ "cognito:groups": ["users"] })),
            "lacks a required group",
        ),
    ];

    for (token, reason) in cases {
        let request = test::TestRequest::get()
            .uri("/admin")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .to_request();
        let status = test::call_service(&app, request).await.status();
        assert!(status == 401 || status == 403, "{status}");

        let lines = recorder.take();
        let ours: Vec<&Line> = lines
            .iter()
            .filter(|l| l.target.starts_with("token_required"))
            .collect();
        assert_eq!(ours.len(), 1, "{lines:#?}");
        assert_eq!(ours[0].level, Level::DEBUG);
        assert!(
            ours[0].text.contains(reason),
            "{:?} lacks {reason:?}",
            ours[0].text
        );
        assert!(
            ours[0].text.contains("path=\"/admin\""),
            "{:?}",
            ours[0].text
        );

        let signature = token.rsplit('.').next().unwrap();
        for line in &lines {
            assert!(!line.text.contains(&token), "token logged: {line:?}");
            assert!(!line.text.contains(signature), "signature logged: {line:?}");
            assert!(!line.text.contains("Bearer"), "header logged: {line:?}");
        }
    }
}

#[actix_web::test]
async fn a_passing_request_logs_nothing_of_ours() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let app = test::init_service(App::new().app_data(validator()).service(admin)).await;
    let request = test::TestRequest::get()
        .uri("/admin")
        .insert_header((
            "Authorization",
            format!("Bearer {}", token(json!({ "cognito:groups": ["admin"] }))),
        ))
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
    assert!(recorder
        .take()
        .iter()
        .all(|l| !l.target.starts_with("token_required")));
}
