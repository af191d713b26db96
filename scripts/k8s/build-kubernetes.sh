#!/usr/bin/env bash
# Builds the seven Kubernetes binaries into $1 from the k8s.io/kubernetes Go module.
# `go install k8s.io/kubernetes/...@VERSION` is refused because that module replaces its staging
# modules with local paths; a throwaway wrapper module requires it and points every one of those
# staging modules at its published twin (v1.X.Y <-> v0.X.Y) instead.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
v=$KUBERNETES_VERSION
staging=$KUBERNETES_STAGING_VERSION

work=$(mktemp -d "${TMPDIR:-/tmp}/podlab-k8s-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0

# The staging list comes from the module's own go.mod, so a version bump needs no edit here.
modfile=$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
{
  echo "module podlab.local/kubernetes-build"
  echo "go 1.22.0"
  echo "require k8s.io/kubernetes $v"
  sed -n '/^replace (/,/^)/p' "$modfile" | awk '$2 == "=>" { print "replace " $1 " => " $1 " '"$staging"'" }'
} > go.mod
grep -c '^replace' go.mod | xargs -I{} echo "  wrapper module replaces {} staging modules with $staging" >&2

major=${v#v}; major=${major%%.*}
minor=${v#v*.}; minor=${minor%%.*}
ldflags="-s -w"
# kubeadm asks for image tags by its own version: unstamped it says v0.0.0-master.
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

mkdir -p "$out"
cmds=(kubelet kubeadm kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy)
pkgs=()
for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
go build -trimpath -ldflags "$ldflags" -o "$out/" "${pkgs[@]}"
