#!/usr/bin/env bash
# fer-live's two entry points on a Debian 12 machine (root, or a user with sudo):
#   ./dev.sh run [ARGS]   install system packages, build the release binary, run `fer-live ARGS`
#                         (no ARGS: /dev/video0, or the bundled demo clip when there is no camera)
#   ./dev.sh test   install what the tests need too, build, run the whole test suite
#   ./dev.sh bench [SECS]    the live-pipeline benchmarks;  ./dev.sh soak [FRAMES]   the service soak (1M frames)
#   ./dev.sh soak --faults [FRAMES]   the soak on an emulated camera with unplugs, corrupt bursts, log rotation, stuck clients
#   ./dev.sh fuzz            list the fuzz targets, one name a line
#   ./dev.sh fuzz TARGET|all SECONDS   run libFuzzer (with AddressSanitizer) on one parser, or on each in turn
#                         (FER_LIVE_FUZZ_SEED=N repeats a run's mutations; CI uses 1)
#   ./dev.sh sanitize        the concurrent tests under ThreadSanitizer, then the whole suite under AddressSanitizer
#   ./dev.sh install [PREFIX]   build, install the binary, models, systemd units and example settings
#                         (PREFIX default /usr/local; DESTDIR=/tmp/stage stages everything below /tmp/stage)
set -euo pipefail
cd "$(dirname "$0")"

# Libraries fer-live links (see Package.swift's system-library targets) and its font.
RUNTIME_PACKAGES=(pkg-config zlib1g-dev libmosquitto-dev libv4l-dev libturbojpeg0-dev libopenblas-dev libpng-dev libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core)
# The tests also compare against ONNX Runtime (PyPI), make media with ffmpeg, open real windows under Xvfb,
# check /metrics with promtool (prometheus), the units with systemd-analyze (systemd), and render the report
# and the live page in headless chromium, and publish to a real Mosquitto broker.
TEST_PACKAGES=(python3 python3-venv python3-pip ffmpeg xvfb prometheus systemd chromium mosquitto mosquitto-clients)

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
soak)
    install_packages "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    swift build -c release --product fer-live
    if [ "${2:-}" = "--faults" ]; then
        exec python3 Tests/Benchmarks/faulted_soak.py --frames "${3:-1000000}"
    fi
    exec python3 Tests/Benchmarks/soak.py --frames "${2:-1000000}"
    ;;
test)
    install_packages "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    python_env
    # Release build: the conformance and accuracy tests run the real models on real data.
    # (Building the named products, not --build-tests, skips swift-protobuf's C++ protoc.)
    # A target that imports a module outside its declared dependencies fails the build (PackageGraphTests
    # checks the direct ones too).
    swift build -c release --product fer-livePackageTests --explicit-target-dependency-import-check error
    swift build -c release --product fer-live --explicit-target-dependency-import-check error
    OPENBLAS_NUM_THREADS=1 swift test -c release --skip-build
    ;;
fuzz)
    install_packages "${RUNTIME_PACKAGES[@]}"
    # libFuzzer and AddressSanitizer in their own build tree. SwiftPM hands the compiler only the last
    # --sanitize, so both are repeated as one -sanitize= (else the code has no coverage instrumentation).
    swift build --scratch-path .build/fuzz --sanitize=fuzzer --sanitize=address \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFER_LIVE_FUZZING --product fer-live-fuzz >&2
    fuzzer=.build/fuzz/debug/fer-live-fuzz
    targets=$(FER_LIVE_FUZZ_TARGET=list "$fuzzer")
    if [ -z "${2:-}" ]; then cut -f1 <<<"$targets"; exit 0; fi
    seconds="${3:-60}"
    if [ "$2" = all ]; then names=$(cut -f1 <<<"$targets"); else names="$2"; fi
    status=0
    for name in $names; do
        line=$(awk -F'\t' -v n="$name" '$1 == n' <<<"$targets")
        if [ -z "$line" ]; then
            echo "dev.sh fuzz: unknown target '$name' (choose from: $(cut -f1 <<<"$targets" | tr '\n' ' '))" >&2
            exit 2
        fi
        corpus=.build/fuzz-corpus/$name artifacts=.build/fuzz-artifacts/$name
        mkdir -p "$corpus" "$artifacts"
        echo "==> fuzz $name for ${seconds}s (corpus $corpus, seeds Tests/Fuzz/Seeds/$name)" >&2
        # SWIFT_BACKTRACE=enable=no: a crash exits at once instead of waiting on swift-backtrace.
        if ! SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=Tests/Fuzz/lsan.supp FER_LIVE_FUZZ_TARGET="$name" "$fuzzer" -max_total_time="$seconds" \
            -max_len="$(cut -f2 <<<"$line")" -seed="${FER_LIVE_FUZZ_SEED:-0}" -timeout=10 -rss_limit_mb=1536 -malloc_limit_mb=512 -print_final_stats=1 \
            -artifact_prefix="$artifacts/" "$corpus" "Tests/Fuzz/Seeds/$name" 2>"$artifacts/log.txt"; then
            status=1
            echo "!!! $name failed: $(grep -m1 -E 'ERROR|Fatal error|deadly signal|Test unit written' "$artifacts/log.txt" || tail -1 "$artifacts/log.txt")" >&2
            echo "    input: $(ls -t "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* 2>/dev/null | head -1); log $artifacts/log.txt" >&2
            echo "    fix it, then commit the input to Tests/Fuzz/Crashes/$name/ (FuzzRegressionTests replays it)" >&2
        fi
        # The summary: executions, coverage, corpus size.
        grep -E '^#[0-9]+[[:space:]]+DONE' "$artifacts/log.txt" | sed "s/^/    $name: /" >&2 || true
    done
    exit $status
    ;;
