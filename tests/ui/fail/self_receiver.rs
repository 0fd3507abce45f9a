use actix_web::HttpResponse;
use token_required::token_required;

struct Api;

impl Api {
    #[token_required]
    async fn handler(&self) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}
fn main() {}
