//! Any header and payload bytes, correctly signed, through the pipeline:
//! the header, key choice and claim checks see every shape of input, and
//! never panic. A token passes only with alg HS256 and an exp ahead.
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use jsonwebtoken::{Algorithm, EncodingKey};
use libfuzzer_sys::fuzz_target;
use token_required::Validator;

const SECRET: &str = "a fuzzing secret that is longer than 32 bytes";

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        Validator::builder()
            .hmac_secret(SECRET)
            .token_cache_capacity(16)
            .build()
            .expect("a validator")
    })
}

fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("static keys never wait"),
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte says where the header ends and the payload starts.
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let (header, payload) = rest.split_at(usize::from(split).min(rest.len()));
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let key = EncodingKey::from_secret(SECRET.as_bytes()).expect("a key");
    let Ok(signature) = jsonwebtoken::crypto::sign(signed.as_bytes(), &key, Algorithm::HS256)
    else {
        return;
    };
    let token = format!("{signed}.{signature}");
    if let Ok(claims) = ready(validator().validate(&token)) {
        assert!(claims.get("exp").is_some_and(|exp| exp.is_number()));
    }
});
