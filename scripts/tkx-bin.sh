# Sourced by the benchmarks: sets `root` (this project) and `bin` (the tkx to measure:
# $TKX_BIN when set, else a release build of this tree).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${TKX_BIN:-}" ]]; then
  bin=$(realpath "$TKX_BIN")
else
  (cd "$root" && cargo build --release --quiet)
  bin="$root/target/release/tkx"
fi
