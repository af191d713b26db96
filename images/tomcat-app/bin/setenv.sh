# Sourced by catalina.sh. Lab-sized JVM, tuned for start-up time over peak throughput.
CATALINA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmx256m -XX:-UsePerfData \
  -Djava.security.egd=file:/dev/./urandom $CATALINA_OPTS"
