/**
 * Wiring of the framework's parts onto NATS JetStream: where a read-side or write-side part meets a NATS {@code
 * Connection}. The parts themselves ({@code dev.verdict.projection}, {@code dev.verdict.runtime}) consume the store's
 * ports ({@code dev.verdict.store}); the JetStream implementation of those ports is {@code dev.verdict.store.nats}.
 * This package sits on top of both – nothing else in the framework depends on it (a rule of the build's {@code
 * LayeringTest}).
 *
 * <p>{@link dev.verdict.nats.NatsProjections} runs a projection on a connection.
 */
package dev.verdict.nats;
