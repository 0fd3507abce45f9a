//! Runs the built users example as a user would: in development mode,
//! following the curl line it prints (200 with the token, 401 without), and
//! configured for Cognito with keys served from a local JWKS.

mod common;

use common::example::{get, start};

#[test]
fn the_printed_curl_command_works_and_no_token_is_refused() {
    let (_server, address, lines) = start(&[], "curl -H 'Authorization: Bearer ");
    let curl = lines
        .iter()
        .find(|l| l.ends_with("/users"))
        .expect("the example prints a curl command for /users");

    // curl -H 'Authorization: Bearer <token>' http://<address>/users
    let header = curl.split('\'').nth(1).expect("a quoted header");
    let value = header
        .strip_prefix("Authorization: ")
        .expect("an Authorization header");
    let url = curl.rsplit(' ').next().expect("a URL");
    assert_eq!(url, format!("http://{address}/users"));

    let (status, body) = get(&address, "/users", Some(value));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Ana"), "{body}");

    let (status, body) = get(&address, "/users", None);
    assert_eq!(status, 401);
    assert_eq!(body, r#"{"message":"Ocurrió un error"}"#);

    let (status, _) = get(&address, "/health", None);
    assert_eq!(status, 200);
}

#[test]
fn with_cognito_variables_it_validates_cognito_tokens_from_a_local_jwks() {
    use common::jwks::{document, JwksServer, TestKey};
    use jsonwebtoken::Algorithm;
    use serde_json::json;

    let key = TestKey::generate(Algorithm::RS256, "pool-key");
    let jwks = JwksServer::start(document(&[&key]));
    let vars = [
        ("COGNITO_REGION", "us-east-2".to_owned()),
        ("COGNITO_USERPOOL_ID", "us-east-2_Example1".to_owned()),
        ("COGNITO_APP_CLIENT_ID", "example-client".to_owned()),
        ("COGNITO_JWKS_URL", jwks.url()),
    ];
    let (_server, address, _) = start(&vars, "validating tokens");
    assert_eq!(jwks.hits(), 1, "the example warmed its key cache up");

    let token = |groups: &[&str], client: &str| {
        key.sign(&json!({
            "sub": "cognito-user",
            "iss": "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_Example1",
            "aud": client,
            "token_use": "id",
            "cognito:groups": groups,
            "exp": common::now() + 600,
        }))
    };
    let bearer = |t: String| format!("Bearer {t}");

    let (status, body) = get(
        &address,
        "/users",
        Some(&bearer(token(&[], "example-client"))),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(&address, "/me", Some(&bearer(token(&[], "example-client"))));
    assert_eq!(status, 200);
    assert!(body.contains("cognito-user"), "{body}");
    let (status, _) = get(
        &address,
        "/admin",
        Some(&bearer(token(&["users"], "example-client"))),
    );
    assert_eq!(status, 403);
    let (status, _) = get(
        &address,
        "/admin",
        Some(&bearer(token(&["admin"], "example-client"))),
    );
    assert_eq!(status, 200);
    let (status, _) = get(
        &address,
        "/users",
        Some(&bearer(token(&[], "other-client"))),
    );
    assert_eq!(status, 401);
    let (status, _) = get(&address, "/users", None);
    assert_eq!(status, 401);
    assert_eq!(jwks.hits(), 1, "every request was served from the cache");
}
