//! Telling which kind of public key a PEM file holds, so that only the
//! algorithms that fit it are accepted.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use jsonwebtoken::{Algorithm, DecodingKey};

/// The kind of public key found in a PEM document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicKeyKind {
    Rsa,
    EcP256,
    EcP384,
    Ed25519,
}

impl PublicKeyKind {
    /// Every algorithm that can be verified with a key of this kind.
    pub(crate) fn algorithms(self) -> &'static [Algorithm] {
        use Algorithm::*;

        match self {
            Self::Rsa => &[RS256, RS384, RS512, PS256, PS384, PS512],
            Self::EcP256 => &[ES256],
            Self::EcP384 => &[ES384],
            Self::Ed25519 => &[EdDSA],
        }
    }
}

/// Reads a PEM public key (`PUBLIC KEY` or `RSA PUBLIC KEY`), returning its
/// kind and a decoding key for it.
pub(crate) fn decode_public_key(pem: &[u8]) -> Result<(PublicKeyKind, DecodingKey), String> {
    let text = std::str::from_utf8(pem).map_err(|_| "not PEM text".to_owned())?;
    let (label, der) = first_block(text)?;
    let kind = match label {
        "RSA PUBLIC KEY" => PublicKeyKind::Rsa,
        "PUBLIC KEY" => spki_kind(&der)?,
        label if label.contains("PRIVATE KEY") => {
            return Err("this is a private key: give the public key".to_owned())
        }
        label => return Err(format!("expected a PUBLIC KEY block, found {label}")),
    };

    let key = match kind {
        PublicKeyKind::Rsa => DecodingKey::from_rsa_pem(pem),
        PublicKeyKind::EcP256 | PublicKeyKind::EcP384 => DecodingKey::from_ec_pem(pem),
        PublicKeyKind::Ed25519 => DecodingKey::from_ed_pem(pem),
    }
    .map_err(|e| format!("cannot read the {kind:?} key: {e}"))?;

    Ok((kind, key))
}

/// The label and the decoded bytes of the first PEM block in `text`.
fn first_block(text: &str) -> Result<(&str, Vec<u8>), String> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";

    let start = text.find(BEGIN).ok_or("no PEM block found")?;
    let after_begin = &text[start + BEGIN.len()..];
    let label_end = after_begin.find(DASHES).ok_or("unterminated PEM header")?;
    let label = &after_begin[..label_end];
    let body_and_rest = &after_begin[label_end + DASHES.len()..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&end_marker)
        .ok_or_else(|| format!("no END line for {label}"))?;

    let body: String = body_and_rest[..body_end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD
        .decode(body)
        .map_err(|_| format!("the {label} block is not valid base64"))?;

    Ok((label, der))
}

/// The kind of key in a DER `SubjectPublicKeyInfo`, read from its algorithm
/// identifier (and, for EC keys, its named curve).
fn spki_kind(der: &[u8]) -> Result<PublicKeyKind, String> {
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    const SEQUENCE: u8 = 0x30;
    const OID: u8 = 0x06;

    let malformed = || "the PUBLIC KEY block is not a SubjectPublicKeyInfo".to_owned();
    let (spki, _) = read_tlv(der, SEQUENCE).ok_or_else(malformed)?;
    let (algorithm, _) = read_tlv(spki, SEQUENCE).ok_or_else(malformed)?;
    let (oid, params) = read_tlv(algorithm, OID).ok_or_else(malformed)?;

    match oid {
        RSA => Ok(PublicKeyKind::Rsa),
        ED25519 => Ok(PublicKeyKind::Ed25519),
        EC => match read_tlv(params, OID) {
            Some((P256, _)) => Ok(PublicKeyKind::EcP256),
            Some((P384, _)) => Ok(PublicKeyKind::EcP384),
            _ => Err("unsupported EC curve: use P-256 or P-384".to_owned()),
        },
        _ => Err("unsupported key type: use RSA, EC or Ed25519".to_owned()),
    }
}

/// Reads one DER element with the expected tag: its content and what
/// follows it. `None` for anything malformed; never panics.
fn read_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, rest) = input.split_first()?;
    if found != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let len = bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }

    Some(rest.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_tlv_refuses_truncated_and_oversized_lengths() {
        assert_eq!(read_tlv(&[0x30, 0x02, 0x01], 0x30), None);
        assert_eq!(read_tlv(&[0x30, 0x85, 1, 1, 1, 1, 1], 0x30), None);
        assert_eq!(read_tlv(&[0x30, 0x80], 0x30), None);
        assert_eq!(read_tlv(&[0x31, 0x00], 0x30), None);
        assert_eq!(read_tlv(&[], 0x30), None);
        let (content, rest) = read_tlv(&[0x30, 0x01, 0xaa, 0xbb], 0x30).unwrap();
        assert_eq!((content, rest), (&[0xaa][..], &[0xbb][..]));
    }

    #[test]
    fn refuses_text_that_is_not_a_public_key() {
        assert!(decode_public_key(b"hello").is_err());
        assert!(
            decode_public_key(b"-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----").is_err()
        );
        let private = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let err = decode_public_key(private).unwrap_err();
        assert!(err.contains("private key"), "{err}");
        assert!(decode_public_key(&[0xff, 0xfe]).is_err());
    }
}
