//! Extractors of every kind, an existing request argument, mutable and
//! wildcard patterns, and claims.

use actix_web::{post, web, App, HttpRequest, HttpResponse};
use serde::Deserialize;
use token_required::{token_required, Claims};

#[derive(Deserialize)]
struct Body {
    name: String,
}

#[derive(Deserialize)]
struct Query {
    page: u32,
}

#[post("/{id}")]
#[token_required(groups = ["admin"], any_scopes = ["a", "b"])]
async fn handler(
    req: HttpRequest,
    id: web::Path<u32>,
    mut query: web::Query<Query>,
    body: web::Json<Body>,
    _: web::Data<String>,
    claims: Claims,
) -> HttpResponse {
    query.page += *id;
    HttpResponse::Ok().body(format!("{} {} {} {}", req.path(), body.name, query.page, claims.0))
}

fn main() {
    let _ = App::new().service(handler);
}

mod requests {
    use actix_web::{web, HttpRequest, HttpResponse};
    use token_required::token_required;

    /// The handler's own request, by full path and mutable: it is the
    /// request the guard checks.
    #[token_required]
    pub async fn full_path(mut req: actix_web::HttpRequest, body: web::Bytes) -> HttpResponse {
        req = req.clone();
        HttpResponse::Ok().body(format!("{} {}", req.path(), body.len()))
    }

    /// Two requests and a wildcard one: the first is reused, the others
    /// are extracted like any argument.
    #[token_required]
    pub async fn several(_: HttpRequest, first: HttpRequest, second: HttpRequest) -> String {
        format!("{} {}", first.path(), second.path())
    }
}

#[allow(dead_code)]
fn more() {
    let _ = App::new()
        .route("/full", web::post().to(requests::full_path))
        .route("/several", web::get().to(requests::several));
}
