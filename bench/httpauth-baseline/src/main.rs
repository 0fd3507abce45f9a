//! `httpauth-baseline serve`: serves `GET /health` and `GET /users` on
//! `127.0.0.1:${PORT:-5001}`, /users behind actix-web-httpauth's bearer
//! middleware, which decodes the token with jsonwebtoken on every request.
//! `JWT_SECRET` selects HS256, `JWT_PUBLIC_KEY_FILE` RS256.
//!
//! `httpauth-baseline mint HS256|RS256 PRIVATE_KEY_OR_SECRET`: prints a
//! token valid for an hour, for the load script.

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::dev::ServiceRequest;
use actix_web::{error, get, web, App, HttpResponse, HttpServer};
use actix_web_httpauth::extractors::bearer::BearerAuth;
use actix_web_httpauth::middleware::HttpAuthentication;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};

struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

async fn check(
    req: ServiceRequest,
    credentials: BearerAuth,
) -> Result<ServiceRequest, (actix_web::Error, ServiceRequest)> {
    let verifier = req.app_data::<web::Data<Verifier>>().cloned();
    let Some(verifier) = verifier else {
        return Err((error::ErrorInternalServerError("no verifier"), req));
    };
    match jsonwebtoken::decode::<Value>(credentials.token(), &verifier.key, &verifier.validation) {
        Ok(_) => Ok(req),
        Err(_) => Err((error::ErrorUnauthorized("invalid token"), req)),
    }
}

#[get("/health")]
async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

async fn users() -> HttpResponse {
    HttpResponse::Ok().json(json!([
        { "id": 1, "name": "Ana", "email": "ana@example.com" },
        { "id": 2, "name": "Luis", "email": "luis@example.com" },
    ]))
}

fn mint(alg: &str, key: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "email": "ana@example.com",
        "cognito:groups": ["users"],
        "scope": "openid users:read",
        "iat": now,
        "exp": now + 3600,
    });
    let (alg, key) = match alg {
        "HS256" => (
            Algorithm::HS256,
            EncodingKey::from_secret(key.as_bytes()).unwrap(),
        ),
        "RS256" => {
            let pem = std::fs::read(key).expect("a private key file");
            (Algorithm::RS256, EncodingKey::from_rsa_pem(&pem).unwrap())
        }
        other => panic!("unsupported algorithm {other}"),
    };
    jsonwebtoken::encode(&Header::new(alg), &claims, &key).unwrap()
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("mint") {
        println!("{}", mint(&args[2], &args[3]));
        return Ok(());
    }

    let verifier = match (
        std::env::var("JWT_SECRET"),
        std::env::var("JWT_PUBLIC_KEY_FILE"),
    ) {
        (Ok(secret), _) => Verifier {
            key: DecodingKey::from_secret(secret.as_bytes()).unwrap(),
            validation: Validation::new(Algorithm::HS256),
        },
        (_, Ok(path)) => Verifier {
            key: DecodingKey::from_rsa_pem(&std::fs::read(path)?).unwrap(),
            validation: Validation::new(Algorithm::RS256),
        },
        _ => panic!("set JWT_SECRET or JWT_PUBLIC_KEY_FILE"),
    };
    let verifier = web::Data::new(verifier);
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(5001);

    actix_web::rt::System::new().block_on(
        HttpServer::new(move || {
            App::new()
                .app_data(verifier.clone())
                .service(health)
                .service(
                    web::resource("/users")
                        .wrap(HttpAuthentication::bearer(check))
                        .route(web::get().to(users)),
                )
        })
        .bind(("127.0.0.1", port))?
        .run(),
    )
}
