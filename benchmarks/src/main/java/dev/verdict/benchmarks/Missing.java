package dev.verdict.benchmarks;

/** Why a Verdict variant is not measured in this run: said plainly in the report instead of a made-up number. */
final class Missing {
    static final String RUNTIME = "the command runtime (`dev.verdict.runtime`, branch `runtime`) is not merged yet";
    static final String STORE = "the NATS event store (`dev.verdict.store.nats`, branch `store`) is not merged yet";
    static final String SNAPSHOTS =
            "the NATS KV snapshot store (`NatsSnapshotStore`, branch `store`) is not merged yet";
    static final String PROJECTION = "projections (`dev.verdict.projection`, branch `projection`) are not merged yet";

    private Missing() {}
}
