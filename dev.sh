#!/usr/bin/env bash
# fer-live's two entry points on a Debian 12 machine (root, or a user with sudo):
#   ./dev.sh run [ARGS]   install system packages, build the release binary, run `fer-live ARGS`
#                         (no ARGS: /dev/video0, or the bundled demo clip when there is no camera)
#   ./dev.sh test   install what the tests need too, build, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

# Libraries fer-live links (see Package.swift's system-library targets) and its font.
RUNTIME_PACKAGES=(pkg-config libv4l-dev libturbojpeg0-dev libopenblas-dev libpng-dev libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core)
# The tests also compare against ONNX Runtime (PyPI), make media with ffmpeg and open real windows under Xvfb.
TEST_PACKAGES=(python3 python3-venv python3-pip ffmpeg xvfb prometheus)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# A virtual environment with the pinned Python tools (ONNX Runtime reference, converters).
python_env() {
    local stamp=.venv/.requirements
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv"
        python3 -m venv .venv
    fi
    if ! cmp -s Models/tools/requirements.txt "$stamp"; then
        echo "==> pip install -r Models/tools/requirements.txt"
        .venv/bin/pip install -q --disable-pip-version-check -r Models/tools/requirements.txt
        cp Models/tools/requirements.txt "$stamp"
    fi
}

case "${1:-}" in
run)
    install_packages "${RUNTIME_PACKAGES[@]}"
    swift build -c release --product fer-live
    shift
    OPENBLAS_NUM_THREADS=1 exec .build/release/fer-live "$@"
    ;;
bench)
    install_packages "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    swift build -c release --product fer-live
    shift
    exec Tests/Benchmarks/live_pipeline.sh "$@"
    ;;
test)
    install_packages "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    python_env
    # Release build: the conformance and accuracy tests run the real models on real data.
    # (Building the named products, not --build-tests, skips swift-protobuf's C++ protoc.)
    swift build -c release --product fer-livePackageTests
    swift build -c release --product fer-live
    OPENBLAS_NUM_THREADS=1 swift test -c release --skip-build
    ;;
*)
    echo "usage: ./dev.sh run [fer-live arguments] | ./dev.sh test | ./dev.sh bench [seconds]" >&2
    exit 2
    ;;
esac
