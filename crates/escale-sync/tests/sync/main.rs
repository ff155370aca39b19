//! Integration tests of the laptop's sync transports, one module per area of `src/`.

mod live;
mod peer;
