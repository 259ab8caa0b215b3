# The suite's stand-in for the postgres image, which comes from a registry this suite
# may not reach (scripts/container-test.sh compose; tests/container/compose.test.yml):
# Debian's PostgreSQL 15, set up from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB
# on first start as the official image does, running as the postgres user.
FROM debian:bookworm-slim
RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf \
    && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql
COPY postgres-run.sh /usr/local/bin/postgres-run
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
VOLUME ["/var/lib/postgresql/data"]
CMD ["/usr/local/bin/postgres-run"]
