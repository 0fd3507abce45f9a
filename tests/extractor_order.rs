//! The token is checked before any other extractor of the handler runs, and
//! before its body is read.

mod common;

use std::cell::Cell;
use std::future::{ready, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use actix_web::{post, test, web, App, FromRequest, HttpRequest, HttpResponse};
use common::{bearer, token, validator, Answer};
use futures_core::Stream;
use serde::Deserialize;
use serde_json::json;
use token_required::token_required;

thread_local! {
    static SPY_RAN: Cell<bool> = const { Cell::new(false) };
}

/// An extractor that records that it ran.
struct Spy;

impl FromRequest for Spy {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        SPY_RAN.with(|ran| ran.set(true));
        ready(Ok(Spy))
    }
}

#[derive(Deserialize)]
struct NewUser {
    name: String,
}

#[post("/users")]
#[token_required]
async fn create(_spy: Spy, user: web::Json<NewUser>) -> HttpResponse {
    HttpResponse::Created().body(user.name.clone())
}

#[post("/admin/users")]
#[token_required(groups = ["admin"])]
async fn create_as_admin(_spy: Spy, user: web::Json<NewUser>) -> HttpResponse {
    HttpResponse::Created().body(user.name.clone())
}

/// A request body that records whether anyone polled it.
struct WatchedBody {
    polled: Rc<Cell<bool>>,
    chunk: Option<Bytes>,
}

impl Stream for WatchedBody {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.polled.set(true);
        Poll::Ready(self.chunk.take().map(Ok))
    }
}

async fn send(authorization: Option<String>, body: &'static [u8]) -> (Answer, bool, bool) {
    send_to("/users", authorization, body).await
}

async fn send_to(
    uri: &str,
    authorization: Option<String>,
    body: &'static [u8],
) -> (Answer, bool, bool) {
    SPY_RAN.with(|ran| ran.set(false));
    let app = test::init_service(
        App::new()
            .app_data(validator())
            .service(create)
            .service(create_as_admin),
    )
    .await;

    let mut request = test::TestRequest::post()
        .uri(uri)
        .insert_header(("content-type", "application/json"))
        .insert_header(("content-length", body.len().to_string()));
    if let Some(value) = authorization {
        request = request.insert_header(("Authorization", value));
    }
    let request = request.to_request();
    let polled = Rc::new(Cell::new(false));
    let stream = WatchedBody {
        polled: Rc::clone(&polled),
        chunk: Some(Bytes::from_static(body)),
    };
    let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(stream);
    let (request, _) = request.replace_payload(Payload::from(stream));

    let answer = Answer::read(test::call_service(&app, request).await).await;
    (answer, SPY_RAN.with(Cell::get), polled.get())
}

#[actix_web::test]
async fn a_bad_token_with_a_malformed_body_is_401_and_nothing_runs() {
    for authorization in [
        None,
        Some("Bearer a.b.c".to_owned()),
        Some("Basic eA==".to_owned()),
    ] {
        let (answer, spy_ran, body_read) = send(authorization.clone(), b"{\"name\":").await;
        assert_eq!(answer.status, 401, "{authorization:?}");
        assert!(!spy_ran, "an extractor ran before the token was checked");
        assert!(!body_read, "the body was read before the token was checked");
    }
}

#[actix_web::test]
async fn a_forbidden_token_reads_no_body_either() {
    let user = bearer(&token(json!({ "cognito:groups": ["users"] }))).1;
    let (answer, spy_ran, body_read) = send_to("/admin/users", Some(user), b"{\"name\":").await;
    assert_eq!(answer.status, 403);
    assert!(!spy_ran, "an extractor ran before the policy was checked");
    assert!(
        !body_read,
        "the body was read before the policy was checked"
    );

    let admin = bearer(&token(json!({ "cognito:groups": ["admin"] }))).1;
    let (answer, spy_ran, body_read) =
        send_to("/admin/users", Some(admin), b"{\"name\":\"Ana\"}").await;
    assert_eq!(answer.status, 201);
    assert!(spy_ran && body_read);
}

#[actix_web::test]
async fn a_valid_token_with_a_malformed_body_gets_the_extractor_error() {
    let valid = bearer(&token(json!({}))).1;
    let (answer, spy_ran, body_read) = send(Some(valid.clone()), b"{\"name\":").await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(spy_ran && body_read);

    let (answer, _, _) = send(Some(valid), b"{\"name\":\"Ana\"}").await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.body, "Ana");
}
