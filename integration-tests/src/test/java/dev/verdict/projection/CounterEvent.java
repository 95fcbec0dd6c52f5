package dev.verdict.projection;

/** Test domain: counters that grow. */
sealed interface CounterEvent {
    String counter();

    record Added(String counter, long amount) implements CounterEvent {}

    record Reset(String counter) implements CounterEvent {}
}
