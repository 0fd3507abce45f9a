//! Writing the guarded handler.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{LitStr, ReturnType};

use crate::args::Args;
use crate::handler::Handler;

/// The handler, rewritten to take the request alone, check its token, and
/// only then run its own extractors and body.
pub(crate) fn guarded_handler(args: &Args, handler: &Handler) -> TokenStream {
    let function = &handler.function;
    let attrs = &function.attrs;
    let vis = &function.vis;
    let signature = signature(handler);
    let policy = policy(args);
    let extract = extraction(handler);
    let body = &function.block;

    quote! {
        #(#attrs)*
        #vis #signature {
            #[allow(non_upper_case_globals)]
            static __token_required_policy: ::token_required::__private::Policy = #policy;
            #extract
            ::core::result::Result::Ok(async move #body.await)
        }
    }
}

/// The original signature with one argument, the request, and the original
/// return type wrapped so that a rejection can be returned.
fn signature(handler: &Handler) -> TokenStream {
    let sig = &handler.function.sig;
    let constness = &sig.constness;
    let unsafety = &sig.unsafety;
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };

    quote! {
        #constness async #unsafety fn #ident #generics(
            __token_required_parts: ::token_required::__private::RequestParts,
        ) -> ::core::result::Result<#output, ::token_required::__private::actix_web::Error>
        #where_clause
    }
}

/// The `Policy` constant for the handler's arguments.
fn policy(args: &Args) -> TokenStream {
    let mut policy = quote!(::token_required::__private::Policy::new());
    let lists = [
        ("groups", &args.groups),
        ("any_groups", &args.any_groups),
        ("scopes", &args.scopes),
        ("any_scopes", &args.any_scopes),
    ];
    for (method, values) in lists {
        if let Some(values) = values {
            let method = syn::Ident::new(method, proc_macro2::Span::call_site());
            let values: &[LitStr] = values;
            policy = quote!(#policy.#method(&[#(#values),*]));
        }
    }
    policy
}

/// The guard call, binding the handler's own arguments once it passes.
///
/// Every argument, an `HttpRequest` among them, is extracted from the one
/// request the guard checked: an `HttpRequest` argument is that request.
fn extraction(handler: &Handler) -> TokenStream {
    let guard = quote!(::token_required::__private::guard);
    let parts = quote!(__token_required_parts, &__token_required_policy);
    if handler.inputs.is_empty() {
        return quote!(#guard::<()>(#parts).await?;);
    }

    let attrs = handler.inputs.iter().flat_map(|(attrs, _, _)| attrs);
    let patterns = handler.inputs.iter().map(|(_, pat, _)| pat);
    let types = handler.inputs.iter().map(|(_, _, ty)| ty);
    quote! {
        #(#attrs)*
        let (#(#patterns,)*) = #guard::<(#(#types,)*)>(#parts).await?;
    }
}
