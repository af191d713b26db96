# Sourced by catalina.sh. Lab-sized JVM, tuned for start-up time over peak throughput; the
# AppCDS archive made at build time by warmup.sh (the JVM ignores it if it does not match).
CATALINA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmx256m -XX:-UsePerfData \
  -Djava.security.egd=file:/dev/./urandom $CATALINA_OPTS"
if [ -f "$CATALINA_BASE/tomcat.jsa" ] && [ "${CATALINA_OPTS#*ArchiveClassesAtExit}" = "$CATALINA_OPTS" ]; then
  CATALINA_OPTS="-XX:SharedArchiveFile=$CATALINA_BASE/tomcat.jsa $CATALINA_OPTS"
fi
