//! Writing the guarded handler.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{LitStr, Pat, ReturnType};

use crate::args::Args;
use crate::handler::Handler;

/// The handler, rewritten to take the request (and its still unread body)
/// alone, check its token, and only then run its own extractors and body.
pub(crate) fn guarded_handler(args: &Args, handler: &Handler) -> TokenStream {
    let function = &handler.function;
    let attrs = &function.attrs;
    let vis = &function.vis;
    let signature = signature(handler);
    let policy = policy(args);
    let registration = issuer_registration(args, handler);
    let extract = extraction(handler);
    let body = &function.block;

    quote! {
        #(#attrs)*
        #vis #signature {
            #[allow(non_upper_case_globals)]
            static __token_required_policy: ::token_required::__private::Policy = #policy;
            #registration
            #extract
            ::core::result::Result::Ok(async move #body.await)
        }
    }
}

/// The request parameter: the handler's own `HttpRequest` when it has one,
/// else a hidden one.
fn request_parameter(handler: &Handler) -> TokenStream {
    match &handler.request {
        Some(request) => quote!(#request),
        None => quote! {
            __token_required_req: ::token_required::__private::actix_web::HttpRequest
        },
    }
}

/// The name the request parameter is bound to.
fn request_name(handler: &Handler) -> TokenStream {
    match handler.request.as_ref().map(|r| &*r.pat) {
        Some(Pat::Ident(pattern)) => {
            let ident = &pattern.ident;
            quote!(#ident)
        }
        _ => quote!(__token_required_req),
    }
}

/// The original signature taking the request and its payload, with the
/// original return type wrapped so that a rejection can be returned.
fn signature(handler: &Handler) -> TokenStream {
    let sig = &handler.function.sig;
    let unsafety = &sig.unsafety;
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let request = request_parameter(handler);
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };

    quote! {
        async #unsafety fn #ident #generics(
            #request,
            __token_required_payload: ::token_required::__private::actix_web::web::Payload,
        ) -> ::core::result::Result<#output, ::token_required::__private::actix_web::Error>
        #where_clause
    }
}

/// The `Policy` for the handler's arguments.
fn policy(args: &Args) -> TokenStream {
    let mut policy = quote!(::token_required::__private::Policy::new());
    if args.optional.is_some() {
        policy = quote!(#policy.optional());
    }
    if let Some(issuer) = &args.issuer {
        policy = quote!(#policy.issuer(#issuer));
    }
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

/// Records a named issuer at link time, so that building the validator
/// set can refuse, at start-up, a name no validator has.
fn issuer_registration(args: &Args, handler: &Handler) -> TokenStream {
    let Some(issuer) = &args.issuer else {
        return TokenStream::new();
    };
    let ident = &handler.function.sig.ident;
    quote! {
        ::token_required::__private::inventory::submit! {
            ::token_required::__private::NamedIssuer {
                name: #issuer,
                handler: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
            }
        }
    }
}

/// The guard call, binding the handler's other arguments once it passes.
fn extraction(handler: &Handler) -> TokenStream {
    let guard = quote!(::token_required::__private::guard);
    let request = request_name(handler);
    let parts = quote!(&#request, __token_required_payload, &__token_required_policy);
    if handler.extractors.is_empty() {
        return quote!(#guard::<()>(#parts).await?;);
    }

    let attrs = handler.extractors.iter().flat_map(|input| &input.attrs);
    let patterns = handler.extractors.iter().map(|input| &input.pat);
    let types = handler.extractors.iter().map(|input| &input.ty);
    quote! {
        #(#attrs)*
        let (#(#patterns,)*) = #guard::<(#(#types,)*)>(#parts).await?;
    }
}
