//! Offline sync: the protocol shared by every transport (hub, LAN peers, USB
//! bundles) and the node-side operations that serve and apply it.

pub mod protocol;
