use actix_web::HttpResponse;
use token_required::token_required;

#[token_required(scopes = ["users:read users:write"])]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}
fn main() {}
