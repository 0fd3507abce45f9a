use actix_web::{HttpRequest, HttpResponse};
use token_required::token_required;

#[token_required]
#[rustfmt::skip]
async fn handler(
    _1: HttpRequest, _2: HttpRequest, _3: HttpRequest, _4: HttpRequest,
    _5: HttpRequest, _6: HttpRequest, _7: HttpRequest, _8: HttpRequest,
    _9: HttpRequest, _10: HttpRequest, _11: HttpRequest, _12: HttpRequest,
    _13: HttpRequest, _14: HttpRequest, _15: HttpRequest, _16: HttpRequest,
    _17: HttpRequest,
) -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
