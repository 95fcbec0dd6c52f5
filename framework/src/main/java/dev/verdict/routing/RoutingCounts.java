package dev.verdict.routing;

/**
 * What one instance's {@link CommandRouting} did with commands since it started.
 *
 * @param local commands of partitions this instance owned, decided here
 * @param forwarded commands forwarded to another instance and answered by it
 * @param served commands other instances forwarded to this one
 * @param decidedWithoutOwner commands decided here because no owner answered within the take-over bound
 */
public record RoutingCounts(long local, long forwarded, long served, long decidedWithoutOwner) {}
