//! What a `tkx exec` inside the sandbox and the `tkx agent run` outside say to each
//! other over the unix socket.
//!
//! Every message is a frame: a 4-byte little-endian length, then that many bytes, the
//! first of which is the message's kind. The inner tkx sends one [`Request`] (`R`),
//! with its stdin, stdout and stderr attached as `SCM_RIGHTS` to the frame's first
//! byte (a request either starts a command or, for `tkx env`, has the outer tkx run
//! the subcommand itself), then a [`Message::Signal`] (`S`) for each signal it relays. The outer answers
//! with one [`Message::Exit`] (`X`, the exit code) or [`Message::Refused`] (`E`, a code,
//! a message and a hint, when the command could not be started). Nothing in a reply
//! holds a value: values reach only the command, through its environment.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

/// The protocol's version, the request's first field.
pub const VERSION: u8 = 2;

/// The largest frame accepted (a request carries the inner environment).
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// What the inner `tkx exec` asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// The command and its arguments.
    pub argv: Vec<OsString>,
    /// Where it starts (the inner tkx's directory, after `-C`).
    pub cwd: PathBuf,
    /// The inner tkx's environment (the agent's, with what it changed).
    pub env: Vec<(OsString, OsString)>,
    /// `--pure`.
    pub pure: bool,
    /// `--strict`.
    pub strict: bool,
    /// `--redact-style fingerprint`.
    pub fingerprint: bool,
    /// `--only`.
    pub only: Vec<String>,
    /// `--require`.
    pub require: Vec<String>,
    /// `--skip-unresolved`.
    pub skip_unresolved: Vec<String>,
    /// Not a command to start: `argv` are the arguments of a tkx subcommand the outer
    /// tkx runs itself, with its layers (`tkx env`, masked), its output to the passed
    /// stdout and stderr.
    pub tkx: bool,
}

/// A message after the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Inner → outer: deliver this signal to the command.
    Signal(i32),
    /// Outer → inner: the command ended; exit with this code (128+N for signal N).
    Exit(u8),
    /// Outer → inner: the command was not started; exit with `code` after saying why.
    Refused {
        /// The exit code (125, 126, 127).
        code: u8,
        /// What went wrong (no values).
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
}

/// Builds a frame's payload.
#[derive(Default)]
struct Enc(Vec<u8>);

impl Enc {
    fn byte(&mut self, b: u8) -> &mut Self {
        self.0.push(b);
        self
    }
    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend_from_slice(&u32::try_from(b.len()).unwrap_or(u32::MAX).to_le_bytes());
        self.0.extend_from_slice(b);
        self
    }
    fn count(&mut self, n: usize) -> &mut Self {
        self.0.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
        self
    }
    fn framed(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() + 4);
        out.extend_from_slice(&u32::try_from(self.0.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&self.0);
        out
    }
}

/// Reads a frame's payload.
struct Dec<'a>(&'a [u8]);

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("tkx agent socket: malformed {what}"))
}

impl<'a> Dec<'a> {
    fn byte(&mut self) -> io::Result<u8> {
        let (&b, rest) = self.0.split_first().ok_or_else(|| bad("frame"))?;
        self.0 = rest;
        Ok(b)
    }
    fn u32(&mut self) -> io::Result<usize> {
        let (head, rest) = self.0.split_at_checked(4).ok_or_else(|| bad("frame"))?;
        self.0 = rest;
        let mut b = [0u8; 4];
        b.copy_from_slice(head);
        usize::try_from(u32::from_le_bytes(b)).map_err(|_| bad("frame"))
    }
    fn bytes(&mut self) -> io::Result<&'a [u8]> {
        let n = self.u32()?;
        let (head, rest) = self.0.split_at_checked(n).ok_or_else(|| bad("frame"))?;
        self.0 = rest;
        Ok(head)
    }
    fn os(&mut self) -> io::Result<OsString> {
        Ok(OsString::from_vec(self.bytes()?.to_vec()))
    }
    fn text(&mut self) -> io::Result<String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| bad("text"))
    }
    fn texts(&mut self) -> io::Result<Vec<String>> {
        let n = self.u32()?;
        (0..n).map(|_| self.text()).collect()
    }
}

