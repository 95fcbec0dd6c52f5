/**
 * Durable timers delivered to their owner: {@link dev.verdict.projection.timers.TimerReactions} turns each fired timer
 * ({@link dev.verdict.store.TimerFired}) into commands with deterministic command ids, run by a durable {@link
 * dev.verdict.projection.ProjectionRunner} over the owner's fired-timer subjects.
 */
package dev.verdict.projection.timers;
