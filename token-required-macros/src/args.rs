//! The attribute's arguments: `optional`, and the lists `groups`,
//! `any_groups`, `scopes`, `any_scopes`.

use syn::parse::{Parse, ParseStream};
use syn::{bracketed, Expr, ExprLit, Ident, Lit, LitStr, Token};

const EXPECTED: &str = "expected `optional`, `issuer`, `groups`, `any_groups`, `scopes` or \
                        `any_scopes`, as in `#[token_required(groups = [\"admin\"])]`";

/// What a handler requires, as parsed and checked.
#[derive(Default)]
pub(crate) struct Args {
    /// `optional`: a request without a token passes, with no claims.
    pub(crate) optional: Option<Ident>,
    /// `issuer = "name"`: the validator of that name checks the token.
    pub(crate) issuer: Option<LitStr>,
    pub(crate) groups: Option<Vec<LitStr>>,
    pub(crate) any_groups: Option<Vec<LitStr>>,
    pub(crate) scopes: Option<Vec<LitStr>>,
    pub(crate) any_scopes: Option<Vec<LitStr>>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();

        while !input.is_empty() {
            let name: Ident = input
                .parse()
                .map_err(|e| syn::Error::new(e.span(), EXPECTED))?;
            match name.to_string().as_str() {
                "optional" => args.set_optional(name, input)?,
                "issuer" => args.set_issuer(name, input)?,
                _ => args.set_list(name, input)?,
            }

            if !input.is_empty() {
                input
                    .parse::<Token![,]>()
                    .map_err(|e| syn::Error::new(e.span(), "expected `,` between arguments"))?;
            }
        }

        Ok(args)
    }
}

impl Args {
    /// The bare flag `optional`, once.
    fn set_optional(&mut self, name: Ident, input: ParseStream) -> syn::Result<()> {
        if self.optional.is_some() {
            return Err(syn::Error::new(
                name.span(),
                "duplicate argument `optional`: give it once",
            ));
        }
        if input.peek(Token![=]) {
            return Err(syn::Error::new(
                name.span(),
                "`optional` takes no value: write `#[token_required(optional)]`",
            ));
        }
        self.optional = Some(name);
        Ok(())
    }

    /// `issuer = "name"`, once, with a non-empty string literal.
    fn set_issuer(&mut self, name: Ident, input: ParseStream) -> syn::Result<()> {
        if self.issuer.is_some() {
            return Err(syn::Error::new(
                name.span(),
                "duplicate argument `issuer`: a handler has one issuer",
            ));
        }
        input.parse::<Token![=]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `=` after `issuer`, as in `issuer = \"internal\"`",
            )
        })?;
        let value: Expr = input.parse()?;
        let Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) = value
        else {
            return Err(syn::Error::new_spanned(
                value,
                "`issuer` takes the name of a validator: write `issuer = \"internal\"`",
            ));
        };
        if literal.value().is_empty() {
            return Err(syn::Error::new(
                literal.span(),
                "an issuer name cannot be empty",
            ));
        }
        self.issuer = Some(literal);
        Ok(())
    }

    /// `name = ["a", "b"]`, once, for one of the four lists.
    fn set_list(&mut self, name: Ident, input: ParseStream) -> syn::Result<()> {
        let kind = ListKind::of(&name)?;
        let slot = self.slot(&name);
        if slot.is_some() {
            return Err(syn::Error::new(
                name.span(),
                format!("duplicate argument `{name}`: give it once, with every value in one list"),
            ));
        }
        input.parse::<Token![=]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `=` after `{name}`, as in `{name} = [\"...\"]`"),
            )
        })?;
        *slot = Some(parse_list(input, &name, kind)?);
        Ok(())
    }

    fn slot(&mut self, name: &Ident) -> &mut Option<Vec<LitStr>> {
        match name.to_string().as_str() {
            "groups" => &mut self.groups,
            "any_groups" => &mut self.any_groups,
            "scopes" => &mut self.scopes,
            _ => &mut self.any_scopes,
        }
    }
}

/// What the values of a list name, for checks and messages.
#[derive(Clone, Copy)]
enum ListKind {
    Group,
    Scope,
}

impl ListKind {
    fn of(name: &Ident) -> syn::Result<Self> {
        match name.to_string().as_str() {
            "groups" | "any_groups" => Ok(Self::Group),
            "scopes" | "any_scopes" => Ok(Self::Scope),
            _ => Err(syn::Error::new(
                name.span(),
                format!("unknown argument `{name}`: {EXPECTED}"),
            )),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Group => "group",
            Self::Scope => "scope",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Self::Group => "\"admin\"",
            Self::Scope => "\"users:read\"",
        }
    }
}

/// `["a", "b"]`: a bracketed, comma-separated, non-empty list of non-empty
/// string literals.
fn parse_list(input: ParseStream, name: &Ident, kind: ListKind) -> syn::Result<Vec<LitStr>> {
    let noun = kind.noun();
    if !input.peek(syn::token::Bracket) {
        let value: Expr = input.parse()?;
        return Err(syn::Error::new_spanned(
            value,
            format!("`{name}` takes a list of strings: write `{name} = [\"...\"]`"),
        ));
    }

    let content;
    let brackets = bracketed!(content in input);
    let mut values = Vec::new();
    while !content.is_empty() {
        let value: Expr = content.parse()?;
        values.push(string_literal(value, kind)?);
        if !content.is_empty() {
            content.parse::<Token![,]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!("expected `,` between {noun}s, as in `[\"a\", \"b\"]`"),
                )
            })?;
        }
    }

    if values.is_empty() {
        return Err(syn::Error::new(
            brackets.span.join(),
            format!("`{name}` needs at least one {noun}: list one, or remove the argument"),
        ));
    }
    Ok(values)
}

fn string_literal(value: Expr, kind: ListKind) -> syn::Result<LitStr> {
    let noun = kind.noun();
    let Expr::Lit(ExprLit {
        lit: Lit::Str(literal),
        ..
    }) = value
    else {
        return Err(syn::Error::new_spanned(
            value,
            format!(
                "expected a string literal naming a {noun}, as in `{}`",
                kind.example()
            ),
        ));
    };

    let text = literal.value();
    if text.is_empty() {
        return Err(syn::Error::new(
            literal.span(),
            format!("a {noun} name cannot be empty"),
        ));
    }
    if noun == "scope"
        && text
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\\')
    {
        return Err(syn::Error::new(
            literal.span(),
            "a scope cannot hold spaces, quotes or backslashes: list each scope as its own string",
        ));
    }
    Ok(literal)
}
