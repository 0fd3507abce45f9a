//! A guarded handler against the same handler unguarded, through
//! `actix_web::test`: what the attribute adds to a request.
//!
//! `cargo bench --bench handler`

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::{get, test, App, HttpResponse};
use criterion::{criterion_group, criterion_main, Criterion};
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;
use token_required::{token_required, Claims, Validator};

const SECRET: &[u8] = b"a benchmark secret that is longer than 32 bytes";

#[get("/plain")]
async fn plain() -> HttpResponse {
    HttpResponse::Ok().body("users")
}

#[get("/guarded")]
#[token_required]
async fn guarded() -> HttpResponse {
    HttpResponse::Ok().body("users")
}

#[get("/admin")]
#[token_required(groups = ["admin"])]
async fn admin(claims: Claims) -> HttpResponse {
    HttpResponse::Ok().body(if claims["sub"].is_string() {
        "users"
    } else {
        ""
    })
}

fn handler(c: &mut Criterion) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "cognito:groups": ["users", "admin"],
        "scope": "openid users:read",
        "iat": now,
        "exp": now + 3600,
    });
    let key = EncodingKey::from_secret(SECRET).unwrap();
    let token = jsonwebtoken::encode(&Header::default(), &claims, &key).unwrap();
    let authorization = format!("Bearer {token}");
    let validator = Validator::builder().hmac_secret(SECRET).build().unwrap();

    let runner = actix_web::rt::System::new();
    let app = runner.block_on(test::init_service(
        App::new()
            .app_data(validator)
            .service(plain)
            .service(guarded)
            .service(admin),
    ));

    let mut group = c.benchmark_group("handler");
    // Every request carries the same header, so the difference is the
    // guard's work alone.
    for (name, uri) in [
        ("unguarded", "/plain"),
        ("guarded, HS256", "/guarded"),
        ("guarded with groups and claims, HS256", "/admin"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let request = test::TestRequest::get()
                    .uri(uri)
                    .insert_header(("Authorization", authorization.as_str()))
                    .to_request();
                let response = runner.block_on(test::call_service(&app, request));
                assert!(response.status().is_success());
                black_box(response)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, handler);
criterion_main!(benches);
