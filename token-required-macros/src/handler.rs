//! The item the attribute is placed on, checked to be a guardable handler.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{FnArg, Item, ItemFn, Pat, Type};

/// The most extractors an actix-web handler can take.
const MAX_EXTRACTORS: usize = 16;

/// An async handler function, split into what the expansion needs.
pub(crate) struct Handler {
    pub(crate) function: ItemFn,
    /// Each argument's attributes, pattern and type, in order.
    pub(crate) inputs: Vec<(Vec<syn::Attribute>, Box<Pat>, Box<Type>)>,
}

impl Handler {
    pub(crate) fn parse(item: TokenStream) -> syn::Result<Self> {
        let function = match syn::parse2::<Item>(item)? {
            Item::Fn(function) => function,
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "`#[token_required]` goes on an async handler function, \
                     as in `#[token_required] async fn handler() -> impl Responder`",
                ))
            }
        };

        let signature = &function.sig;
        if signature.asyncness.is_none() {
            return Err(syn::Error::new(
                signature.fn_token.span,
                "`#[token_required]` needs an async function: write `async fn`",
            ));
        }

        let mut inputs = Vec::with_capacity(signature.inputs.len());
        for input in &signature.inputs {
            match input {
                FnArg::Receiver(receiver) => {
                    return Err(syn::Error::new_spanned(
                        receiver,
                        "a handler cannot take `self`: make it an associated function \
                         and take what it needs as extractors",
                    ))
                }
                FnArg::Typed(typed) => {
                    inputs.push((typed.attrs.clone(), typed.pat.clone(), typed.ty.clone()))
                }
            }
        }
        if inputs.len() > MAX_EXTRACTORS {
            return Err(syn::Error::new(
                signature.inputs.span(),
                "actix-web handlers take at most 16 extractors: group some into a tuple",
            ));
        }

        Ok(Self { function, inputs })
    }
}
