//! Every handler shape the attribute must keep working: return types,
//! `return` and `?`, extractors, route macros in either order, resources.

mod common;

use actix_web::{get, post, web, App, Either, HttpRequest, HttpResponse, Responder, ResponseError};
use actix_web::{http::StatusCode, test};
use common::{bearer, token, validator, Answer};
use serde::Deserialize;
use serde_json::json;
use token_required::{token_required, Claims};

#[get("/impl-responder")]
#[token_required]
async fn impl_responder() -> impl Responder {
    "impl responder"
}

#[get("/http-response")]
#[token_required]
async fn http_response() -> HttpResponse {
    HttpResponse::Ok().body("http response")
}

#[derive(Debug)]
struct Teapot;

impl std::fmt::Display for Teapot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("short and stout")
    }
}

impl ResponseError for Teapot {
    fn status_code(&self) -> StatusCode {
        StatusCode::IM_A_TEAPOT
    }
}

#[derive(Deserialize)]
struct Brew {
    tea: bool,
}

#[get("/result")]
#[token_required]
async fn result(query: web::Query<Brew>) -> Result<HttpResponse, Teapot> {
    if query.tea {
        Ok(HttpResponse::Ok().body("tea"))
    } else {
        Err(Teapot)
    }
}

#[get("/early-return/{n}")]
#[token_required]
async fn early_return(n: web::Path<u32>) -> String {
    if *n == 0 {
        return "zero".to_owned();
    }
    format!("n = {n}")
}

#[get("/question-mark/{text}")]
#[token_required]
async fn question_mark(text: web::Path<String>) -> actix_web::Result<String> {
    let number: u32 = text.parse().map_err(actix_web::error::ErrorBadRequest)?;
    Ok(format!("parsed {number}"))
}

#[get("/either")]
#[token_required]
async fn either() -> Either<HttpResponse, &'static str> {
    Either::Right("either")
}

#[get("/request")]
#[token_required]
async fn own_request(req: HttpRequest) -> String {
    format!("path {}", req.path())
}

struct Greeting(&'static str);

#[derive(Deserialize)]
struct Item {
    name: String,
}

#[derive(Deserialize)]
struct Page {
    page: u32,
}

#[derive(Deserialize)]
struct Subject {
    sub: String,
}

#[post("/many/{id}")]
#[token_required]
async fn many_extractors(
    greeting: web::Data<Greeting>,
    id: web::Path<u32>,
    mut page: web::Query<Page>,
    req: HttpRequest,
    _unused: web::Data<Greeting>,
    claims: Claims<Subject>,
    item: web::Json<Item>,
) -> impl Responder {
    page.page += 1;
    format!(
        "{} {} #{} page {} via {} {}",
        greeting.0,
        item.name,
        id,
        page.page,
        req.method(),
        claims.sub
    )
}

#[token_required]
#[get("/attribute-above")]
async fn attribute_above() -> HttpResponse {
    HttpResponse::Ok().body("attribute above")
}

#[token_required]
async fn plain_handler(req: HttpRequest) -> HttpResponse {
    HttpResponse::Ok().body(format!("resource {}", req.path()))
}

struct Api;

impl Api {
    #[token_required(groups = ["admin"])]
    async fn associated() -> &'static str {
        "associated"
    }
}

mod visible {
    use super::*;

    /// A documented public handler: its docs and visibility survive the
    /// attribute (this module's caller below could not name it otherwise).
    #[token_required]
    #[allow(clippy::unused_async)]
    pub async fn documented() -> &'static str {
        "visible"
    }
}

#[actix_web::test]
async fn every_shape_answers_as_written_with_a_valid_token() {
    let app = test::init_service(
        App::new()
            .app_data(validator())
            .app_data(web::Data::new(Greeting("hello")))
            .service(impl_responder)
            .service(http_response)
            .service(result)
            .service(early_return)
            .service(question_mark)
            .service(either)
            .service(own_request)
            .service(many_extractors)
            .service(attribute_above)
            .service(web::resource("/resource-route").route(web::get().to(plain_handler)))
            .service(web::resource("/resource-to").to(plain_handler))
            .route("/associated", web::get().to(Api::associated))
            .route("/visible", web::get().to(visible::documented)),
    )
    .await;

    let admin = token(json!({ "cognito:groups": ["admin"] }));
    let cases: &[(&str, &str, u16, &str)] = &[
        ("GET", "/impl-responder", 200, "impl responder"),
        ("GET", "/http-response", 200, "http response"),
        ("GET", "/result?tea=true", 200, "tea"),
        ("GET", "/result?tea=false", 418, "short and stout"),
        ("GET", "/early-return/0", 200, "zero"),
        ("GET", "/early-return/7", 200, "n = 7"),
        ("GET", "/question-mark/42", 200, "parsed 42"),
        (
            "GET",
            "/question-mark/x",
            400,
            "invalid digit found in string",
        ),
        ("GET", "/either", 200, "either"),
        ("GET", "/request", 200, "path /request"),
        (
            "POST",
            "/many/9?page=1",
            200,
            "hello Ana #9 page 2 via POST user-1",
        ),
        ("GET", "/attribute-above", 200, "attribute above"),
        ("GET", "/resource-route", 200, "resource /resource-route"),
        ("GET", "/resource-to", 200, "resource /resource-to"),
        ("GET", "/associated", 200, "associated"),
        ("GET", "/visible", 200, "visible"),
    ];

    for &(method, uri, status, body) in cases {
        let request = test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(uri)
            .insert_header(bearer(&admin))
            .set_json(json!({ "name": "Ana" }))
            .to_request();
        let answer = Answer::read(test::call_service(&app, request).await).await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{method} {uri}: {}",
            answer.body
        );
        assert_eq!(answer.body, body, "{method} {uri}");

        let anonymous = test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(uri)
            .set_json(json!({ "name": "Ana" }))
            .to_request();
        let answer = Answer::read(test::call_service(&app, anonymous).await).await;
        answer.assert_rejected(401, Some(r#"Bearer realm="api""#));
    }
}