impl Request {
    /// The request as a frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Enc::default();
        e.byte(b'R').byte(VERSION).byte(u8::from(self.tkx));
        e.count(self.argv.len());
        for a in &self.argv {
            e.bytes(a.as_bytes());
        }
        e.bytes(self.cwd.as_os_str().as_bytes());
        e.count(self.env.len());
        for (k, v) in &self.env {
            e.bytes(k.as_bytes()).bytes(v.as_bytes());
        }
        e.byte(u8::from(self.pure)).byte(u8::from(self.strict)).byte(u8::from(self.fingerprint));
        for list in [&self.only, &self.require, &self.skip_unresolved] {
            e.count(list.len());
            for s in list {
                e.bytes(s.as_bytes());
            }
        }
        e.framed()
    }

    /// A request from a frame's payload.
    pub fn decode(payload: &[u8]) -> io::Result<Request> {
        let mut d = Dec(payload);
        if d.byte()? != b'R' {
            return Err(bad("request"));
        }
        if d.byte()? != VERSION {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the tkx inside the sandbox and the tkx agent run outside are different versions",
            ));
        }
        let tkx = d.byte()? != 0;
        let n = d.u32()?;
        let argv = (0..n).map(|_| d.os()).collect::<io::Result<Vec<_>>>()?;
        let cwd = PathBuf::from(d.os()?);
        let n = d.u32()?;
        let env = (0..n).map(|_| Ok((d.os()?, d.os()?))).collect::<io::Result<Vec<_>>>()?;
        let (pure, strict, fingerprint) = (d.byte()? != 0, d.byte()? != 0, d.byte()? != 0);
        let only = d.texts()?;
        let require = d.texts()?;
        let skip_unresolved = d.texts()?;
        Ok(Request { argv, cwd, env, pure, strict, fingerprint, only, require, skip_unresolved, tkx })
    }
}

impl Message {
    /// The message as a frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Enc::default();
        match self {
            Message::Signal(n) => e.byte(b'S').bytes(&n.to_le_bytes()),
            Message::Exit(code) => e.byte(b'X').byte(*code),
            Message::Refused { code, message, hint } => e
                .byte(b'E')
                .byte(*code)
                .bytes(message.as_bytes())
                .bytes(hint.as_deref().unwrap_or("").as_bytes()),
        };
        e.framed()
    }

    /// A message from a frame's payload.
    pub fn decode(payload: &[u8]) -> io::Result<Message> {
        let mut d = Dec(payload);
        match d.byte()? {
            b'S' => {
                let b = d.bytes()?;
                let arr: [u8; 4] = b.try_into().map_err(|_| bad("signal"))?;
                Ok(Message::Signal(i32::from_le_bytes(arr)))
            }
            b'X' => Ok(Message::Exit(d.byte()?)),
            b'E' => {
                let code = d.byte()?;
                let message = d.text()?;
                let hint = Some(d.text()?).filter(|h| !h.is_empty());
                Ok(Message::Refused { code, message, hint })
            }
            _ => Err(bad("message")),
        }
    }
}

/// Reads one frame's payload; `None` at the end of the stream.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let n = usize::try_from(u32::from_le_bytes(len)).map_err(|_| bad("frame"))?;
    if n > MAX_FRAME {
        return Err(bad("frame (too large)"));
    }
    let mut payload = vec![0u8; n];
    r.read_exact(&mut payload)?;
    Ok(Some(payload))
}

/// Writes one message.
pub fn write_message(w: &mut impl Write, m: &Message) -> io::Result<()> {
    w.write_all(&m.encode())?;
    w.flush()
}

/// Sends the request with `fds` attached to its first byte.
pub fn send_request(
    socket: &std::os::unix::net::UnixStream,
    req: &Request,
    fds: &[BorrowedFd<'_>],
) -> io::Result<()> {
    use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags, sendmsg};
    use std::mem::MaybeUninit;
    let frame = req.encode();
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(3))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(fds)) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "too many descriptors"));
    }
    let (first, rest) = frame.split_at(1);
    let sent = sendmsg(socket.as_fd(), &[io::IoSlice::new(first)], &mut control, SendFlags::empty())?;
    if sent != 1 {
        return Err(io::Error::new(io::ErrorKind::WriteZero, "the agent socket took nothing"));
    }
    let mut w = socket;
    w.write_all(rest)?;
    w.flush()
}

