#!/usr/bin/env bash
# Builds etcd ($1) at the pinned version. The etcd server module's own main cannot be installed
# with `go install` (its go.mod replaces sibling modules with local paths), so a throwaway module
# with a two-line main that hands over to etcdmain does it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
out=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/podlab-etcd-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
go mod init podlab.local/etcd-build >/dev/null 2>&1
go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null 2>&1
go mod tidy >/dev/null 2>&1
# etcd reads its version from its own api module; stamping the git SHA keeps `etcd --version` honest.
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION" -o "$out" .
