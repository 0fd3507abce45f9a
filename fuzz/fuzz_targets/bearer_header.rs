//! Any bytes as an `Authorization` header value: parsing never panics, and
//! what it accepts is a non-empty b64token within the bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use token_required::BearerToken;

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = BearerToken::parse(data, 4096) {
        let token = token.as_str();
        assert!(!token.is_empty() && token.len() <= 4096);
        assert!(token.bytes().all(|b| b.is_ascii_graphic()));
    }
});
