//! Choosing jsonwebtoken's crypto backend.
//!
//! jsonwebtoken picks its backend from its own features, and panics on first
//! use when it finds both or neither: features unify across a build, so a
//! user's other dependency can turn on the second one. The validator
//! installs the backend it was built for before anything is verified, and
//! refuses to build when there is none.

use jsonwebtoken::crypto::CryptoProvider;

#[cfg(not(any(feature = "aws-lc-rs", feature = "rust-crypto")))]
compile_error!(
    "token-required needs one crypto backend: enable its `aws-lc-rs` or `rust-crypto` feature"
);

/// Makes sure jsonwebtoken has a backend, installing ours when it has none.
/// With both backends compiled in, aws-lc-rs is preferred.
pub(crate) fn ensure_provider() -> Result<(), crate::ConfigError> {
    if CryptoProvider::try_get_default().is_some() {
        return Ok(());
    }

    #[cfg(feature = "aws-lc-rs")]
    let ours = &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    let ours = &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;

    // An error means another thread installed one first, which is as good.
    let _ = ours.install_default();
    CryptoProvider::try_get_default()
        .map(|_| ())
        .ok_or(crate::ConfigError::NoCryptoBackend)
}
