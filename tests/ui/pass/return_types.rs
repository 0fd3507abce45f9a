//! Every return type a handler may have survives the attribute.

use actix_web::{get, web, App, Either, HttpResponse, Responder};
use token_required::token_required;

#[get("/a")]
#[token_required]
async fn impl_responder() -> impl Responder {
    "text"
}

#[get("/b")]
#[token_required]
async fn http_response() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/c")]
#[token_required]
async fn result(path: web::Path<String>) -> actix_web::Result<String> {
    let n: u32 = path.parse().map_err(actix_web::error::ErrorBadRequest)?;
    if n == 0 {
        return Ok("zero".to_owned());
    }
    Ok(n.to_string())
}

#[get("/d")]
#[token_required]
async fn either() -> Either<HttpResponse, String> {
    Either::Right(String::new())
}

#[get("/e")]
#[token_required]
async fn io_result() -> Result<&'static str, std::io::Error> {
    Ok("ok")
}

fn main() {
    let _ = App::new()
        .service(impl_responder)
        .service(http_response)
        .service(result)
        .service(either)
        .service(io_result);
}
