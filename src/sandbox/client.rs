//! The inner side of the socket: `tkx exec` inside the sandbox hands its stdin, stdout
//! and stderr and the command to the `tkx agent run` outside, relays the signals a
//! process sends it, and returns the outer's answer.

use super::protocol::{self, Message, Request};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::Path;

/// Asks the outer tkx listening on `socket` to run `req`; returns its answer
/// ([`Message::Exit`] or [`Message::Refused`]).
pub fn exec(socket: &Path, req: &Request) -> std::io::Result<Message> {
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    let conn = UnixStream::connect(socket)?;
    // Registered before the command starts, so none is lost; a terminal's signals reach
    // the command directly and are not relayed.
    let mut signals = SignalsInfo::<WithOrigin>::new(super::launch::FORWARDED)?;
    let (stdin, stdout, stderr) = (std::io::stdin(), std::io::stdout(), std::io::stderr());
    protocol::send_request(&conn, req, &[stdin.as_fd(), stdout.as_fd(), stderr.as_fd()])?;
    let handle = signals.handle();
    let relay = {
        let mut w = conn.try_clone()?;
        std::thread::spawn(move || {
            for origin in signals.forever() {
                if origin.process.is_some() || origin.signal == signal_hook::consts::signal::SIGWINCH {
                    let _ = protocol::write_message(&mut w, &Message::Signal(origin.signal));
                }
            }
        })
    };
    let mut r = &conn;
    let answer = protocol::read_frame(&mut r)?;
    handle.close();
    let _ = relay.join();
    match answer {
        Some(payload) => Message::decode(&payload),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the tkx agent run outside the sandbox ended before the command did",
        )),
    }
}
