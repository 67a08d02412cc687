#!/usr/bin/env bash
# The benchmarks' clips, made with Debian's ffmpeg in OUT (default .build/bench; not committed):
#   four_faces_640x480.mjpeg  4 faces from the committed fixtures, moving, 640x480, 30 fps, MJPEG q5
#   four_faces_320x240.mjpeg  the same scaled to 320x240 (the soak's default: a million frames in less time)
#   pedestrians_1080p.mjpeg   ../shared/media/pedestrians_1080p.mp4 re-encoded as MJPEG (1920x1080), if present
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-.build/bench}
mkdir -p "$OUT"
FOUR="$OUT/four_faces_640x480.mjpeg"
if [ ! -s "$FOUR" ]; then
    # two_people.jpg (2 faces) beside kit_with_rose.jpg (2 faces), 600 px wide, drifting like a head moves.
    ffmpeg -loglevel error -y -loop 1 -i Tests/Fixtures/two_people.jpg -loop 1 -i Tests/Fixtures/kit_with_rose.jpg \
        -f lavfi -i "color=c=0x404040:s=640x480:r=30" -filter_complex \
        "[0]scale=-2:360[a];[1]scale=-2:360[b];[a][b]hstack,scale=600:-2,setsar=1[c];[2][c]overlay=x='20+18*sin(2*PI*t/5)':y='110+30*sin(2*PI*t/3.5)':shortest=1,format=yuvj422p" \
        -t 20 -r 30 -c:v mjpeg -q:v 5 -f mjpeg "$FOUR.tmp" && mv "$FOUR.tmp" "$FOUR"
fi
SMALL="$OUT/four_faces_320x240.mjpeg"
if [ ! -s "$SMALL" ]; then
    ffmpeg -loglevel error -y -f mjpeg -i "$FOUR" -vf scale=320:240 -c:v mjpeg -q:v 5 -f mjpeg "$SMALL.tmp" && mv "$SMALL.tmp" "$SMALL"
fi
PED="$OUT/pedestrians_1080p.mjpeg"
if [ ! -s "$PED" ] && [ -f ../shared/media/pedestrians_1080p.mp4 ]; then
    ffmpeg -loglevel error -y -i ../shared/media/pedestrians_1080p.mp4 -c:v mjpeg -q:v 4 -pix_fmt yuvj420p -f mjpeg "$PED.tmp" \
        && mv "$PED.tmp" "$PED"
fi
