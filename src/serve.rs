//! Serving the console on every core (server only).
//!
//! Leptos 0.8's `<Suspense>` can lose a wake-up when a resource completes on one worker
//! thread of a multi-threaded runtime while the boundary's effect runs on another, and the
//! server-rendered response then never completes (leptos#4851, #4673, #4698; we hit it
//! under load in our own tests). A request whose every task stays on one thread cannot
//! meet that race. So the console runs one single-threaded runtime per core: the calling
//! runtime accepts every connection and hands them out in turn, and each connection, with
//! every task its requests spawn, lives on the runtime it was handed to until it closes
//! (docs/performance.md, "Every core"). Handing out in turn, rather than letting every
//! runtime accept from the shared socket, spreads kept-alive connections evenly: a busy
//! runtime would otherwise lose every race to accept, and an idle one win them all.
//!
//! Each connection is served with hyper's HTTP/1 server directly, rather than through
//! `axum::serve`, so that the limits on slow and hostile clients ([`Limits`]) apply: a
//! header read timeout needs a timer that `axum::serve` does not give hyper.
//!
//! The calling runtime serves its share too, and keeps running: the database pools and
//! HTTP clients made at start-up registered their sockets with it, and their readiness is
//! only reported while it runs.

use crate::telemetry::{count, name};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::serve::{Listener, ListenerExt, TapIo};
use axum::Router;
use futures::FutureExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroUsize;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tower_http::timeout::RequestBodyTimeoutLayer;

/// Accepted connections waiting for their runtime; past this the acceptor waits too.
const QUEUE: usize = 256;

/// How many runtimes serve: one per core this process may run on (its CPU affinity
/// included, so `taskset -c 0` means one).
pub fn cores() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// The defaults of [`Limits`], which the settings show in `--help`.
pub mod default {
    /// Seconds a client has to send a request's headers; an idle kept-alive connection
    /// is closed after as long.
    pub const HEADER_TIMEOUT_SECS: u64 = 10;
    /// Seconds a request's body may pause between two pieces.
    pub const BODY_TIMEOUT_SECS: u64 = 30;
    /// Header fields a request may carry; browsers send about twenty.
    pub const MAX_HEADERS: usize = 64;
    /// Bytes of a request line and its headers together.
    pub const MAX_HEADER_BYTES: usize = 16 * 1024;
    /// Connections open at once, in all.
    pub const CONNECTIONS: usize = 1024;
    /// Connections open at once from one client address.
    pub const CONNECTIONS_PER_ADDRESS: usize = 64;
}

/// What one client may hold of the server (docs/reliability.md, "Slow and hostile
/// clients"): a client that sends its headers or its body too slowly is cut off, too
/// many or too large headers are answered 431, and past the connection limits a new
/// connection is closed as soon as it is accepted, so that a few clients cannot take
/// every connection the others need.
#[derive(Debug, Clone)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_headers: usize,
    pub max_header_bytes: usize,
    pub connections: usize,
    pub per_address: usize,
    /// Addresses the per-address limit spares: the trusted reverse proxies, through whose
    /// one address every client comes (they limit each client themselves).
    pub spared: Vec<IpAddr>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(default::HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(default::BODY_TIMEOUT_SECS),
            max_headers: default::MAX_HEADERS,
            max_header_bytes: default::MAX_HEADER_BYTES,
            connections: default::CONNECTIONS,
            per_address: default::CONNECTIONS_PER_ADDRESS,
            spared: Vec::new(),
        }
    }
}

