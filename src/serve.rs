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
//! The calling runtime serves its share too, and keeps running: the database pools and
//! HTTP clients made at start-up registered their sockets with it, and their readiness is
//! only reported while it runs.

use axum::serve::{Listener, ListenerExt, TapIo};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// Accepted connections waiting for their runtime; past this the acceptor waits too.
const QUEUE: usize = 256;

/// How many runtimes serve: one per core this process may run on (its CPU affinity
/// included, so `taskset -c 0` means one).
pub fn cores() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// Serves `router` on `listener` from `workers` single-threaded runtimes, the calling one
/// included, until `stop` completes; then the listener closes, every runtime finishes the
/// requests it has (graceful shutdown), and this returns when all have.
pub async fn on_every_core(
    mut listener: TcpListener,
    router: Router,
    workers: NonZeroUsize,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let local = listener.local_addr()?;
    let (stopping, stopped) = watch::channel(false);
    let (queue, handed) = mpsc::channel(QUEUE);
    let mut queues = vec![queue];
    let here = tokio::spawn(serve(
        Handoff { handed, local },
        router.clone(),
        once_stopped(stopped.clone()),
    ));
    let mut threads = Vec::with_capacity(workers.get() - 1);
    for n in 1..workers.get() {
        let (queue, handed) = mpsc::channel(QUEUE);
        queues.push(queue);
        let router = router.clone();
        let stopped = stopped.clone();
        let thread = std::thread::Builder::new()
            .name(format!("serve-{n}"))
            .spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?
                    .block_on(serve(
                        Handoff { handed, local },
                        router,
                        once_stopped(stopped),
                    ))
            })?;
        threads.push(thread);
    }

    let accept = async {
        for queue in queues.iter().cycle() {
            let (stream, peer) = Listener::accept(&mut listener).await;
            match stream.into_std() {
                // Only fails once that runtime has ended, which it does only on stop.
                Ok(stream) => drop(queue.send((stream, peer)).await),
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

/// The connections one runtime is handed, as a listener for `axum::serve`.
struct Handoff {
    handed: mpsc::Receiver<(std::net::TcpStream, SocketAddr)>,
    local: SocketAddr,
}

impl Listener for Handoff {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.handed.recv().await {
                // Registers the connection with this runtime, which serves it to the end.
                Some((stream, peer)) => match TcpStream::from_std(stream) {
                    Ok(stream) => return (stream, peer),
                    Err(e) => tracing::warn!(error = %e, "cannot take a connection over"),
                },
                // The acceptor has stopped: no more connections, and graceful shutdown
                // ends the serving.
                None => std::future::pending().await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
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

/// One runtime's share: serve what it is handed, and stop once `stop` completes.
async fn serve(
    handoff: Handoff,
    router: Router,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address feeds sign-in rate limits and the proxy mode's trust check.
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(without_nagle(handoff), service)
        .with_graceful_shutdown(stop)
        .await
}

async fn once_stopped(mut stopped: watch::Receiver<bool>) {
    // An error means the sender is gone, which only happens once serving is over.
    let _ = stopped.wait_for(|stop| *stop).await;
}
