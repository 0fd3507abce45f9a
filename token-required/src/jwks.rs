//! Keys fetched from a JWKS endpoint: cached, refetched when a token names
//! an unknown `kid`, and never fetched more than once per cooldown for kids
//! that turn out not to exist.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::keys::{select_from, ClaimRules, Selection, VerificationKey};
use crate::AuthError;

/// How long to wait after a fetch that did not find the wanted key (or
/// failed) before fetching again for an unknown `kid`.
pub const DEFAULT_JWKS_COOLDOWN: Duration = Duration::from_secs(10);

/// The longest a JWKS fetch may take, connection included.
pub const DEFAULT_JWKS_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest JWKS response accepted, in bytes.
pub const DEFAULT_JWKS_MAX_BYTES: usize = 256 * 1024;

/// The most keys read from one JWKS; any beyond are ignored.
const MAX_KEYS: usize = 64;

/// Why a JWKS could not be fetched or used. The keys already held stay in
/// use whatever the failure.
///
/// ```
/// use token_required::JwksError;
///
/// let error = JwksError::Status(503);
/// assert_eq!(error.to_string(), "the JWKS endpoint answered 503");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwksError {
    /// The request failed: no connection, a TLS error, or a timeout.
    Request(String),
    /// The endpoint answered with a status other than 2xx.
    Status(u16),
    /// The response was larger than the configured bound.
    TooLarge {
        /// The bound in bytes.
        max: usize,
    },
    /// The response is not a JWKS (`{"keys": [...]}`).
    NotJwks,
    /// The JWKS holds no key this validator can use.
    NoUsableKeys,
    /// OpenID Connect discovery failed: the document is not one, names
    /// another issuer, or has no usable `jwks_uri`.
    Discovery(String),
    /// The validator's keys do not come from a JWKS.
    NotConfigured,
}

impl fmt::Display for JwksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request(reason) => write!(f, "the JWKS request failed: {reason}"),
            Self::Status(status) => write!(f, "the JWKS endpoint answered {status}"),
            Self::TooLarge { max } => write!(f, "the JWKS is larger than {max} bytes"),
            Self::NotJwks => f.write_str("the response is not a JWKS"),
            Self::NoUsableKeys => f.write_str("the JWKS holds no usable signing key"),
            Self::Discovery(reason) => write!(f, "OpenID Connect discovery failed: {reason}"),
            Self::NotConfigured => f.write_str("this validator does not use a JWKS"),
        }
    }
}

impl std::error::Error for JwksError {}

/// Where the key set is.
#[derive(Debug, Clone)]
pub(crate) enum KeySetLocation {
    /// At this URL.
    Url(String),
    /// At the `jwks_uri` of this issuer's OpenID Connect discovery
    /// document, whose `issuer` must equal it.
    Discovered { issuer: String },
}

impl KeySetLocation {
    fn describe(&self) -> &str {
        match self {
            Self::Url(url) => url,
            Self::Discovered { issuer } => issuer,
        }
    }
}

/// How a JWKS is fetched, prepared by the builder.
#[derive(Debug, Clone)]
pub(crate) struct JwksSettings {
    pub(crate) location: KeySetLocation,
    pub(crate) cooldown: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_bytes: usize,
}

/// One fetched key set. `generation` grows with each successful fetch, so
/// a request that waited for a fetch can tell that one happened.
struct KeySet {
    keys: Vec<Arc<VerificationKey>>,
    generation: u64,
}

/// The cache of one JWKS endpoint's keys.
pub(crate) struct JwksCache {
    settings: JwksSettings,
    rules: ClaimRules,
    client: reqwest::Client,
    keys: ArcSwap<KeySet>,
    /// Held while fetching, so concurrent misses share one fetch.
    refetch: Mutex<FetchState>,
}

#[derive(Default)]
struct FetchState {
    /// No fetch for an unknown key starts before this instant.
    cooldown_until: Option<Instant>,
    /// The key set URL found by discovery; forgotten when a fetch from it
    /// fails, so that discovery runs again.
    discovered: Option<String>,
}

