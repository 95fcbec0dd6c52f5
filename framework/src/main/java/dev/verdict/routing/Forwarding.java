package dev.verdict.routing;

import dev.verdict.runtime.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends one command to the owner of a partition until it answers – the loop {@link RoutedEntity} and {@link
 * RoutedMultiEntity} share: no answer (no owner during a take-over, or one that died with the command) is sent again
 * every {@link #RETRY_PAUSE_MILLIS} to the partition's subject until {@code giveUpAt}, then the command is decided here;
 * an owner that does not route the command's category answers so and the command is decided here as well; an owner
 * whose runtime failed fails the future with {@link RoutedCommandFailed}. The command id inside the request makes every
 * re-send harmless.
 */
final class Forwarding<S, E> {
    /** The pause before a command nobody answered is sent again. */
    static final long RETRY_PAUSE_MILLIS = 50;

    private final CommandRouting routing;
    private final int partition;
    private final byte[] request;
    private final long giveUpAt;
    private final Function<byte[], RouteWire.Reply<S, E>> readReply;
    private final Supplier<CompletableFuture<Outcome<S, E>>> decideHere;
    private final String failed;

    /**
     * @param failed how a failure of the owner's runtime starts ("the owner of … failed to decide command …")
     * @param decideHere decides the command on this instance (the same command id)
     */
    Forwarding(
            CommandRouting routing,
            int partition,
            byte[] request,
            Function<byte[], RouteWire.Reply<S, E>> readReply,
            Supplier<CompletableFuture<Outcome<S, E>>> decideHere,
            String failed) {
        this.routing = routing;
        this.partition = partition;
        this.request = request;
        this.readReply = readReply;
        this.decideHere = decideHere;
        this.failed = failed;
        this.giveUpAt = System.nanoTime()
                + routing.ownership().takeOverBound().toNanos()
                + routing.requestTimeout().toNanos();
    }

    /** Sends the command; the future completes with the owner's outcome, or this instance's. */
    CompletableFuture<Outcome<S, E>> send() {
        if (routing.ownership().owns(partition)) { // taken over by this instance meanwhile
            routing.local.increment();
            return decideHere.get();
        }
        return routing.ownership()
                .forward(partition, request, routing.requestTimeout())
                .thenCompose(reply -> {
                    if (reply.isPresent()) {
                        RouteWire.Reply<S, E> r = readReply.apply(reply.get());
                        if (r.outcome().isPresent()) {
                            routing.forwarded.increment();
                            return CompletableFuture.completedFuture(r.outcome().get());
                        }
                        if (r.failure().orElseThrow() == RouteWire.Failure.FAILED) {
                            return CompletableFuture.failedFuture(new RoutedCommandFailed(failed + ": " + r.message()));
                        }
                        // the owner does not route this category (yet): decide here, OCC keeps it correct
                    } else if (System.nanoTime() - giveUpAt < 0) {
                        // no owner now (a take-over under way) or it died with the command: ask the partition again
                        return CompletableFuture.runAsync(
                                        () -> {},
                                        CompletableFuture.delayedExecutor(RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS))
                                .thenCompose(x -> send());
                    }
                    routing.decidedWithoutOwner.increment();
                    return decideHere.get();
                });
    }
}
