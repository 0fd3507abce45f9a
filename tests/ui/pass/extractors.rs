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
