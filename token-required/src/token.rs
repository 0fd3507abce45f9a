//! Reading a JWT in one pass: each part is decoded once, the payload's JSON
//! parsed once, and the registered claims checked on the parsed value.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::keys::ClaimRules;
use crate::AuthError;

/// A compact JWS split at its dots, not yet decoded.
pub(crate) struct Compact<'a> {
    header: &'a str,
    payload: &'a str,
    signature: &'a str,
    /// `header.payload`: what the signature covers.
    signed: &'a str,
}

/// What the header says about how to verify the token.
pub(crate) struct TokenHeader<'a> {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<Cow<'a, str>>,
}

/// The header fields read. Any other member (`jku`, `x5u`, `jwk`, `x5c`,
/// ...) is ignored: keys only ever come from the configuration.
#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow)]
    alg: Cow<'a, str>,
    /// When present, a string: `null` or any other type is refused.
    #[serde(borrow, default, deserialize_with = "present_string")]
    kid: Option<Cow<'a, str>>,
    /// No critical extension is understood, so any `crit` is refused.
    #[serde(default)]
    crit: Option<IgnoredAny>,
    /// Unencoded payloads (RFC 7797) are not supported.
    #[serde(default)]
    b64: Option<IgnoredAny>,
}

fn present_string<'de, D>(deserializer: D) -> Result<Option<Cow<'de, str>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Cow::<'de, str>::deserialize(deserializer).map(Some)
}

impl<'a> Compact<'a> {
    /// Splits `token` into its three parts.
    pub(crate) fn split(token: &'a str) -> Result<Self, AuthError> {
        let (signed, signature) = token.rsplit_once('.').ok_or(AuthError::MalformedToken)?;
        let (header, payload) = signed.split_once('.').ok_or(AuthError::MalformedToken)?;
        if payload.contains('.') || header.is_empty() || payload.is_empty() {
            return Err(AuthError::MalformedToken);
        }
        Ok(Self {
            header,
            payload,
            signature,
            signed,
        })
    }

