/**
 * Owner-routed commands (opt-in): each entity's commands are decided on the instance that owns the entity's partition
 * – the same {@code Partition.of} as partitioned projections – and the other instances forward them to it over
 * request/reply; a decision over several entities ({@link dev.verdict.routing.RoutedMultiEntity}) on the owner of the
 * first entity it reads. {@link dev.verdict.routing.CommandRouting} is the entry point; {@link
 * dev.verdict.routing.PartitionOwnership} the port to the messaging system (on NATS {@code
 * dev.verdict.nats.NatsPartitionOwnership}). A layer on the runtime's public API: no NATS type here. docs/scaling.md.
 */
package dev.verdict.routing;
