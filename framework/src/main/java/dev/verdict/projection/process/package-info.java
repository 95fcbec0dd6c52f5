/**
 * Process managers: {@link dev.verdict.projection.process.ProcessProjection} runs a pure {@link
 * dev.verdict.decider.ProcessManager} as a projection, keeps its checkpoints and per-instance states in a {@link
 * dev.verdict.store.ProcessStates} store (NATS KV or the test kit's memory), and sends its commands with ids derived
 * from the triggering event through a {@link dev.verdict.projection.process.CommandSender}.
 */
package dev.verdict.projection.process;