/// Serves `router` on `listener` from `workers` single-threaded runtimes, the calling one
/// included, within `limits`, until `stop` completes; then the listener closes, every
/// runtime finishes the requests it has (graceful shutdown), and this returns when all
/// have.
pub async fn on_every_core(
    mut listener: TcpListener,
    router: Router,
    workers: NonZeroUsize,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let gate = Gate::new(&limits);
    let limits = Arc::new(limits);
    let (stopping, stopped) = watch::channel(false);
    let (queue, handed) = mpsc::channel(QUEUE);
    let mut queues = vec![queue];
    let here = tokio::spawn(serve(
        handed,
        router.clone(),
        limits.clone(),
        once_stopped(stopped.clone()),
    ));
    let mut threads = Vec::with_capacity(workers.get() - 1);
    for n in 1..workers.get() {
        let (queue, handed) = mpsc::channel(QUEUE);
        queues.push(queue);
        let router = router.clone();
        let limits = limits.clone();
        let stopped = stopped.clone();
        let thread = std::thread::Builder::new()
            .name(format!("serve-{n}"))
            .spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?
                    .block_on(serve(handed, router, limits, once_stopped(stopped)))
            })?;
        threads.push(thread);
    }

    let accept = async {
        let mut queues = queues.iter().cycle();
        loop {
            let (stream, peer) = Listener::accept(&mut listener).await;
            let admitted = match gate.admit(peer.ip()) {
                Ok(admitted) => admitted,
                Err(limit) => {
                    count(name::CONNECTIONS_REFUSED, limit);
                    tracing::debug!(%peer, limit, "connection refused");
                    continue;
                }
            };
            let queue = queues
                .next()
                .expect("a cycle of one or more queues never ends");
            match stream.into_std() {
                // Only fails once that runtime has ended, which it does only on stop.
                Ok(stream) => drop(
                    queue
                        .send(Handed {
                            stream,
                            peer,
                            admitted,
                        })
                        .await,
                ),
                Err(e) => tracing::warn!(error = %e, "cannot hand a connection over"),
            }
        }
    };
    tokio::select! {
        () = stop => {}
        () = accept => {}
    }
    drop(listener);
    // Nobody left to tell only if every runtime has already ended.
    let _ = stopping.send(true);

    let mut result = here
        .await
        .unwrap_or_else(|_| Err(std::io::Error::other("the serving task panicked")));
    for thread in threads {
        // Joined off this runtime: the others may still need its sockets while they finish.
        let joined = tokio::task::spawn_blocking(move || thread.join()).await;
        let outcome = match joined {
            Ok(Ok(outcome)) => outcome,
            _ => Err(std::io::Error::other("a serving thread panicked")),
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, "a serving runtime failed");
            result = result.and(Err(e));
        }
    }
    result
}

/// Counts open connections, in all and by client address.
struct Gate {
    open: Mutex<Open>,
    connections: usize,
    per_address: usize,
    spared: Vec<IpAddr>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

impl Gate {
    fn new(limits: &Limits) -> Arc<Self> {
        Arc::new(Self {
            open: Mutex::default(),
            connections: limits.connections,
            per_address: limits.per_address,
            spared: limits.spared.clone(),
        })
    }

    /// A connection from `ip` may be served; `Err` names the limit it met.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admitted, &'static str> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.total >= self.connections {
            return Err("total");
        }
        let from = open.by_address.entry(ip).or_default();
        if *from >= self.per_address && !self.spared.contains(&ip) {
            return Err("per_address");
        }
        *from += 1;
        open.total += 1;
        Ok(Admitted {
            gate: self.clone(),
            ip,
        })
    }
}

/// One admitted connection; its place is given back when it closes.
struct Admitted {
    gate: Arc<Gate>,
    ip: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.gate.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total -= 1;
        if let Some(from) = open.by_address.get_mut(&self.ip) {
            *from -= 1;
            if *from == 0 {
                open.by_address.remove(&self.ip);
            }
        }
    }
}

/// A connection on its way to the runtime that serves it.
struct Handed {
    stream: std::net::TcpStream,
    peer: SocketAddr,
    admitted: Admitted,
}

