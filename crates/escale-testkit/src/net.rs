//! What network tests need of the machine.

/// Makes sure mDNS can run on the loopback interface (its MULTICAST flag,
/// which root may set): the tests keep multicast on `lo`
/// (`ESCALE_MDNS_INTERFACE=lo`) so that no packet leaves the machine.
/// `false` (with a loud note naming `test`) when it cannot be had outside
/// CI; on CI (`CI=true`) that is a failure.
pub fn loopback_multicast(test: &str) -> bool {
    let has = || {
        std::process::Command::new("ip")
            .args(["link", "show", "lo"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("MULTICAST"))
            .unwrap_or(false)
    };
    if !has() {
        let _ = std::process::Command::new("ip")
            .args(["link", "set", "lo", "multicast", "on"])
            .status();
    }
    if has() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: the loopback interface has no MULTICAST flag and `ip link set lo multicast on` failed (run as root)"
    );
    eprintln!("\n*** NOTE: {test} NOT run: lo has no MULTICAST flag (as root: ip link set lo multicast on) ***\n");
    false
}
