//! Soak: many concurrent clients against the users example (configured with
//! a JWKS on loopback) sending a mix of valid, expired, forged and
//! random-kid tokens. Zero 5xx, the server alive, memory bounded by the
//! cache bounds, no file-descriptor growth, and JWKS fetches bounded by the
//! cooldown.
//!
//! Short by default (3 s); `SOAK_SECONDS=600 cargo test --release --test
//! soak -- --nocapture` for a long run. Bounded in time and count, and on
//! loopback only.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::example::{start, Connection};
use common::jwks::{document, JwksServer, TestKey};
use common::now;
use jsonwebtoken::Algorithm;
use serde_json::json;

const CLIENTS: usize = 16;
/// The most requests one client sends, whatever the duration.
const MAX_REQUESTS_PER_CLIENT: usize = 2_000_000;

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

#[test]
fn concurrent_clients_with_mixed_tokens_get_no_server_error() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);

    let key = Arc::new(TestKey::generate(Algorithm::ES256, "live"));
    let stranger = Arc::new(TestKey::generate(Algorithm::ES256, "live"));
    let jwks = JwksServer::start(document(&[&key]));
    let (mut server, address, _) = start(
        &[
            ("JWT_JWKS_URL", jwks.url()),
            ("JWT_LEEWAY_SECONDS", "0".into()),
        ],
        "validating tokens",
    );
    let pid = server.pid();

    // Warm up: connections open, caches touched, then measure.
    let valid = key.sign(&json!({ "sub": "soak", "exp": now() + 3600 }));
    Connection::open(&address).get("/users", &format!("Bearer {valid}"));
    let (rss_before, fds_before) = (rss_kib(pid), open_fds(pid));

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let counts: Arc<[AtomicUsize; 4]> = Arc::new(Default::default());
    let server_errors = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (key, stranger) = (Arc::clone(&key), Arc::clone(&stranger));
            let (counts, server_errors) = (Arc::clone(&counts), Arc::clone(&server_errors));
            let (address, valid) = (address.clone(), valid.clone());
            std::thread::spawn(move || {
                let mut connection = Connection::open(&address);
                for n in 0..MAX_REQUESTS_PER_CLIENT {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let kind = n % 5;
                    let token = match kind {
                        // A token the cache has seen.
                        0 => valid.clone(),
                        // A fresh valid token: the cache fills and evicts.
                        1 => key.sign(&json!({ "sub": "soak", "jti": format!("{client}-{n}"), "exp": now() + 3600 })),
                        2 => key.sign(&json!({ "sub": "soak", "exp": now() - 10 })),
                        // Same kid, another key: forged.
                        3 => stranger.sign(&json!({ "sub": "soak", "exp": now() + 3600 })),
                        _ => key
                            .with(Algorithm::ES256, &format!("random-{client}-{n}"))
                            .sign(&json!({ "sub": "soak", "exp": now() + 3600 })),
                    };
                    let status = connection.get("/users", &format!("Bearer {token}"));
                    let expected = if kind <= 1 { 200 } else { 401 };
                    if status >= 500 {
                        server_errors.fetch_add(1, Ordering::Relaxed);
                    }
                    assert_eq!(status, expected, "token kind {kind}");
                    counts[kind.min(3)].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client thread");
    }

    let total: usize = counts.iter().map(|c| c.load(Ordering::Relaxed)).sum();
    std::thread::sleep(Duration::from_millis(300));
    let (rss_after, fds_after) = (rss_kib(pid), open_fds(pid));
    println!(
        "soak: {total} requests in {seconds} s from {CLIENTS} clients; \
         RSS {rss_before} -> {rss_after} KiB; fds {fds_before} -> {fds_after}; \
         JWKS fetches {}",
        jwks.hits()
    );

    assert_eq!(server_errors.load(Ordering::Relaxed), 0);
    assert!(server.is_running(), "the server died");
    assert!(total > CLIENTS, "the clients sent almost nothing");
    // The token cache holds at most 4096 entries of about 3 KiB, well
    // within 64 MiB of growth whatever the run's length.
    assert!(
        rss_after < rss_before + 64 * 1024,
        "RSS {rss_before} -> {rss_after} KiB"
    );
    // Client connections are closed by now; nothing else may stay open.
    assert!(
        fds_after <= fds_before + 2,
        "fds {fds_before} -> {fds_after}"
    );
    // Random kids refetch at most once per 10 s cooldown (plus the first
    // fetch and the one a cooldown's end allows).
    let allowed = 2 + seconds as usize / 10 + 1;
    assert!(jwks.hits() <= allowed, "{} JWKS fetches", jwks.hits());
}
