//! Any text as a token, through the whole validation pipeline: it never
//! panics, and nothing unsigned passes. Inputs starting with a valid
//! header and payload reach the signature and claim checks.
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;
use token_required::Validator;

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        Validator::builder()
            .hmac_secret("a fuzzing secret that is longer than 32 bytes")
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
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Without the secret, no input can carry a valid HS256 signature.
    assert!(ready(validator().validate(text)).is_err());
});
