//! Keys generated at test time and a JWKS server on loopback that counts
//! its requests.

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpResponse, HttpServer};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::signature::KeyPair as _;
use base64::{engine::general_purpose::STANDARD, Engine as _};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde_json::{json, Value};

/// A signing key made for one test, with its public JWK.
pub struct TestKey {
    pub kid: String,
    pub alg: Algorithm,
    pub encoding: EncodingKey,
    pub jwk: Value,
}

fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
    .into_bytes()
}

impl TestKey {
    /// A fresh key for `alg` (RSA 2048 for RS*/PS*, P-256/P-384, Ed25519),
    /// published under `kid` with `alg` in its JWK.
    pub fn generate(alg: Algorithm, kid: &str) -> Self {
        use aws_lc_rs::signature::{
            EcdsaKeyPair, Ed25519KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
            ECDSA_P384_SHA384_FIXED_SIGNING,
        };

        let (private, public): (Vec<u8>, Vec<u8>) = match alg {
            Algorithm::ES256 | Algorithm::ES384 => {
                let curve = if alg == Algorithm::ES256 {
                    &ECDSA_P256_SHA256_FIXED_SIGNING
                } else {
                    &ECDSA_P384_SHA384_FIXED_SIGNING
                };
                let pair = EcdsaKeyPair::generate(curve).unwrap();
                let public: PublicKeyX509Der = pair.public_key().as_der().unwrap();
                (
                    pair.to_pkcs8v1().unwrap().as_ref().to_vec(),
                    public.as_ref().to_vec(),
                )
            }
            Algorithm::EdDSA => {
                let pair = Ed25519KeyPair::generate().unwrap();
                let public: PublicKeyX509Der = pair.public_key().as_der().unwrap();
                (
                    pair.to_pkcs8v1().unwrap().as_ref().to_vec(),
                    public.as_ref().to_vec(),
                )
            }
            _ => rsa_pair(),
        };

        let private = pem("PRIVATE KEY", &private);
        let public = pem("PUBLIC KEY", &public);
        let (encoding, decoding) = match alg {
            Algorithm::ES256 | Algorithm::ES384 => (
                EncodingKey::from_ec_pem(&private).unwrap(),
                DecodingKey::from_ec_pem(&public).unwrap(),
            ),
            Algorithm::EdDSA => (
                EncodingKey::from_ed_pem(&private).unwrap(),
                DecodingKey::from_ed_pem(&public).unwrap(),
            ),
            _ => (
                EncodingKey::from_rsa_pem(&private).unwrap(),
                DecodingKey::from_rsa_pem(&public).unwrap(),
            ),
        };
        let jwk: Jwk = Jwk::from_decoding_key(&decoding, Some(alg)).unwrap();
        let mut jwk = serde_json::to_value(jwk).unwrap();
        jwk["kid"] = json!(kid);
        jwk["use"] = json!("sig");
        jwk["alg"] = json!(format!("{alg:?}"));

        Self {
            kid: kid.to_owned(),
            alg,
            encoding,
            jwk,
        }
    }

    /// The same key under another `kid` and `alg` (an RSA key signs every
    /// RS* and PS* algorithm).
    pub fn with(&self, alg: Algorithm, kid: &str) -> Self {
        let mut jwk = self.jwk.clone();
        jwk["kid"] = json!(kid);
        jwk["alg"] = json!(format!("{alg:?}"));
        Self {
            kid: kid.to_owned(),
            alg,
            encoding: self.encoding.clone(),
            jwk,
        }
    }

    /// A token for `claims`, signed with this key and naming its `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        super::sign(self.alg, &self.encoding, Some(&self.kid), claims)
    }
}

/// One RSA key pair for the whole test binary: generating one takes a
/// moment, and every RSA case can share it.
fn rsa_pair() -> (Vec<u8>, Vec<u8>) {
    use aws_lc_rs::rsa::{KeyPair, KeySize};
    use std::sync::OnceLock;

    static PAIR: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    PAIR.get_or_init(|| {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let private: Pkcs8V1Der = pair.as_der().unwrap();
        let public: PublicKeyX509Der = pair.public_key().as_der().unwrap();
        (private.as_ref().to_vec(), public.as_ref().to_vec())
    })
    .clone()
}

/// The JWKS document for `keys`.
pub fn document(keys: &[&TestKey]) -> String {
    json!({ "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() }).to_string()
}

/// What the server answers, changeable while it runs.
#[derive(Clone)]
pub struct Behaviour {
    pub body: String,
    /// Served instead at `*/openid-configuration`, when set.
    pub discovery: Option<(u16, String)>,
    pub status: u16,
    pub delay: Duration,
}

/// A JWKS server on 127.0.0.1 that counts the requests it answers.
pub struct JwksServer {
    pub address: SocketAddr,
    behaviour: Arc<Mutex<Behaviour>>,
    hits: Arc<AtomicUsize>,
    handle: ServerHandle,
}

impl JwksServer {
    pub fn start(body: String) -> Self {
        let behaviour = Arc::new(Mutex::new(Behaviour {
            body,
            discovery: None,
            status: 200,
            delay: Duration::ZERO,
        }));
        let hits = Arc::new(AtomicUsize::new(0));
        let (sender, receiver) = mpsc::channel();

        let (shared, counter) = (Arc::clone(&behaviour), Arc::clone(&hits));
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    let shared = Arc::clone(&shared);
                    let counter = Arc::clone(&counter);
                    App::new().default_service(web::to(move |req: actix_web::HttpRequest| {
                        let shared = Arc::clone(&shared);
                        let counter = Arc::clone(&counter);
                        async move {
                            let now = shared.lock().unwrap().clone();
                            if req.path().ends_with("openid-configuration") {
                                if let Some((status, body)) = now.discovery {
                                    return HttpResponse::build(status.try_into().unwrap())
                                        .content_type("application/json")
                                        .body(body);
                                }
                            }
                            counter.fetch_add(1, Ordering::SeqCst);
                            actix_web::rt::time::sleep(now.delay).await;
                            HttpResponse::build(now.status.try_into().unwrap())
                                .content_type("application/json")
                                .body(now.body)
                        }
                    }))
                })
                .workers(1)
                .disable_signals()
                .bind(("127.0.0.1", 0))
                .unwrap();
                let address = server.addrs()[0];
                let server = server.run();
                sender.send((address, server.handle())).unwrap();
                server.await.unwrap();
            });
        });

        let (address, handle) = receiver.recv().unwrap();
        Self {
            address,
            behaviour,
            hits,
            handle,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/.well-known/jwks.json", self.address)
    }

    /// The server's root, as an OpenID Connect issuer.
    pub fn issuer(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Serves this discovery document (with this status) from now on.
    pub fn serve_discovery(&self, status: u16, body: String) {
        self.behaviour.lock().unwrap().discovery = Some((status, body));
    }

    /// How many key set requests the server has answered (or started
    /// answering); discovery requests are not counted.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn serve(&self, body: String) {
        self.behaviour.lock().unwrap().body = body;
    }

    pub fn answer_status(&self, status: u16) {
        self.behaviour.lock().unwrap().status = status;
    }

    pub fn delay(&self, delay: Duration) {
        self.behaviour.lock().unwrap().delay = delay;
    }

    /// Stops the server: its port refuses connections afterwards.
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}

/// A loopback URL where nothing listens.
pub fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/jwks.json")
}
