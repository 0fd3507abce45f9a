//! The users example server.
//!
//! ```text
//! cargo run --example users
//! ```
//!
//! Serves on `127.0.0.1:${PORT:-5000}`. With any `JWT_*` or `COGNITO_*`
//! variable set it validates tokens as they configure (for Cognito:
//! `COGNITO_REGION`, `COGNITO_USERPOOL_ID`, `COGNITO_APP_CLIENT_ID`);
//! otherwise it starts in development mode, with a random HMAC secret, and
//! prints `curl` commands with tokens valid for an hour.

use std::io::Write as _;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::error::{InternalError, JsonPayloadError};
use actix_web::{get, post, web, App, HttpRequest, HttpResponse, HttpServer, Responder};
use serde::{Deserialize, Serialize};
use serde_json::json;
use token_required::{token_required, Claims, Validator};

/// A user of the example's in-memory store.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    id: u64,
    name: String,
    email: String,
}

/// The body of `POST /users`.
#[derive(Debug, Deserialize)]
pub struct NewUser {
    name: String,
    email: String,
}

/// The in-memory store behind `/users`.
pub struct Store {
    users: Mutex<Vec<User>>,
}

impl Store {
    /// A store holding two users.
    pub fn seeded() -> Self {
        let user = |id, name: &str, email: &str| User {
            id,
            name: name.to_owned(),
            email: email.to_owned(),
        };
        Self {
            users: Mutex::new(vec![
                user(1, "Ana", "ana@example.com"),
                user(2, "Luis", "luis@example.com"),
            ]),
        }
    }
}

#[get("/health")]
async fn health() -> impl Responder {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

#[get("/users")]
#[token_required]
async fn list_users(store: web::Data<Store>) -> HttpResponse {
    match store.users.lock() {
        Ok(users) => HttpResponse::Ok().json(&*users),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[post("/users")]
#[token_required]
async fn create_user(store: web::Data<Store>, new: web::Json<NewUser>) -> HttpResponse {
    let Ok(mut users) = store.users.lock() else {
        return HttpResponse::InternalServerError().finish();
    };
    let NewUser { name, email } = new.into_inner();
    let id = users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
    let user = User { id, name, email };
    users.push(user.clone());
    HttpResponse::Created().json(user)
}

#[get("/me")]
#[token_required]
async fn me(claims: Claims) -> impl Responder {
    HttpResponse::Ok().json(claims.into_inner())
}

#[derive(Deserialize)]
struct Subject {
    sub: String,
}

#[get("/admin")]
#[token_required(groups = ["admin"])]
async fn admin(claims: Claims<Subject>) -> impl Responder {
    HttpResponse::Ok().json(json!({ "message": format!("welcome, {}", claims.sub) }))
}

/// Open to all, but a valid token is recognised; an invalid one is still
/// refused.
#[get("/greeting")]
#[token_required(optional)]
async fn greeting(claims: Option<Claims<Subject>>) -> impl Responder {
    let name = claims.map_or_else(|| "stranger".to_owned(), |c| c.into_inner().sub);
    HttpResponse::Ok().json(json!({ "message": format!("hello, {name}") }))
}

/// Answers a malformed JSON body with 400 and a JSON message.
fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let body = json!({ "message": format!("invalid JSON body: {error}") });
    InternalError::from_response(error, HttpResponse::BadRequest().json(body)).into()
}

/// Registers the example's routes; the store and validator come as app
/// data.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::JsonConfig::default().error_handler(json_error))
        .service(health)
        .service(list_users)
        .service(create_user)
        .service(me)
        .service(admin)
        .service(greeting);
}

/// Whether the environment configures token validation.
fn configured_by_env() -> bool {
    std::env::vars_os().any(|(name, _)| {
        let name = name.to_string_lossy();
        name.starts_with("JWT_") || name.starts_with("COGNITO_")
    })
}

/// A development token for `sub` in `groups`, valid for an hour.
pub fn development_token(
    secret: &[u8],
    sub: &str,
    groups: &[&str],
) -> jsonwebtoken::errors::Result<String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claims = json!({
        "sub": sub,
        "email": format!("{sub}@example.com"),
        "cognito:groups": groups,
        "scope": "users:read users:write",
        "iat": now,
        "exp": now + 3600,
    });
    let key = jsonwebtoken::EncodingKey::from_secret(secret)?;
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse::<u16>().unwrap_or_else(|_| {
            eprintln!("PORT: `{port}` is not a port number");
            std::process::exit(2);
        }),
        Err(_) => 5000,
    };

    let mut tokens = None;
    let validator = if configured_by_env() {
        Validator::from_env()
    } else {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| std::io::Error::other(e.to_string()))?;
        let mint =
            |sub, groups| development_token(&secret, sub, groups).map_err(std::io::Error::other);
        tokens = Some((
            mint("dev-user", &["users"])?,
            mint("dev-admin", &["admin"])?,
        ));
        Validator::builder().hmac_secret(secret).build()
    };
    let validator = validator.unwrap_or_else(|error| {
        eprintln!("cannot start: {error}");
        std::process::exit(1);
    });
    // Fetch a JWKS now rather than on the first request; should the key
    // host be down, requests fail closed until it answers.
    if let Err(error) = validator.warm_up().await {
        eprintln!("warning: {error}; keys will be fetched on the first request");
    }

    let store = web::Data::new(Store::seeded());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(validator.clone())
            .app_data(store.clone())
            .configure(routes)
    })
    .bind(("127.0.0.1", port))?;

    let address = server
        .addrs()
        .first()
        .map_or_else(|| format!("127.0.0.1:{port}"), ToString::to_string);
    // Written without println!, which would panic, and so stop the server,
    // should stdout be a closed pipe.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "users example listening on http://{address}");
    let _ = match tokens {
        Some((user_token, admin_token)) => writeln!(
            out,
            "development mode: random HMAC secret, tokens valid for one hour\n\
             try:\n  \
             curl -H 'Authorization: Bearer {user_token}' http://{address}/users\n  \
             curl -H 'Authorization: Bearer {admin_token}' http://{address}/admin"
        ),
        None => writeln!(out, "validating tokens as the environment configures"),
    };

    server.run().await
}
