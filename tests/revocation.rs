//! The revocation hook: asked on every request, cached tokens included;
//! a revoked token gets 401, a failing hook 503.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{now, send_token, token, SECRET};
use serde_json::{json, Value};
use token_required::{Revocation, RevocationFuture, RevokedTokens, Validator};

#[actix_web::test]
async fn a_revoked_jti_or_subject_is_refused_even_when_cached() {
    let revoked = Arc::new(RevokedTokens::new());
    let validator = Validator::builder()
        .hmac_secret(SECRET)
        .revocation(revoked.clone())
        .build()
        .unwrap();
    let good = token(json!({ "jti": "jti-1" }));
    assert_eq!(send_token(&validator, &good).await.status, 200);
    assert_eq!(send_token(&validator, &good).await.status, 200);

    revoked.revoke_token("jti-1", now() + 600);
    send_token(&validator, &good).await.assert_invalid_token();
    let other = token(json!({ "jti": "jti-2" }));
    assert_eq!(send_token(&validator, &other).await.status, 200);

    revoked.revoke_subject("user-1");
    send_token(&validator, &other).await.assert_invalid_token();
    revoked.restore_subject("user-1");
    assert_eq!(send_token(&validator, &other).await.status, 200);

    // An entry past its token's expiry no longer matters.
    revoked.revoke_token("jti-3", now() - 1);
    let third = token(json!({ "jti": "jti-3" }));
    assert_eq!(send_token(&validator, &third).await.status, 200);
}

/// Counts its calls; refuses when told to fail.
struct Counting {
    calls: AtomicUsize,
    fail: bool,
}

impl Revocation for Counting {
    fn is_revoked<'a>(&'a self, _: &'a Value) -> RevocationFuture<'a> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fail = self.fail;
        Box::pin(async move {
            if fail {
                Err("the store is down".into())
            } else {
                Ok(false)
            }
        })
    }
}

#[actix_web::test]
async fn the_hook_is_asked_on_every_request() {
    let hook = Arc::new(Counting {
        calls: AtomicUsize::new(0),
        fail: false,
    });
    let validator = Validator::builder()
        .hmac_secret(SECRET)
        .revocation(hook.clone())
        .build()
        .unwrap();
    let good = token(json!({}));
    for _ in 0..3 {
        assert_eq!(send_token(&validator, &good).await.status, 200);
    }
    assert_eq!(hook.calls.load(Ordering::SeqCst), 3);
    // Invalid tokens never reach it.
    send_token(&validator, "a.b.c").await.assert_invalid_token();
    assert_eq!(hook.calls.load(Ordering::SeqCst), 3);
}

#[actix_web::test]
async fn a_failing_hook_fails_closed_with_503() {
    let validator = Validator::builder()
        .hmac_secret(SECRET)
        .revocation(Arc::new(Counting {
            calls: AtomicUsize::new(0),
            fail: true,
        }))
        .build()
        .unwrap();
    let answer = send_token(&validator, &token(json!({}))).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.challenge, None);
    assert_eq!(answer.body, r#"{"message":"Ocurrió un error"}"#);
}
