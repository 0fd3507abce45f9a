//! The attribute above or below a route macro, on resources, on associated
//! functions, on public documented handlers and generic ones.

use actix_web::{get, web, App, HttpResponse, Responder};
use token_required::token_required;

#[token_required]
#[get("/above")]
async fn above() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/below")]
#[token_required(scopes = ["x"])]
async fn below() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[token_required]
async fn plain() -> HttpResponse {
    HttpResponse::Ok().finish()
}

struct Handlers;

impl Handlers {
    #[token_required]
    async fn associated() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

mod api {
    use super::*;

    /// Documented and public: both survive.
    #[deny(missing_docs)]
    #[token_required]
    pub async fn public() -> impl Responder {
        "public"
    }
}

#[get("/named")]
#[token_required(issuer = "internal", optional, scopes = ["jobs:run"])]
async fn named() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[token_required]
async fn generic<T: Default + std::fmt::Debug>() -> String {
    format!("{:?}", T::default())
}

fn main() {
    let _ = App::new()
        .service(above)
        .service(below)
        .service(named)
        .service(web::resource("/plain").to(plain))
        .service(web::resource("/route").route(web::get().to(plain)))
        .route("/associated", web::get().to(Handlers::associated))
        .route("/public", web::get().to(api::public))
        .route("/generic", web::get().to(generic::<u8>));
}
