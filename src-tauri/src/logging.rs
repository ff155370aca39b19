//! The shell's logs: `tracing` events written to stderr, like the hub's.
//! The level is `ESCALE_LOG` (`error`, `warn`, `info`, `debug`, `trace`;
//! default `info`). Only `main` sets this up, once; library code and tests
//! just emit events (without a subscriber they are dropped).

use tracing::Level;

/// The variable that chooses the level.
pub const LEVEL_ENV: &str = "ESCALE_LOG";

/// Installs the subscriber (a second call keeps the first one).
pub fn init() {
    let level = std::env::var(LEVEL_ENV)
        .ok()
        .and_then(|v| level(&v))
        .unwrap_or(Level::INFO);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_ansi(ansi)
        .try_init();
}

/// `warn`, `WARN`, ` debug `… as a level; anything else is ignored.
fn level(text: &str) -> Option<Level> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_reads_as_people_type_it_and_nonsense_keeps_the_default() {
        assert_eq!(level("debug"), Some(Level::DEBUG));
        assert_eq!(level(" WARN\n"), Some(Level::WARN));
        assert_eq!(level("loud"), None);
    }
}
