#!/usr/bin/env bash
# Makes sure the Docker engine has debian:bookworm-slim. Without a registry it cannot be
# pulled, so it is created once with debootstrap (minbase is what the slim image is made of)
# and imported under that tag. Idempotent: an existing image is left alone.
set -euo pipefail
TAG=${PODLAB_BASE_TAG:-debian:bookworm-slim}
MIRROR=${PODLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "base image $TAG: present"
  exit 0
fi
if timeout 60 docker pull "$TAG" >/dev/null 2>&1; then
  echo "base image $TAG: pulled"
  exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

root=$(mktemp -d /tmp/podlab-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "base image $TAG: debootstrap bookworm from $MIRROR (once per machine)"
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >/tmp/podlab-debootstrap.log 2>&1 ||
  { tail -20 /tmp/podlab-debootstrap.log; exit 1; }
# Slim the tree like the official image does: no apt lists, no caches, no docs.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$MIRROR" "$MIRROR" >"$root/etc/apt/sources.list"
tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$TAG" >/dev/null
echo "base image $TAG: created"