impl JwksCache {
    pub(crate) fn new(settings: JwksSettings, rules: ClaimRules) -> Result<Self, String> {
        // No idle connections are kept: fetches are rare, and a pooled
        // connection would belong to the runtime of the worker that opened
        // it while another worker's request may be the next to fetch.
        let client = reqwest::Client::builder()
            .connect_timeout(settings.timeout.min(Duration::from_secs(3)))
            .timeout(settings.timeout)
            .pool_max_idle_per_host(0)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the JWKS client: {e}"))?;

        Ok(Self {
            settings,
            rules,
            client,
            keys: ArcSwap::from_pointee(KeySet {
                keys: Vec::new(),
                generation: 0,
            }),
            refetch: Mutex::new(FetchState::default()),
        })
    }

    pub(crate) fn generation(&self) -> u64 {
        self.keys.load().generation
    }

    pub(crate) fn describe(&self) -> String {
        let keys = self.keys.load();
        let location = self.settings.location.describe();
        format!("JWKS of {location} ({} key(s) cached)", keys.keys.len())
    }

    /// The key for a token with this `alg` and `kid`, fetching the key set
    /// first when it may hold a key the cache lacks.
    pub(crate) async fn key_for(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<Arc<VerificationKey>, AuthError> {
        let seen_generation = {
            let held = self.keys.load();
            match select_from(&held.keys, alg, kid) {
                Selection::Found(key) => return Ok(key),
                Selection::Refused(error) => return Err(error),
                Selection::Missing => held.generation,
            }
        };

        self.refetch_for(seen_generation, alg, kid).await;

        let held = self.keys.load_full();
        match select_from(&held.keys, alg, kid) {
            Selection::Found(key) => Ok(key),
            Selection::Refused(error) => Err(error),
            // Nothing to check any token with: fail closed. A token without
            // a kid is refused as unknown instead, so that it can never be
            // what turns an outage into server errors.
            Selection::Missing if held.keys.is_empty() && kid.is_some() => {
                Err(AuthError::KeysUnavailable)
            }
            Selection::Missing => Err(AuthError::UnknownKey),
        }
    }

    /// Fetches the key set for a token whose key is missing, unless another
    /// request fetched while this one waited, or a cooldown is running.
    async fn refetch_for(&self, seen_generation: u64, alg: Algorithm, kid: Option<&str>) {
        let mut state = self.refetch.lock().await;
        let location = self.settings.location.describe();
        if self.keys.load().generation != seen_generation {
            return;
        }
        if state
            .cooldown_until
            .is_some_and(|until| Instant::now() < until)
        {
            tracing::debug!(%location, "JWKS refetch skipped: cooling down");
            return;
        }

        let found = match self.fetch(&mut state).await {
            Ok(keys) => {
                let found = matches!(select_from(&keys, alg, kid), Selection::Found(_));
                self.store(keys);
                found
            }
            Err(error) => {
                tracing::warn!(
                    %location,
                    %error,
                    "JWKS fetch failed; keeping the keys already held"
                );
                false
            }
        };
        state.cooldown_until = (!found).then(|| Instant::now() + self.settings.cooldown);
    }

    /// Fetches the key set now, whatever the cooldown: for warming up.
    pub(crate) async fn refresh(&self) -> Result<usize, JwksError> {
        let mut state = self.refetch.lock().await;
        let keys = self.fetch(&mut state).await?;
        let count = keys.len();
        self.store(keys);
        Ok(count)
    }

    fn store(&self, keys: Vec<Arc<VerificationKey>>) {
        let generation = self.keys.load().generation + 1;
        let location = self.settings.location.describe();
        tracing::debug!(%location, keys = keys.len(), "JWKS fetched");
        self.keys.store(Arc::new(KeySet { keys, generation }));
    }

    /// Fetches and parses the key set, discovering its URL first when
    /// needed. Runs with the fetch lock held.
    async fn fetch(&self, state: &mut FetchState) -> Result<Vec<Arc<VerificationKey>>, JwksError> {
        let url = match (&self.settings.location, &state.discovered) {
            (KeySetLocation::Url(url), _) => url.clone(),
            (KeySetLocation::Discovered { .. }, Some(url)) => url.clone(),
            (KeySetLocation::Discovered { issuer }, None) => {
                let url = self.discover(issuer).await?;
                state.discovered = Some(url.clone());
                url
            }
        };

        let fetched = self.get(&url).await;
        if fetched.is_err() {
            // The discovered URL may be what went stale: discover again.
            state.discovered = None;
        }
        parse_key_set(&fetched?, &self.rules)
    }

    /// The `jwks_uri` of `issuer`'s discovery document, whose `issuer` must
    /// be exactly `issuer`.
    async fn discover(&self, issuer: &str) -> Result<String, JwksError> {
        #[derive(Deserialize)]
        struct Discovery {
            issuer: String,
            jwks_uri: String,
        }

        let url = discovery_url(issuer);
        let body = self.get(&url).await?;
        let document: Discovery = serde_json::from_slice(&body)
            .map_err(|_| JwksError::Discovery("not an OpenID configuration".to_owned()))?;
        if document.issuer != issuer {
            return Err(JwksError::Discovery(format!(
                "the document names the issuer `{}`",
                document.issuer
            )));
        }
        match reqwest::Url::parse(&document.jwks_uri) {
            Ok(uri) if matches!(uri.scheme(), "http" | "https") => Ok(document.jwks_uri),
            _ => Err(JwksError::Discovery(
                "its jwks_uri is not an http(s) URL".to_owned(),
            )),
        }
    }

    /// The body at `url`, within the time and size bounds.
    async fn get(&self, url: &str) -> Result<Vec<u8>, JwksError> {
        let request_failed = |e: reqwest::Error| JwksError::Request(e.to_string());
        let max = self.settings.max_bytes;

        let mut response = self
            .client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(request_failed)?;
        if !response.status().is_success() {
            return Err(JwksError::Status(response.status().as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|len| len > max as u64)
        {
            return Err(JwksError::TooLarge { max });
        }

        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(request_failed)? {
            if body.len() + chunk.len() > max {
                return Err(JwksError::TooLarge { max });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Where an issuer's OpenID Connect discovery document is (OpenID Connect
/// Discovery 1.0, section 4).
pub(crate) fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// The usable keys of a JWKS document. Keys that cannot be used are
/// skipped (with a warning when they are malformed); a document with none
/// left is an error, so that it never replaces a good key set.
pub(crate) fn parse_key_set(
    body: &[u8],
    rules: &ClaimRules,
) -> Result<Vec<Arc<VerificationKey>>, JwksError> {
    #[derive(Deserialize)]
    struct Document {
        keys: Vec<serde_json::Value>,
    }

    let document: Document = serde_json::from_slice(body).map_err(|_| JwksError::NotJwks)?;
    if document.keys.len() > MAX_KEYS {
        tracing::warn!(
            keys = document.keys.len(),
            "the JWKS holds more than {MAX_KEYS} keys; the rest are ignored"
        );
    }

    let mut keys = Vec::new();
    for value in document.keys.into_iter().take(MAX_KEYS) {
        match prepare_jwk(value, rules) {
            Ok(Some(key)) => keys.push(Arc::new(key)),
            Ok(None) => {}
            Err(skipped) => tracing::warn!(
                kid = skipped.kid.as_deref().unwrap_or("-"),
                reason = skipped.reason,
                "JWKS key skipped"
            ),
        }
    }

    if keys.is_empty() {
        return Err(JwksError::NoUsableKeys);
    }
    Ok(keys)
}

struct Skipped {
    kid: Option<String>,
    reason: &'static str,
}

/// Turns one JWK into a key, `None` for a key that is not for verifying
/// signatures here (another `use`, an algorithm not accepted).
fn prepare_jwk(
    value: serde_json::Value,
    rules: &ClaimRules,
) -> Result<Option<VerificationKey>, Skipped> {
    let kid = value.get("kid").and_then(|k| k.as_str()).map(str::to_owned);
    let skipped = |reason| Skipped {
        kid: kid.clone(),
        reason,
    };

    let jwk: Jwk =
        serde_json::from_value(value).map_err(|_| skipped("malformed or unknown JWK"))?;
    match &jwk.common.public_key_use {
        None | Some(PublicKeyUse::Signature) => {}
        Some(_) => return Ok(None),
    }

    let fitting: &[Algorithm] = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => AlgorithmFamily::Rsa.algorithms(),
        AlgorithmParameters::EllipticCurve(params) => match params.curve {
            EllipticCurve::P256 => &[Algorithm::ES256],
            EllipticCurve::P384 => &[Algorithm::ES384],
            _ => return Err(skipped("unsupported elliptic curve")),
        },
        AlgorithmParameters::OctetKeyPair(params) => match params.curve {
            EllipticCurve::Ed25519 => &[Algorithm::EdDSA],
            _ => return Err(skipped("unsupported octet key pair curve")),
        },
        AlgorithmParameters::OctetKey(_) => {
            return Err(skipped("symmetric keys are never accepted from a JWKS"))
        }
        _ => return Err(skipped("unsupported key type")),
    };

    let allowed: Vec<Algorithm> = match &jwk.common.key_algorithm {
        None => fitting.to_vec(),
        Some(declared) => {
            let declared = declared
                .to_string()
                .parse::<Algorithm>()
                .map_err(|_| skipped("its alg is not a signature algorithm"))?;
            if !fitting.contains(&declared) {
                return Err(skipped("its alg does not fit its key type"));
            }
            vec![declared]
        }
    };
    let accepted = rules.accepted(&allowed);
    if accepted.is_empty() {
        return Ok(None);
    }

    let key = DecodingKey::from_jwk(&jwk).map_err(|_| skipped("unusable key material"))?;
    Ok(Some(VerificationKey {
        kid,
        key,
        algorithms: accepted,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(algorithms: Option<Vec<Algorithm>>) -> ClaimRules {
        ClaimRules {
            issuers: Vec::new(),
            audiences: Vec::new(),
            leeway: Duration::from_secs(60),
            algorithms,
        }
    }

    const RSA: &str = r#"{"kty":"RSA","kid":"r","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}"#;

    #[test]
    fn keeps_signing_keys_and_skips_the_rest() {
        let body = format!(
            r#"{{"keys":[
                {RSA},
                {{"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"}},
                {{"kty":"oct","kid":"h","k":"c2VjcmV0"}},
                {{"kty":"EC","kid":"p521","crv":"P-521","x":"AA","y":"AA"}},
                {{"kty":"XYZ","kid":"odd"}},
                "not an object",
                {{"kty":"RSA","kid":"wrong-alg","alg":"ES256","n":"AQAB","e":"AQAB"}}
            ]}}"#
        );
        let keys = parse_key_set(body.as_bytes(), &rules(None)).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("r"));
        assert_eq!(keys[0].algorithms.len(), 6);
    }

    #[test]
    fn a_declared_alg_narrows_the_key_and_rules_narrow_further() {
        let with_alg = RSA.replace(r#""kid":"r""#, r#""kid":"r","alg":"RS256""#);
        let body = format!(r#"{{"keys":[{with_alg}]}}"#);
        let keys = parse_key_set(body.as_bytes(), &rules(None)).unwrap();
        assert_eq!(keys[0].algorithms, vec![Algorithm::RS256]);

        let only_ps = rules(Some(vec![Algorithm::PS256]));
        assert_eq!(
            parse_key_set(body.as_bytes(), &only_ps).err(),
            Some(JwksError::NoUsableKeys)
        );
    }

    #[test]
    fn garbage_is_not_a_jwks() {
        for body in [&b"<html>"[..], b"{}", b"{\"keys\":{}}", b"", b"\xff"] {
            assert_eq!(
                parse_key_set(body, &rules(None)).err(),
                Some(JwksError::NotJwks)
            );
        }
        assert_eq!(
            parse_key_set(b"{\"keys\":[]}", &rules(None)).err(),
            Some(JwksError::NoUsableKeys)
        );
    }
}
