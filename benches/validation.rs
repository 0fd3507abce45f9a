//! Validation of one token through the runtime crate, against the floor: a
//! bare `jsonwebtoken::decode` of the same token with a prebuilt key.
//!
//! `cargo bench --bench validation`

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};
use token_required::{Validator, ValidatorBuilder};

const SECRET: &[u8] = b"a benchmark secret that is longer than 32 bytes";

/// Runs a future that never waits (validation with static keys) to its end.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("static keys never wait"),
    }
}

fn key_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).expect("a test key")
}

/// Claims like a Cognito id token's: the size real tokens have.
fn claims(n: usize) -> Value {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "iss": "https://issuer.example.com",
        "aud": "bench-client",
        "email": "ana@example.com",
        "cognito:groups": ["users", "admin"],
        "scope": "openid users:read users:write",
        "token_use": "id",
        "jti": format!("token-{n}"),
        "iat": now,
        "exp": now + 3600,
    })
}

struct Case {
    alg: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Validators with the default cache, with one smaller than the pool of
    /// first-seen tokens, and with none.
    validator: Validator,
    small_cache: Validator,
    no_cache: Validator,
}

fn cases() -> Vec<Case> {
    let rsa_public = key_file("rsa_public.pem");
    let ec_public = key_file("ec256_public.pem");
    let builder = || {
        Validator::builder()
            .issuer("https://issuer.example.com")
            .audience("bench-client")
    };
    let case =
        |alg, encoding, decoding, with_key: &dyn Fn(ValidatorBuilder) -> ValidatorBuilder| Case {
            alg,
            encoding,
            decoding,
            validator: with_key(builder()).build().unwrap(),
            small_cache: with_key(builder())
                .token_cache_capacity(256)
                .build()
                .unwrap(),
            no_cache: with_key(builder()).token_cache_capacity(0).build().unwrap(),
        };
    vec![
        case(
            Algorithm::HS256,
            EncodingKey::from_secret(SECRET).unwrap(),
            DecodingKey::from_secret(SECRET).unwrap(),
            &|b| b.hmac_secret(SECRET),
        ),
        case(
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(&key_file("rsa_private.pem")).unwrap(),
            DecodingKey::from_rsa_pem(&rsa_public).unwrap(),
            &|b| b.public_key_pem(&rsa_public),
        ),
        case(
            Algorithm::ES256,
            EncodingKey::from_ec_pem(&key_file("ec256_private.pem")).unwrap(),
            DecodingKey::from_ec_pem(&ec_public).unwrap(),
            &|b| b.public_key_pem(&ec_public),
        ),
    ]
}

fn validation(c: &mut Criterion) {
    for case in cases() {
        let sign =
            |n| jsonwebtoken::encode(&Header::new(case.alg), &claims(n), &case.encoding).unwrap();
        let repeated = sign(0);
        // Distinct tokens, cycled: each is first seen by any cache smaller
        // than the pool.
        let pool: Vec<String> = (1..=2048).map(sign).collect();

        let mut validation = Validation::new(case.alg);
        validation.set_issuer(&["https://issuer.example.com"]);
        validation.set_audience(&["bench-client"]);
        validation.validate_nbf = true;

        let mut group = c.benchmark_group(format!("{:?}", case.alg));
        group.bench_function("bare jsonwebtoken::decode", |b| {
            b.iter(|| {
                jsonwebtoken::decode::<Value>(black_box(&repeated), &case.decoding, &validation)
                    .unwrap()
            })
        });
        group.bench_function("validator, repeated token", |b| {
            b.iter(|| ready(case.validator.validate(black_box(&repeated))).unwrap())
        });
        // 2048 distinct tokens cycled through a 256-token cache: each
        // lookup misses and each insert evicts.
        let mut next = pool.iter().cycle();
        group.bench_function("validator, first-seen token", |b| {
            b.iter(|| {
                let token = next.next().unwrap();
                ready(case.small_cache.validate(black_box(token))).unwrap()
            })
        });
        group.bench_function("validator without cache", |b| {
            b.iter(|| ready(case.no_cache.validate(black_box(&repeated))).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, validation);
criterion_main!(benches);
