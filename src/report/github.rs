//! The GitHub Actions reporter: one workflow command per finding
//! (`::error file=…,line=…,col=…,title=…::message`).

use super::{Finding, Severity};
use std::io::{self, Write};

/// Escapes a message (data) for a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value for a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes `findings` as workflow commands.
pub fn write_github(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = Vec::new();
        if let Some(l) = &f.location {
            props.push(format!("file={}", escape_property(&l.path)));
            if l.line > 0 {
                props.push(format!("line={}", l.line));
                if l.column > 0 {
                    props.push(format!("col={}", l.column));
                }
            }
        }
        props.push(format!("title={}", escape_property(&format!("tkx {}", f.rule))));
        let mut message = f.message.clone();
        if let Some(s) = &f.secret {
            message.push_str(&format!(" ({s})"));
        }
        if let Some(h) = &f.hint {
            message.push_str(&format!("\nhint: {h}"));
        }
        writeln!(w, "::{command} {}::{}", props.join(","), escape_data(&message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_shape_and_escaping() {
        let f = Finding::error("doctor/gitignore", "100% bad").at("a,b:c/.env", 3, 0).hint("fix it");
        let mut out = Vec::new();
        write_github(&mut out, &[f]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=a%2Cb%3Ac/.env,line=3,title=tkx doctor/gitignore::100%25 bad%0Ahint: fix it\n"
        );
    }
}
