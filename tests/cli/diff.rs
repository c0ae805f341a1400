//! `tkx diff`.
