//! Runs the built users example as a user would: in development mode,
//! following the curl line it prints (200 with the token, 401 without), and
//! configured for Cognito with keys served from a local JWKS.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let binary = profile_dir.join("examples").join("users");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo test --workspace`, which builds the examples",
        binary.display()
    );
    binary
}

/// Sends one GET and returns the status code and body.
fn get(address: &str, path: &str, authorization: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("the example accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(value) = authorization {
        request.push_str(&format!("Authorization: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();

    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("an HTTP status line");
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

/// Starts the example with `vars` (and no other `JWT_*` or `COGNITO_*`
/// variable), returning it, its address and its output lines up to the
/// first that starts with `last`.
fn start(vars: &[(&str, String)], last: &str) -> (Server, String, Vec<String>) {
    let mut command = Command::new(example_binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("JWT_") || name.starts_with("COGNITO_") {
            command.env_remove(name);
        }
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    let child = command
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("piped stdout");

    // Read the output on a thread that keeps draining it, so the server
    // never writes into a closed pipe.
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = sender.send(line);
        }
    });

    let mut address = None;
    let mut lines = Vec::new();
    while let Ok(line) = receiver.recv_timeout(Duration::from_secs(30)) {
        if let Some(rest) = line.strip_prefix("users example listening on http://") {
            address = Some(rest.trim().to_owned());
        }
        let done = line.trim_start().starts_with(last);
        lines.push(line);
        if done {
            break;
        }
    }
    let address = address.expect("the example prints its address");
    (server, address, lines)
}

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
