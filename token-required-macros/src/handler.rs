//! The item the attribute is placed on, checked to be a guardable handler.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{FnArg, Item, ItemFn, Pat, PatType, Type};

/// The most extractors an actix-web handler can take.
const MAX_EXTRACTORS: usize = 16;

/// An async handler function, split into what the expansion needs.
pub(crate) struct Handler {
    pub(crate) function: ItemFn,
    /// The handler's own `HttpRequest` argument, reused as the request the
    /// guard checks.
    pub(crate) request: Option<PatType>,
    /// Every other argument: its extractor runs once the token passed.
    pub(crate) extractors: Vec<PatType>,
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

        let mut request = None;
        let mut extractors = Vec::with_capacity(signature.inputs.len());
        for input in &signature.inputs {
            match input {
                FnArg::Receiver(receiver) => {
                    return Err(syn::Error::new_spanned(
                        receiver,
                        "a handler cannot take `self`: make it an associated function \
                         and take what it needs as extractors",
                    ))
                }
                FnArg::Typed(typed) if request.is_none() && is_named_request(typed) => {
                    request = Some(typed.clone());
                }
                FnArg::Typed(typed) => extractors.push(typed.clone()),
            }
        }
        if signature.inputs.len() > MAX_EXTRACTORS {
            return Err(syn::Error::new(
                signature.inputs.span(),
                "actix-web handlers take at most 16 extractors: group some into a tuple",
            ));
        }

        Ok(Self {
            function,
            request,
            extractors,
        })
    }
}

/// Whether the argument is `name: HttpRequest` (any path ending so), which
/// the expansion can take directly instead of extracting it again.
fn is_named_request(argument: &PatType) -> bool {
    let Pat::Ident(pattern) = &*argument.pat else {
        return false;
    };
    let Type::Path(ty) = &*argument.ty else {
        return false;
    };
    pattern.subpat.is_none()
        && pattern.by_ref.is_none()
        && ty.qself.is_none()
        && ty
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == "HttpRequest" && last.arguments.is_empty())
}
