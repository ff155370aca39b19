//! A bad link between two machines, for sync tests: a TCP proxy that
//! forwards to one address and, on each connection and in each direction,
//! cuts after a random number of bytes (exponential, of a given mean),
//! delays every chunk and may throttle — like a phone hotspot or a crowded
//! venue's Wi-Fi. Deterministic by seed: the n-th connection draws the same
//! budgets every run. A cut closes both directions at once (the other side
//! sees its connection reset or closed mid-transfer).
//!
//! It can also drop the answer to the first request whose text contains a
//! marker, after the server has handled it in full (a lost enrolment
//! answer): [`BadLink::lose_answer_to`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the link misbehaves.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// Mean bytes carried in one direction of a connection before it is
    /// cut (exponential); `None`: never cut.
    pub mean_drop_bytes: Option<u64>,
    /// Added before each chunk is forwarded.
    pub delay: Duration,
    /// Bytes per second in each direction; `None`: as fast as it goes.
    pub rate: Option<u64>,
    pub seed: u64,
}

impl Faults {
    /// Cut after `mean` bytes on average, 1 ms per chunk.
    pub fn drops(mean: u64, seed: u64) -> Faults {
        Faults {
            mean_drop_bytes: Some(mean),
            delay: Duration::from_millis(1),
            rate: None,
            seed,
        }
    }

    /// A clean link (still through the proxy, for the same byte counts).
    pub fn clean() -> Faults {
        Faults {
            mean_drop_bytes: None,
            delay: Duration::ZERO,
            rate: None,
            seed: 0,
        }
    }
}

/// What crossed the link.
#[derive(Debug, Default)]
pub struct Counters {
    pub connections: AtomicU64,
    pub cuts: AtomicU64,
    /// Client → server.
    pub up_bytes: AtomicU64,
    /// Server → client.
    pub down_bytes: AtomicU64,
}

impl Counters {
    pub fn bytes(&self) -> u64 {
        self.up_bytes.load(Ordering::SeqCst) + self.down_bytes.load(Ordering::SeqCst)
    }
}

/// The proxy, running until dropped.
pub struct BadLink {
    addr: SocketAddr,
    pub counters: Arc<Counters>,
    lose: Arc<Mutex<Option<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl BadLink {
    /// Listens on 127.0.0.1 and forwards each connection to `upstream`.
    pub async fn start(upstream: SocketAddr, faults: Faults) -> BadLink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("bound");
        let counters = Arc::new(Counters::default());
        let lose = Arc::new(Mutex::new(None::<String>));
        let (c, l) = (counters.clone(), lose.clone());
        let task = tokio::spawn(async move {
            let mut n = 0u64;
            while let Ok((client, _)) = listener.accept().await {
                n += 1;
                let (c, l) = (c.clone(), l.clone());
                c.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, faults, n, c, l).await;
                    }
                });
            }
        });
        BadLink {
            addr,
            counters,
            lose,
            task,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://` and the proxy's address.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next request whose text contains `marker` (e.g. `/v1/enroll`)
    /// reaches the server whole, and its answer is dropped: the connection
    /// closes as soon as the server's first bytes come back.
    pub fn lose_answer_to(&self, marker: &str) {
        *self.lose.lock().expect("not poisoned") = Some(marker.to_string());
    }
}

impl Drop for BadLink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same cuts, with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Exponential of mean `mean`, at least 1.
    fn exponential(&mut self, mean: u64) -> u64 {
        let u = ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        ((-u.ln()) * mean as f64).max(1.0) as u64
    }
}

async fn relay(
    client: TcpStream,
    server: TcpStream,
    faults: Faults,
    n: u64,
    counters: Arc<Counters>,
    lose: Arc<Mutex<Option<String>>>,
) {
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let mut rng = Rng(faults.seed ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
    let budget = |rng: &mut Rng| faults.mean_drop_bytes.map(|m| rng.exponential(m));
    let (up_budget, down_budget) = (budget(&mut rng), budget(&mut rng));
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    // Set by the upward pump when it forwarded the marked request: the
    // downward pump then drops the answer.
    let losing = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let up = pump(
        cr,
        sw,
        up_budget,
        faults,
        Direction::Up(lose, losing.clone()),
        counters.clone(),
    );
    let down = pump(
        sr,
        cw,
        down_budget,
        faults,
        Direction::Down(losing),
        counters.clone(),
    );
    // A cut in either direction ends the connection at once; a side that
    // closes lets the other direction finish.
    tokio::pin!(up, down);
    let cut = tokio::select! {
        cut = &mut up => cut || down.await,
        cut = &mut down => cut || up.await,
    };
    if cut {
        counters.cuts.fetch_add(1, Ordering::SeqCst);
    }
}

enum Direction {
    Up(
        Arc<Mutex<Option<String>>>,
        Arc<std::sync::atomic::AtomicBool>,
    ),
    Down(Arc<std::sync::atomic::AtomicBool>),
}

/// Forwards until the source closes (false) or the budget is spent (true).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut budget: Option<u64>,
    faults: Faults,
    direction: Direction,
    counters: Arc<Counters>,
) -> bool {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let got = match from.read(&mut buf).await {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return false;
            }
            Ok(n) => n,
        };
        let mut chunk = &buf[..got];
        match &direction {
            Direction::Up(lose, losing) => {
                let mut marker = lose.lock().expect("not poisoned");
                if let Some(m) = marker.as_deref() {
                    if String::from_utf8_lossy(chunk).contains(m) {
                        losing.store(true, Ordering::SeqCst);
                        *marker = None;
                    }
                }
            }
            Direction::Down(losing) => {
                if losing.load(Ordering::SeqCst) {
                    // The server answered: the answer never arrives.
                    return true;
                }
            }
        }
        let mut cut = false;
        if let Some(left) = budget.as_mut() {
            if (chunk.len() as u64) >= *left {
                chunk = &chunk[..*left as usize];
                cut = true;
            }
            *left -= chunk.len() as u64;
        }
        if !faults.delay.is_zero() {
            tokio::time::sleep(faults.delay).await;
        }
        if let Some(rate) = faults.rate {
            tokio::time::sleep(Duration::from_secs_f64(chunk.len() as f64 / rate as f64)).await;
        }
        if to.write_all(chunk).await.is_err() {
            return false;
        }
        let counter = match direction {
            Direction::Up(..) => &counters.up_bytes,
            Direction::Down(_) => &counters.down_bytes,
        };
        counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        if cut {
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_are_exponential_of_the_mean_and_repeat_with_the_seed() {
        let draw = |seed| {
            let mut r = Rng(seed);
            (0..20_000)
                .map(|_| r.exponential(20_000))
                .collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7), "deterministic by seed");
        assert_ne!(a, draw(8));
        let mean = a.iter().sum::<u64>() as f64 / a.len() as f64;
        assert!((mean - 20_000.0).abs() < 600.0, "mean {mean}");
    }

    #[tokio::test]
    async fn a_link_cut_after_a_few_bytes_delivers_no_more_than_that() {
        let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let up_addr = upstream.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = upstream.accept().await.unwrap();
            let _ = s.write_all(&vec![7u8; 1 << 20]).await;
        });
        let link = BadLink::start(up_addr, Faults::drops(10_000, 1)).await;
        let mut c = TcpStream::connect(link.addr()).await.unwrap();
        let mut got = vec![];
        let _ = c.read_to_end(&mut got).await;
        assert!(
            got.len() < 1 << 20,
            "cut before the megabyte: {}",
            got.len()
        );
        assert_eq!(
            link.counters.down_bytes.load(Ordering::SeqCst),
            got.len() as u64
        );
    }
}
