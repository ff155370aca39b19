//! The hub's integration tests, one binary, modules mirroring `src`:
//! the API through `oneshot` on both backends (`api`, `auth`, `enroll`,
//! `erasure`), the op decoder under random input (`props`), the OpenAPI
//! document against the router (`openapi`), and real sockets (`load`,
//! `tls`).

mod support;

mod api;
mod auth;
mod enroll;
mod erasure;
mod load;
mod migrate;
mod openapi;
mod props;
mod tls;
mod verify;
