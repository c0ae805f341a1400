//! The outer side of the socket: runs what `tkx exec` inside the sandbox asks for.
//!
//! For each connection: receive the [`Request`] and the inner tkx's stdin, stdout and
//! stderr; ask the [`Planner`] (the command layer, which holds the resolved layers)
//! for the command's environment and redaction engine; start the command in a second
//! sandbox with the same [`View`], its stdin the passed one, its stdout and stderr
//! piped through the engine into the passed ones; relay the signals the inner tkx
//! sends; answer with the exit code. Nothing read from the command or the layers is
//! written to the socket.

use super::protocol::{self, Message, Request};
use super::{Backend, View, launch};
use crate::redact::Engine;
use std::ffi::OsString;
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the command layer decides for one request.
pub struct Planned {
    /// The command's whole environment.
    pub env: Vec<(OsString, OsString)>,
    /// The engine its output goes through.
    pub engine: Engine,
}

/// Why a request is not run: the code the inner tkx exits with, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// 125 (tkx's own failure), 126 or 127.
    pub code: u8,
    /// The message (never a value).
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Turns a request into an environment and an engine, or refuses it.
pub trait Planner: Send + Sync {
    /// The plan for `req`.
    fn plan(&self, req: &Request) -> Result<Planned, Refusal>;

    /// Runs the tkx subcommand of a [`Request::tkx`] request, writing its (masked)
    /// output to `out` and `err`; returns its exit code.
    fn tkx(&self, req: &Request, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> u8;
}

/// Serves the socket on a thread of its own until the process ends.
pub fn start(listener: UnixListener, backend: Backend, view: View, planner: Arc<dyn Planner>) {
    let shared = Arc::new((backend, view));
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let shared = Arc::clone(&shared);
            let planner = Arc::clone(&planner);
            std::thread::spawn(move || {
                let _ = serve(conn, &shared.0, &shared.1, planner.as_ref());
            });
        }
    });
}

/// The process group of the process at the other end of the socket, as this process's
/// PID namespace numbers it (the kernel translates the peer's PID).
#[cfg(target_os = "linux")]
fn peer_group(conn: &UnixStream) -> Option<i32> {
    let cred = rustix::net::sockopt::socket_peercred(conn).ok()?;
    let pid = cred.pid.as_raw_nonzero().get();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(2)?.parse().ok().filter(|&g: &i32| g > 0)
}

#[cfg(not(target_os = "linux"))]
fn peer_group(_conn: &UnixStream) -> Option<i32> {
    None
}

/// Handles one connection.
pub fn serve(conn: UnixStream, backend: &Backend, view: &View, planner: &dyn Planner) -> std::io::Result<()> {
    let mut writer = &conn;
    let refuse = |w: &mut &UnixStream, r: Refusal| {
        protocol::write_message(w, &Message::Refused { code: r.code, message: r.message, hint: r.hint })
    };
    let (req, fds) = match protocol::receive_request(&conn) {
        Ok(got) => got,
        Err(e) => {
            let message = format!("the request from inside the sandbox: {}", crate::error::io_reason(&e));
            return refuse(&mut writer, Refusal { code: 125, message, hint: None });
        }
    };
    let Ok::<[_; 3], _>([stdin, stdout, stderr]) = fds.try_into() else {
        let message = "tkx exec inside the sandbox sent no stdin, stdout and stderr".to_owned();
        return refuse(&mut writer, Refusal { code: 125, message, hint: None });
    };
    if req.tkx {
        let (mut out, mut err) = (std::fs::File::from(stdout), std::fs::File::from(stderr));
        drop(stdin);
        let code = planner.tkx(&req, &mut out, &mut err);
        drop((out, err));
        return protocol::write_message(&mut writer, &Message::Exit(code));
    }
    let Some((program, args)) = req.argv.split_first() else {
        return refuse(&mut writer, Refusal { code: 125, message: "no command given".into(), hint: None });
    };
    let planned = match planner.plan(&req) {
        Ok(p) => p,
        Err(r) => return refuse(&mut writer, r),
    };
    if let Err(source) = launch::check_program(program, &planned.env, &req.cwd) {
        let e = crate::error::Error::Launch { program: program.to_string_lossy().into_owned(), source };
        return refuse(&mut writer, Refusal { code: e.exit_code(), message: e.to_string(), hint: e.hint() });
    }
    let launch::Prepared { command: mut cmd, inherited } =
        launch::command(backend, view, program, args, &planned.env, &req.cwd);
    cmd.stdin(std::process::Stdio::from(stdin))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // In the inner tkx's process group, so the agent's job control (a shell inside that
    // puts its jobs in the foreground) and the terminal's Ctrl-C treat the command as
    // that tkx: a command reading the terminal is not stopped as a background job.
    let group = peer_group(&conn);
    if let Some(pgid) = group {
        std::os::unix::process::CommandExt::process_group(&mut cmd, pgid);
    }
    let mut spawned_child = cmd.spawn();
    if spawned_child.is_err() && group.is_some() {
        // The group may be gone already: start it in ours rather than not at all.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        spawned_child = cmd.spawn();
    }
    let mut child = match spawned_child {
        Ok(c) => c,
        Err(e) => {
            let message = format!("starting the sandbox: {}", crate::error::io_reason(&e));
            return refuse(&mut writer, Refusal { code: 125, message, hint: None });
        }
    };
    drop(inherited);
    let spawned = child.id();
    let done = Arc::new(AtomicBool::new(false));
    // Signals the inner tkx relays; the end of the connection (the inner tkx was
    // killed) ends the command too.
    let relay = {
        let mut reader = conn.try_clone()?;
        let done = Arc::clone(&done);
        let backend = backend.clone();
        std::thread::spawn(move || {
            loop {
                match protocol::read_frame(&mut reader) {
                    Ok(Some(payload)) => {
                        if let Ok(Message::Signal(sig)) = Message::decode(&payload) {
                            launch::signal(&backend, spawned, sig);
                        }
                    }
                    _ => {
                        if !done.load(Ordering::SeqCst) {
                            launch::kill_all(&backend, spawned);
                        }
                        return;
                    }
                }
            }
        })
    };
    let sources = crate::redact::child_sources(&mut child);
    let (mut out, mut err) = (std::fs::File::from(stdout), std::fs::File::from(stderr));
    // A closed stdout on the inner side must not stop the command halfway: keep
    // waiting for it either way.
    let _ = crate::redact::pump(&planned.engine, sources, &mut [&mut out, &mut err]);
    let status = child.wait();
    done.store(true, Ordering::SeqCst);
    let status = status?;
    drop((out, err));
    protocol::write_message(&mut writer, &Message::Exit(launch::exit_code(status)))?;
    let _ = conn.shutdown(std::net::Shutdown::Write);
    let _ = relay.join();
    Ok(())
}
