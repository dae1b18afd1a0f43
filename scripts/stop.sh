#!/usr/bin/env bash
# make stop: stops the private PostgreSQL cluster of this checkout if one was left running.
source "$(dirname "$0")/common.sh"
stop_postgres
say "private PostgreSQL cluster stopped"