/// Receives a request and the descriptors attached to it.
pub fn receive_request(socket: &std::os::unix::net::UnixStream) -> io::Result<(Request, Vec<OwnedFd>)> {
    use rustix::net::{RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, recvmsg};
    use std::mem::MaybeUninit;
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(3))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let mut first = [0u8; 1];
    // Close-on-exec as they arrive where the system can (Linux), right after elsewhere:
    // no other child may inherit the inner tkx's terminal or pipes.
    #[cfg(target_os = "linux")]
    let flags = RecvFlags::CMSG_CLOEXEC;
    #[cfg(not(target_os = "linux"))]
    let flags = RecvFlags::empty();
    let got = recvmsg(socket.as_fd(), &mut [io::IoSliceMut::new(&mut first)], &mut control, flags)?;
    let mut fds = Vec::new();
    for m in control.drain() {
        if let RecvAncillaryMessage::ScmRights(received) = m {
            fds.extend(received);
        }
    }
    #[cfg(not(target_os = "linux"))]
    for fd in &fds {
        rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::CLOEXEC)?;
    }
    if got.bytes != 1 {
        return Err(bad("request (empty)"));
    }
    let mut len = [0u8; 4];
    len[0] = first[0];
    let mut r = socket;
    r.read_exact(&mut len[1..])?;
    let n = usize::try_from(u32::from_le_bytes(len)).map_err(|_| bad("frame"))?;
    if n > MAX_FRAME {
        return Err(bad("request (too large)"));
    }
    let mut payload = vec![0u8; n];
    r.read_exact(&mut payload)?;
    Ok((Request::decode(&payload)?, fds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trip() {
        let req = Request {
            argv: vec!["sh".into(), "-c".into(), OsString::from_vec(vec![0xff, b'x'])],
            cwd: "/p/src".into(),
            env: vec![("PATH".into(), "/usr/bin".into()), ("E".into(), "".into())],
            pure: true,
            strict: false,
            fingerprint: true,
            only: vec!["A".into()],
            require: vec!["B".into(), "C".into()],
            skip_unresolved: vec!["D".into()],
            tkx: true,
        };
        let frame = req.encode();
        let payload = read_frame(&mut &frame[..]).unwrap().unwrap();
        assert_eq!(Request::decode(&payload).unwrap(), req);
        // Every truncation is an error, never a panic.
        for cut in 0..payload.len() {
            assert!(Request::decode(&payload[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn message_round_trip() {
        for m in [
            Message::Signal(15),
            Message::Exit(143),
            Message::Refused { code: 127, message: "nope: command not found".into(), hint: None },
            Message::Refused { code: 125, message: "missing".into(), hint: Some("set it".into()) },
        ] {
            let frame = m.encode();
            let payload = read_frame(&mut &frame[..]).unwrap().unwrap();
            assert_eq!(Message::decode(&payload).unwrap(), m);
        }
        assert!(read_frame(&mut &[][..]).unwrap().is_none());
        assert!(Message::decode(b"Q").is_err());
    }

    #[test]
    fn descriptors_cross_the_socket() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let (r, w) = std::os::unix::net::UnixStream::pair().unwrap();
        let req = Request { argv: vec!["true".into()], cwd: "/".into(), ..Request::default() };
        send_request(&a, &req, &[w.as_fd(), w.as_fd(), w.as_fd()]).unwrap();
        drop(w);
        let (got, fds) = receive_request(&b).unwrap();
        assert_eq!(got, req);
        assert_eq!(fds.len(), 3);
        let mut f = std::fs::File::from(fds.into_iter().next().unwrap());
        f.write_all(b"through").unwrap();
        drop(f);
        let mut s = String::new();
        let mut r = r;
        // The other two copies were dropped with the iterator.
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "through");
    }
}
