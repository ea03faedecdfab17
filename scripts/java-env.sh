# Sourced by ./circuitscope and scripts/test: finds a JDK 25 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME, then `java` on the PATH, then the usual install folders.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

find_java25() {
  local cand
  for cand in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" \
              /usr/lib/jvm/temurin-25-jdk-*/bin/java /usr/lib/jvm/*25*/bin/java /opt/java/*/bin/java; do
    [ -n "$cand" ] && [ -x "$cand" ] || continue
    local major
    major=$(java_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      JAVA_HOME=$(cd "$(dirname "$(readlink -f "$cand")")/.." && pwd)
      export JAVA_HOME
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "circuitscope: needs Java 25 or newer (the Vector API of JDK 25). None found in JAVA_HOME${JAVA_HOME:+ ($JAVA_HOME)}, on the PATH, or in /usr/lib/jvm." >&2
  echo "Install a JDK 25 (for example Eclipse Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