sanitize)
    install_packages "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    python_env
    # Debug builds in their own trees (a sanitizer changes every object file). SWIFT_BACKTRACE=enable=no lets a
    # sanitizer report end the process at once.
    export OPENBLAS_NUM_THREADS=1 SWIFT_BACKTRACE=enable=no
    echo "==> ThreadSanitizer: pipeline, capture (emulated camera, unplug/replug), service (notify, SIGTERM), HTTP" >&2
    swift build --scratch-path .build/tsan --sanitize=thread --product fer-livePackageTests
    TSAN_OPTIONS=halt_on_error=1 swift test --scratch-path .build/tsan --sanitize=thread --skip-build \
        --filter 'PipelineTests|CaptureTests|ServiceTests|HTTPAPITests'
    # Release: the conformance and accuracy tests run real models on real data, which takes hours in debug.
    echo "==> AddressSanitizer: every test" >&2
    swift build -c release --scratch-path .build/asan --sanitize=address --product fer-livePackageTests
    swift build -c release --scratch-path .build/asan --sanitize=address --product fer-live
    # Leaks are checked per input by ./dev.sh fuzz, not here: at a process's exit LeakSanitizer reports Swift
    # values whose references carry spare bits (enum payloads, dictionary storage) as leaked, and the CLI
    # tests' fer-live processes would fail on those reports.
    ASAN_OPTIONS=detect_leaks=0 swift test -c release --scratch-path .build/asan --sanitize=address --skip-build
    ;;
install)
    install_packages "${RUNTIME_PACKAGES[@]}"
    swift build -c release --product fer-live
    prefix="${2:-/usr/local}"
    dest="${DESTDIR:-}"
    echo "==> installing into ${dest}${prefix} and ${dest}/etc"
    install -D -m 755 .build/release/fer-live "$dest$prefix/bin/fer-live"
    # Every shipped model with its manifest and licence, and the demo clip (not the training or tool scripts).
    for f in Models/detection/* Models/emotion/* Models/demo/*; do
        install -D -m 644 "$f" "$dest$prefix/share/fer-live/models/${f#Models/}"
    done
    # The units name the binary by its installed path.
    sed "s#/usr/local/bin/fer-live#$prefix/bin/fer-live#g" systemd/fer-live@.service \
        | install -D -m 644 /dev/stdin "$dest/etc/systemd/system/fer-live@.service"
    sed "s#/usr/local/bin/fer-live#$prefix/bin/fer-live#g" systemd/fer-live-kiosk.service \
        | install -D -m 644 /dev/stdin "$dest/etc/systemd/user/fer-live-kiosk.service"
    install -D -m 644 systemd/fer-live.conf.example "$dest/etc/fer-live/fer-live.conf.example"
    [ -e "$dest/etc/fer-live/video0.conf" ] || install -m 644 systemd/fer-live.conf.example "$dest/etc/fer-live/video0.conf"
    if [ -z "$dest" ] && [ -d /run/systemd/system ]; then as_root systemctl daemon-reload; fi
    echo "==> done. Start the camera service:  systemctl enable --now fer-live@video0"
    echo "    settings: /etc/fer-live/video0.conf   events: /var/log/fer-live/video0.jsonl"
    echo "    full-screen overlay in a desktop session:  systemctl --user enable --now fer-live-kiosk"
    ;;
*)
    echo "usage: ./dev.sh run [fer-live arguments] | ./dev.sh test | ./dev.sh bench [seconds] | ./dev.sh soak [--faults] [frames] | ./dev.sh fuzz [TARGET|all SECONDS] | ./dev.sh sanitize | ./dev.sh install [PREFIX]" >&2
    exit 2
    ;;
esac
