//! Reading the bearer token out of the `Authorization` header.

use std::fmt;

use actix_web::http::header::{HeaderMap, AUTHORIZATION};

use crate::AuthError;

/// The default bound on a token's length, in bytes.
///
/// Large enough for Cognito id tokens with many groups, small enough that
/// an oversized header is refused before any base64 or JSON work.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;

/// A bearer token borrowed from a request's `Authorization` header.
///
/// It is only a syntactic check (RFC 6750 `b64token`), not a validation.
/// Its `Debug` output hides the token, and it has no `Display`, so it cannot
/// end up in a log by accident.
///
/// ```
/// use actix_web::http::header::{HeaderMap, HeaderValue, AUTHORIZATION};
/// use token_required::BearerToken;
///
/// let mut headers = HeaderMap::new();
/// headers.insert(AUTHORIZATION, HeaderValue::from_static("  bearer abc.def.ghi "));
/// let token = BearerToken::from_headers(&headers, 8192)?;
/// assert_eq!(token.as_str(), "abc.def.ghi");
/// assert_eq!(format!("{token:?}"), "BearerToken(<redacted, 11 bytes>)");
/// # Ok::<(), token_required::AuthError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BearerToken<'a>(&'a str);

impl<'a> BearerToken<'a> {
    /// Reads the token from `headers`, refusing tokens longer than
    /// `max_len` bytes.
    ///
    /// The scheme is matched case-insensitively and surrounding spaces and
    /// tabs are tolerated. It never allocates and never panics, whatever the
    /// header's bytes.
    ///
    /// # Errors
    ///
    /// [`AuthError::MissingCredentials`] without a header,
    /// [`AuthError::DuplicateCredentials`] with more than one,
    /// [`AuthError::UnsupportedScheme`] for another scheme,
    /// [`AuthError::EmptyToken`], [`AuthError::TokenTooLong`] or
    /// [`AuthError::MalformedHeader`] for a bad token.
    pub fn from_headers(headers: &'a HeaderMap, max_len: usize) -> Result<Self, AuthError> {
        let mut values = headers.get_all(AUTHORIZATION);
        let value = values.next().ok_or(AuthError::MissingCredentials)?;
        if values.next().is_some() {
            return Err(AuthError::DuplicateCredentials);
        }

        Self::parse(value.as_bytes(), max_len)
    }

    /// Reads the token from the raw bytes of one `Authorization` header
    /// value. See [`BearerToken::from_headers`].
    ///
    /// ```
    /// use token_required::{AuthError, BearerToken};
    ///
    /// assert!(BearerToken::parse(b"Bearer a.b.c", 100).is_ok());
    /// assert_eq!(BearerToken::parse(b"Basic Zm9v", 100), Err(AuthError::UnsupportedScheme));
    /// assert_eq!(BearerToken::parse(b"Bearer ", 100), Err(AuthError::EmptyToken));
    /// ```
    pub fn parse(value: &'a [u8], max_len: usize) -> Result<Self, AuthError> {
        const SCHEME: &[u8] = b"bearer";

        let value = value.trim_ascii();
        let (scheme, rest) = value.split_at(value.len().min(SCHEME.len()));
        if !scheme.eq_ignore_ascii_case(SCHEME) {
            return Err(AuthError::UnsupportedScheme);
        }

        // "Bearer" must be followed by whitespace, or be the whole value.
        match rest.first() {
            None => return Err(AuthError::EmptyToken),
            Some(b' ' | b'\t') => {}
            Some(_) => return Err(AuthError::UnsupportedScheme),
        }

        Self::check(rest.trim_ascii_start(), max_len)
    }

    /// A bare token (no scheme), checked like one in a header.
    pub(crate) fn check(token: &'a [u8], max_len: usize) -> Result<Self, AuthError> {
        if token.is_empty() {
            return Err(AuthError::EmptyToken);
        }
        if token.len() > max_len {
            return Err(AuthError::TokenTooLong {
                len: token.len(),
                max: max_len,
            });
        }
        if !is_b64token(token) {
            return Err(AuthError::MalformedHeader);
        }

        // Only ASCII is left, so this cannot fail; the error path keeps it
        // free of panics all the same.
        std::str::from_utf8(token)
            .map(BearerToken)
            .map_err(|_| AuthError::MalformedHeader)
    }

