#!/bin/sh
# As in the apache/kafka image: lists the API versions each broker answers with.
exec java -Xmx128m -cp "/opt/kafka/libs/*" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
