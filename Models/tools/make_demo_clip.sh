#!/bin/sh
# Makes Models/demo/pedestrians.mjpeg, the clip fer-live plays when no camera exists, from the
# 1080p pedestrian video (MIT licence, facenet-pytorch examples/video.mp4; ../shared/media on the
# development machines). Needs Debian's ffmpeg. Usage: Models/tools/make_demo_clip.sh [input.mp4]
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
input=${1:-"$here/../shared/media/pedestrians_1080p.mp4"}
output="$here/Models/demo/pedestrians.mjpeg"
[ -f "$input" ] || { echo "make_demo_clip.sh: $input: no such file" >&2; exit 1; }
mkdir -p "$(dirname "$output")"
# 640x360 (area scaling), JPEG quality scale 12 (2 = best, 31 = worst), all 105 frames: about 2 MB.
# Why these values: Models/demo/README.md.
ffmpeg -nostdin -v error -y -i "$input" \
    -vf "scale=640:360:flags=area" -frames:v 105 -q:v 12 -pix_fmt yuvj420p \
    -f mjpeg "$output"
ls -l "$output"
