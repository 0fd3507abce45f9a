//! Where else a token may be read from, when configured: a query parameter
//! or a cookie. Off by default: tokens in URLs end up in logs and
//! histories, and cookies bring CSRF with them (RFC 6750 section 5.3).

use std::borrow::Cow;

use actix_web::http::header::COOKIE;
use actix_web::HttpRequest;

use crate::bearer::BearerToken;
use crate::AuthError;

/// The configured places besides the `Authorization` header.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenSources {
    pub(crate) query: Option<Box<str>>,
    pub(crate) cookie: Option<Box<str>>,
}

impl TokenSources {
    pub(crate) fn is_empty(&self) -> bool {
        self.query.is_none() && self.cookie.is_none()
    }

    /// The raw token offered in the configured query parameter or cookie.
    /// Two offers, or one of them twice, are refused as ambiguous.
    pub(crate) fn find<'r>(&self, req: &'r HttpRequest) -> Result<Option<Cow<'r, str>>, AuthError> {
        let mut found: Option<Cow<'r, str>> = None;
        let mut offer = |value: Cow<'r, str>| match found {
            Some(_) => Err(AuthError::DuplicateCredentials),
            None => {
                found = Some(value);
                Ok(())
            }
        };

        if let Some(name) = &self.query {
            for pair in req.query_string().split('&') {
                if let Some(value) = pair.strip_prefix(&**name).and_then(|v| v.strip_prefix('=')) {
                    offer(percent_decode(value))?;
                }
            }
        }
        if let Some(name) = &self.cookie {
            for header in req.headers().get_all(COOKIE) {
                let Ok(header) = header.to_str() else {
                    continue;
                };
                for pair in header.split(';') {
                    let pair = pair.trim();
                    if let Some(value) =
                        pair.strip_prefix(&**name).and_then(|v| v.strip_prefix('='))
                    {
                        offer(Cow::Borrowed(value))?;
                    }
                }
            }
        }
        Ok(found)
    }
}

/// Decodes `%XX` escapes; anything malformed is kept as it is, and then
/// fails the token check.
fn percent_decode(value: &str) -> Cow<'_, str> {
    if !value.contains('%') {
        return Cow::Borrowed(value);
    }
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes.get(i),
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (Some(b'%'), Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (Some(&b), _, _) => {
                decoded.push(b);
                i += 1;
            }
            (None, _, _) => break,
        }
    }
    Cow::Owned(String::from_utf8_lossy(&decoded).into_owned())
}

/// Checks a token found outside the header like one inside it.
pub(crate) fn checked(token: &str, max_len: usize) -> Result<&str, AuthError> {
    BearerToken::check(token.as_bytes(), max_len).map(|t| t.as_str())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn sources(query: Option<&str>, cookie: Option<&str>) -> TokenSources {
        TokenSources {
            query: query.map(Into::into),
            cookie: cookie.map(Into::into),
        }
    }

    #[test]
    fn finds_the_named_parameter_or_cookie_only() {
        let req = TestRequest::default()
            .uri("/?x=1&access_token=a.b%2Bc&access_token_2=z")
            .insert_header(("Cookie", "theme=dark; session=s.t.u"))
            .to_http_request();
        let query = sources(Some("access_token"), None).find(&req).unwrap();
        assert_eq!(query.as_deref(), Some("a.b+c"));
        let cookie = sources(None, Some("session")).find(&req).unwrap();
        assert_eq!(cookie.as_deref(), Some("s.t.u"));
        assert_eq!(sources(None, Some("sess")).find(&req).unwrap(), None);
        assert_eq!(
            sources(Some("access_token"), Some("session")).find(&req),
            Err(AuthError::DuplicateCredentials)
        );
    }

    #[test]
    fn a_parameter_given_twice_is_refused() {
        let req = TestRequest::default().uri("/?t=a&t=b").to_http_request();
        assert_eq!(
            sources(Some("t"), None).find(&req),
            Err(AuthError::DuplicateCredentials)
        );
    }

    #[test]
    fn percent_decoding_never_panics() {
        for value in ["%", "%4", "%zz", "a%2", "%%41", "%C3%A9", "%ff"] {
            let _ = percent_decode(value);
        }
        assert_eq!(percent_decode("%41%2f"), "A/");
    }
}
