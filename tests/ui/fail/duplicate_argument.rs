use actix_web::HttpResponse;
use token_required::token_required;

#[token_required(groups = ["admin"], groups = ["ops"])]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}
fn main() {}
