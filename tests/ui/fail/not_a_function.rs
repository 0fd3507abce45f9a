use actix_web::HttpResponse;
use token_required::token_required;

#[token_required]
struct Handler;

fn _use(_: Handler, _: HttpResponse) {}
fn main() {}
