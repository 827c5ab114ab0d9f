#!/usr/bin/env bash
# Fetches the Kafka broker's jars from Maven Central into a cache directory (once) and prints
# that directory. Uses the default local Maven repository, so a second run is offline and fast.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache="${PMS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pms}/kafka/$version"
if [ ! -f "$cache/.complete" ]; then
  rm -rf "$cache/lib"
  mkdir -p "$cache/lib"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$cache/lib" -DincludeScope=runtime >&2
  touch "$cache/.complete"
fi
echo "$cache/lib"
