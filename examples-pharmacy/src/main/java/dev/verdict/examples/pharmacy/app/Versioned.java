package dev.verdict.examples.pharmacy.app;

/**
 * A state together with its version: the stream sequence of the last event folded into it.
 *
 * @param state the state
 * @param version the entity's version, {@code 0} when it has no events
 */
record Versioned<S>(S state, long version) {}
