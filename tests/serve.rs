//! The console served as `main` serves it: one single-threaded runtime per core on a
//! shared listener (`profiles_admin::serve`), over real loopback HTTP.

mod common;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use common::{on_shared_runtime, TestEmulator};
use futures::StreamExt;
use profiles_admin::serve::{on_every_core, Limits};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Serves `router` on a loopback port from `workers` runtimes until the sender is used or
/// dropped; returns the address and the task that ends when serving does.
async fn start(
    router: Router,
    workers: usize,
) -> (
    SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = tokio::spawn(on_every_core(
        listener,
        router,
        NonZeroUsize::new(workers).unwrap(),
        Limits::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    (addr, stop, serving)
}

/// Keeps every core busy until dropped, so that the runtimes serving requests are
/// preempted at random points, as on a loaded machine.
struct CpuLoad {
    running: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl CpuLoad {
    fn start() -> Self {
        let running = Arc::new(AtomicBool::new(true));
        let threads = (0..profiles_admin::serve::cores().get())
            .map(|_| {
                let running = running.clone();
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while running.load(Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Self { running, threads }
    }
}

impl Drop for CpuLoad {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Thousands of server-rendered pages, 64 at a time, on two runtimes while every core is
/// also busy elsewhere: both runtimes serve, and every page is answered in full. A lost Suspense wake-up (the reason
/// for one single-threaded runtime per core) shows as a request that never completes,
/// which the client's timeout turns into a failure here.
#[test]
fn concurrent_server_rendering_on_every_core_never_stalls() {
    on_shared_runtime(async {
        const REQUESTS: usize = 2_000;
        const CONCURRENCY: usize = 64;
        let emulator = TestEmulator::start().await;
        let data = common::TestDatabase::sqlite().await;
        let router = common::open_console_router(emulator.client(), &data.db).await;
        // Which threads answered: both runtimes must take their share.
        let threads = Arc::new(Mutex::new(HashSet::new()));
        let router = router.layer(axum::middleware::from_fn({
            let threads = threads.clone();
            move |request, next: axum::middleware::Next| {
                threads.lock().unwrap().insert(std::thread::current().id());
                next.run(request)
            }
        }));
        let (addr, stop, serving) = start(router, 2).await;
        let ids: Vec<String> = emulator
            .api(reqwest::Method::GET, "/v1/user_profiles?limit=20")
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(CONCURRENCY)
            .build()
            .unwrap();

        let load = CpuLoad::start();
        let started = Instant::now();
        let pages = futures::stream::iter(0..REQUESTS)
            .map(|n| {
                let client = client.clone();
                // Lists, and the detail pages that render several boundaries.
                let path = if n % 2 == 0 {
                    "/profiles".to_owned()
                } else {
                    format!("/profiles/{}", ids[n % ids.len()])
                };
                async move {
                    let response = client
                        .get(format!("http://{addr}{path}"))
                        .send()
                        .await
                        .map_err(|e| format!("{path}: {e}"))?;
                    let status = response.status();
                    let body = response.text().await.map_err(|e| format!("{path}: {e}"))?;
                    if status.is_success() && body.contains("</main>") {
                        Ok(())
                    } else {
                        Err(format!(
                            "{path}: {status}, {} bytes, ending {:?}",
                            body.len(),
                            &body[body.len().saturating_sub(80)..]
                        ))
                    }
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<Result<(), String>>>()
            .await;
        drop(load);
        let failures: Vec<_> = pages.into_iter().filter_map(Result::err).collect();
        assert!(
            failures.is_empty(),
            "{} of {REQUESTS} pages failed, first: {:?}",
            failures.len(),
            failures.first()
        );
        eprintln!("{REQUESTS} pages in {:?}", started.elapsed());
        assert_eq!(threads.lock().unwrap().len(), 2, "both runtimes served");

        stop.send(()).unwrap();
        serving.await.unwrap().unwrap();
    });
}

/// Site files served beside a page never take the page's response headers. leptos_axum's
/// file handler answers a file under a child of whatever reactive owner its thread has
/// current, and moves that owner's pending response headers onto the file: a page being
/// rendered on the same runtime lost its Content-Security-Policy to a WASM chunk about
/// once in three loads in Chromium. The console serves its files itself.
#[test]
fn pages_keep_their_headers_while_files_are_served_beside_them() {
    on_shared_runtime(async {
        const FILES: usize = 30;
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        for n in 0..FILES {
            let chunk = site.path().join(format!("pkg/chunk_{n}.wasm"));
            std::fs::write(chunk, vec![0u8; 4096]).unwrap();
        }
        let emulator = TestEmulator::start().await;
        let data = common::TestDatabase::sqlite().await;
        let router = common::console_router_at(
            site.path().to_str().unwrap(),
            emulator.client(),
            profiles_admin::auth::gate::Auth::open(true),
            profiles_admin::hardening::Deployment::default(),
            &data.db,
        )
        .await;
        let (addr, stop, serving) = start(router, 1).await;
        let client = reqwest::Client::new();
        let policy = axum::http::header::CONTENT_SECURITY_POLICY;
        for round in 0..20 {
            let files = (0..FILES).map(|n| {
                client
                    .get(format!("http://{addr}/pkg/chunk_{n}.wasm"))
                    .send()
            });
            let page = client.get(format!("http://{addr}/profiles")).send();
            let (page, files) = tokio::join!(page, futures::future::join_all(files));
            for file in files {
                let file = file.unwrap();
                assert_eq!(file.status(), 200);
                assert!(
                    !file.headers().contains_key(&policy),
                    "round {round}: a file took a page's policy"
                );
            }
            let page = page.unwrap();
            assert!(
                page.headers().contains_key(&policy),
                "round {round}: a page without its policy"
            );
        }
        stop.send(()).unwrap();
        serving.await.unwrap().unwrap();
    });
}

/// A response whose body is written in two pieces arrives without waiting for the
/// client's delayed ACK of the first (TCP_NODELAY on accepted connections). With Nagle's
/// algorithm each such response on a kept-alive connection waits ~40 ms on Linux, so 50 of
/// them would take two seconds.
#[test]
fn responses_written_in_pieces_are_not_held_back() {
    on_shared_runtime(async {
        let router = Router::new().route(
            "/pieces",
            get(|| async {
                let pieces = futures::stream::iter(["first piece ", "second piece"]).then(
                    |piece| async move {
                        tokio::task::yield_now().await;
                        Ok::<_, std::io::Error>(piece)
                    },
                );
                Body::from_stream(pieces)
            }),
        );
        let (addr, stop, serving) = start(router, 1).await;
        let client = reqwest::Client::new();
        let started = Instant::now();
        for _ in 0..50 {
            let body = client
                .get(format!("http://{addr}/pieces"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert_eq!(body, "first piece second piece");
        }
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "50 answers took {took:?}");
        stop.send(()).unwrap();
        serving.await.unwrap().unwrap();
    });
}