    /// The token's text.
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

impl fmt::Debug for BearerToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BearerToken(<redacted, {} bytes>)", self.0.len())
    }
}

/// RFC 6750 section 2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
/// "/" ) *"="`.
fn is_b64token(token: &[u8]) -> bool {
    let body = match token.iter().rposition(|&b| b != b'=') {
        Some(last) => &token[..=last],
        None => return false,
    };
    // No early exit: the fold compiles to a vector loop, which scans a
    // long token faster than stopping at the first bad byte would.
    body.iter().fold(true, |ok, &b| ok & in_b64token(b))
}

fn in_b64token(b: u8) -> bool {
    b.is_ascii_lowercase()
        | b.is_ascii_uppercase()
        | b.is_ascii_digit()
        | (b == b'-')
        | (b == b'.')
        | (b == b'_')
        | (b == b'~')
        | (b == b'+')
        | (b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &[u8]) -> Result<&str, AuthError> {
        BearerToken::parse(value, 64).map(|t| t.as_str())
    }

    #[test]
    fn accepts_any_case_and_surrounding_whitespace() {
        assert_eq!(parse(b"Bearer a.b.c"), Ok("a.b.c"));
        assert_eq!(parse(b"BEARER a.b.c"), Ok("a.b.c"));
        assert_eq!(parse(b"bEaReR a.b.c"), Ok("a.b.c"));
        assert_eq!(parse(b" \tBearer \t a.b.c \t"), Ok("a.b.c"));
    }

    #[test]
    fn sorts_other_schemes_from_bad_tokens() {
        assert_eq!(parse(b""), Err(AuthError::UnsupportedScheme));
        assert_eq!(
            parse(b"Basic Zm9vOmJhcg=="),
            Err(AuthError::UnsupportedScheme)
        );
        assert_eq!(parse(b"Bearerx a.b.c"), Err(AuthError::UnsupportedScheme));
        assert_eq!(parse(b"Bear"), Err(AuthError::UnsupportedScheme));
        assert_eq!(parse(b"Bearer"), Err(AuthError::EmptyToken));
        assert_eq!(parse(b"Bearer    "), Err(AuthError::EmptyToken));
        assert_eq!(parse(b"Bearer a b"), Err(AuthError::MalformedHeader));
        assert_eq!(parse(b"Bearer a,b"), Err(AuthError::MalformedHeader));
        assert_eq!(parse(b"Bearer ===="), Err(AuthError::MalformedHeader));
        assert_eq!(parse(b"Bearer a=b"), Err(AuthError::MalformedHeader));
        assert_eq!(
            parse("Bearer é".as_bytes()),
            Err(AuthError::MalformedHeader)
        );
        assert_eq!(parse(b"Bearer \xff\xfe"), Err(AuthError::MalformedHeader));
    }

    #[test]
    fn keeps_padding_and_every_b64token_character() {
        assert_eq!(parse(b"Bearer aZ09-._~+/=="), Ok("aZ09-._~+/=="));
    }

    #[test]
    fn bounds_the_length_before_looking_at_characters() {
        let long = [b'a'; 65];
        let mut value = b"Bearer ".to_vec();
        value.extend_from_slice(&long);
        assert_eq!(
            parse(&value),
            Err(AuthError::TokenTooLong { len: 65, max: 64 })
        );
        assert!(parse(&value[..value.len() - 1]).is_ok());
    }

    #[test]
    fn never_panics_on_any_short_input() {
        // Every one- and two-byte value, behind and without the scheme.
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let _ = parse(&[a, b]);
                let _ = parse(&[b'B', b'e', b'a', b'r', b'e', b'r', a, b]);
            }
        }
    }
}
