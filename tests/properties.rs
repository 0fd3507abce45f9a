//! Properties over generated inputs: nothing panics, no forgery passes, and
//! a valid token's claims come back as they went in. `PROPTEST_CASES`
//! raises the number of cases (256 by default).

mod common;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use common::{now, SECRET};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use token_required::{AuthError, BearerToken, Validator};

/// Runs a validation with static keys, which never waits, to its end.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("validation with static keys waited"),
    }
}

fn validator() -> Validator {
    Validator::builder()
        .hmac_secret(SECRET)
        .token_cache_capacity(64)
        .build()
        .unwrap()
}

fn validate(validator: &Validator, token: &str) -> Result<Value, AuthError> {
    ready(validator.validate(token)).map(|claims| (*claims).clone())
}

fn sign(claims: &Value) -> String {
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap()
}

/// Text made of the characters tokens are made of, dots included.
fn token_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9_.=+/-]{0,400}").unwrap()
}

/// JSON values of bounded depth and size.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    // Failures print their minimal input; nothing is written to the tree.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_header_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = BearerToken::parse(&bytes, 8192);
        let mut prefixed = b"Bearer ".to_vec();
        prefixed.extend_from_slice(&bytes);
        let _ = BearerToken::parse(&prefixed, 8192);
    }

    #[test]
    fn the_pipeline_never_panics_on_any_text(text in any::<String>(), like in token_like()) {
        let validator = validator();
        prop_assert!(validate(&validator, &text).is_err());
        prop_assert!(validate(&validator, &like).is_err());
    }

    #[test]
    fn the_pipeline_never_panics_on_signed_json(
        header in json_value(),
        claims in json_value(),
    ) {
        // Correctly signed, so every check past the signature is reached.
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
        let signature =
            jsonwebtoken::crypto::sign(signed.as_bytes(), &key, Algorithm::HS256).unwrap();
        let result = validate(&validator(), &format!("{signed}.{signature}"));
        // No `alg` of HS256, or no numeric `exp` ahead: refused.
        prop_assert!(result.is_err());
    }

    #[test]
    fn any_single_byte_change_is_refused(
        position in any::<prop::sample::Index>(),
        replacement in 0x21u8..0x7f,
        extra in json_value(),
    ) {
        let validator = validator();
        let token = sign(&json!({ "sub": "user", "exp": now() + 600, "extra": extra }));
        prop_assert!(validate(&validator, &token).is_ok());

        let mut bytes = token.clone().into_bytes();
        let at = position.index(bytes.len());
        prop_assume!(bytes[at] != replacement);
        bytes[at] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(validate(&validator, &changed).is_err(), "changed byte {} of {}", at, token);
    }

    #[test]
    fn a_valid_token_round_trips_its_claims(
        claims in prop::collection::btree_map("[a-z:_]{1,12}", json_value(), 0..8),
    ) {
        let mut claims: Map<String, Value> = claims.into_iter().collect();
        for registered in ["exp", "nbf", "iat", "iss", "aud"] {
            claims.remove(registered);
        }
        claims.insert("exp".into(), json!(now() + 600));
        let claims = Value::Object(claims);
        let validator = validator();
        let token = sign(&claims);
        prop_assert_eq!(validate(&validator, &token).unwrap(), claims.clone());
        // And again, from the cache.
        prop_assert_eq!(validate(&validator, &token).unwrap(), claims);
    }
}