    /// Decodes the header. The decoded bytes are returned for the header to
    /// borrow from.
    pub(crate) fn header<'b>(&self, buffer: &'b mut Vec<u8>) -> Result<TokenHeader<'b>, AuthError> {
        *buffer = URL_SAFE_NO_PAD
            .decode(self.header)
            .map_err(|_| AuthError::MalformedToken)?;
        // Derived deserializers also take a struct from a JSON array; a
        // header must be an object.
        if buffer.trim_ascii_start().first() != Some(&b'{') {
            return Err(AuthError::MalformedToken);
        }
        let raw: RawHeader<'b> =
            serde_json::from_slice(buffer).map_err(|_| AuthError::MalformedToken)?;
        if raw.crit.is_some() || raw.b64.is_some() {
            return Err(AuthError::MalformedToken);
        }
        // `none`, in any case, is no algorithm here.
        let alg = Algorithm::from_str(&raw.alg).map_err(|_| AuthError::AlgorithmNotAllowed)?;
        Ok(TokenHeader { alg, kid: raw.kid })
    }

    /// Checks the signature over `header.payload`.
    pub(crate) fn verify(&self, key: &DecodingKey, alg: Algorithm) -> Result<(), AuthError> {
        match jsonwebtoken::crypto::verify(self.signature, self.signed.as_bytes(), key, alg) {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(AuthError::InvalidSignature),
        }
    }

    /// Decodes and parses the payload: a JSON object.
    pub(crate) fn claims(&self) -> Result<Map<String, Value>, AuthError> {
        let json = URL_SAFE_NO_PAD
            .decode(self.payload)
            .map_err(|_| AuthError::MalformedToken)?;
        match serde_json::from_slice(&json) {
            Ok(Value::Object(claims)) => Ok(claims),
            _ => Err(AuthError::MalformedToken),
        }
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Checks the registered claims: `exp` (required), `nbf` and `iat` (when
/// present), `iss` and `aud` (when configured). Returns `exp`.
pub(crate) fn check_claims(
    claims: &Map<String, Value>,
    rules: &ClaimRules,
    now: u64,
) -> Result<u64, AuthError> {
    let leeway = rules.leeway.as_secs();

    let exp = match claims.get("exp") {
        None => return Err(AuthError::MissingClaim("exp".to_owned())),
        Some(value) => seconds(value).ok_or(AuthError::InvalidClaimType("exp".to_owned()))?,
    };
    // RFC 7519: not accepted on or after `exp`.
    if exp.saturating_add(leeway) <= now {
        return Err(AuthError::Expired);
    }
    if let Some(value) = claims.get("nbf") {
        let nbf = seconds(value).ok_or(AuthError::InvalidClaimType("nbf".to_owned()))?;
        if nbf > now.saturating_add(leeway) {
            return Err(AuthError::NotYetValid);
        }
    }
    if let Some(value) = claims.get("iat") {
        seconds(value).ok_or(AuthError::InvalidClaimType("iat".to_owned()))?;
    }

    if !rules.issuers.is_empty() {
        match claims.get("iss") {
            None => return Err(AuthError::MissingClaim("iss".to_owned())),
            Some(Value::String(iss)) if rules.issuers.iter().any(|i| i == iss) => {}
            Some(Value::String(_)) => return Err(AuthError::WrongIssuer),
            Some(_) => return Err(AuthError::InvalidClaimType("iss".to_owned())),
        }
    }

    if !rules.audiences.is_empty() {
        let accepted = |aud: &str| rules.audiences.iter().any(|a| a == aud);
        match claims.get("aud") {
            None => return Err(AuthError::MissingClaim("aud".to_owned())),
            Some(Value::String(aud)) if accepted(aud) => {}
            Some(Value::String(_)) => return Err(AuthError::WrongAudience),
            Some(Value::Array(auds)) => {
                let mut found = false;
                for aud in auds {
                    let aud = aud
                        .as_str()
                        .ok_or(AuthError::InvalidClaimType("aud".to_owned()))?;
                    found |= accepted(aud);
                }
                if !found {
                    return Err(AuthError::WrongAudience);
                }
            }
            Some(_) => return Err(AuthError::InvalidClaimType("aud".to_owned())),
        }
    }

    Ok(exp)
}

/// A NumericDate as whole seconds: fractions dropped, dates before the
/// epoch (long expired) as zero. Float casts saturate, so no value panics.
fn seconds(value: &Value) -> Option<u64> {
    let Value::Number(number) = value else {
        return None;
    };
    number.as_u64().or_else(|| {
        let float = number.as_f64().filter(|f| f.is_finite())?;
        Some(float.max(0.0) as u64)
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;

    fn rules(issuers: &[&str], audiences: &[&str]) -> ClaimRules {
        ClaimRules {
            issuers: issuers.iter().map(|s| s.to_string()).collect(),
            audiences: audiences.iter().map(|s| s.to_string()).collect(),
            leeway: Duration::from_secs(60),
            algorithms: None,
        }
    }

    fn check(claims: Value, rules: &ClaimRules) -> Result<u64, AuthError> {
        check_claims(claims.as_object().unwrap(), rules, 1_000_000)
    }

    #[test]
    fn exp_is_required_and_numeric() {
        let none = rules(&[], &[]);
        assert_eq!(check(json!({"exp": 1_000_100}), &none), Ok(1_000_100));
        assert_eq!(check(json!({"exp": 1_000_100.9}), &none), Ok(1_000_100));
        assert_eq!(check(json!({"exp": 999_950}), &none), Ok(999_950));
        assert_eq!(
            check(json!({"exp": 999_900}), &none),
            Err(AuthError::Expired)
        );
        assert_eq!(check(json!({"exp": -5}), &none), Err(AuthError::Expired));
        assert_eq!(
            check(json!({}), &none),
            Err(AuthError::MissingClaim("exp".into()))
        );
        for bad in [
            json!("1000100"),
            json!(null),
            json!(true),
            json!([1]),
            json!({}),
        ] {
            assert_eq!(
                check(json!({"exp": bad}), &none),
                Err(AuthError::InvalidClaimType("exp".into()))
            );
        }
    }

    #[test]
    fn nbf_and_iat_must_be_numbers_and_nbf_must_have_come() {
        let none = rules(&[], &[]);
        let exp = 1_000_100;
        assert!(check(json!({"exp": exp, "nbf": 1_000_050}), &none).is_ok());
        assert_eq!(
            check(json!({"exp": exp, "nbf": 1_000_061}), &none),
            Err(AuthError::NotYetValid)
        );
        assert_eq!(
            check(json!({"exp": exp, "nbf": "soon"}), &none),
            Err(AuthError::InvalidClaimType("nbf".into()))
        );
        assert_eq!(
            check(json!({"exp": exp, "iat": "today"}), &none),
            Err(AuthError::InvalidClaimType("iat".into()))
        );
    }

    #[test]
    fn issuer_and_audience_when_configured() {
        let strict = rules(&["https://a"], &["api", "web"]);
        let exp = 1_000_100;
        assert!(check(
            json!({"exp": exp, "iss": "https://a", "aud": "web"}),
            &strict
        )
        .is_ok());
        assert!(check(
            json!({"exp": exp, "iss": "https://a", "aud": ["x", "api"]}),
            &strict
        )
        .is_ok());
        assert_eq!(
            check(
                json!({"exp": exp, "iss": "https://b", "aud": "api"}),
                &strict
            ),
            Err(AuthError::WrongIssuer)
        );
        assert_eq!(
            check(
                json!({"exp": exp, "iss": ["https://a"], "aud": "api"}),
                &strict
            ),
            Err(AuthError::InvalidClaimType("iss".into()))
        );
        assert_eq!(
            check(
                json!({"exp": exp, "iss": "https://a", "aud": ["x"]}),
                &strict
            ),
            Err(AuthError::WrongAudience)
        );
        assert_eq!(
            check(
                json!({"exp": exp, "iss": "https://a", "aud": ["api", 7]}),
                &strict
            ),
            Err(AuthError::InvalidClaimType("aud".into()))
        );
        assert_eq!(
            check(json!({"exp": exp, "iss": "https://a", "aud": 7}), &strict),
            Err(AuthError::InvalidClaimType("aud".into()))
        );
        assert_eq!(
            check(json!({"exp": exp, "aud": "api"}), &strict),
            Err(AuthError::MissingClaim("iss".into()))
        );
        // Unconfigured, `iss` and `aud` may be anything.
        assert!(check(json!({"exp": exp, "iss": 1, "aud": {}}), &rules(&[], &[])).is_ok());
    }

    #[test]
    fn splitting_needs_exactly_three_parts() {
        assert!(Compact::split("a.b.c").is_ok());
        assert!(Compact::split("a.b.").is_ok());
        for bad in ["", "a", "a.b", "a.b.c.d", ".b.c", "a..c", "..", "a.b.c.d.e"] {
            assert!(Compact::split(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn headers_with_crit_b64_or_no_known_alg_are_refused() {
        let header = |json: &str| {
            let encoded = URL_SAFE_NO_PAD.encode(json);
            let token = format!("{encoded}.e30.c2ln");
            let compact = Compact::split(&token).unwrap();
            let mut buffer = Vec::new();
            compact
                .header(&mut buffer)
                .map(|h| (h.alg, h.kid.map(|k| k.into_owned())))
        };
        assert_eq!(header(r#"{"alg":"HS256"}"#), Ok((Algorithm::HS256, None)));
        assert_eq!(
            header(r#"{"alg":"ES256","kid":"k\u0031","jku":"https://evil"}"#),
            Ok((Algorithm::ES256, Some("k1".to_owned())))
        );
        for none in ["none", "None", "NONE"] {
            let json = format!(r#"{{"alg":"{none}"}}"#);
            assert_eq!(header(&json), Err(AuthError::AlgorithmNotAllowed));
        }
        for bad in [
            r#"{"alg":"HS256","crit":["exp"]}"#,
            r#"{"alg":"HS256","b64":false}"#,
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"alg":"HS256","kid":7}"#,
            r#"{"alg":"HS256","kid":null}"#,
            r#"{"kid":"k"}"#,
            r#"["HS256"]"#,
            "not json",
        ] {
            assert_eq!(header(bad), Err(AuthError::MalformedToken), "{bad}");
        }
    }
}
