//! Compile-time behaviour of the attribute: one failing case per error
//! message, and every handler shape compiling.

#[test]
fn misuse_is_a_spanned_compile_error() {
    trybuild::TestCases::new().compile_fail("tests/ui/fail/*.rs");
}

#[test]
fn every_handler_shape_compiles() {
    trybuild::TestCases::new().pass("tests/ui/pass/*.rs");
}
