package dev.verdict.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.Partition;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.testing.nats.NatsServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Owner-routed decisions over several entities on a real nats-server: a decision is decided on the owner of the first
 * entity it reads, and stays correct while the second entity is owned – and written – by another instance.
 */
class RoutedMultiEntityTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    /** Many partitions, so that two instances taking over from a third each get some. */
    private static final int PARTITIONS = 16;

    private static final int NO_LIMIT = Integer.MAX_VALUE;
    private static final int SENDS = 20;

    private final List<RoutedInstance> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() throws Exception {
        for (RoutedInstance i : instances) {
            i.close();
        }
    }

    private RoutedInstance start(String store) throws Exception {
        RoutedInstance i = new RoutedInstance(
                java.net.URI.create(NATS.server().url()).getPort(),
                store,
                PARTITIONS,
                Duration.ofSeconds(30)); // a slow owner (a loaded machine, a queue of commands on y) is no dead one
        instances.add(i);
        return i;
    }

    @Test
    void aDecisionOverTwoEntitiesIsDecidedByTheOwnerOfTheFirstAndStaysCorrectWhileTheSecondIsWrittenByItsOwner()
            throws Exception {
        // the first instance owns every partition; when it leaves, the other two take them over and balance them:
        // each owns 8 (docs/scaling.md, "Balancing"), so x and y can be owned by different instances
        RoutedInstance first = start("routedmulti");
        waitUntil(Duration.ofSeconds(10), () -> IntStream.range(0, PARTITIONS).allMatch(first::owns));
        RoutedInstance b = start("routedmulti");
        RoutedInstance c = start("routedmulti");
        first.close();
        instances.remove(first);
        waitUntil(
                Duration.ofSeconds(60), // the hand-overs, one per failoverAfter/2, on a machine at load 20-40
                () -> IntStream.range(0, PARTITIONS).allMatch(p -> b.owns(p) != c.owns(p))
                        && IntStream.range(0, PARTITIONS).filter(b::owns).count() == PARTITIONS / 2);
        String x = idOwnedBy(b, c); // routes the decisions: decided on b
        String y = idOwnedBy(c, b); // read and written by the decisions too, owned by c
        CountBothTally both = new CountBothTally(x, y);
        assertThat(b.pairs.routedBy(both.command(NO_LIMIT))).isEqualTo(EntityRef.of("tally", x));

        // both instances send decisions over x and y, and single commands on y (decided on c) at the same time
        Map<String, CompletableFuture<? extends Outcome<?, ?>>> decisions = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<? extends Outcome<?, ?>>> singles = new ConcurrentHashMap<>();
        for (int n = 0; n < SENDS; n++) {
            for (RoutedInstance i : List.of(b, c)) {
                CommandContext d = CommandContext.create();
                decisions.put(d.commandId(), i.pairs.handleAsync(both.command(NO_LIMIT), d));
                CommandContext s = CommandContext.create();
                singles.put(s.commandId(), i.tallies.handleAsync(y, new Tally.Count(NO_LIMIT), s));
            }
        }
        List<CompletableFuture<?>> all = new ArrayList<>(decisions.values());
        all.addAll(singles.values());
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(all)
                .allSatisfy(
                        f -> assertThat(((Outcome<?, ?>) f.join()).isAccepted()).isTrue());
        List<RecordedEvent> onX = b.store.readAll(EntityRef.of("tally", x), ReadRange.all());
        List<RecordedEvent> onY = b.store.readAll(EntityRef.of("tally", y), ReadRange.all());
        assertThat(onX.stream().map(RecordedEvent::commandId)).containsExactlyInAnyOrderElementsOf(decisions.keySet());
        List<String> expectedOnY = new ArrayList<>(decisions.keySet());
        expectedOnY.addAll(singles.keySet());
        assertThat(onY.stream().map(RecordedEvent::commandId)).containsExactlyInAnyOrderElementsOf(expectedOnY);
        assertThat(numbers(onX)).isEqualTo(oneTo(2 * SENDS));
        assertThat(numbers(onY)).isEqualTo(oneTo(4 * SENDS));
        // each instance decided or forwarded each of its commands once; c's decisions were forwarded (to x's owner)
        for (RoutedInstance i : List.of(b, c)) {
            RoutingCounts n = i.routing.counts();
            assertThat(n.local() + n.forwarded() + n.decidedWithoutOwner()).isEqualTo(2 * SENDS);
            assertThat(n.decidedWithoutOwner()).isZero();
        }
        assertThat(c.routing.counts().forwarded()).isPositive();
        assertThat(b.routing.counts().served()).isPositive();

        // now, ownership settled: a decision sent by the instance not owning x is decided by x's owner
        waitUntil(Duration.ofSeconds(15), () -> IntStream.range(0, PARTITIONS).allMatch(p -> b.owns(p) != c.owns(p)));
        int px = Partition.of(EntityRef.of("tally", x), PARTITIONS).index();
        RoutedInstance owner = b.owns(px) ? b : c;
        RoutedInstance sender = owner == b ? c : b;
        RoutingCounts ownerBefore = owner.routing.counts();
        RoutingCounts senderBefore = sender.routing.counts();
        // a refusal decided on the owner arrives with its code and the combined state
        Outcome<TallyPair, Tally.Event> full = sender.pairs.handle(both.command(4 * SENDS), CommandContext.create());
        assertThat(full).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.rejection()).isInstanceOf(ForwardedRejection.class);
            assertThat(r.rejection().code()).isEqualTo("tally.full");
        });
        assertThat(full.state()).isEqualTo(new TallyPair(Map.of(x, 2 * SENDS, y, 4 * SENDS)));
        assertThat(full.versionOf(EntityRef.of("tally", y)))
                .isEqualTo(onY.get(onY.size() - 1).sequence());
        // an accepted one arrives with its events on both entities and their sequences
        Outcome<TallyPair, Tally.Event> accepted = sender.pairs.handle(both.command(NO_LIMIT), CommandContext.create());
        assertThat(accepted).isInstanceOfSatisfying(Outcome.Accepted.class, a -> {
            assertThat(a.duplicate()).isFalse();
            assertThat(a.events())
                    .extracting(e -> ((dev.verdict.runtime.AppendedEvent<?>) e).event())
                    .containsExactly(new Tally.Counted(2 * SENDS + 1), new Tally.Counted(4 * SENDS + 1));
        });
        List<RecordedEvent> onXAfter = b.store.readAll(EntityRef.of("tally", x), ReadRange.all());
        assertThat(accepted.versionOf(EntityRef.of("tally", x)))
                .isEqualTo(onXAfter.get(onXAfter.size() - 1).sequence());
        // both were forwarded to x's owner and served there: balanced ownership stays put (docs/scaling.md)
        RoutingCounts senderAfter = sender.routing.counts();
        assertThat(senderAfter.forwarded() - senderBefore.forwarded()).isEqualTo(2);
        assertThat(senderAfter.local()).isEqualTo(senderBefore.local());
        assertThat(owner.routing.counts().served() - ownerBefore.served()).isEqualTo(2);
        assertThat(senderAfter.decidedWithoutOwner()).isEqualTo(senderBefore.decidedWithoutOwner());
    }

    private static List<Integer> oneTo(int n) {
        return IntStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
    }

    /** The tally numbers stored on one entity, in stream order: 1, 2, 3… when none is lost or counted twice. */
    private static List<Integer> numbers(List<RecordedEvent> events) {
        return events.stream()
                .map(e -> ((Tally.Counted) Tally.REGISTRATION.eventCodec().decode(e.event())).number())
                .collect(Collectors.toList());
    }

    /** An id whose partition {@code owner} owns and {@code other} does not. */
    private static String idOwnedBy(RoutedInstance owner, RoutedInstance other) {
        Optional<String> id = IntStream.range(0, 1000)
                .mapToObj(n -> "t-" + n)
                .filter(n -> {
                    int p = Partition.of(EntityRef.of("tally", n), PARTITIONS).index();
                    return owner.owns(p) && !other.owns(p);
                })
                .findFirst();
        assertThat(id)
                .as("an instance that owns none of the %s partitions", PARTITIONS)
                .isPresent();
        return id.get();
    }

    private record CountBothTally(String first, String second) {
        TallyPair.CountBoth command(int limit) {
            return new TallyPair.CountBoth(first, second, limit);
        }
    }

    private static void waitUntil(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + limit);
            }
            Thread.sleep(20);
        }
    }
}
