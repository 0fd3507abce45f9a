//! Helpers shared by the integration tests: keys, tokens and requests.
#![allow(dead_code)]

pub mod example;
pub mod jwks;
pub mod logs;

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::{get, test, App, HttpResponse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use token_required::{token_required, Validator};

pub const SECRET: &str = "a test secret that is longer than 32 bytes";
pub const MESSAGE: &str = "Ocurrió un error";

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

/// Claims with `sub` and an `exp` ten minutes ahead, overridden and
/// extended by `extra` (a `null` value removes the claim).
pub fn claims(extra: Value) -> Value {
    let mut claims = json!({ "sub": "user-1", "exp": now() + 600 });
    let map = claims.as_object_mut().expect("an object");
    for (name, value) in extra.as_object().expect("an object") {
        if value.is_null() {
            map.remove(name);
        } else {
            map.insert(name.clone(), value.clone());
        }
    }
    claims
}

pub fn sign(alg: Algorithm, key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("a signed token")
}

pub fn secret_key() -> EncodingKey {
    EncodingKey::from_secret(SECRET.as_bytes()).expect("a secret")
}

/// An HS256 token signed with [`SECRET`].
pub fn hs256(claims: &Value) -> String {
    sign(Algorithm::HS256, &secret_key(), None, claims)
}

/// A valid HS256 token with default claims plus `extra`.
pub fn token(extra: Value) -> String {
    hs256(&claims(extra))
}

pub fn bearer(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

pub fn validator() -> Validator {
    Validator::builder()
        .hmac_secret(SECRET)
        .build()
        .expect("a validator")
}

/// A test key pair: (private key for signing, public key PEM).
pub fn key_pair(name: &str) -> (EncodingKey, Vec<u8>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");
    let private = std::fs::read(format!("{dir}/{name}_private.pem")).expect("a private key");
    let public = std::fs::read(format!("{dir}/{name}_public.pem")).expect("a public key");
    let key = match name {
        "rsa" => EncodingKey::from_rsa_pem(&private),
        "ec256" | "ec384" => EncodingKey::from_ec_pem(&private),
        "ed25519" => EncodingKey::from_ed_pem(&private),
        other => panic!("no key pair named {other}"),
    }
    .expect("a usable private key");
    (key, public)
}

pub fn key_path(file: &str) -> String {
    format!("{}/tests/keys/{file}", env!("CARGO_MANIFEST_DIR"))
}

/// The parts of an answer the tests look at.
pub struct Answer {
    pub status: StatusCode,
    pub challenge: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

impl Answer {
    pub async fn read<B: MessageBody>(response: ServiceResponse<B>) -> Self {
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().expect("ASCII header").to_owned())
        };
        let challenge = header("www-authenticate");
        let content_type = header("content-type");
        let status = response.status();
        let bytes = actix_web::test::read_body(response).await;
        Self {
            status,
            challenge,
            content_type,
            body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
        }
    }

    /// Asserts the answer is a rejection with `status`, the JSON message and
    /// the given challenge.
    pub fn assert_rejected(&self, status: u16, challenge: Option<&str>) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.challenge.as_deref(), challenge);
        assert_eq!(self.content_type.as_deref(), Some("application/json"));
        let body: Value = serde_json::from_str(&self.body).expect("a JSON body");
        assert_eq!(body, json!({ "message": MESSAGE }));
    }

    pub fn assert_invalid_token(&self) {
        self.assert_rejected(401, Some(r#"Bearer realm="api", error="invalid_token""#));
    }
}

/// A guarded route at `/` answering 200.
#[get("/")]
#[token_required]
pub async fn guarded() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// The answer of a guarded route to a request carrying `token`.
pub async fn send_token(validator: &Validator, token: &str) -> Answer {
    let app = test::init_service(App::new().app_data(validator.clone()).service(guarded)).await;
    let request = test::TestRequest::get()
        .uri("/")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    Answer::read(test::call_service(&app, request).await).await
}
