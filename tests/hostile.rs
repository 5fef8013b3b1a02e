//! Slow and hostile clients against the real binary (docs/reliability.md, "Slow and
//! hostile clients"): hundreds of connections that send their headers a byte at a time,
//! and a flood of requests with too many or too large headers, while a signed-in user
//! loads a page.

mod common;

use common::running::Running;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const PASSWORD: &str = "correct horse battery";
/// Slow connections opened, from [`ADDRESSES`] client addresses in turn.
const SLOW: usize = 500;
const ADDRESSES: u8 = 10;
const PER_ADDRESS: usize = 40;
const HEADER_TIMEOUT: Duration = Duration::from_secs(3);
const BODY_TIMEOUT: Duration = Duration::from_secs(2);

/// A connection from the loopback address `127.0.0.{host}`: Linux answers on all of
/// 127/8, so each stands for another client.
async fn connect_from(host: u8, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, host)),
        0,
    ))?;
    socket.connect(to).await
}

/// Reads until the server closes the connection; what it sent, or `None` if it was
/// still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&answer).into_owned())
}

/// The status line's code of a raw answer.
fn status(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_hostile_clients_do_not_keep_a_signed_in_user_out() {
    let data = tempfile::tempdir().unwrap();
    common::add_admin(data.path(), &[], "ana", PASSWORD);
    let header_timeout = HEADER_TIMEOUT.as_secs().to_string();
    let body_timeout = BODY_TIMEOUT.as_secs().to_string();
    let per_address = PER_ADDRESS.to_string();
    let mut console = Running::start_in(
        data,
        &[("PROFILES_AUTH", "local")],
        &[
            "--listen",
            "127.0.0.1:0",
            "--header-timeout",
            &header_timeout,
            "--body-timeout",
            &body_timeout,
            "--max-connections-per-address",
            &per_address,
        ],
    );
    let address: SocketAddr = console.address().parse().unwrap();
    let base = format!("http://{address}");
    let http = common::no_redirects();
    let cookie = common::sign_in(&http, &base, "ana", PASSWORD).await;
    let page = format!("{base}/profiles");
    // Once before the attack: the first page fills the emulator's and the index's caches.
    assert_eq!(
        common::get_signed_in(&http, &page, &cookie).await.status(),
        200
    );

    // The slow clients: each sends the start of a request, then nothing more. Each
    // reports how long after it opened the server closed it.
    let mut slow = Vec::new();
    for n in 0..SLOW {
        let host = 2 + (n % usize::from(ADDRESSES)) as u8;
        let mut stream = connect_from(host, address).await.unwrap();
        let opened = Instant::now();
        let _ = stream
            .write_all(b"GET /profiles HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await;
        slow.push(tokio::spawn(async move {
            closed_within(&mut stream, HEADER_TIMEOUT * 4)
                .await
                .map(|_| opened.elapsed())
        }));
    }

    // The flood: too many header fields, and headers too large, from one more address.
    let mut floods = Vec::new();
    for n in 0..50u8 {
        floods.push(tokio::spawn(async move {
            let mut stream = connect_from(20 + n % 5, address).await.unwrap();
            let too_many = n % 2 == 0;
            let request = if too_many {
                let many: String = (0..200).map(|i| format!("X-Flood-{i}: {i}\r\n")).collect();
                format!("GET /profiles HTTP/1.1\r\nHost: x\r\n{many}\r\n")
            } else {
                let large = "a".repeat(17 * 1024);
                format!("GET /profiles HTTP/1.1\r\nHost: x\r\nX-Flood: {large}\r\n\r\n")
            };
            let _ = stream.write_all(request.as_bytes()).await;
            (
                too_many,
                closed_within(&mut stream, Duration::from_secs(10)).await,
            )
        }));
    }

    // Meanwhile the signed-in user's page loads, each time within a second.
    for _ in 0..5 {
        let asked = Instant::now();
        let reply = common::get_signed_in(&http, &page, &cookie).await;
        let took = asked.elapsed();
        assert_eq!(reply.status(), 200);
        assert!(
            reply.text().await.unwrap().contains("Profiles"),
            "the page itself"
        );
        assert!(took < Duration::from_secs(1), "the page took {took:?}");
    }

    for flood in floods {
        let (too_many, answer) = flood.await.unwrap();
        let answer = answer.expect("a flooding connection is closed");
        // Headers too large are refused before they are all read, and the client, still
        // sending, may see the connection reset before it reads the answer.
        if too_many || !answer.is_empty() {
            assert_eq!(status(&answer), "431", "{answer:.80}");
        }
    }

    // Past the per-address limit a connection is closed as soon as it is accepted; the
    // others are cut off once the header timeout has passed, not before.
    let mut refused = 0;
    let mut cut = 0;
    for closed in slow {
        let after = closed
            .await
            .unwrap()
            .expect("every slow connection is closed");
        if after < HEADER_TIMEOUT / 2 {
            refused += 1;
        } else {
            assert!(
                after >= HEADER_TIMEOUT - Duration::from_millis(100),
                "{after:?}"
            );
            cut += 1;
        }
    }
    let admitted = usize::from(ADDRESSES) * PER_ADDRESS;
    assert_eq!(cut, admitted, "{PER_ADDRESS} per address are served");
    assert_eq!(refused, SLOW - admitted, "the others are refused at once");

    // A body that stops half-way fails once the body timeout has passed.
    let mut stream = connect_from(30, address).await.unwrap();
    stream
        .write_all(
            b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=ana",
        )
        .await
        .unwrap();
    let asked = Instant::now();
    let answer = closed_within(&mut stream, BODY_TIMEOUT * 4).await;
    assert!(answer.is_some(), "a stalled body is not waited for forever");
    assert!(asked.elapsed() >= BODY_TIMEOUT - Duration::from_millis(100));

    // And the console serves on as before.
    assert_eq!(
        common::get_signed_in(&http, &page, &cookie).await.status(),
        200
    );
    console.stop_without_panic();
}
