//! Reading the bearer token out of the headers allocates nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use actix_web::http::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use token_required::BearerToken;

/// Counts the allocations made on the current thread while it is armed.
struct CountingAllocator;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARMED.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ARMED.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations(run: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    ARMED.with(|a| a.set(true));
    run();
    ARMED.with(|a| a.set(false));
    COUNT.with(Cell::get)
}

#[test]
fn parsing_the_authorization_header_does_not_allocate() {
    let token = format!("eyJhbGciOiJIUzI1NiJ9.{}.c2lnbmF0dXJl", "e".repeat(600));
    let values = [
        format!("Bearer {token}"),
        format!("  bearer\t{token}  "),
        "Basic dXNlcjpwYXNz".to_owned(),
        "Bearer".to_owned(),
        "Bearer a b".to_owned(),
        format!("Bearer {}", "a".repeat(9000)),
    ];
    let maps: Vec<HeaderMap> = values
        .iter()
        .map(|value| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            headers
        })
        .collect();
    let empty = HeaderMap::new();

    // The allocator does count: a String allocates.
    assert!(allocations(|| drop(std::hint::black_box(String::from("x")))) > 0);

    let mut outcomes = Vec::with_capacity(maps.len() + 1);
    let count = allocations(|| {
        for headers in maps.iter().chain([&empty]) {
            outcomes.push(BearerToken::from_headers(headers, 8192).is_ok());
        }
    });
    assert_eq!(count, 0);
    assert_eq!(outcomes, [true, true, false, false, false, false, false]);
}
