use actix_web::HttpResponse;
use token_required::token_required;

#[token_required]
fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}
fn main() {}
