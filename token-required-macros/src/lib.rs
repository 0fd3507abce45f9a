//! The procedural macro behind `token_required`'s `#[token_required]`
//! attribute. Use it through the `token-required` crate, which re-exports it
//! and holds everything it calls.

mod args;
mod expand;
mod handler;

use proc_macro::TokenStream;

/// Guards an actix-web handler with a bearer-token check. Documented in the
/// `token-required` crate.
#[proc_macro_attribute]
pub fn token_required(args: TokenStream, item: TokenStream) -> TokenStream {
    let original = proc_macro2::TokenStream::from(item.clone());
    let expanded = syn::parse::<args::Args>(args)
        .and_then(|args| Ok((args, handler::Handler::parse(item.into())?)))
        .map(|(args, handler)| expand::guarded_handler(&args, &handler));

    match expanded {
        Ok(tokens) => tokens.into(),
        // Emit the item unchanged beside the error, so one mistake gives one
        // error rather than a cascade about a missing function.
        Err(error) => {
            let mut tokens = error.to_compile_error();
            tokens.extend(original);
            tokens.into()
        }
    }
}
