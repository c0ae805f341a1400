//! References to secret managers (`vault://`, `aws-sm://`, `aws-ssm://`, `gcp-sm://`,
//! `op://`, `azure-kv://`): the stand-in servers and CLIs, and the proof that they answer
//! as the real ones do.

pub mod servers;

mod resolve;
mod smoke;
