use actix_web::HttpResponse;
use token_required::token_required;

#[token_required(optional, groups = ["a"], optional)]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
