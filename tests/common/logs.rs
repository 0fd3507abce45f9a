//! A tracing subscriber that records every event and span as text.

use std::fmt::{Debug, Write as _};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// One recorded event or span: its level, target and every field as text.
#[derive(Debug, Clone)]
pub struct Line {
    pub level: Level,
    pub target: String,
    pub text: String,
}

#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Line>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Recorder {
    fn push(&self, metadata: &Metadata<'_>, text: String) {
        self.0.lock().unwrap().push(Line {
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            text,
        });
    }

    pub fn take(&self) -> Vec<Line> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        self.push(span.metadata(), fields.0);
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.0.lock().unwrap().push(Line {
            level: Level::TRACE,
            target: String::new(),
            text: fields.0,
        });
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.push(event.metadata(), fields.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl Recorder {
    /// Takes the lines of this crate's events at `level`.
    pub fn ours_at(&self, level: Level) -> Vec<Line> {
        self.take()
            .into_iter()
            .filter(|l| l.level == level && l.target.starts_with("token_required"))
            .collect()
    }
}
