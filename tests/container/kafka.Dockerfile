# The suite's stand-in for the apache/kafka image, which comes from a registry this
# suite may not reach (scripts/container-test.sh compose; tests/container/compose.test.yml).
# Debian's Java 17 runtime and the broker jars scripts/kafka-local.sh fetches, configured
# from KAFKA_* variables as the official image is, running as a non-root user.
# Context: a folder holding libs/ (the jars, kafka-tools among them), kafka-run.sh,
# kafka-broker-api-versions.sh and log4j2.properties.
FROM debian:bookworm-slim
# -slim images have no manual folders, where the JRE's post-install script links its pages.
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-17-jre-headless \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home appuser \
    && mkdir -p /var/lib/kafka/data && chown appuser:root /var/lib/kafka/data
COPY libs/ /opt/kafka/libs/
COPY log4j2.properties /opt/kafka/log4j2.properties
COPY kafka-run.sh /opt/kafka/run
# The official image's tool, which the compose file's health check runs.
COPY kafka-broker-api-versions.sh /opt/kafka/bin/kafka-broker-api-versions.sh
USER appuser
VOLUME ["/var/lib/kafka/data"]
CMD ["/opt/kafka/run"]
