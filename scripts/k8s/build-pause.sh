#!/usr/bin/env bash
# Builds Kubernetes' pause ($1) from the C source the k8s.io/kubernetes module ships, statically
# linked, as upstream builds its pause image (the version is compiled in: `pause -v`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
command -v gcc >/dev/null 2>&1 || { echo "pause needs gcc (apt-get install gcc libc6-dev)" >&2; exit 1; }
dir=$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION" -o "$1" "$dir/build/pause/linux/pause.c"
