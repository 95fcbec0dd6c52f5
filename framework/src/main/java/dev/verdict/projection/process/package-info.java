/**
 * Process managers on NATS: {@link dev.verdict.projection.process.ProcessProjection} runs a pure {@link
 * dev.verdict.decider.Process} as a projection, keeps its state and checkpoint in NATS KV, and sends its commands
 * with ids derived from the triggering event through a {@link dev.verdict.projection.process.CommandSender}.
 */
package dev.verdict.projection.process;
