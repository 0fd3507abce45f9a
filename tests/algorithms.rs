//! Every supported algorithm, and only the algorithms that fit the key.

mod common;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use common::{claims, key_pair, sign, Answer, SECRET};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::json;
use token_required::{ConfigError, DecodingKey, Validator};

async fn answer(validator: &Validator, token: &str) -> Answer {
    common::send_token(validator, token).await
}

async fn accepts(validator: &Validator, token: &str) -> bool {
    let answer = answer(validator, token).await;
    if answer.status != 200 {
        answer.assert_invalid_token();
    }
    answer.status == 200
}

fn pem_validator(public: &[u8]) -> Validator {
    Validator::builder()
        .public_key_pem(public)
        .build()
        .expect("a validator")
}

#[actix_web::test]
async fn hmac_accepts_hs256_by_default_and_others_when_listed() {
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let default = Validator::builder().hmac_secret(SECRET).build().unwrap();
    let all = Validator::builder()
        .hmac_secret(SECRET)
        .algorithms([Algorithm::HS256, Algorithm::HS384, Algorithm::HS512])
        .build()
        .unwrap();
    let only_512 = Validator::builder()
        .hmac_secret(SECRET)
        .algorithms([Algorithm::HS512])
        .build()
        .unwrap();

    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let token = sign(alg, &key, None, &claims(json!({})));
        assert_eq!(
            accepts(&default, &token).await,
            alg == Algorithm::HS256,
            "{alg:?}"
        );
        assert!(accepts(&all, &token).await, "{alg:?}");
        assert_eq!(
            accepts(&only_512, &token).await,
            alg == Algorithm::HS512,
            "{alg:?}"
        );
    }
}

#[actix_web::test]
async fn rsa_keys_accept_every_rs_and_ps_algorithm() {
    let (private, public) = key_pair("rsa");
    let validator = pem_validator(&public);
    for alg in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ] {
        let token = sign(alg, &private, Some("any-kid"), &claims(json!({})));
        assert!(accepts(&validator, &token).await, "{alg:?}");
    }

    let pkcs1 = std::fs::read(common::key_path("rsa_public_pkcs1.pem")).unwrap();
    let token = sign(Algorithm::RS256, &private, None, &claims(json!({})));
    assert!(accepts(&pem_validator(&pkcs1), &token).await);
}

#[actix_web::test]
async fn ec_and_ed25519_keys_accept_only_their_own_algorithm() {
    let cases = [
        ("ec256", Algorithm::ES256, Algorithm::ES384),
        ("ec384", Algorithm::ES384, Algorithm::ES256),
    ];
    for (name, fits, other) in cases {
        let (private, public) = key_pair(name);
        let validator = pem_validator(&public);
        let token = sign(fits, &private, None, &claims(json!({})));
        assert!(accepts(&validator, &token).await, "{name} {fits:?}");

        // The same signature bytes relabelled with the other curve's alg.
        let relabelled = relabel(&token, other);
        assert!(!accepts(&validator, &relabelled).await, "{name} {other:?}");
    }

    let (private, public) = key_pair("ed25519");
    let token = sign(Algorithm::EdDSA, &private, None, &claims(json!({})));
    assert!(accepts(&pem_validator(&public), &token).await);
}

#[actix_web::test]
async fn a_token_signed_by_another_key_of_the_same_type_is_refused() {
    let (rsa, _) = key_pair("rsa");
    let (_, ec_public) = key_pair("ec256");
    let (ec_private, _) = key_pair("ec256");
    let validator = pem_validator(&ec_public);
    let other =
        EncodingKey::from_ec_pem(&std::fs::read(common::key_path("ec384_private.pem")).unwrap())
            .unwrap();
    assert!(
        accepts(
            &validator,
            &sign(Algorithm::ES256, &ec_private, None, &claims(json!({})))
        )
        .await
    );
    assert!(
        !accepts(
            &validator,
            &sign(Algorithm::RS256, &rsa, None, &claims(json!({})))
        )
        .await
    );
    // A P-384 key signing as ES384 cannot pass a P-256 validator.
    assert!(
        !accepts(
            &validator,
            &sign(Algorithm::ES384, &other, None, &claims(json!({})))
        )
        .await
    );
}

