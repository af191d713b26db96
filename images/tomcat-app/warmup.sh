#!/bin/bash
# Runs at image build: starts Tomcat once so the JSP is compiled into work/ (Jasper keeps the
# class while index.jsp is older) and the JVM records the classes Tomcat and the app load into
# an AppCDS archive (tomcat.jsa, used by setenv.sh). One request, answered with the no-MySQL
# error page, loads the request path and the JDBC driver too. Cuts start-up roughly in half.
set -euo pipefail
base=$CATALINA_BASE
log=$(mktemp)
CATALINA_OPTS="-XX:ArchiveClassesAtExit=$base/tomcat.jsa" "$CATALINA_HOME/bin/catalina.sh" run >"$log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  grep -q 'Server startup in' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
exec 3<>/dev/tcp/127.0.0.1/8080
printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
response=$(cat <&3)
exec 3>&-
kill -TERM "$pid"
wait "$pid" || true
grep -q '^HTTP/1.1 200' <<<"$response" && grep -q 'Error: ' <<<"$response" ||
  { echo "warm-up request failed:"; echo "$response"; cat "$log"; exit 1; }
test -s "$base/tomcat.jsa" || { echo "no CDS archive"; cat "$log"; exit 1; }
test -n "$(find "$base/work" -name 'index_jsp.class')" || { echo "JSP not compiled"; exit 1; }
rm -f "$log"
rm -rf "$base/logs"/* "$base/temp"/*
