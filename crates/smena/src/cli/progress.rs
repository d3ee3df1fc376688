//! Progress bars for long runs, drawn only when standard error is a
//! terminal (indicatif hides them otherwise, so logs and pipes stay clean).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar counting up to `len` (bytes or rows).
    pub fn new(stage: &str, len: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {percent:>3}%  {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(stage.to_string());
        Progress { bar }
    }

    /// A stage whose length is unknown.
    pub fn stage(stage: &str) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg:>10} {spinner} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(stage.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress { bar }
    }

    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