#[actix_web::test]
async fn hmac_keyed_with_the_public_key_is_refused() {
    // The classic confusion attack: sign HS256 with the PEM text as secret.
    for name in ["rsa", "ec256", "ed25519"] {
        let (_, public) = key_pair(name);
        let validator = pem_validator(&public);
        let forged_key = EncodingKey::from_secret(&public).unwrap();
        let forged = sign(Algorithm::HS256, &forged_key, None, &claims(json!({})));
        assert!(!accepts(&validator, &forged).await, "{name}");
    }
}

#[actix_web::test]
async fn alg_none_is_refused_in_any_case() {
    let validator = Validator::builder().hmac_secret(SECRET).build().unwrap();
    let payload = URL_SAFE_NO_PAD.encode(claims(json!({})).to_string());
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        for signature in ["", "c2ln"] {
            let token = format!("{header}.{payload}.{signature}");
            assert!(!accepts(&validator, &token).await, "{alg} {signature:?}");
        }
    }
}

#[actix_web::test]
async fn algorithms_that_do_not_fit_the_key_are_a_configuration_error() {
    let (_, public) = key_pair("rsa");
    let err = Validator::builder()
        .public_key_pem(&public)
        .algorithms([Algorithm::HS256])
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::AlgorithmDoesNotFitKey(Algorithm::HS256)
    ));

    let (_, ec) = key_pair("ec256");
    let err = Validator::builder()
        .public_key_pem(&ec)
        .algorithms([Algorithm::ES384])
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::AlgorithmDoesNotFitKey(Algorithm::ES384)
    ));

    let secret = DecodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let err = Validator::builder()
        .decoding_key(None, secret, [Algorithm::RS256])
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::AlgorithmDoesNotFitKey(Algorithm::RS256)
    ));
}

#[actix_web::test]
async fn unusable_keys_are_configuration_errors() {
    let private = std::fs::read(common::key_path("rsa_private.pem")).unwrap();
    for bad in [
        &b"not a key"[..],
        &private,
        b"",
        b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    ] {
        let err = Validator::builder()
            .public_key_pem(bad)
            .build()
            .unwrap_err();
        assert!(matches!(err, ConfigError::InvalidKey(_)), "{err}");
    }
    assert!(matches!(
        Validator::builder().build(),
        Err(ConfigError::NoKey)
    ));
    assert!(matches!(
        Validator::builder().hmac_secret("").build(),
        Err(ConfigError::InvalidKey(_))
    ));
}

#[actix_web::test]
async fn keys_with_ids_are_chosen_by_kid() {
    let first = DecodingKey::from_secret(b"first secret, long enough for hs256!").unwrap();
    let second = DecodingKey::from_secret(b"second secret, long enough for hs256").unwrap();
    let validator = Validator::builder()
        .decoding_key(Some("one"), first, [Algorithm::HS256])
        .decoding_key(Some("two"), second, [Algorithm::HS256])
        .build()
        .unwrap();
    let signer = EncodingKey::from_secret(b"second secret, long enough for hs256").unwrap();

    let named = sign(Algorithm::HS256, &signer, Some("two"), &claims(json!({})));
    assert!(accepts(&validator, &named).await);
    let misnamed = sign(Algorithm::HS256, &signer, Some("one"), &claims(json!({})));
    assert!(!accepts(&validator, &misnamed).await);
    let unnamed = sign(Algorithm::HS256, &signer, None, &claims(json!({})));
    assert!(!accepts(&validator, &unnamed).await);
}

/// The token with its header's `alg` replaced, signature unchanged.
fn relabel(token: &str, alg: Algorithm) -> String {
    let (_, rest) = token.split_once('.').unwrap();
    let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg:?}","typ":"JWT"}}"#));
    format!("{header}.{rest}")
}
