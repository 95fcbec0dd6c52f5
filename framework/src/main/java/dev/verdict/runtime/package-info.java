/**
 * The command runtime: turns pure {@link dev.verdict.decider.Decider}s into a working system.
 *
 * <p>{@link dev.verdict.runtime.CommandRuntime} holds the event store, the optional snapshot store, the state cache
 * and the retry policy; each {@link dev.verdict.runtime.Registration} gives an {@link
 * dev.verdict.runtime.EntityHandle} whose {@code handle} loads, decides, appends with optimistic concurrency,
 * catches up only the missed tail on conflict and returns an {@link dev.verdict.runtime.Outcome}. See
 * {@code docs/runtime.md}.
 */
package dev.verdict.runtime;
