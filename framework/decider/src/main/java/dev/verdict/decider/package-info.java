/**
 * The pure model: {@link dev.verdict.decider.Decider} (commands to events), {@link dev.verdict.decider.View} (events
 * to a read model's state) and {@link dev.verdict.decider.ProcessManager} (events to commands, per
 * instance), with their combinators and
 * {@link dev.verdict.decider.DomainRejection}. JDK only: nothing here knows NATS, storage or threads, so everything
 * here is tested with the test kit's specs and laws, without a server.
 */
package dev.verdict.decider;
