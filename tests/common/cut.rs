//! A TCP relay that can be cut: it stands between the console and its database, so a
//! test can take the database away (every connection dropped, new ones refused, as when
//! the server is down) and give it back without touching the database itself.

use std::net::SocketAddr;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;

pub struct Relay {
    pub addr: SocketAddr,
    up: watch::Sender<bool>,
}

impl Relay {
    /// Relays to `target`; while down nothing listens on its port.
    pub async fn start(target: SocketAddr, up: bool) -> Self {
        let addr = {
            let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            probe.local_addr().unwrap()
        };
        let (state, _) = watch::channel(up);
        let mut changes = state.subscribe();
        let cuts = state.subscribe();
        tokio::spawn(async move {
            loop {
                if changes.wait_for(|up| *up).await.is_err() {
                    return;
                }
                let socket = TcpSocket::new_v4().unwrap();
                socket.set_reuseaddr(true).unwrap();
                socket.bind(addr).unwrap();
                let listener = socket.listen(64).unwrap();
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((mut client, _)) = accepted else { continue };
                            let mut cut = cuts.clone();
                            tokio::spawn(async move {
                                let Ok(mut server) = TcpStream::connect(target).await else {
                                    return;
                                };
                                tokio::select! {
                                    _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                    _ = cut.wait_for(|up| !*up) => {}
                                }
                            });
                        }
                        down = changes.wait_for(|up| !*up) => {
                            if down.is_err() {
                                return;
                            }
                            break;
                        }
                    }
                }
            }
        });
        Self { addr, up: state }
    }

    /// A relay before the database at `url`, and the URL that reaches it through the
    /// relay.
    pub async fn before(url: &reqwest::Url, up: bool) -> (Self, reqwest::Url) {
        let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let relay = Self::start(target.parse().unwrap(), up).await;
        let mut relayed = url.clone();
        relayed.set_port(Some(relay.addr.port())).unwrap();
        (relay, relayed)
    }

    /// Connections go through again.
    pub fn up(&self) {
        self.up.send_replace(true);
    }

    /// Every connection through it is dropped, and new ones are refused.
    pub fn down(&self) {
        self.up.send_replace(false);
    }
}