/// A listener whose connections send every write at once (`TCP_NODELAY`). A response
/// written in two pieces (headers, then the streamed body) must not wait for the client's
/// delayed ACK of the first piece (Nagle's algorithm), which on Linux costs 40 ms.
pub fn without_nagle<L: Listener<Io = TcpStream>>(listener: L) -> NoDelay<L> {
    listener.tap_io(set_nodelay)
}

/// What [`without_nagle`] makes.
pub type NoDelay<L> = TapIo<L, fn(&mut TcpStream)>;

fn set_nodelay(tcp: &mut TcpStream) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::warn!(error = %e, "cannot set TCP_NODELAY");
    }
}

/// One runtime's share: serve each connection it is handed, to its end, within
/// `limits`; once `stop` completes, finish the requests under way and return.
async fn serve(
    mut handed: mpsc::Receiver<Handed>,
    router: Router,
    limits: Arc<Limits>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router.layer(RequestBodyTimeoutLayer::new(limits.body_timeout));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_headers(limits.max_headers)
        .max_header_size(limits.max_header_bytes);
    // Each connection holds a receiver: all are gone when every connection has ended.
    let (ended, open) = watch::channel(());
    let (closing, closed) = watch::channel(false);
    let mut stop = pin!(stop);
    loop {
        let Handed {
            stream,
            peer,
            admitted,
        } = tokio::select! {
            () = &mut stop => break,
            next = handed.recv() => match next {
                Some(next) => next,
                // The acceptor has stopped: wait for `stop`, which comes with it.
                None => {
                    stop.as_mut().await;
                    break;
                }
            },
        };
        // Registers the connection with this runtime, which serves it to the end.
        let mut stream = match TcpStream::from_std(stream) {
            Ok(stream) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "cannot take a connection over");
                continue;
            }
        };
        set_nodelay(&mut stream);
        let router = router.clone();
        // The peer address feeds sign-in rate limits and the proxy mode's trust check.
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            // A router is always ready: `call` needs no `poll_ready` first.
            tower::Service::call(&mut router.clone(), request)
        });
        let connection = http
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let open = open.clone();
        let closing = once_stopped(closed.clone()).fuse();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let mut closing = pin!(closing);
            loop {
                tokio::select! {
                    served = connection.as_mut() => {
                        if let Err(e) = served {
                            tracing::trace!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    () = &mut closing => connection.as_mut().graceful_shutdown(),
                }
            }
            drop((admitted, open));
        });
    }
    let _ = closing.send(true);
    drop(open);
    ended.closed().await;
    Ok(())
}

async fn once_stopped(mut stopped: watch::Receiver<bool>) {
    // An error means the sender is gone, which only happens once serving is over.
    let _ = stopped.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(connections: usize, per_address: usize, spared: &[IpAddr]) -> Arc<Gate> {
        Gate::new(&Limits {
            connections,
            per_address,
            spared: spared.to_vec(),
            ..Limits::default()
        })
    }

    #[test]
    fn connections_are_limited_per_address_and_in_all_and_given_back_on_close() {
        let (a, b, proxy): (IpAddr, IpAddr, IpAddr) = (
            "192.0.2.1".parse().unwrap(),
            "192.0.2.2".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
        );
        let gate = gate(5, 2, &[proxy]);
        let first = gate.admit(a).unwrap();
        let _second = gate.admit(a).unwrap();
        assert_eq!(gate.admit(a).err(), Some("per_address"));
        let _other = gate.admit(b).unwrap();
        // The proxy carries every client: only the total applies to it.
        let _proxied = gate.admit(proxy).unwrap();
        let _more = gate.admit(proxy).unwrap();
        assert_eq!(gate.admit(proxy).err(), Some("total"));
        assert_eq!(gate.admit(b).err(), Some("total"));
        drop(first);
        assert!(
            gate.admit(a).is_ok(),
            "a closed connection's place is free again"
        );
        drop(_more);
        drop(_proxied);
        assert!(!gate.open.lock().unwrap().by_address.contains_key(&proxy));
    }
}
