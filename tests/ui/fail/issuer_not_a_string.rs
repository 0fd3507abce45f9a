use actix_web::HttpResponse;
use token_required::token_required;

#[token_required(issuer = internal)]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
