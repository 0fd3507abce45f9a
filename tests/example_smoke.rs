//! Runs the built users example as a user would, in development mode, and
//! follows the curl line it prints: 200 with the token, 401 without.

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

#[test]
fn the_printed_curl_command_works_and_no_token_is_refused() {
    let mut command = Command::new(example_binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("JWT_") || name.starts_with("COGNITO_") {
            command.env_remove(name);
        }
    }
    let child = command
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("piped stdout");

    let mut address = None;
    let mut curl = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("UTF-8 output");
        if let Some(rest) = line.strip_prefix("users example listening on http://") {
            address = Some(rest.trim().to_owned());
        }
        if line
            .trim_start()
            .starts_with("curl -H 'Authorization: Bearer ")
            && line.ends_with("/users")
        {
            curl = Some(line);
            break;
        }
    }
    let address = address.expect("the example prints its address");
    let curl = curl.expect("the example prints a curl command for /users");

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
